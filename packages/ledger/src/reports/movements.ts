import type { Entry } from '../journal/types.js';
import { Money } from '../money/money.js';
import { MINFEI_STATEMENT_FORMATS } from '../chart/minfei-2024-statement-lines.js';

/**
 * The books summed by day, account and the two facts the statements ask of an entry: whether it is
 * a closing entry (结账), and whether it moves cash. Statements are computed from these sums rather
 * than from entries, so a fund of 100,000 entries is a few thousand rows; the database can sum the
 * same rows itself (see `movementKey` for what makes two postings the same row).
 */
export type Movement = {
  readonly date: string;
  readonly account: string;
  readonly debits: Money;
  readonly credits: Money;
  /** Posted by a closing entry, which the statement of activities and the cash flow leave out. */
  readonly closing: boolean;
  /** Posted by an entry with at least one posting on a cash account. */
  readonly withCash: boolean;
};

/** The cash accounts of the statements' format: 1001, 1002, 1009 and their sub-accounts. */
export const CASH_ACCOUNT_ROOTS: readonly string[] = MINFEI_STATEMENT_FORMATS.cashFlow.cashAccounts;

export function isCashAccount(code: string, roots: readonly string[] = CASH_ACCOUNT_ROOTS): boolean {
  return roots.some((root) => code === root || code.startsWith(`${root}.`));
}

export function movementKey(movement: Pick<Movement, 'date' | 'account' | 'closing' | 'withCash'>): string {
  return `${movement.date}|${movement.account}|${movement.closing ? 1 : 0}|${movement.withCash ? 1 : 0}`;
}

/** Sums entries into movements; `closingEntryIds` names the closing entries (none by default). */
export function movementsOf(
  entries: Iterable<Entry>,
  options: { readonly closingEntryIds?: ReadonlySet<string> } = {}
): Movement[] {
  const closingIds = options.closingEntryIds ?? new Set<string>();
  const sums = new Map<
    string,
    { date: string; account: string; debits: Money; credits: Money; closing: boolean; withCash: boolean }
  >();
  for (const entry of entries) {
    const closing = closingIds.has(entry.id);
    const withCash = entry.postings.some((posting) => isCashAccount(posting.account));
    for (const posting of entry.postings) {
      const key = movementKey({ date: entry.date, account: posting.account, closing, withCash });
      const sum = sums.get(key) ?? {
        date: entry.date,
        account: posting.account,
        debits: Money.zero(),
        credits: Money.zero(),
        closing,
        withCash
      };
      if (posting.side === 'debit') sum.debits = sum.debits.plus(posting.amount);
      else sum.credits = sum.credits.plus(posting.amount);
      sums.set(key, sum);
    }
  }
  return [...sums.values()];
}
