import {
  accountBalances,
  accountLedger,
  type Account,
  type Balance,
  type BalanceDirection,
  type Entry,
  type Money
} from '@gongjian/ledger';
import type { Sql } from '../db/client';
import {
  accountColumns,
  accountStateOfRow,
  entryColumns,
  entryOfRow,
  type AccountRow,
  type EntryRow
} from '../books/rows';
import { parsePeriod, type PeriodResult } from '../public/print';
import { voucherNumberOf } from './vouchers';

/**
 * The office's account books: the 科目余额表 (each account's opening balance, the period's debits
 * and credits and its closing balance) and the 明细账 (one account's postings with a running
 * balance, each linking its voucher). The ledger computes both (accountBalances, accountLedger);
 * this module reads the fund's accounts and entries once, in one read-only snapshot, and turns
 * the ledger's Money into the strings a page, a CSV or a workbook shows.
 */

export type BooksPeriod = PeriodResult;
export type BooksPeriodCode = Extract<PeriodResult, { ok: false }>['code'];

/**
 * The period a books page or download asks for, `?from=YYYY-MM-DD&to=YYYY-MM-DD`: this year so
 * far when left out, and a refusal naming the field when a date cannot be read or the two are the
 * wrong way round. It is the period rule of the printed public report, so both read a URL alike.
 */
export function parseBooksPeriod(params: URLSearchParams, today: string): BooksPeriod {
  return parsePeriod(params, today);
}

export interface BalanceView {
  direction: BalanceDirection;
  /** A decimal string, never negative: the direction says the side. */
  amount: string;
}

export interface AccountBalanceView {
  code: string;
  nameZh: string;
  nameEn: string;
  depth: number;
  hasChildren: boolean;
  opening: BalanceView;
  debits: string;
  credits: string;
  closing: BalanceView;
}

export interface SidesView {
  debit: string;
  credit: string;
}

export interface AccountBalancesView {
  from: string;
  to: string;
  rows: AccountBalanceView[];
  totals: { opening: SidesView; debits: string; credits: string; closing: SidesView };
}

export interface LedgerLineView {
  date: string;
  seq: number;
  /** The voucher number the entry carries, or 记字第{seq}号 for one recorded without. */
  voucherNumber: string;
  memo: string;
  account: string;
  /** Decimal strings, '0.00' on the side the line is not on. */
  debit: string;
  credit: string;
  balance: BalanceView;
  reversal: boolean;
}

export interface LedgerSumView {
  debits: string;
  credits: string;
  balance: BalanceView;
}

export interface AccountLedgerView {
  from: string;
  to: string;
  code: string;
  nameZh: string;
  nameEn: string;
  opening: BalanceView;
  lines: LedgerLineView[];
  periodTotal: LedgerSumView;
  yearTotal: LedgerSumView;
}

const text = (amount: Money) => amount.toString();

function balanceView(balance: Balance): BalanceView {
  return { direction: balance.direction, amount: balance.amount.toString() };
}

/**
 * The fund's accounts and its entries dated up to `to` (later ones change nothing before it), in
 * one read-only snapshot so that both describe the same moment. With `account`, only the entries
 * that touch the account or one of its sub-accounts are read.
 */
async function booksOf(
  sql: Sql,
  input: { fundId: string; to: string; account?: string }
): Promise<{ accounts: Account[]; entries: Entry[] }> {
  return sql.begin('isolation level repeatable read read only', async (transaction) => {
    const accountRows = await transaction<AccountRow[]>`
      ${accountColumns(transaction)} where b.fund_id = ${input.fundId} order by a.code`;
    const touching =
      input.account === undefined
        ? transaction``
        : transaction`and exists (
            select 1 from postings p where p.fund_id = e.fund_id and p.entry_seq = e.seq
               and (p.account_code = ${input.account} or p.account_code like ${`${input.account}.%`}))`;
    const entryRows = await transaction<EntryRow[]>`
      ${entryColumns(transaction)}
       where e.fund_id = ${input.fundId} and e.effective_date <= ${input.to}::date ${touching}
       order by e.seq`;
    return {
      accounts: accountRows.map((row) => accountStateOfRow(row).account),
      entries: entryRows.map(entryOfRow)
    };
  });
}

/** 科目余额表 of a fund for a period (both days included). */
export async function accountBalancesOf(
  sql: Sql,
  input: { fundId: string; from: string; to: string }
): Promise<AccountBalancesView> {
  const { accounts, entries } = await booksOf(sql, input);
  const balances = accountBalances(accounts, entries, { dateFrom: input.from, dateTo: input.to });
  const { totals } = balances;
  return {
    from: input.from,
    to: input.to,
    rows: balances.rows.map((row) => ({
      code: row.account,
      nameZh: row.name.zh,
      nameEn: row.name.en,
      depth: row.depth,
      hasChildren: row.hasChildren,
      opening: balanceView(row.opening),
      debits: text(row.debits),
      credits: text(row.credits),
      closing: balanceView(row.closing)
    })),
    totals: {
      opening: { debit: text(totals.opening.debit), credit: text(totals.opening.credit) },
      debits: text(totals.debits),
      credits: text(totals.credits),
      closing: { debit: text(totals.closing.debit), credit: text(totals.closing.credit) }
    }
  };
}

/** 明细账 of one account of a fund for a period; null when the fund has no such account. */
export async function accountLedgerOf(
  sql: Sql,
  input: { fundId: string; code: string; from: string; to: string }
): Promise<AccountLedgerView | null> {
  const { accounts, entries } = await booksOf(sql, { fundId: input.fundId, to: input.to, account: input.code });
  // The code comes from the URL: it is looked up among the fund's accounts, never trusted.
  const account = new Map(accounts.map((candidate) => [candidate.code, candidate])).get(input.code);
  if (account === undefined) return null;
  const ledger = accountLedger(accounts, entries, account.code, { dateFrom: input.from, dateTo: input.to });
  const sum = (total: { debits: Money; credits: Money; balance: Balance }): LedgerSumView => ({
    debits: text(total.debits),
    credits: text(total.credits),
    balance: balanceView(total.balance)
  });
  return {
    from: input.from,
    to: input.to,
    code: account.code,
    nameZh: account.name.zh,
    nameEn: account.name.en,
    opening: balanceView(ledger.opening),
    lines: ledger.lines.map((line) => ({
      date: line.date,
      seq: line.seq,
      voucherNumber: line.voucherNumber ?? voucherNumberOf(line.seq),
      memo: line.memo,
      account: line.account,
      debit: text(line.debit),
      credit: text(line.credit),
      balance: balanceView(line.balance),
      reversal: line.reversal
    })),
    periodTotal: sum(ledger.periodTotal),
    // The period always has an end here, so the ledger always gives the year's running total.
    yearTotal: sum(ledger.yearTotal ?? { ...ledger.periodTotal })
  };
}
