import {
  CASH_ACCOUNT_ROOTS,
  isDate,
  minfeiStatements,
  money,
  statementBoundaries,
  toCsv,
  type AccountKind,
  type FinancialStatement,
  type MinfeiStatements,
  type Movement,
  type Restriction,
  type StatementPeriod
} from '@gongjian/ledger';
import { localized } from '../../i18n';
import { m } from '../../paraglide/messages';
import type { Locale } from '../../paraglide/runtime';
import { closingEntryIdsIn } from '../books/periods';
import type { Sql, Transaction } from '../db/client';
import { contentDisposition } from './downloads';
import type { PublicSite } from './site';
import { xlsxWorkbookSheets, type XlsxCell, type XlsxSheet } from './xlsx';

/**
 * The fund's statements under 民间非营利组织会计制度 (资产负债表, 业务活动表, 现金流量表), public at
 * /f/<slug>/statements and as .json, .csv and .xlsx beside it. The ledger computes them; this file
 * reads the period a visitor asks for, sums the books in the database into the ledger's movements
 * (a year of a fund with 100,000 entries is a few thousand rows), and writes the three formats.
 */

export type StatementsPeriodCode =
  'period_is_not_understood' | 'from_is_not_a_date' | 'to_is_not_a_date' | 'from_is_after_to';

export type StatementsPeriodResult =
  | { ok: true; from: string; to: string }
  | { ok: false; code: StatementsPeriodCode; from: string; to: string; period: string };

