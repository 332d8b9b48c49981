import { formatRetry } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import { refusalMessage, refusalTable, type RefusalEntry, type RefusalMessage } from '../platform/refusal-messages';
import type { SignOffResult } from './signoffs';

/** The public sign-off form has one field people type: the household code. */
export type SignoffField = 'code';

const SIGNOFF_REFUSALS = refusalTable<SignoffField>({
  code_is_unknown: ['code', () => m.signoff_error_unknown()],
  household_is_not_a_representative: ['code', () => m.signoff_error_not_representative()],
  signoffs_are_not_asked: ['code', () => m.signoff_error_not_asked()],
  acceptance_is_not_recorded: ['code', () => m.signoff_error_not_recorded()],
  project_is_closed: ['code', () => m.signoff_error_closed()],
  project_not_found: ['code', () => m.signoff_error_not_recorded()]
});

const SIGNOFF_REFUSED: RefusalEntry<SignoffField> = ['code', () => m.signoff_error_unknown()];

/** A refused sign-off on the page; too many wrong codes names the time the visitor may try again. */
export function signoffRefusalOf(
  refusal: Extract<SignOffResult, { ok: false }>,
  now: Date,
  locale: Locale
): RefusalMessage<SignoffField> {
  if (refusal.code === 'code_is_throttled') {
    const retry = formatRetry(refusal.retryAt, now, locale);
    return { field: 'code', message: m.signoff_error_throttled({ time: retry.time, minutes: String(retry.minutes) }) };
  }
  return refusalMessage(SIGNOFF_REFUSALS, refusal.code, SIGNOFF_REFUSED);
}
