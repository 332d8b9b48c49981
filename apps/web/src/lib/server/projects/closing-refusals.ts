import { formatMoney } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import { refusalMessage, refusalTable, type RefusalEntry, type RefusalMessage } from '../platform/refusal-messages';

/** The close page's fields: the cancellation's reason, and `form` for everything else. */
export type ClosingField = 'reason' | 'form';

/** Any other refusal (the books refused an entry): nothing was changed, said in general words. */
export const CLOSING_REFUSED: RefusalEntry<ClosingField> = ['form', () => m.closing_error_refused()];

/**
 * What the close page says for each refusal of the plan, the close and the cancellation. Most name
 * the figure that stops them (what is outstanding or short, as money, or the payouts waiting, as a
 * count), so the table is made for the refusal at hand.
 */
export function closingRefusals(figure: string | null, locale: Locale) {
  const amount = figure !== null && /^-?\d+(\.\d+)?$/.test(figure) ? formatMoney(figure, locale) : '';
  return refusalTable<ClosingField>({
    project_is_not_accepted: ['form', () => m.closing_error_not_accepted()],
    final_tranche_is_not_paid: ['form', () => m.closing_error_final_tranche({ amount })],
    self_raised_is_short: ['form', () => m.closing_error_self_raised_short({ amount })],
    expenses_are_short_of_the_accepted_cost: ['form', () => m.closing_error_expenses_short({ amount })],
    project_has_spending: ['form', () => m.closing_error_has_spending({ amount })],
    refund_has_no_payers: ['form', () => m.closing_error_no_payers()],
    payouts_are_waiting: ['form', () => m.closing_error_payouts_waiting({ count: figure ?? '' })],
    cancel_needs_a_reason: ['reason', () => m.closing_error_reason()],
    reason_must_be_short: ['reason', () => m.closing_error_reason_short()],
    transition_not_allowed: ['form', () => m.closing_error_state()],
    project_is_already_ended: ['form', () => m.closing_error_ended()],
    not_allowed: ['form', () => m.closing_error_not_allowed()]
  });
}

/** A refusal of the plan, the close or the cancellation, with its figure, on the page. */
export function closingRefusalOf(
  failure: { code: string; figure?: string | null },
  locale: Locale
): RefusalMessage<ClosingField> {
  return refusalMessage(closingRefusals(failure.figure ?? null, locale), failure.code, CLOSING_REFUSED);
}
