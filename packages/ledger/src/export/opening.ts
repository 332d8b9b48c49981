import { Money } from '../money/money.js';
import type { Entry, Posting } from '../journal/types.js';
import { dayBefore } from './periods.js';

/**
 * The opening balances of a period as one entry, dated the day before the period starts, so that
 * an export of one period (hledger, Beancount) starts from the accounts' real balances and its
 * balance assertions hold. `balances` are signed, debit positive, as of the end of that day; an
 * account at zero gets no posting. The entry is not one of the books' entries: it has seq 0, no
 * hash, and an id that says what it is. Null when every balance is zero (nothing to open).
 */
export function openingBalancesEntry(input: {
  readonly fundId: string;
  readonly periodFrom: string;
  readonly balances: ReadonlyMap<string, Money>;
}): Entry | null {
  const postings: Posting[] = [...input.balances]
    .filter(([, balance]) => !balance.isZero())
    .sort(([first], [second]) => (first < second ? -1 : first > second ? 1 : 0))
    .map(([account, balance]) => ({
      account,
      side: balance.isNegative() ? ('credit' as const) : ('debit' as const),
      amount: balance.abs()
    }));
  if (postings.length === 0) return null;
  const debits = Money.sum(postings.filter((posting) => posting.side === 'debit').map((posting) => posting.amount));
  const credits = Money.sum(postings.filter((posting) => posting.side === 'credit').map((posting) => posting.amount));
  if (!debits.equals(credits)) throw new Error('opening balances: the balances do not add up to zero');
  const date = dayBefore(input.periodFrom);
  return {
    fundId: input.fundId,
    seq: 0,
    id: `opening-balances-${date}`,
    date,
    recordedAt: `${date}T00:00:00.000Z`,
    memo: '期初余额 Opening balances',
    references: {},
    idempotencyKey: null,
    requestHash: null,
    reverses: null,
    settles: null,
    postings,
    previousHash: '',
    hash: ''
  };
}
