import { m } from '$lib/paraglide/messages';

/**
 * The words of the application pages for the codes the server sends: steps and what is missing.
 * Refusals arrive as sentences (lib/server/grants/application-refusals.ts); statuses and timeline
 * events are named in $lib/application-texts.
 */

export const STEP_KEYS = ['basics', 'budget', 'match', 'selfraise', 'meeting', 'quotes', 'review'] as const;
export type StepKey = (typeof STEP_KEYS)[number];

export const stepNames: { readonly [S in StepKey]: () => string } = {
  basics: () => m.application_step_basics(),
  budget: () => m.application_step_budget(),
  match: () => m.application_step_match(),
  selfraise: () => m.application_step_selfraise(),
  meeting: () => m.application_step_meeting(),
  quotes: () => m.application_step_quotes(),
  review: () => m.application_step_review()
};

const missingNames: Record<string, () => string> = {
  title: () => m.application_missing_title(),
  category: () => m.application_missing_category(),
  budget: () => m.application_missing_budget(),
  requested_ratio: () => m.application_missing_requested_ratio(),
  self_raise_plan: () => m.application_missing_self_raise_plan(),
  owners_meeting: () => m.application_missing_owners_meeting(),
  owners_consent: () => m.application_missing_owners_consent(),
  match: () => m.application_missing_match()
};

/** The step where a missing part is filled in. */
export const missingStep: Record<string, StepKey> = {
  title: 'basics',
  category: 'basics',
  budget: 'budget',
  requested_ratio: 'match',
  self_raise_plan: 'selfraise',
  owners_meeting: 'meeting',
  owners_consent: 'meeting',
  match: 'match'
};

export function missingName(part: string): string {
  return (missingNames[part] ?? (() => part))();
}
