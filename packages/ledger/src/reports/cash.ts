import type { Account, AccountName } from '../chart/account.js';
import { Money } from '../money/money.js';
import { isInPeriod, type Period } from './totals.js';
import type { ReportInput, StatementLine } from './statements.js';

/** Where the fund's cash came from and where it went over a period, by counter-account. */
export type SourcesAndUses = {
  readonly period: Period;
  readonly sources: readonly StatementLine[];
  readonly sourcesTotal: Money;
  readonly uses: readonly StatementLine[];
  readonly usesTotal: Money;
  readonly cashOpening: Money;
  readonly cashClosing: Money;
};

/** The accounts that hold cash: 现金 and 银行存款 with their sub-accounts. */
export const CASH_ACCOUNTS_DEFAULT: readonly string[] = ['1001', '1002'];

function isUnder(code: string, roots: readonly string[]): boolean {
  return roots.some((root) => code === root || code.startsWith(`${root}.`));
}

/**
 * In every entry that moves cash, each non-cash credit is a source and each non-cash debit a use,
 * grouped by top-level account. Transfers between cash accounts (the pool paying a project's
 * account) are neither. So sources less uses is exactly the change in cash.
 */
export function sourcesAndUses(
  input: ReportInput & { readonly period: Period; readonly cashAccounts?: readonly string[] }
): SourcesAndUses {
  const roots = input.cashAccounts ?? CASH_ACCOUNTS_DEFAULT;
  const names = new Map<string, AccountName>(
    [...input.accounts].map((account: Account) => [account.code, account.name])
  );
  const sources = new Map<string, Money>();
  const uses = new Map<string, Money>();
  let cashOpening = Money.zero();
  let cashClosing = Money.zero();
  for (const entry of input.entries) {
    const before =
      input.period.dateFrom !== undefined && input.period.dateFrom !== null && entry.date < input.period.dateFrom;
    const within = isInPeriod(entry.date, input.period);
    const movesCash = entry.postings.some((posting) => isUnder(posting.account, roots));
    for (const posting of entry.postings) {
      const signed = posting.side === 'debit' ? posting.amount : posting.amount.negated();
      if (isUnder(posting.account, roots)) {
        cashOpening = before ? cashOpening.plus(signed) : cashOpening;
        cashClosing = before || within ? cashClosing.plus(signed) : cashClosing;
      } else if (within && movesCash) {
        const top = posting.account.slice(0, 4);
        const target = posting.side === 'credit' ? sources : uses;
        target.set(top, (target.get(top) ?? Money.zero()).plus(posting.amount));
      }
    }
  }
  const lines = (map: Map<string, Money>): StatementLine[] =>
    [...map]
      .sort(([first], [second]) => (first < second ? -1 : 1))
      .map(([account, amount]) => ({ account, name: names.get(account) ?? { zh: account, en: account }, amount }));
  return {
    period: input.period,
    sources: lines(sources),
    sourcesTotal: Money.sum(sources.values()),
    uses: lines(uses),
    usesTotal: Money.sum(uses.values()),
    cashOpening,
    cashClosing
  };
}
