import { toCsv, type BalanceDirection } from '@gongjian/ledger';
import { localized } from '../../i18n';
import { m } from '../../paraglide/messages';
import type { Locale } from '../../paraglide/runtime';
import { contentDisposition } from '../public/downloads';
import { xlsxWorkbook, type XlsxCell } from '../public/xlsx';
import type { AccountBalancesView, AccountLedgerView, BalanceView, LedgerSumView } from './account-books';

/**
 * The account books as files an accountant opens: CSV (the ledger package's toCsv: UTF-8 with a
 * byte-order mark, CRLF, formula guard) and XLSX (the public workbook writer: days as date
 * cells, amounts as numbers written from their decimal strings). Both are made from the same
 * table of cells, with headers in the reader's language, so they cannot disagree.
 */

export type BooksFileFormat = 'csv' | 'xlsx';

type Table = XlsxCell[][];

/** Bytes backed by a plain ArrayBuffer, which is what a Response body takes. */
type Bytes = Uint8Array<ArrayBuffer>;

const text = (value: string): XlsxCell => ({ text: value });
const number = (value: string): XlsxCell => ({ number: value });
const day = (value: string): XlsxCell => ({ date: value });
/** An amount on one side of a two-sided column pair: blank when the balance is on the other side. */
const onSide = (balance: BalanceView, side: BalanceDirection): XlsxCell =>
  balance.direction === side ? number(balance.amount) : null;
/** A movement that did not happen is left blank, as a hand-kept book leaves it. */
const unlessZero = (amount: string): XlsxCell => (/^0\.00$/.test(amount) ? null : number(amount));

export function directionText(direction: BalanceDirection): string {
  return direction === 'debit'
    ? m.books_direction_debit()
    : direction === 'credit'
      ? m.books_direction_credit()
      : m.books_direction_zero();
}

/** 科目余额表: one row per account, parents before their sub-accounts, and the total row. */
export function balancesTable(view: AccountBalancesView, locale: Locale): Table {
  const header = [
    m.books_col_code(),
    m.books_col_name(),
    m.books_col_opening_debit(),
    m.books_col_opening_credit(),
    m.books_col_period_debit(),
    m.books_col_period_credit(),
    m.books_col_closing_debit(),
    m.books_col_closing_credit()
  ].map(text);
  const rows: Table = view.rows.map((row) => [
    text(row.code),
    text(localized(locale, { zh: row.nameZh, en: row.nameEn })),
    onSide(row.opening, 'debit'),
    onSide(row.opening, 'credit'),
    number(row.debits),
    number(row.credits),
    onSide(row.closing, 'debit'),
    onSide(row.closing, 'credit')
  ]);
  const { totals } = view;
  const total: XlsxCell[] = [
    text(m.books_total()),
    null,
    number(totals.opening.debit),
    number(totals.opening.credit),
    number(totals.debits),
    number(totals.credits),
    number(totals.closing.debit),
    number(totals.closing.credit)
  ];
  return [header, ...rows, total];
}

/** 明细账: the opening line, each posting with its running balance, 本期合计 and 本年累计. */
export function ledgerTable(view: AccountLedgerView): Table {
  const header = [
    m.books_col_date(),
    m.books_col_voucher(),
    m.books_col_memo(),
    m.books_col_account(),
    m.books_col_debit(),
    m.books_col_credit(),
    m.books_col_direction(),
    m.books_col_balance()
  ].map(text);
  const sumRow = (date: string, label: string, sum: LedgerSumView): XlsxCell[] => [
    day(date),
    null,
    text(label),
    null,
    number(sum.debits),
    number(sum.credits),
    text(directionText(sum.balance.direction)),
    number(sum.balance.amount)
  ];
  const opening: XlsxCell[] = [
    day(view.from),
    null,
    text(m.books_opening_line()),
    null,
    null,
    null,
    text(directionText(view.opening.direction)),
    number(view.opening.amount)
  ];
  const lines: Table = view.lines.map((line) => [
    day(line.date),
    text(line.voucherNumber),
    text(line.reversal ? `${m.books_reversal_tag()} ${line.memo}` : line.memo),
    text(line.account),
    unlessZero(line.debit),
    unlessZero(line.credit),
    text(directionText(line.balance.direction)),
    number(line.balance.amount)
  ]);
  return [
    header,
    opening,
    ...lines,
    sumRow(view.to, m.books_period_total(), view.periodTotal),
    sumRow(view.to, m.books_year_total(), view.yearTotal)
  ];
}

function csvOf(table: Table): string {
  const cell = (value: XlsxCell): string =>
    value === null ? '' : 'text' in value ? value.text : 'number' in value ? value.number : value.date;
  return toCsv(table.map((row) => row.map(cell)));
}

/** Widths of the columns in characters, for the workbook. */
const WIDTHS = { balances: [18, 30, 14, 14, 14, 14, 14, 14], ledger: [12, 14, 40, 22, 14, 14, 6, 14] } as const;

/**
 * The download of a table, with its file names: ASCII for old clients, the reader's words for the
 * rest (RFC 6266 / 5987, as the public downloads write them).
 */
export function booksFileResponse(input: {
  table: Table;
  kind: 'balances' | 'ledger';
  format: BooksFileFormat;
  names: { ascii: string; utf8: string };
  sheetName: string;
}): Response {
  // A fund's name is typed by its administrator: path separators and quotes leave the file name.
  const utf8 = `${input.names.utf8}.${input.format}`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  const names = { ascii: `${input.names.ascii}.${input.format}`, utf8 };
  let body: Bytes;
  let contentType: string;
  if (input.format === 'csv') {
    body = new TextEncoder().encode(csvOf(input.table));
    contentType = 'text/csv; charset=utf-8';
  } else {
    const workbook = xlsxWorkbook({ sheetName: input.sheetName, rows: input.table, widths: WIDTHS[input.kind] });
    body = new Uint8Array(workbook.buffer, workbook.byteOffset, workbook.byteLength) as Bytes;
    contentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  }
  return new Response(body, {
    headers: {
      'content-type': contentType,
      'content-disposition': contentDisposition(names),
      'x-content-type-options': 'nosniff',
      // The books are private: no shared cache may keep a copy.
      'cache-control': 'private, no-store'
    }
  });
}
