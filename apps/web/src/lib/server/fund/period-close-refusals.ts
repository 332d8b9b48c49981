import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry } from '../platform/refusal-messages';

/** The fields of the period-close forms, and `form` for what concerns the whole form. */
export type PeriodField = 'month' | 'confirm' | 'form';

/** What the period-close forms say for each refusal of closeMonth and closeYear. */
export const PERIOD_CLOSE_REFUSALS = refusalTable<PeriodField>({
  month_must_be_valid: ['month', () => m.period_error_month()],
  month_is_already_closed: ['month', () => m.period_error_already_closed()],
  month_has_not_ended: ['month', () => m.period_error_not_ended()],
  month_must_follow_the_last_close: ['month', () => m.period_error_out_of_order()],
  year_must_be_valid: ['form', () => m.period_error_invalid()],
  year_is_already_closed: ['form', () => m.period_error_year_already_closed()],
  year_needs_december_closed: ['form', () => m.period_error_year_needs_december()],
  form_was_already_used_for_something_else: ['form', () => m.period_error_form_used()],
  closing_entry_was_refused: ['form', () => m.period_error_refused()]
});

/** Any other refusal: the books refused the close for a reason the form cannot correct. */
export const PERIOD_CLOSE_REFUSED: RefusalEntry<PeriodField> = ['form', () => m.period_error_refused()];