const YEAR = /^(\d{4})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/i;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function lastDayOf(year: number, month: number): string {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/** `period=2026`, `2026-Q3` or `2026-11` as the days it spans, or null when it is none of those. */
export function periodOfShorthand(text: string): StatementPeriod | null {
  const year = YEAR.exec(text);
  if (year !== null) return { from: `${year[1]}-01-01`, to: `${year[1]}-12-31` };
  const quarter = QUARTER.exec(text);
  if (quarter !== null) {
    const first = (Number(quarter[2]) - 1) * 3 + 1;
    return { from: `${quarter[1]}-${String(first).padStart(2, '0')}-01`, to: lastDayOf(Number(quarter[1]), first + 2) };
  }
  const month = MONTH.exec(text);
  if (month !== null) return { from: `${month[1]}-${month[2]}-01`, to: lastDayOf(Number(month[1]), Number(month[2])) };
  return null;
}

/**
 * The period of a request: `period` (a year, quarter or month) if given, else `from` and `to`
 * (YYYY-MM-DD, both ends included); by default this year so far. Anything else is a refusal the
 * page shows next to its form and a download answers with 400, never a server error.
 */
export function parseStatementsPeriod(params: URLSearchParams, today: string): StatementsPeriodResult {
  const period = (params.get('period') ?? '').slice(0, 20).trim();
  let from = (params.get('from') ?? '').slice(0, 20).trim();
  let to = (params.get('to') ?? '').slice(0, 20).trim();
  if (period !== '') {
    const span = periodOfShorthand(period);
    if (span === null) return { ok: false, code: 'period_is_not_understood', from, to, period };
    ({ from, to } = span);
  }
  from ||= `${today.slice(0, 4)}-01-01`;
  to ||= today;
  if (!isDate(from)) return { ok: false, code: 'from_is_not_a_date', from, to, period };
  if (!isDate(to)) return { ok: false, code: 'to_is_not_a_date', from, to, period };
  if (from > to) return { ok: false, code: 'from_is_after_to', from, to, period };
  return { ok: true, from, to };
}

type MovementRow = {
  bucket: number;
  account: string;
  debits: string;
  credits: string;
  closing: boolean;
  withCash: boolean;
};

/** A day before any fund's books, on which the sums before the first boundary are dated. */
const BEFORE_ALL = '0001-01-01';

/**
 * The books up to the period's end as the ledger's movements, read at one ledger head: postings
 * summed per account, closing or not, whether their entry moves cash (a posting on one of the
 * ledger's cash accounts, whose codes start with the root's four digits), and the stretch between
 * two of the ledger's statement boundaries they fall in, which is all the statements tell apart.
 */
export async function loadStatements(
  sql: Sql,
  input: { fundId: string; headSeq: number; period: StatementPeriod; closingEntryIds?: ReadonlySet<string> }
): Promise<MinfeiStatements> {
  const closing = [...(input.closingEntryIds ?? (await closingEntryIdsIn(sql, input.fundId)))];
  const bounds = statementBoundaries(input.period);
  const { accounts, rows } = await sql.begin('isolation level repeatable read read only', async (transaction) => {
    const accounts = await transaction<{ code: string; kind: AccountKind; restriction: Restriction | null }[]>`
      select code, kind, restriction from accounts where fund_id = ${input.fundId}`;
    const [head] = await transaction<{ seq: number }[]>`
      select last_seq::int as seq from chain_heads where fund_id = ${input.fundId}`;
    // The day totals hold the books as of this snapshot; when the head has moved on since the
    // page read it, the postings are summed up to that head instead, so the figures match it.
    const current = (head?.seq ?? 0) === input.headSeq;
    const rows = current
      ? await movementsFromDayTotals(transaction, input, bounds, closing)
      : await movementsFromPostings(transaction, input, bounds, closing);
    return { accounts, rows };
  });
  const movements: Movement[] = rows.map((row) => ({
    date: row.bucket === 0 ? BEFORE_ALL : (bounds[row.bucket - 1] ?? BEFORE_ALL),
    account: row.account,
    debits: money(row.debits),
    credits: money(row.credits),
    closing: row.closing,
    withCash: row.withCash
  }));
  return minfeiStatements({ accounts, movements, period: input.period });
}

type LoadInput = { fundId: string; headSeq: number; period: StatementPeriod };

/** Every posting up to the head, summed: exact at any head, and slower on a large fund. */
function movementsFromPostings(
  transaction: Transaction,
  input: LoadInput,
  bounds: readonly string[],
  closing: readonly string[]
): Promise<MovementRow[]> {
  const roots = [...CASH_ACCOUNT_ROOTS];
  return transaction<MovementRow[]>`
      with cash_entries as (
        select distinct entry_seq from postings
         where fund_id = ${input.fundId} and entry_seq <= ${input.headSeq} and left(account_code, 4) = any(${roots}::text[]))
      select width_bucket(e.effective_date, ${bounds}::date[]) as bucket, p.account_code as account,
             coalesce(sum(p.amount) filter (where p.side = 'debit'), 0)::text as debits,
             coalesce(sum(p.amount) filter (where p.side = 'credit'), 0)::text as credits,
             e.id = any(${closing}::uuid[]) as closing,
             c.entry_seq is not null as "withCash"
        from entries e
        join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
        left join cash_entries c on c.entry_seq = e.seq
       where e.fund_id = ${input.fundId} and e.seq <= ${input.headSeq} and e.effective_date <= ${input.period.to}::date
       group by 1, 2, 5, 6`;
}

/**
 * The day totals (sql/019) summed per stretch, with the few closing entries' postings moved out of
 * them into rows of their own, since the statements of activities and cash flows leave those out.
 */
async function movementsFromDayTotals(
  transaction: Transaction,
  input: LoadInput,
  bounds: readonly string[],
  closing: readonly string[]
): Promise<MovementRow[]> {
  const roots = [...CASH_ACCOUNT_ROOTS];
  const totals = await transaction<MovementRow[]>`
    select width_bucket(day, ${bounds}::date[]) as bucket, account_code as account,
           sum(debits)::text as debits, sum(credits)::text as credits, false as closing, with_cash as "withCash"
      from account_day_totals
     where fund_id = ${input.fundId} and day <= ${input.period.to}::date
     group by 1, 2, 6`;
  if (closing.length === 0) return totals;
  const closings = await transaction<MovementRow[]>`
    select width_bucket(e.effective_date, ${bounds}::date[]) as bucket, p.account_code as account,
           coalesce(sum(p.amount) filter (where p.side = 'debit'), 0)::text as debits,
           coalesce(sum(p.amount) filter (where p.side = 'credit'), 0)::text as credits, true as closing,
           exists (select 1 from postings q where q.fund_id = e.fund_id and q.entry_seq = e.seq
                      and left(q.account_code, 4) = any(${roots}::text[])) as "withCash"
      from entries e
      join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
     where e.fund_id = ${input.fundId} and e.id = any(${closing}::uuid[]) and e.effective_date <= ${input.period.to}::date
     group by 1, 2, e.fund_id, e.seq`;
  return withClosingSetApart(totals, closings);
}

function withClosingSetApart(totals: readonly MovementRow[], closings: readonly MovementRow[]): MovementRow[] {
  const keyOf = (row: MovementRow) => `${row.bucket} ${row.account} ${row.withCash}`;
  const rows = new Map(totals.map((row) => [keyOf(row), { ...row }]));
  for (const closingRow of closings) {
    const row = rows.get(keyOf(closingRow));
    if (row === undefined)
      throw new Error(`statements: closing postings on ${closingRow.account} are not in the day totals`);
    row.debits = money(row.debits).minus(money(closingRow.debits)).toString();
    row.credits = money(row.credits).minus(money(closingRow.credits)).toString();
  }
  return [...rows.values(), ...closings];
}

// ---------------------------------------------------------------------------------------------
// The downloads.

export type StatementsFormat = 'json' | 'csv' | 'xlsx';

export const STATEMENTS_JSON_FORMAT = 'gongjian-statements 1';

/** One statement with its amounts as decimal strings, for JSON and for the page. */
export function statementJson(statement: FinancialStatement) {
  return {
    code: statement.code,
    zh: statement.zh,
    en: statement.en,
    columns: statement.columns,
    rows: statement.rows.map((row) => ({
      key: row.key,
      row: row.row,
      zh: row.zh,
      en: row.en,
      level: row.level,
      amounts: row.amounts === null ? null : row.amounts.map((amount) => amount.toString())
    }))
  };
}

/** The statements as JSON: amounts as decimal strings, every line with its key and 行次. */
export function statementsJson(site: PublicSite, statements: MinfeiStatements): string {
  return `${JSON.stringify(
    {
      format: STATEMENTS_JSON_FORMAT,
      fund: { slug: site.fund.slug, nameZh: site.fund.nameZh, nameEn: site.fund.nameEn },
      head: site.head,
      standard: statements.standard,
      version: statements.version,
      unit: 'CNY',
      period: statements.period,
      balanceSheet: statementJson(statements.balanceSheet),
      activities: statementJson(statements.activities),
      cashFlow: statementJson(statements.cashFlow)
    },
    null,
    2
  )}\n`;
}

/** The header of one statement's table: 项目, 行次, then a column per amount (group and column). */
function columnTitles(statement: FinancialStatement, locale: Locale): string[] {
  return statement.columns.map((column) => {
    const [group, name] = [localized(locale, column.group), localized(locale, column)];
    return group === name ? name : `${group}·${name}`;
  });
}

/** Every statement as rows of text cells, with its title, fund, period and unit above it, in the reader's words. */
function statementRows(
  site: PublicSite,
  statement: FinancialStatement,
  period: StatementPeriod,
  locale: Locale
): string[][] {
  const options = { locale };
  const fund = localized(locale, { zh: site.fund.nameZh, en: site.fund.nameEn || site.fund.nameZh });
  return [
    [`${localized(locale, statement)}（${statement.code}）`],
    [
      m.statements_preparer({ fund }, options),
      m.statements_period({ from: period.from, to: period.to }, options),
      m.statements_unit({}, options)
    ],
    [m.statements_col_item({}, options), m.statements_col_row({}, options), ...columnTitles(statement, locale)],
    ...statement.rows.map((row) => [
      localized(locale, row),
      row.row === null ? '' : String(row.row),
      ...(row.amounts ?? []).map((amount) => amount.toString())
    ])
  ];
}

/** The three statements one after the other, a blank row between, as CSV with a byte-order mark. */
export function statementsCsv(site: PublicSite, statements: MinfeiStatements, locale: Locale = 'zh-CN'): string {
  const all = [statements.balanceSheet, statements.activities, statements.cashFlow];
  const rows = all.flatMap((statement, index) => [
    ...(index === 0 ? [] : [[]]),
    ...statementRows(site, statement, statements.period, locale)
  ]);
  rows.push([], [`${statements.standard}；${statements.version}`]);
  return toCsv(rows);
}

/** One sheet per statement, amounts as numbers. */
export function statementsXlsx(site: PublicSite, statements: MinfeiStatements, locale: Locale = 'zh-CN'): Buffer {
  const sheets: XlsxSheet[] = [statements.balanceSheet, statements.activities, statements.cashFlow].map((statement) => {
    const text = statementRows(site, statement, statements.period, locale).slice(0, 3);
    const rows: XlsxCell[][] = text.map((row) => row.map((value) => ({ text: value })));
    for (const row of statement.rows) {
      rows.push([
        { text: localized(locale, row) },
        row.row === null ? null : { number: String(row.row) },
        ...(row.amounts ?? []).map((amount) => ({ number: amount.toString() }))
      ]);
    }
    return { name: localized(locale, statement), rows, widths: [44, 6, ...statement.columns.map(() => 16)] };
  });
  return xlsxWorkbookSheets(sheets);
}

const CONTENT_TYPES: Readonly<Record<StatementsFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
};

