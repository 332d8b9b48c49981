import type { Account, AccountName } from '../chart/account.js';
import { ACCOUNTS } from '../chart/minfei-2026.js';
import { Money } from '../money/money.js';
import type { Entry } from '../journal/types.js';
import { totalsAsOf, totalsRolledUp, type Period, type Totals } from './totals.js';
import { byCode } from './trial-balance.js';

export type StatementLine = { readonly account: string; readonly name: AccountName; readonly amount: Money };

/** 资产负债表: what the fund holds and owes on a day, and its net assets by restriction. */
export type StatementOfFinancialPosition = {
  readonly asOf: string | null;
  readonly assets: readonly StatementLine[];
  readonly assetsTotal: Money;
  readonly liabilities: readonly StatementLine[];
  readonly liabilitiesTotal: Money;
  readonly netAssetsUnrestricted: Money;
  readonly netAssetsRestricted: Money;
  readonly netAssetsTotal: Money;
  readonly liabilitiesAndNetAssetsTotal: Money;
};

export type ActivityLine = StatementLine & { readonly unrestricted: Money; readonly restricted: Money };

/** 业务活动表: income and expenses over a period, in unrestricted and restricted columns. */
export type StatementOfActivities = {
  readonly period: Period;
  readonly income: readonly ActivityLine[];
  readonly incomeTotal: ActivityLine;
  readonly expenses: readonly ActivityLine[];
  readonly expensesTotal: ActivityLine;
  /** 限定性净资产转为非限定性净资产: restricted money whose purpose was met. */
  readonly released: Money;
  readonly changeUnrestricted: Money;
  readonly changeRestricted: Money;
  readonly changeTotal: Money;
};

export type ReportInput = { readonly accounts: Iterable<Account>; readonly entries: readonly Entry[] };

/** The signed amount on the account's normal side. */
function normalAmount(account: Account, total: Totals): Money {
  return account.normalSide === 'debit' ? total.debits.minus(total.credits) : total.credits.minus(total.debits);
}

/**
 * The books are never closed by entries, so the statement closes them virtually: restricted
 * income adds to restricted net assets; unrestricted income less expenses adds to unrestricted
 * net assets. Income on an account without a restriction counts as unrestricted.
 */
export function statementOfFinancialPosition(
  input: ReportInput & { readonly asOf?: string }
): StatementOfFinancialPosition {
  const accounts = [...input.accounts].sort(byCode);
  const totals = totalsAsOf(input.entries, { dateTo: input.asOf ?? null });
  const rolled = totalsRolledUp(totals);
  const topLines = (kind: Account['kind']): StatementLine[] =>
    accounts
      .filter((account) => account.parent === null && account.kind === kind && rolled.has(account.code))
      .map((account) => ({
        account: account.code,
        name: account.name,
        amount: normalAmount(account, rolled.get(account.code) as Totals)
      }));
  const columns = netAssetsByRestriction(accounts, totals);
  const assets = topLines('asset');
  const liabilities = topLines('liability');
  const liabilitiesTotal = Money.sum(liabilities.map((line) => line.amount));
  const netAssetsTotal = columns.unrestricted.plus(columns.restricted);
  return {
    asOf: input.asOf ?? null,
    assets,
    assetsTotal: Money.sum(assets.map((line) => line.amount)),
    liabilities,
    liabilitiesTotal,
    netAssetsUnrestricted: columns.unrestricted,
    netAssetsRestricted: columns.restricted,
    netAssetsTotal,
    liabilitiesAndNetAssetsTotal: liabilitiesTotal.plus(netAssetsTotal)
  };
}

function netAssetsByRestriction(
  accounts: readonly Account[],
  totals: ReadonlyMap<string, Totals>
): { unrestricted: Money; restricted: Money } {
  let unrestricted = Money.zero();
  let restricted = Money.zero();
  for (const account of accounts) {
    const total = totals.get(account.code);
    if (total === undefined) continue;
    const amount = normalAmount(account, total);
    if (
      account.kind === 'net_assets_restricted' ||
      (account.kind === 'income' && account.restriction === 'restricted')
    ) {
      restricted = restricted.plus(amount);
    } else if (account.kind === 'net_assets_unrestricted' || account.kind === 'income') {
      unrestricted = unrestricted.plus(amount);
    } else if (account.kind === 'expense') {
      unrestricted = unrestricted.minus(amount);
    }
  }
  return { unrestricted, restricted };
}

/** The statement of activities over a period (both ends inclusive). */
export function statementOfActivities(input: ReportInput & { readonly period: Period }): StatementOfActivities {
  const accounts = [...input.accounts].sort(byCode);
  const totals = totalsAsOf(input.entries, input.period);
  const income = activityLines(accounts, totals, 'income');
  const expenses = activityLines(accounts, totals, 'expense');
  const incomeTotal = lineTotal(income, { zh: '收入合计', en: 'Total income' });
  const expensesTotal = lineTotal(expenses, { zh: '费用合计', en: 'Total expenses' });
  const restrictedTotals = totals.get(ACCOUNTS.netAssetsRestricted);
  const released =
    restrictedTotals === undefined ? Money.zero() : restrictedTotals.debits.minus(restrictedTotals.credits);
  const changeUnrestricted = incomeTotal.unrestricted.minus(expensesTotal.unrestricted).plus(released);
  const changeRestricted = incomeTotal.restricted.minus(expensesTotal.restricted).minus(released);
  return {
    period: input.period,
    income,
    incomeTotal,
    expenses,
    expensesTotal,
    released,
    changeUnrestricted,
    changeRestricted,
    changeTotal: changeUnrestricted.plus(changeRestricted)
  };
}

function activityLines(
  accounts: readonly Account[],
  totals: ReadonlyMap<string, Totals>,
  kind: 'income' | 'expense'
): ActivityLine[] {
  const lines = new Map<string, { name: AccountName; unrestricted: Money; restricted: Money }>();
  const names = new Map(accounts.map((account) => [account.code, account.name]));
  for (const account of accounts) {
    const total = totals.get(account.code);
    if (account.kind !== kind || total === undefined) continue;
    const top = account.code.slice(0, 4);
    const line = lines.get(top) ?? {
      name: names.get(top) ?? account.name,
      unrestricted: Money.zero(),
      restricted: Money.zero()
    };
    const amount = normalAmount(account, total);
    // Expenses always reduce unrestricted net assets; restricted money reaches them through a release.
    if (kind === 'income' && account.restriction === 'restricted') {
      line.restricted = line.restricted.plus(amount);
    } else {
      line.unrestricted = line.unrestricted.plus(amount);
    }
    lines.set(top, line);
  }
  return [...lines].map(([account, line]) => ({ account, ...line, amount: line.unrestricted.plus(line.restricted) }));
}

function lineTotal(lines: readonly ActivityLine[], name: AccountName): ActivityLine {
  const unrestricted = Money.sum(lines.map((line) => line.unrestricted));
  const restricted = Money.sum(lines.map((line) => line.restricted));
  return { account: '', name, unrestricted, restricted, amount: unrestricted.plus(restricted) };
}
