import { m } from '$lib/paraglide/messages';
import { amountRefusals, dateRefusals, refusalTable, type RefusalEntry } from '../platform/refusal-messages';

/** The fields of the money-in and pledge forms, and `form` for what concerns the whole form. */
export type MoneyInField = 'date' | 'amount' | 'method' | 'memo' | 'payer' | 'unitId' | 'attachment' | 'form';

/** What the money-in forms say for each refusal of recordMoneyIn and recordPledge. */
export const MONEY_IN_REFUSALS = refusalTable<MoneyInField>(
  amountRefusals('amount', '9090.91'),
  dateRefusals('date', () => m.money_date_what()),
  {
    memo_must_be_short: ['memo', () => m.money_error_memo()],
    payer_must_be_short: ['payer', () => m.money_error_payer()],
    payer_is_required: ['payer', () => m.money_error_payer()],
    unit_must_belong_to_fund: ['unitId', () => m.money_error_unit()],
    unit_code_cannot_name_an_account: ['unitId', () => m.money_error_unit()],
    attachment_must_be_pdf_jpeg_or_png: ['attachment', () => m.attachment_error_type()],
    attachment_must_not_exceed_10_mb: ['attachment', () => m.attachment_error_size()],
    form_was_already_used_for_something_else: ['form', () => m.money_error_form_used()]
  }
);

/** Any other refusal: the books refused the entry for a reason the form cannot correct. */
export const MONEY_IN_REFUSED: RefusalEntry<MoneyInField> = ['form', () => m.money_error_refused()];
