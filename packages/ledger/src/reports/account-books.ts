import type { Account, AccountName, Side } from '../chart/account.js';
import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { Money } from '../money/money.js';
import type { Entry } from '../journal/types.js';
import { entriesByDate, isInSubtree } from './ledger.js';
import { isInPeriod, totalsAsOf, totalsRolledUp, type Period, type Totals } from './totals.js';

/*
 * The account books an accountant keeps beside the journal: the 科目余额表 (each account's opening
 * balance, the period's debits and credits, and its closing balance) and the 明细账 (one account's
 * postings with a running balance). A balance is written as the books write it by hand: an amount
 * that is never negative and a direction, 借 (debit), 贷 (credit) or 平 (nothing left).
 */

/** 借, 贷 or 平: which side a balance stands on, or that it is zero. */
export type BalanceDirection = Side | 'zero';

export type Balance = {
  readonly direction: BalanceDirection;
  /** Never negative: the direction says which side it is on. */
  readonly amount: Money;
};

export type AccountBalanceRow = {
  readonly account: string;
  readonly name: AccountName;
  readonly normalSide: Side;
  /** 0 for an account of the chart's top level, 1 for its sub-accounts, and so on. */
  readonly depth: number;
  /** Whether other rows roll up into this one. */
  readonly hasChildren: boolean;
  readonly opening: Balance;
  readonly debits: Money;
  readonly credits: Money;
  readonly closing: Balance;
};

/** A column pair of the 科目余额表's total line: what stands on the debit side and on the credit side. */
export type SidesTotal = { readonly debit: Money; readonly credit: Money };

export type AccountBalances = {
  readonly period: Period;
  /** Accounts that had a balance or moved, parents before their children, in code order. */
  readonly rows: readonly AccountBalanceRow[];
  /** The top-level rows added up (a sub-account is already inside its parent). */
  readonly totals: {
    readonly opening: SidesTotal;
    readonly debits: Money;
    readonly credits: Money;
    readonly closing: SidesTotal;
  };
};

/** A balance from a net amount, debits minus credits. */
export function balanceOfNet(net: Money): Balance {
  if (net.isZero()) return { direction: 'zero', amount: Money.zero() };
  return { direction: net.isPositive() ? 'debit' : 'credit', amount: net.abs() };
}

/** A balance as a net amount again: debits minus credits. */
export function netOfBalance(balance: Balance): Money {
  return balance.direction === 'credit' ? balance.amount.negated() : balance.amount;
}

/**
 * Orders codes segment by segment, so that an account comes right before its sub-accounts
 * (`4101.01` < `4101.01.U-a` < `4101.01-b` would not hold with plain string order, since `-`
 * sorts before `.`).
 */
export function compareAccountCodes(first: string, second: string): number {
  const left = first.split('.');
  const right = second.split('.');
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const a = left[index] ?? '';
    const b = right[index] ?? '';
    if (a !== b) return a < b ? -1 : 1;
  }
  return left.length - right.length;
}

function netOf(total: Totals | undefined): Money {
  return total === undefined ? Money.zero() : total.debits.minus(total.credits);
}

/** Each account's totals before the period (rolled up into its parents) and within it. */
function totalsAround(entries: readonly Entry[], period: Period) {
  const dateFrom = period.dateFrom ?? null;
  const earlier = dateFrom === null ? [] : entries.filter((entry) => entry.date < dateFrom);
  return {
    opening: totalsRolledUp(totalsAsOf(earlier, {})),
    movement: totalsRolledUp(totalsAsOf(entries, period))
  };
}

/**
 * 科目余额表: for every account that had a balance at the period's start or moved within it, the
 * opening balance, the period's debits and credits, and the closing balance. A parent account
 * rolls its sub-accounts up; the totals add the top-level rows, so each side's totals agree.
 */
export function accountBalances(
  accounts: Iterable<Account>,
  entries: readonly Entry[],
  period: Period
): AccountBalances {
  const { opening, movement } = totalsAround(entries, period);
  const listed = [...accounts].sort((first, second) => compareAccountCodes(first.code, second.code));
  const codes = new Set(listed.map((account) => account.code));
  const rows: AccountBalanceRow[] = [];
  for (const account of listed) {
    const before = netOf(opening.get(account.code));
    const moved = movement.get(account.code);
    const debits = moved?.debits ?? Money.zero();
    const credits = moved?.credits ?? Money.zero();
    if (before.isZero() && debits.isZero() && credits.isZero()) continue;
    rows.push({
      account: account.code,
      name: account.name,
      normalSide: account.normalSide,
      depth: ancestorsIn(account.code, codes).length,
      hasChildren: false,
      opening: balanceOfNet(before),
      debits,
      credits,
      closing: balanceOfNet(before.plus(debits).minus(credits))
    });
  }
  const withChildren = new Set(rows.flatMap((row) => ancestorsIn(row.account, codes)));
  const marked = rows.map((row) => (withChildren.has(row.account) ? { ...row, hasChildren: true } : row));
  return { period, rows: marked, totals: totalsOfRoots(marked.filter((row) => row.depth === 0)) };
}

/** The codes of an account's ancestors that are accounts of the chart, nearest last. */
function ancestorsIn(code: string, codes: ReadonlySet<string>): string[] {
  const segments = code.split('.');
  const found: string[] = [];
  for (let depth = 1; depth < segments.length; depth += 1) {
    const ancestor = segments.slice(0, depth).join('.');
    if (codes.has(ancestor)) found.push(ancestor);
  }
  return found;
}

