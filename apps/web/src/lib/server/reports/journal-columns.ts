import { entryVoucherNumber, toCsv, type Account, type Entry } from '@gongjian/ledger';
import { m } from '../../paraglide/messages';
import type { Locale } from '../../paraglide/runtime';
import type { Sql } from '../db/client';
import { xlsxWorkbook, type XlsxCell } from '../public/xlsx';

/**
 * The journal as an accountant opens it (CSV and XLSX): one row per posting, the columns in the
 * order a 记账凭证 reads (voucher number, date, 摘要, account, debit, credit), headed in the
 * reader's language, with every entry's voucher number (stored, or 记字第N号 from its seq), a
 * unit's or compound's sub-account by its name rather than its code, and in XLSX the day as a
 * real date cell and the amounts as numbers. Every CSV and XLSX download of the journal (the
 * public fund, project and period downloads, the auditor's package) is written here, so the
 * columns cannot drift between them. The machine-readable formats (JSON, hledger, Beancount)
 * keep their own, unchanged shape.
 */

export const JOURNAL_COLUMNS = [
  'voucher',
  'date',
  'seq',
  'memo',
  'account',
  'accountName',
  'debit',
  'credit',
  'reverses',
  'entryId',
  'hash'
] as const;

export type JournalColumn = (typeof JOURNAL_COLUMNS)[number];

/** Column widths in characters, for the XLSX sheet. */
const WIDTHS: Readonly<Record<JournalColumn, number>> = {
  voucher: 14,
  date: 12,
  seq: 8,
  memo: 40,
  account: 18,
  accountName: 30,
  debit: 14,
  credit: 14,
  reverses: 38,
  entryId: 38,
  hash: 66
};

/** The header texts of the journal's columns in one language (messages export_col_*). */
export function journalHeaders(locale: Locale): string[] {
  const options = { locale };
  const texts: Record<JournalColumn, string> = {
    voucher: m.export_col_voucher({}, options),
    date: m.export_col_date({}, options),
    seq: m.export_col_seq({}, options),
    memo: m.export_col_memo({}, options),
    account: m.export_col_account({}, options),
    accountName: m.export_col_account_name({}, options),
    debit: m.export_col_debit({}, options),
    credit: m.export_col_credit({}, options),
    reverses: m.export_col_reverses({}, options),
    entryId: m.export_col_entry_id({}, options),
    hash: m.export_col_hash({}, options)
  };
  return JOURNAL_COLUMNS.map((column) => texts[column]);
}

/** One posting of the journal as a row: text, a day, or a decimal string; null is an empty cell. */
export interface JournalRow {
  voucher: string;
  date: string;
  seq: number;
  memo: string;
  account: string;
  accountName: string;
  debit: string | null;
  credit: string | null;
  reverses: string | null;
  entryId: string;
  hash: string;
}

/** The rows of some entries, one per posting, in the entries' order. */
export function journalRowsOf(entries: readonly Entry[], labels: ReadonlyMap<string, string>): JournalRow[] {
  return entries.flatMap((entry) => {
    const voucher = entryVoucherNumber({ seq: entry.seq, voucherNumber: entry.references.voucherNumber ?? null });
    return entry.postings.map((posting) => ({
      voucher,
      date: entry.date,
      seq: entry.seq,
      memo: posting.memo ?? entry.memo,
      account: posting.account,
      accountName: labels.get(posting.account) ?? '',
      debit: posting.side === 'debit' ? posting.amount.toString() : null,
      credit: posting.side === 'credit' ? posting.amount.toString() : null,
      reverses: entry.reverses,
      entryId: entry.id,
      hash: entry.hash
    }));
  });
}

function csvCells(row: JournalRow): string[] {
  return JOURNAL_COLUMNS.map((column) => {
    const value = row[column];
    return value === null ? '' : String(value);
  });
}

/**
 * Rows as CSV through the ledger's writer (UTF-8 with a byte-order mark, CRLF, the formula
 * guard). With headers it is a whole file, or the first part of one; without, a later part of a
 * file written in batches: rows only, and no second byte-order mark.
 */
export function journalCsv(rows: readonly JournalRow[], headers: readonly string[] | null): string {
  if (headers !== null) return toCsv([headers, ...rows.map(csvCells)]);
  if (rows.length === 0) return '';
  return toCsv(rows.map(csvCells)).slice(1);
}

function xlsxCell(row: JournalRow, column: JournalColumn): XlsxCell {
  const value = row[column];
  if (value === null) return null;
  switch (column) {
    case 'date':
      return { date: String(value) };
    case 'seq':
    case 'debit':
    case 'credit':
      return { number: String(value) };
    default:
      return { text: String(value) };
  }
}

/** Bytes backed by a plain ArrayBuffer, which is what a Response body takes. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** The journal as a workbook of one sheet: the header row, then one row per posting. */
export function journalXlsx(input: {
  rows: readonly JournalRow[];
  headers: readonly string[];
  sheetName: string;
}): Bytes {
  const cells: XlsxCell[][] = [
    input.headers.map((text) => ({ text })),
    ...input.rows.map((row) => JOURNAL_COLUMNS.map((column) => xlsxCell(row, column)))
  ];
  const workbook = xlsxWorkbook({
    sheetName: input.sheetName,
    rows: cells,
    widths: JOURNAL_COLUMNS.map((column) => WIDTHS[column])
  });
  return new Uint8Array(workbook.buffer, workbook.byteOffset, workbook.byteLength) as Bytes;
}

/** The sub-account segments that name a unit (U-<code>) or a compound (C-<code>). */
const NAMED_SEGMENT = /^([UC])-([0-9A-Za-z][0-9A-Za-z-]*)$/;

/**
 * An account's name in one language, with a unit's or compound's code replaced by its name: the
 * books open a unit's sub-account as "限定性捐赠收入—U-school-3", which an accountant should read
 * as "限定性捐赠收入—第三小学". A name the account was opened with that does not show the code
 * (a compound's reserve, say) is kept as it is.
 */
export function accountLabelOf(
  account: Pick<Account, 'code' | 'name'>,
  locale: Locale,
  names: { units: ReadonlyMap<string, string>; compounds: ReadonlyMap<string, string> }
): string {
  let label = locale === 'en' ? account.name.en : account.name.zh;
  for (const segment of account.code.split('.')) {
    const match = NAMED_SEGMENT.exec(segment);
    if (match === null) continue;
    const [, tag, code = ''] = match;
    const name = (tag === 'U' ? names.units : names.compounds).get(code);
    if (name !== undefined) label = label.split(segment).join(name);
  }
  return label;
}

/** Every account's label (accountLabelOf) for a fund, read with the fund's units and compounds. */
export async function accountLabelsOf(
  sql: Sql,
  fundId: string,
  accounts: readonly Account[],
  locale: Locale
): Promise<Map<string, string>> {
  const [units, compounds] = await Promise.all([
    sql<{ code: string; name: string }[]>`select code, name from units where fund_id = ${fundId}`,
    sql<{ code: string; name: string }[]>`select code, name from compounds where fund_id = ${fundId}`
  ]);
  const names = {
    units: new Map(units.map((row) => [row.code, row.name])),
    compounds: new Map(compounds.map((row) => [row.code, row.name]))
  };
  return new Map(accounts.map((account) => [account.code, accountLabelOf(account, locale, names)]));
}
