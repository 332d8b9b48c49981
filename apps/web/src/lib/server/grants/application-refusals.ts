import { m } from '$lib/paraglide/messages';
import {
  amountRefusals,
  dateRefusals,
  refusalMessage,
  refusalTable,
  type RefusalEntry
} from '../platform/refusal-messages';

/**
 * Where an application refusal is shown: `field` is the field the use case names it under (a step
 * answers with its refusals keyed by field, budget rows as `<index>.<field>`), `form` the form as
 * a whole.
 */
export type ApplicationField = 'field' | 'form';

/** What the application pages say for each refusal of the draft, submit, withdraw and create use cases. */
export const APPLICATION_REFUSALS = refusalTable<ApplicationField>(
  // The self-raise target is the one amount the application reads by the shared amount rule; the
  // owners' meeting's day is its one date.
  amountRefusals('field', '2000.00'),
  dateRefusals('field', () => m.application_date_what()),
  {
    title_is_required: ['field', () => m.application_error_title_required()],
    title_must_be_short: ['field', () => m.application_error_title_short()],
    category_not_in_policy: ['field', () => m.application_error_category()],
    category_is_required: ['field', () => m.application_error_category_required()],
    description_must_be_short: ['field', () => m.application_error_description_short()],
    location_must_be_short: ['field', () => m.application_error_location_short()],
    item_is_required: ['field', () => m.application_error_item_required()],
    item_must_be_short: ['field', () => m.application_error_item_short()],
    quantity_must_be_a_number: ['field', () => m.application_error_quantity()],
    quantity_must_be_positive: ['field', () => m.application_error_quantity()],
    quantity_must_have_at_most_two_decimals: ['field', () => m.application_error_two_decimals()],
    quantity_must_not_exceed_limit: ['field', () => m.application_error_quantity_limit()],
    unit_price_must_be_a_number: ['field', () => m.application_error_unit_price()],
    unit_price_must_have_at_most_two_decimals: ['field', () => m.application_error_two_decimals()],
    unit_price_must_not_exceed_limit: ['field', () => m.application_error_amount_limit()],
    line_amount_must_not_exceed_limit: ['field', () => m.application_error_amount_limit()],
    budget_needs_a_line: ['field', () => m.application_error_budget_needs_a_line()],
    too_many_budget_lines: ['field', () => m.application_error_too_many_lines()],
    budget_total_must_not_exceed_limit: ['field', () => m.application_error_amount_limit()],
    requested_ratio_must_be_a_fraction: ['field', () => m.application_error_ratio()],
    requested_ratio_outside_policy_band: ['field', () => m.application_error_ratio_band()],
    requested_ratio_needs_a_reason: ['field', () => m.application_error_reason_required()],
    reason_must_be_short: ['field', () => m.application_error_reason_short()],
    households_must_be_a_whole_number: ['field', () => m.application_error_households()],
    households_exceed_compound: ['field', () => m.application_error_households_exceed()],
    self_raise_target_is_required: ['field', () => m.application_error_target_required()],
    count_must_be_a_whole_number: ['field', () => m.application_error_count()],
    households_total_must_be_positive: ['field', () => m.application_error_total_positive()],
    present_must_not_exceed_total: ['field', () => m.application_error_present_exceeds()],
    agreeing_must_not_exceed_present: ['field', () => m.application_error_agreeing_exceeds()],
    too_many_quotes: ['field', () => m.application_error_too_many_quotes()],
    quote_is_required: ['field', () => m.application_error_quote_required()],
    attachment_must_be_pdf_jpeg_or_png: ['field', () => m.attachment_error_type()],
    attachment_must_not_exceed_10_mb: ['field', () => m.attachment_error_size()],
    application_is_not_editable: ['form', () => m.application_error_not_editable()],
    application_not_found: ['form', () => m.application_error_not_found()],
    not_allowed: ['form', () => m.application_error_not_allowed()],
    confirm_required: ['form', () => m.application_error_confirm()],
    refused: ['form', () => m.application_error_refused()],
    fund_has_no_policy: ['form', () => m.application_error_no_policy()],
    compound_not_in_fund: ['form', () => m.application_error_not_allowed()],
    // A submission that lacks parts is refused in general words; the page lists what is missing.
    application_must_be_complete: ['form', () => m.application_error_refused()]
  }
);

/** Any other refusal: the form was not what the page sends. */
export const APPLICATION_REFUSED: RefusalEntry<ApplicationField> = ['form', () => m.application_error_invalid()];

/** A refusal's sentence, in the visitor's language. */
export function applicationRefusalText(code: string): string {
  return refusalMessage(APPLICATION_REFUSALS, code, APPLICATION_REFUSED).message;
}

/** A step's refusals, keyed as the use case keyed them, as sentences. */
export function applicationRefusalTexts(errors: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([key, code]) => [key, applicationRefusalText(code)]));
}
