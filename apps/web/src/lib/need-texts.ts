import type { NeedSource, NeedStatus } from '@gongjian/ledger';
import { localized } from './i18n';
import type { Locale } from './paraglide/runtime';
import { m } from './paraglide/messages';

/** The needs list's words in the reader's language: statuses, sources, steps and categories. */

const STATUSES: Record<NeedStatus, () => string> = {
  raised: m.needs_status_raised,
  accepted: m.needs_status_accepted,
  merged: m.needs_status_merged,
  declined: m.needs_status_declined,
  spam: m.needs_status_spam,
  in_list: m.needs_status_in_list,
  done: m.needs_status_done
};

const SOURCES: Record<NeedSource, () => string> = {
  online: m.needs_source_online,
  paper: m.needs_source_paper,
  meeting: m.needs_source_meeting,
  visit: m.needs_source_visit
};

const STEPS: ReadonlyMap<string, () => string> = new Map([
  ['raised', m.needs_step_raised],
  ['reached_office', m.needs_step_reached_office],
  ['accepted', m.needs_step_accepted],
  ['merged', m.needs_step_merged],
  ['declined', m.needs_step_declined],
  ['spam', m.needs_step_spam],
  ['in_list', m.needs_step_in_list],
  ['done', m.needs_step_done],
  ['reopened', m.needs_step_reopened]
]);

export function needStatusName(status: NeedStatus): string {
  return STATUSES[status]();
}

export function needSourceName(source: NeedSource): string {
  return SOURCES[source]();
}

export function needStepName(kind: string): string {
  return STEPS.get(kind)?.() ?? kind;
}

/** A category as the policy names it, `other` in words, or its key when the policy no longer names it. */
export function needCategoryName(
  locale: Locale,
  key: string,
  categories: readonly { key: string; label: { zh: string; en: string } | null }[]
): string {
  if (key === 'other') return m.needs_category_other();
  const label = categories.find((category) => category.key === key)?.label ?? null;
  return label === null ? key : localized(locale, label);
}