function totalsOfRoots(roots: readonly AccountBalanceRow[]): AccountBalances['totals'] {
  const side = (balances: readonly Balance[], direction: Side) =>
    Money.sum(balances.filter((balance) => balance.direction === direction).map((balance) => balance.amount));
  const openings = roots.map((row) => row.opening);
  const closings = roots.map((row) => row.closing);
  return {
    opening: { debit: side(openings, 'debit'), credit: side(openings, 'credit') },
    debits: Money.sum(roots.map((row) => row.debits)),
    credits: Money.sum(roots.map((row) => row.credits)),
    closing: { debit: side(closings, 'debit'), credit: side(closings, 'credit') }
  };
}

// ---------------------------------------------------------------------------------------------
// 明细账

export type AccountLedgerLine = {
  readonly date: string;
  readonly seq: number;
  readonly entryId: string;
  /** The voucher number the entry was recorded with, or null when it carries none. */
  readonly voucherNumber: string | null;
  readonly memo: string;
  /** The account or sub-account the posting was on. */
  readonly account: string;
  readonly debit: Money;
  readonly credit: Money;
  /** The balance after this line. */
  readonly balance: Balance;
  /** Whether the entry reverses another (冲销): shown like any other line. */
  readonly reversal: boolean;
};

/** A summary line of the 明细账: 期初余额, 本期合计 or 本年累计. */
export type AccountLedgerSum = { readonly debits: Money; readonly credits: Money; readonly balance: Balance };

export type AccountLedger = {
  readonly account: string;
  readonly name: AccountName;
  readonly normalSide: Side;
  readonly period: Period;
  /** 期初余额: the balance before the period's first day. */
  readonly opening: Balance;
  readonly lines: readonly AccountLedgerLine[];
  /** 本期合计: the period's debits and credits, and the closing balance. */
  readonly periodTotal: AccountLedgerSum;
  /**
   * 本年累计: the debits and credits from the first of January of the period's last year to the
   * period's end, and the closing balance; null when the period has no end and nothing moved.
   */
  readonly yearTotal: AccountLedgerSum | null;
};

/** The side totals of a summary line while they are being added up. */
type Sums = { debits: Money; credits: Money };

const addTo = (sums: Sums, side: Side, amount: Money): void => {
  if (side === 'debit') sums.debits = sums.debits.plus(amount);
  else sums.credits = sums.credits.plus(amount);
};

/**
 * 本年累计 runs from the first of January of the year the period ends in (or, for a period without
 * an end, the year of the latest entry) to the period's end, whatever day the period starts on.
 */
function yearOf(entries: readonly Entry[], period: Period): Period | null {
  const dateTo =
    period.dateTo ??
    entries.reduce<string | null>(
      (latest, entry) => (latest === null || entry.date > latest ? entry.date : latest),
      null
    );
  return dateTo === null ? null : { dateFrom: `${dateTo.slice(0, 4)}-01-01`, dateTo };
}

/**
 * 明细账: the opening line, every posting of the account and its sub-accounts dated in the period
 * (by date, then by sequence) with the running balance, the period's total and the year's
 * running total. One pass over the entries gives all of them. The account must be one of the
 * accounts given: asking for another is a bug.
 */
export function accountLedger(
  accounts: Iterable<Account>,
  entries: readonly Entry[],
  code: string,
  period: Period
): AccountLedger {
  const account = [...accounts].find((candidate) => candidate.code === code);
  assert(account !== undefined, MESSAGES.accountStateMissing);
  const dateFrom = period.dateFrom ?? null;
  const year = yearOf(entries, period);
  const opening: Sums = { debits: Money.zero(), credits: Money.zero() };
  const inPeriod: Sums = { debits: Money.zero(), credits: Money.zero() };
  const inYear: Sums = { debits: Money.zero(), credits: Money.zero() };
  const lines: AccountLedgerLine[] = [];
  for (const entry of entriesByDate(entries)) {
    const earlier = dateFrom !== null && entry.date < dateFrom;
    if (!earlier && !isInPeriod(entry.date, period)) continue;
    const yearToDate = year !== null && isInPeriod(entry.date, year);
    for (const posting of entry.postings) {
      if (!isInSubtree(posting.account, code, true)) continue;
      if (yearToDate) addTo(inYear, posting.side, posting.amount);
      if (earlier) {
        addTo(opening, posting.side, posting.amount);
        continue;
      }
      addTo(inPeriod, posting.side, posting.amount);
      lines.push({
        date: entry.date,
        seq: entry.seq,
        entryId: entry.id,
        voucherNumber: entry.references.voucherNumber ?? null,
        memo: posting.memo ?? entry.memo,
        account: posting.account,
        debit: posting.side === 'debit' ? posting.amount : Money.zero(),
        credit: posting.side === 'credit' ? posting.amount : Money.zero(),
        balance: balanceOfNet(opening.debits.plus(inPeriod.debits).minus(opening.credits).minus(inPeriod.credits)),
        reversal: entry.reverses !== null
      });
    }
  }
  const openingNet = opening.debits.minus(opening.credits);
  const closing = balanceOfNet(openingNet.plus(inPeriod.debits).minus(inPeriod.credits));
  return {
    account: account.code,
    name: account.name,
    normalSide: account.normalSide,
    period,
    opening: balanceOfNet(openingNet),
    lines,
    periodTotal: { ...inPeriod, balance: closing },
    yearTotal: year === null ? null : { ...inYear, balance: closing }
  };
}
