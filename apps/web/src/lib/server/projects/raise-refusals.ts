import { formatMoney } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import {
  amountRefusals,
  dateRefusals,
  refusalMessage,
  refusalTable,
  type RefusalEntry,
  type RefusalMessage
} from '../platform/refusal-messages';
import type { SelfRaiseResult } from './self-raising';

/** The fields of the self-raised payment form, and `form` for what concerns the whole form. */
export type RaiseField = 'householdId' | 'amount' | 'date' | 'method' | 'receipt' | 'form';

/** What the raise page says for each refusal of recordSelfRaisedPayment and of the receipt's upload. */
export const RAISE_REFUSALS = refusalTable<RaiseField>(
  amountRefusals('amount', '100.00'),
  dateRefusals('date', () => m.raise_date_what()),
  {
    household_must_be_in_compound: ['householdId', () => m.raise_error_household()],
    attachment_must_be_pdf_jpeg_or_png: ['receipt', () => m.attachment_error_type()],
    attachment_must_not_exceed_10_mb: ['receipt', () => m.attachment_error_size()],
    form_was_already_used_for_something_else: ['form', () => m.raise_error_form_used()],
    // Refused for the project's state under the lock (a role taken away is answered by the route).
    not_allowed: ['form', () => m.raise_error_state()]
  }
);

/** Any other refusal (the books refused the entry): said in general words. */
export const RAISE_REFUSED: RefusalEntry<RaiseField> = ['form', () => m.raise_error_refused()];

/**
 * A payment's refusal on the page. A payment beyond the target names what may still be paid, so it
 * is said here with that figure; every other code is the table's.
 */
export function raiseRefusalOf(
  failure: Extract<SelfRaiseResult, { ok: false }> | { ok: false; code: string },
  locale: Locale
): RefusalMessage<RaiseField> {
  if ('remaining' in failure && failure.code === 'payment_exceeds_target') {
    return {
      field: 'amount',
      message: m.raise_error_exceeds_target({ remaining: formatMoney(failure.remaining, locale) })
    };
  }
  return refusalMessage(RAISE_REFUSALS, failure.code, RAISE_REFUSED);
}
