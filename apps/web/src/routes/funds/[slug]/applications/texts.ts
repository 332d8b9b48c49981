import { m } from '$lib/paraglide/messages';

/**
 * The words of the application pages for the codes the server sends: steps, what is missing and
 * the refusals of each field. Statuses and timeline events are named in $lib/application-texts.
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

const errorTexts: Record<string, () => string> = {
  title_is_required: () => m.application_error_title_required(),
  title_must_be_short: () => m.application_error_title_short(),
  category_not_in_policy: () => m.application_error_category(),
  category_is_required: () => m.application_error_category_required(),
  description_must_be_short: () => m.application_error_description_short(),
  location_must_be_short: () => m.application_error_location_short(),
  item_is_required: () => m.application_error_item_required(),
  item_must_be_short: () => m.application_error_item_short(),
  quantity_must_be_a_number: () => m.application_error_quantity(),
  quantity_must_be_positive: () => m.application_error_quantity(),
  quantity_must_have_at_most_two_decimals: () => m.application_error_two_decimals(),
  quantity_must_not_exceed_limit: () => m.application_error_quantity_limit(),
  unit_price_must_be_a_number: () => m.application_error_unit_price(),
  unit_price_must_have_at_most_two_decimals: () => m.application_error_two_decimals(),
  unit_price_must_not_exceed_limit: () => m.application_error_amount_limit(),
  line_amount_must_not_exceed_limit: () => m.application_error_amount_limit(),
  budget_needs_a_line: () => m.application_error_budget_needs_a_line(),
  too_many_budget_lines: () => m.application_error_too_many_lines(),
  budget_total_must_not_exceed_limit: () => m.application_error_amount_limit(),
  requested_ratio_must_be_a_fraction: () => m.application_error_ratio(),
  requested_ratio_outside_policy_band: () => m.application_error_ratio_band(),
  requested_ratio_needs_a_reason: () => m.application_error_reason_required(),
  reason_must_be_short: () => m.application_error_reason_short(),
  households_must_be_a_whole_number: () => m.application_error_households(),
  households_exceed_compound: () => m.application_error_households_exceed(),
  self_raise_target_must_be_an_amount: () => m.application_error_target(),
  self_raise_target_is_required: () => m.application_error_target_required(),
  date_must_be_valid: () => m.application_error_date(),
  date_must_not_be_in_the_future: () => m.application_error_date_future(),
  count_must_be_a_whole_number: () => m.application_error_count(),
  households_total_must_be_positive: () => m.application_error_total_positive(),
  present_must_not_exceed_total: () => m.application_error_present_exceeds(),
  agreeing_must_not_exceed_present: () => m.application_error_agreeing_exceeds(),
  too_many_quotes: () => m.application_error_too_many_quotes(),
  quote_is_required: () => m.application_error_quote_required(),
  attachment_must_be_pdf_jpeg_or_png: () => m.attachment_error_type(),
  attachment_must_not_exceed_10_mb: () => m.attachment_error_size(),
  application_is_not_editable: () => m.application_error_not_editable(),
  application_not_found: () => m.application_error_not_found(),
  not_allowed: () => m.application_error_not_allowed(),
  confirm_required: () => m.application_error_confirm(),
  refused: () => m.application_error_refused(),
  fund_has_no_policy: () => m.application_error_no_policy(),
  compound_not_in_fund: () => m.application_error_not_allowed()
};

/** A refusal's text; an unknown code reads as the form's general refusal. */
export function errorText(code: string): string {
  return (errorTexts[code] ?? (() => m.application_error_invalid()))();
}
