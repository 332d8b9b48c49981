import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry } from '../../platform/refusal-messages';
import { BANK_FILE_LINES_MAX } from './statement-file';

/** The fields of the bank pages' forms, and `form` for what concerns the whole form. */
export type BankField = 'file' | 'name' | 'accountCode' | 'posting' | 'note' | 'date' | 'form';

/** What the bank pages say for each refusal of the bank use cases. */
export const BANK_REFUSALS = refusalTable<BankField>({
  bank_file_is_empty: ['file', () => m.bank_error_file_empty()],
  bank_file_must_not_exceed_10_mb: ['file', () => m.bank_error_file_size()],
  bank_file_must_have_at_most_100000_lines: [
    'file',
    () => m.bank_error_file_lines({ max: BANK_FILE_LINES_MAX.toLocaleString('en') })
  ],
  bank_file_must_be_csv_or_xlsx: ['file', () => m.bank_error_file_type()],
  bank_file_must_be_utf8_or_gbk: ['file', () => m.bank_error_file_encoding()],
  bank_file_cannot_be_read: ['file', () => m.bank_error_file_unreadable()],
  bank_file_has_no_lines: ['file', () => m.bank_error_file_no_lines()],
  bank_account_not_found: ['form', () => m.bank_error_account_not_found()],
  bank_account_name_is_required: ['name', () => m.bank_error_name()],
  bank_account_name_must_be_short: ['name', () => m.bank_error_name()],
  bank_ledger_account_must_be_a_bank_account: ['accountCode', () => m.bank_error_ledger_account()],
  bank_ledger_account_is_taken: ['accountCode', () => m.bank_error_ledger_account_taken()],
  bank_line_not_found: ['form', () => m.bank_error_line_not_found()],
  bank_posting_not_found: ['posting', () => m.bank_error_posting_not_found()],
  bank_line_is_matched_or_explained: ['form', () => m.bank_error_line_taken()],
  bank_posting_is_already_matched: ['posting', () => m.bank_error_posting_taken()],
  bank_posting_must_fit_the_line: ['posting', () => m.bank_error_posting_fit()],
  bank_line_is_in_a_reconciled_period: ['form', () => m.bank_error_line_reconciled()],
  bank_explanation_is_required: ['note', () => m.bank_error_note()],
  bank_explanation_must_be_short: ['note', () => m.bank_error_note()],
  bank_period_is_already_reconciled: ['date', () => m.bank_error_period_reconciled()],
  bank_statement_does_not_reach_the_date: ['date', () => m.bank_error_statement_short()],
  bank_lines_must_be_matched_or_explained: ['date', () => m.bank_error_lines_open()],
  bank_adjusted_balances_must_agree: ['date', () => m.bank_error_balances_differ()],
  not_allowed: ['form', () => m.bank_error_not_allowed()]
});

/** Any other refusal. */
export const BANK_REFUSED: RefusalEntry<BankField> = ['form', () => m.bank_error_refused()];

/**
 * The sentence for a refused import, with the row or the columns it names: a line the bank's file
 * numbers as row 12 is "第 12 行" whatever the code.
 */
export function importRefusalMessage(failure: { code: string; row?: number; missing?: readonly string[] }): string {
  const names = (failure.missing ?? []).map((field) => columnName(field)).join('、');
  switch (failure.code) {
    case 'bank_columns_are_missing':
      return m.bank_error_columns_missing({ columns: names });
    case 'bank_balance_must_follow_from_lines':
      return m.bank_error_balance({ row: String(failure.row ?? '') });
    case 'bank_date_must_be_a_date':
      return m.bank_error_line_date({ row: String(failure.row ?? '') });
    case 'bank_amount_must_be_a_number':
    case 'bank_amount_must_not_be_zero':
    case 'bank_line_must_have_one_amount':
      return m.bank_error_line_amount({ row: String(failure.row ?? '') });
    case 'bank_balance_must_be_a_number':
      return m.bank_error_line_balance({ row: String(failure.row ?? '') });
    default:
      return (BANK_REFUSALS.get(failure.code) ?? BANK_REFUSED)[1]();
  }
}

/** A mapping field's name as the mapping form labels it. */
export function columnName(field: string): string {
  const names = new Map<string, () => string>([
    ['date', () => m.bank_column_date()],
    ['amount', () => m.bank_column_amount()],
    ['debit', () => m.bank_column_debit()],
    ['credit', () => m.bank_column_credit()],
    ['balance', () => m.bank_column_balance()],
    ['counterparty', () => m.bank_column_counterparty()],
    ['description', () => m.bank_column_description()],
    ['serial', () => m.bank_column_serial()]
  ]);
  return (names.get(field) ?? (() => field))();
}
