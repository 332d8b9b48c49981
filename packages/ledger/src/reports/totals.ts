import { Money } from '../money/money.js';
import type { Entry } from '../journal/types.js';

export type Totals = { readonly debits: Money; readonly credits: Money };

export type Period = {
  /** The first day included, or null for the start of the books. */
  readonly dateFrom?: string | null;
  /** The last day included, or null for everything. */
  readonly dateTo?: string | null;
};

export function isInPeriod(date: string, period: Period): boolean {
  return (
    (period.dateFrom === undefined || period.dateFrom === null || date >= period.dateFrom) &&
    (period.dateTo === undefined || period.dateTo === null || date <= period.dateTo)
  );
}

/** Sums debits and credits per account over the entries dated within a period. */
export function totalsAsOf(entries: readonly Entry[], period: Period): Map<string, Totals> {
  const totals = new Map<string, { debits: Money; credits: Money }>();
  for (const entry of entries) {
    if (!isInPeriod(entry.date, period)) {
      continue;
    }
    for (const posting of entry.postings) {
      const total = totals.get(posting.account) ?? { debits: Money.zero(), credits: Money.zero() };
      if (posting.side === 'debit') {
        total.debits = total.debits.plus(posting.amount);
      } else {
        total.credits = total.credits.plus(posting.amount);
      }
      totals.set(posting.account, total);
    }
  }
  return totals;
}

/** Adds each account's totals into its ancestors', so a parent shows its whole subtree. */
export function totalsRolledUp(totals: ReadonlyMap<string, Totals>): Map<string, Totals> {
  const rolled = new Map<string, Totals>();
  for (const [code, total] of totals) {
    const segments = code.split('.');
    for (let depth = 1; depth <= segments.length; depth += 1) {
      const ancestor = segments.slice(0, depth).join('.');
      const current = rolled.get(ancestor);
      rolled.set(
        ancestor,
        current === undefined
          ? total
          : { debits: current.debits.plus(total.debits), credits: current.credits.plus(total.credits) }
      );
    }
  }
  return rolled;
}