export interface StatementsTexts {
  invalid: (code: StatementsPeriodCode) => string;
}

/** The response of /f/<slug>/statements.<format>: a period that cannot be read is a 400 saying why. */
export async function statementsResponse(
  sql: Sql,
  input: { site: PublicSite; params: URLSearchParams; today: string; locale?: Locale; texts: StatementsTexts },
  format: StatementsFormat
): Promise<Response> {
  const period = parseStatementsPeriod(input.params, input.today);
  if (!period.ok) {
    return new Response(`${input.texts.invalid(period.code)}\n`, {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }
    });
  }
  const { site } = input;
  const statements = await loadStatements(sql, {
    fundId: site.fund.id,
    headSeq: site.head.seq,
    period: { from: period.from, to: period.to }
  });
  const body =
    format === 'json'
      ? new TextEncoder().encode(statementsJson(site, statements))
      : format === 'csv'
        ? new TextEncoder().encode(statementsCsv(site, statements, input.locale))
        : new Uint8Array(statementsXlsx(site, statements, input.locale));
  const names = {
    ascii: `${site.fund.slug}-statements-${period.from}-to-${period.to}.${format}`,
    utf8: `${site.fund.nameZh.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')}-会计报表-${period.from}至${period.to}.${format}`
  };
  return new Response(body, {
    headers: {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': contentDisposition(names),
      'x-content-type-options': 'nosniff'
    }
  });
}
