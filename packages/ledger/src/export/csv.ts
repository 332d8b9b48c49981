import type { Account } from '../chart/account.js';
import type { Entry } from '../journal/types.js';

/** Spreadsheets read a leading byte-order mark as "this file is UTF-8", which Excel needs for Chinese. */
const BYTE_ORDER_MARK = '\uFEFF';
const NUMBER_PATTERN = /^-?\d+(?:\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Quotes one cell. A text cell that a spreadsheet would run as a formula (it starts with = + - @,
 * a tab or a carriage return) gets a leading apostrophe; plain numbers such as "-5.00" are left
 * as they are so that they stay numbers.
 */
function cell(value: string): string {
  const guarded = FORMULA_START.test(value) && !NUMBER_PATTERN.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** Writes rows as CSV (RFC 4180, CRLF line ends) in UTF-8 with a byte-order mark. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return BYTE_ORDER_MARK + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The journal as CSV, one row per posting. */
export function entriesToCsv(input: {
  readonly entries: readonly Entry[];
  readonly accounts?: Iterable<Account>;
}): string {
  const names = new Map([...(input.accounts ?? [])].map((account) => [account.code, account.name.zh]));
  const header = [
    'seq',
    'date',
    'entry_id',
    'voucher',
    'memo',
    'account',
    'account_name',
    'debit',
    'credit',
    'reverses',
    'hash'
  ];
  const rows = input.entries.flatMap((entry) =>
    entry.postings.map((posting) => [
      String(entry.seq),
      entry.date,
      entry.id,
      entry.references.voucherNumber ?? '',
      posting.memo ?? entry.memo,
      posting.account,
      names.get(posting.account) ?? '',
      posting.side === 'debit' ? posting.amount.toString() : '',
      posting.side === 'credit' ? posting.amount.toString() : '',
      entry.reverses ?? '',
      entry.hash
    ])
  );
  return toCsv([header, ...rows]);
}
