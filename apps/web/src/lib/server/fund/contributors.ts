import { ACCOUNTS, amountInWords, contributorStatement, type Entry } from '@gongjian/ledger';
import type { Sql } from '../db/client';
import { entryColumns, entryOfRow, type EntryRow } from '../books/rows';
import { unitStatements } from './fund-office';
import { qrDataUrl } from '../auth/totp';
import { voucherNumberOf } from './vouchers';

/**
 * What a contributing unit sees of its own money: the statement of a year (what it pledged, each
 * payment with its voucher number, and what it still owes) and a letter of thanks for one
 * payment. The figures are the ones the office's home page shows (unitStatements: a payment is a
 * credit to one of the unit's income sub-accounts, 4101.*.U-<code> or 4201.*.U-<code>, and a
 * reversal takes it back out); the lines come from the ledger's contributorStatement.
 */

/** The years a statement can be asked for, as the books' dates allow. */
const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

export type StatementYear = { ok: true; year: number } | { ok: false; code: 'year_is_not_a_year'; typed: string };

/** `?year=` of a statement: the fund's fiscal year when left out, four digits otherwise. */
export function parseStatementYear(params: URLSearchParams, fiscalYear: number): StatementYear {
  const typed = (params.get('year') ?? '').slice(0, 10).trim();
  if (typed === '') return { ok: true, year: fiscalYear };
  const year = /^[0-9]{4}$/.test(typed) ? Number(typed) : Number.NaN;
  return year >= YEAR_MIN && year <= YEAR_MAX ? { ok: true, year } : { ok: false, code: 'year_is_not_a_year', typed };
}

export interface ContributorPayment {
  seq: number;
  date: string;
  /** What the unit gave in the entry: negative for a reversal that takes a payment back. */
  amount: string;
  voucherNumber: string;
  memo: string;
  reversal: boolean;
}

export interface ContributorYear {
  unit: { id: string; code: string; name: string };
  year: number;
  /** The pledge for the year, or null when the unit pledged nothing. */
  pledged: string | null;
  paid: string;
  /** Pledged less paid, never below zero. */
  owed: string;
  payments: ContributorPayment[];
}

export interface ContributingUnit {
  id: string;
  code: string;
  name: string;
}

/** One of the fund's units by its id; null for an id the fund does not have. */
export async function contributingUnit(
  sql: Sql,
  input: { fundId: string; unitId: string }
): Promise<ContributingUnit | null> {
  const [unit] = await sql<ContributingUnit[]>`
    select id::text as id, code, name from units where id = ${input.unitId} and fund_id = ${input.fundId}`;
  return unit ?? null;
}

/**
 * The unit's payments dated within the two days: the entries with a posting on one of its income
 * sub-accounts, as unitStatements counts them.
 */
async function paymentEntries(
  sql: Sql,
  input: { fundId: string; code: string; from: string; to: string; seq?: number }
): Promise<Entry[]> {
  const rows = await sql.begin(
    'read only',
    (transaction) => transaction<EntryRow[]>`
      ${entryColumns(transaction)}
       where e.fund_id = ${input.fundId}
         and e.effective_date between ${input.from}::date and ${input.to}::date
         ${input.seq === undefined ? transaction`` : transaction`and e.seq = ${input.seq}`}
         and exists (
           select 1 from postings p
            where p.fund_id = e.fund_id and p.entry_seq = e.seq
              and (p.account_code like ${`${ACCOUNTS.donationsRestricted.slice(0, 4)}.%`}
                   or p.account_code like ${`${ACCOUNTS.duesMembership}.%`})
              and p.account_code like ${`%.U-${input.code}`})
       order by e.effective_date, e.seq`
  );
  return rows.map(entryOfRow);
}

/** A unit's year; null when the unit is not one of the fund's. */
export async function contributorYearOf(
  sql: Sql,
  input: { fundId: string; unitId: string; year: number }
): Promise<ContributorYear | null> {
  const unit = await contributingUnit(sql, input);
  if (unit === null) return null;
  const period = { dateFrom: `${input.year}-01-01`, dateTo: `${input.year}-12-31` };
  const [entries, statements] = await Promise.all([
    paymentEntries(sql, { fundId: input.fundId, code: unit.code, from: period.dateFrom, to: period.dateTo }),
    unitStatements(sql, input.fundId, input.year)
  ]);
  const figures = statements.find((row) => row.unitId === unit.id);
  const reversals = new Set(entries.filter((entry) => entry.reverses !== null).map((entry) => entry.seq));
  const lines = contributorStatement({ entries, unitId: unit.code, period }).lines;
  return {
    unit,
    year: input.year,
    pledged: figures?.pledged ?? null,
    paid: figures?.paid ?? '0.00',
    owed: figures?.outstanding ?? '0.00',
    payments: lines.map((line) => ({
      seq: line.seq,
      date: line.date,
      amount: line.amount.toString(),
      voucherNumber:
        entries.find((entry) => entry.seq === line.seq)?.references.voucherNumber ?? voucherNumberOf(line.seq),
      memo: line.memo,
      reversal: reversals.has(line.seq)
    }))
  };
}

export interface Acknowledgement {
  unit: { id: string; name: string };
  seq: number;
  date: string;
  amount: string;
  /** The amount in capitals, 人民币…元整. */
  words: string;
  voucherNumber: string;
  /** The voucher of the entry that reversed this payment, or null while it stands. */
  reversedBy: string | null;
}

/**
 * The letter of thanks for one payment: the entry numbered `seq`, when it is a payment of this
 * unit (a reversal, or an entry of anyone else, has none); null otherwise.
 */
export async function acknowledgementOf(
  sql: Sql,
  input: { fundId: string; unitId: string; seq: number }
): Promise<Acknowledgement | null> {
  const unit = await contributingUnit(sql, input);
  if (unit === null) return null;
  const [entry] = await paymentEntries(sql, {
    fundId: input.fundId,
    code: unit.code,
    from: '0001-01-01',
    to: '9999-12-31',
    seq: input.seq
  });
  if (entry === undefined || entry.reverses !== null) return null;
  const amount = contributorStatement({ entries: [entry], unitId: unit.code }).total;
  if (!amount.isPositive()) return null;
  const [reversal] = await sql<{ seq: string; voucher_number: string | null }[]>`
    select seq::text as seq, voucher_number from entries where fund_id = ${input.fundId} and reverses = ${entry.id}`;
  return {
    unit: { id: unit.id, name: unit.name },
    seq: entry.seq,
    date: entry.date,
    amount: amount.toString(),
    words: amountInWords(amount),
    voucherNumber: entry.references.voucherNumber ?? voucherNumberOf(entry.seq),
    reversedBy: reversal === undefined ? null : (reversal.voucher_number ?? voucherNumberOf(Number(reversal.seq)))
  };
}

/**
 * The fund's public page on the site at `origin` (the configured ORIGIN, never a Host header), and
 * its QR code as an SVG data: URL, for the foot of a printed statement or letter.
 */
export function fundPageLink(origin: string, slug: string): { url: string; qr: string } {
  const url = `${origin}/f/${slug}`;
  return { url, qr: qrDataUrl(url) };
}
