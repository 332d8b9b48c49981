import type { Account, Restriction } from '../chart/account.js';
import { ACCOUNTS } from '../chart/minfei-2026.js';
import { isDate } from './limits.js';
import { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';
import type { Posting } from './types.js';

/*
 * The period close (结账) of 民间非营利组织会计制度, kept as pure rules: which month may be closed
 * next, the closing entries (期末结转) that carry a month's income and expenses into net assets, and
 * how a restriction that was met is lifted without ever leaving 限定性净资产 with a debit balance.
 *
 * The standard's wording on 3101 非限定性净资产: "期末，将各收入类科目所属'非限定性收入'明细科目的
 * 余额转入本科目……同时，将各费用类科目的余额转入本科目，借记本科目，贷记'业务活动成本'、'管理费用'、
 * '筹资费用'、'其他费用'科目"; and on 3102 限定性净资产: "期末，将各收入类科目所属'限定性收入'明细
 * 科目的余额转入本科目", and "如果限定性净资产的限制已经解除，应当对净资产进行重新分类，将限定性
 * 净资产转为非限定性净资产，借记'限定性净资产'科目，贷记'非限定性净资产'科目". For restricted
 * income whose restriction is met in the period it was recognised, before any close carried it into
 * 3102, the standard's entry on 4101 捐赠收入 reclassifies the income itself: "借记本科目（限定性收入
 * 明细科目），贷记本科目（非限定性收入明细科目）".
 */

/** A calendar month of the books, `YYYY-MM`. */
export type Month = string;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value) && isDate(`${value}-01`);
}

/** The month a day (YYYY-MM-DD) falls in. */
export function monthOf(date: string): Month {
  return date.slice(0, 7);
}

