import { statusName } from '$lib/application-texts';
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
import type { ExpenseFailure } from './expenses';

/** The fields of the expense form, and `form` for what concerns the whole form. */
export type ExpenseField = 'lineNo' | 'supplier' | 'invoiceNo' | 'invoiceDate' | 'amount' | 'attachment' | 'form';

/** What the expenses page says for each refusal of recordExpense. */
export const EXPENSE_REFUSALS = refusalTable<ExpenseField>(
  amountRefusals('amount', '3500.00'),
  dateRefusals('invoiceDate', () => m.expense_date_what()),
  {
    expense_must_be_positive: ['amount', () => m.amount_error_positive()],
    supplier_is_required: ['supplier', () => m.expense_error_supplier()],
    supplier_must_be_short: ['supplier', () => m.expense_error_supplier()],
    invoice_no_must_be_short: ['invoiceNo', () => m.expense_error_invoice_no()],
    budget_line_not_found: ['lineNo', () => m.expense_error_line()],
    form_was_already_used_for_something_else: ['form', () => m.expense_error_form_used()],
    project_is_closed: ['form', () => m.expense_error_closed()],
    not_allowed: ['form', () => m.expense_error_not_allowed()]
  }
);

/** Any other refusal (the project is gone, the books refused the entry): said in general words. */
export const EXPENSE_REFUSED: RefusalEntry<ExpenseField> = ['form', () => m.expense_error_refused()];

/**
 * An expense's refusal on the page. Two refusals name a figure of their own (the money available,
 * or the project's state), so they are said here with it; every other code is the table's.
 */
export function expenseRefusalOf(failure: ExpenseFailure, locale: Locale): RefusalMessage<ExpenseField> {
  if (failure.code === 'expense_exceeds_money_received') {
    const available = formatMoney(failure.available, locale);
    return { field: 'amount', message: m.expense_error_exceeds_money_received({ available }) };
  }
  if (failure.code === 'project_state_does_not_allow_it') {
    return { field: 'form', message: m.expense_error_state({ status: statusName(failure.status) }) };
  }
  return refusalMessage(EXPENSE_REFUSALS, failure.code, EXPENSE_REFUSED);
}
