import type { Account } from '../chart/account.js';
import { Money } from '../money/money.js';

/**
 * What a decision needs to know about one account: its definition and its maintained totals.
 * The server loads these rows (locked) from the database; the Book keeps them in memory.
 */
export type AccountState = {
  readonly account: Account;
  readonly debitsPosted: Money;
  readonly creditsPosted: Money;
  /** The sum of the account's holds that are open and unexpired at the command's time. */
  readonly heldTotal: Money;
};

/** The new totals of one account after an entry, with the entry's own debits and credits on it. */
export type BalanceChange = {
  readonly account: string;
  readonly debitsPosted: Money;
  readonly creditsPosted: Money;
  readonly debitsDelta: Money;
  readonly creditsDelta: Money;
};

export function accountStateOpened(account: Account): AccountState {
  return { account, debitsPosted: Money.zero(), creditsPosted: Money.zero(), heldTotal: Money.zero() };
}

/** The balance on the account's normal side: debits minus credits for assets and expenses. */
export function balanceOf(totals: {
  readonly account: Pick<Account, 'normalSide'>;
  readonly debitsPosted: Money;
  readonly creditsPosted: Money;
}): Money {
  return totals.account.normalSide === 'debit'
    ? totals.debitsPosted.minus(totals.creditsPosted)
    : totals.creditsPosted.minus(totals.debitsPosted);
}

/** The balance less what open holds have reserved: what can still be promised or paid. */
export function availableOf(state: AccountState): Money {
  return balanceOf(state).minus(state.heldTotal);
}