/** The last day of a month, `YYYY-MM-DD`. */
export function monthEnd(month: Month): string {
  const year = Number(month.slice(0, 4));
  const monthNumber = Number(month.slice(5, 7));
  const days = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

/** The month after a month. */
export function nextMonth(month: Month): Month {
  const year = Number(month.slice(0, 4));
  const monthNumber = Number(month.slice(5, 7));
  return monthNumber === 12 ? `${year + 1}-01` : `${month.slice(0, 4)}-${String(monthNumber + 1).padStart(2, '0')}`;
}

/** The month's name in a voucher's memo, as the office writes it: 2026年11月. */
export function monthLabel(month: Month): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

export type PeriodCloseCode =
  | 'month_must_be_valid'
  | 'month_is_already_closed'
  | 'month_has_not_ended'
  | 'month_must_follow_the_last_close'
  | 'year_must_be_valid'
  | 'year_is_already_closed'
  | 'year_needs_december_closed';

export type PeriodCloseState = {
  /** The last day of the closed periods, or null while none is closed. */
  readonly closedThrough: string | null;
  /** Today in China (YYYY-MM-DD): a month is closed only once it has ended. */
  readonly today: string;
};

/**
 * Whether a month may be closed now. Months close in order without gaps: the first close may be
 * any month that has ended (everything before it is closed with it), and each later one is the
 * month right after the last. A month has ended once its last day is before today in China.
 */
export function decideMonthClose(
  month: string,
  state: PeriodCloseState
): Result<{ readonly month: Month; readonly periodEnd: string }, PeriodCloseCode> {
  if (!isMonth(month)) return reject('month_must_be_valid', { month });
  const periodEnd = monthEnd(month);
  if (state.closedThrough !== null && periodEnd <= state.closedThrough) {
    return reject('month_is_already_closed', { month, closedThrough: state.closedThrough });
  }
  if (periodEnd >= state.today) return reject('month_has_not_ended', { month, today: state.today });
  if (state.closedThrough !== null) {
    const expected = nextMonth(monthOf(state.closedThrough));
    if (month !== expected) return reject('month_must_follow_the_last_close', { month, expected });
  }
  return ok({ month, periodEnd });
}

/** The month a close would take next: the one after the last, or null before the first close. */
export function nextMonthToClose(closedThrough: string | null): Month | null {
  return closedThrough === null ? null : nextMonth(monthOf(closedThrough));
}

/** The year close (年结): December is closed, and the year is marked closed once. */
export function decideYearClose(
  year: number,
  state: { readonly closedThrough: string | null; readonly yearsClosed: readonly number[] }
): Result<{ readonly year: number; readonly periodEnd: string }, PeriodCloseCode> {
  if (!Number.isInteger(year) || year < 1900 || year > 9999) return reject('year_must_be_valid', { year });
  if (state.yearsClosed.includes(year)) return reject('year_is_already_closed', { year });
  const periodEnd = `${year}-12-31`;
  if (state.closedThrough === null || state.closedThrough < periodEnd) {
    return reject('year_needs_december_closed', { year });
  }
  return ok({ year, periodEnd });
}

/** One closing entry: a memo and balanced postings, for the server to post dated the period's last day. */
export type ClosingEntry = { readonly kind: 'income' | 'expense'; readonly memo: string; readonly postings: Posting[] };

function restrictionOf(account: Account, byCode: ReadonlyMap<string, Account>): Restriction {
  let current: Account | undefined = account;
  while (current !== undefined) {
    if (current.restriction !== null) return current.restriction;
    current = current.parent === null ? undefined : byCode.get(current.parent);
  }
  // Income on an account without a restriction counts as unrestricted, as the statements count it.
  return 'unrestricted';
}

function line(account: string, side: 'debit' | 'credit', signed: Money): Posting {
  // A balance on the account's unusual side is carried the other way round.
  const flipped = signed.isNegative();
  const turned = side === 'debit' ? 'credit' : 'debit';
  return { account, side: flipped ? turned : side, amount: signed.abs() };
}

/**
 * The closing entries (期末结转) of a period: each income account's balance to 3101 or 3102 by its
 * restriction, and each expense account's balance to 3101. `balances` holds every account's debits
 * minus credits as of the period's last day (since the last close emptied them, that is the
 * period's own activity). Afterwards every income and expense account stands at zero. An entry
 * with nothing to carry is left out.
 */
export function closingEntries(input: {
  readonly accounts: Iterable<Account>;
  readonly balances: ReadonlyMap<string, Money>;
  readonly month: Month;
}): ClosingEntry[] {
  const accounts = [...input.accounts].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const byCode = new Map(accounts.map((account) => [account.code, account]));
  const label = monthLabel(input.month);
  const incomeLines: Posting[] = [];
  let toUnrestricted = Money.zero();
  let toRestricted = Money.zero();
  const expenseLines: Posting[] = [];
  let expensesTotal = Money.zero();
  for (const account of accounts) {
    const debitMinusCredit = input.balances.get(account.code);
    if (debitMinusCredit === undefined || debitMinusCredit.isZero()) continue;
    if (account.kind === 'income') {
      const income = debitMinusCredit.negated();
      incomeLines.push(line(account.code, 'debit', income));
      if (restrictionOf(account, byCode) === 'restricted') toRestricted = toRestricted.plus(income);
      else toUnrestricted = toUnrestricted.plus(income);
    } else if (account.kind === 'expense') {
      expenseLines.push(line(account.code, 'credit', debitMinusCredit));
      expensesTotal = expensesTotal.plus(debitMinusCredit);
    }
  }
  const entries: ClosingEntry[] = [];
  if (incomeLines.length > 0) {
    const netAssets = [
      ...(toUnrestricted.isZero() ? [] : [line(ACCOUNTS.netAssetsUnrestricted, 'credit', toUnrestricted)]),
      ...(toRestricted.isZero() ? [] : [line(ACCOUNTS.netAssetsRestricted, 'credit', toRestricted)])
    ];
    entries.push({ kind: 'income', memo: `结账：${label} 收入结转`, postings: [...incomeLines, ...netAssets] });
  }
  if (expenseLines.length > 0) {
    const netAssets = expensesTotal.isZero() ? [] : [line(ACCOUNTS.netAssetsUnrestricted, 'debit', expensesTotal)];
    entries.push({ kind: 'expense', memo: `结账：${label} 费用结转`, postings: [...netAssets, ...expenseLines] });
  }
  return entries;
}

/**
 * What restricted money the books hold when a restriction is met: 3102's credit balance (restricted
 * income of closed periods) and the credit balance of each restricted income account of the open
 * period (received since the last close, not yet carried into 3102).
 */
export type RestrictedBalances = {
  readonly netAssets: Money;
  readonly income: readonly { readonly account: string; readonly balance: Money }[];
};

/** The unrestricted sub-account of each income the chart splits by restriction, by its top-level code. */
const UNRESTRICTED_COUNTERPART: ReadonlyMap<string, string> = new Map([
  ['4101', ACCOUNTS.donationsUnrestricted],
  ['4401', ACCOUNTS.subsidiesUnrestricted]
]);

/**
 * The unrestricted income account a restricted one is reclassified into: the same income's
 * unrestricted sub-account, keeping any contributor's segment, so that a unit's contributions stay
 * its own (4101.01.U-school-3 → 4101.02.U-school-3, 4401.01 → 4401.02). Null for income the chart
 * does not split by restriction. The server opens the account when it does not exist yet.
 */
export function unrestrictedCounterpartOf(account: string): string | null {
  const top = account.slice(0, 4);
  const base = UNRESTRICTED_COUNTERPART.get(top);
  if (base === undefined) return null;
  const restricted = `${top}.01`;
  return account.startsWith(`${restricted}.`) ? `${base}${account.slice(restricted.length)}` : base;
}

/**
 * The postings that lift a restriction on `amount` (限定性净资产转为非限定性净资产) without ever
 * leaving 3102 with a debit balance. Restricted money already carried into 3102 by a close is
 * released first (借记限定性净资产，贷记非限定性净资产), the oldest money first; what is left comes
 * from restricted income of the open period, reclassified to the same kind of unrestricted income
 * (借记捐赠收入—限定性收入，贷记捐赠收入—非限定性收入), account by account in code order. What
 * the books do not hold as restricted was never restricted (the match was paid from unrestricted
 * money), so nothing is released for it: `released` may be less than `amount`.
 */
export function planRestrictionRelease(
  amount: Money,
  restricted: RestrictedBalances
): { readonly released: Money; readonly postings: Posting[] } {
  const postings: Posting[] = [];
  let left = amount.isPositive() ? amount : Money.zero();
  const fromNetAssets = Money.max(Money.zero(), Money.min(left, restricted.netAssets));
  if (fromNetAssets.isPositive()) {
    postings.push(
      { account: ACCOUNTS.netAssetsRestricted, side: 'debit', amount: fromNetAssets },
      { account: ACCOUNTS.netAssetsUnrestricted, side: 'credit', amount: fromNetAssets }
    );
    left = left.minus(fromNetAssets);
  }
  const sorted = [...restricted.income].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  for (const { account, balance } of sorted) {
    const counterpart = unrestrictedCounterpartOf(account);
    if (!left.isPositive() || counterpart === null || !balance.isPositive()) continue;
    const part = Money.min(left, balance);
    postings.push({ account, side: 'debit', amount: part }, { account: counterpart, side: 'credit', amount: part });
    left = left.minus(part);
  }
  const released = (amount.isPositive() ? amount : Money.zero()).minus(left);
  return { released, postings };
}
