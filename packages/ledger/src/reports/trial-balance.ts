import type { Account, AccountName, AccountKind } from '../chart/account.js';
import { Money } from '../money/money.js';
import type { Entry } from '../journal/types.js';
import { totalsAsOf, type Totals } from './totals.js';

export type TrialBalanceRow = {
  readonly account: string;
  readonly name: AccountName;
  readonly kind: AccountKind;
  readonly debitsPosted: Money;
  readonly creditsPosted: Money;
  /** Debits minus credits: positive on the debit side, negative on the credit side. */
  readonly balance: Money;
};

export type TrialBalance = {
  readonly rows: readonly TrialBalanceRow[];
  readonly debitsTotal: Money;
  readonly creditsTotal: Money;
  /** Σ balance over all accounts, which double entry keeps at zero. */
  readonly balanceTotal: Money;
};

/**
 * Builds a trial balance from account totals, in account-code order. Accounts that never moved
 * are left out, so the rows compare one to one with `hledger bal`.
 */
export function trialBalanceOfTotals(accounts: Iterable<Account>, totals: ReadonlyMap<string, Totals>): TrialBalance {
  const rows: TrialBalanceRow[] = [];
  let debitsTotal = Money.zero();
  let creditsTotal = Money.zero();
  for (const account of [...accounts].sort(byCode)) {
    const total = totals.get(account.code);
    if (total === undefined || (total.debits.isZero() && total.credits.isZero())) {
      continue;
    }
    debitsTotal = debitsTotal.plus(total.debits);
    creditsTotal = creditsTotal.plus(total.credits);
    rows.push({
      account: account.code,
      name: account.name,
      kind: account.kind,
      debitsPosted: total.debits,
      creditsPosted: total.credits,
      balance: total.debits.minus(total.credits)
    });
  }
  return { rows, debitsTotal, creditsTotal, balanceTotal: debitsTotal.minus(creditsTotal) };
}

/** The trial balance as of a day (inclusive), computed by scanning the entries. */
export function trialBalance(input: {
  readonly accounts: Iterable<Account>;
  readonly entries: readonly Entry[];
  readonly asOf?: string;
}): TrialBalance {
  return trialBalanceOfTotals(input.accounts, totalsAsOf(input.entries, { dateTo: input.asOf ?? null }));
}

export function byCode(first: { readonly code: string }, second: { readonly code: string }): number {
  return first.code < second.code ? -1 : first.code > second.code ? 1 : 0;
}
