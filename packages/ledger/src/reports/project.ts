import { ACCOUNTS } from '../chart/minfei-2026.js';
import type { ProjectAccounts } from '../chart/chart.js';
import type { Hold } from '../journal/holds.js';
import { remainingOf } from '../journal/holds.js';
import type { Entry, Posting } from '../journal/types.js';
import { Money } from '../money/money.js';

/** One project's money: budget against actual, and the match against the self-raised share. */
export type ProjectStatement = {
  readonly budget: Money;
  readonly matchApproved: Money;
  /** What open holds still reserve for the project in the pool. */
  readonly matchReserved: Money;
  /** Net transfers from the pool to the project's account. */
  readonly matchPaid: Money;
  readonly selfRaisedReceived: Money;
  readonly selfRaisedRefunded: Money;
  /** The fund's own cost: the match it spent (5101.P-<id>). */
  readonly costMatch: Money;
  /** Self-raised money paid to vendors on the households' behalf. */
  readonly costSelfRaised: Money;
  readonly costActual: Money;
  /** Budget less actual cost: positive for an underrun. */
  readonly budgetVariance: Money;
  /** Money still in the project's account. */
  readonly fundsHeld: Money;
};

function isUnder(code: string, root: string): boolean {
  return code === root || code.startsWith(`${root}.`);
}

function sumOn(postings: readonly Posting[], root: string, side: Posting['side']): Money {
  return Money.sum(
    postings
      .filter((posting) => posting.side === side && isUnder(posting.account, root))
      .map((posting) => posting.amount)
  );
}

/**
 * Reads a project's entries by the conventions of the event → entries table:
 * - an entry touching the pool and the project's account moves match money;
 * - an entry touching the self-raised payable and the project's cost is spending, and its
 *   debits to the payable are the self-raised part of the cost;
 * - any other entry touching the self-raised payable receives (credits) or refunds (debits)
 *   households' money.
 */
export function projectStatement(input: {
  readonly entries: readonly Entry[];
  readonly holds?: readonly Hold[];
  readonly accounts: ProjectAccounts;
  readonly projectId: string;
  readonly budget: Money;
  readonly matchApproved: Money;
  readonly pool?: string;
}): ProjectStatement {
  const pool = input.pool ?? ACCOUNTS.pool;
  const { funds, selfRaised, cost } = input.accounts;
  const totals = {
    matchPaid: Money.zero(),
    selfRaisedReceived: Money.zero(),
    selfRaisedRefunded: Money.zero(),
    costMatch: Money.zero(),
    costSelfRaised: Money.zero(),
    fundsHeld: Money.zero()
  };
  for (const { postings } of input.entries) {
    const touches = (root: string): boolean => postings.some((posting) => isUnder(posting.account, root));
    totals.fundsHeld = totals.fundsHeld.plus(sumOn(postings, funds, 'debit')).minus(sumOn(postings, funds, 'credit'));
    if (touches(pool) && touches(funds)) {
      totals.matchPaid = totals.matchPaid.plus(sumOn(postings, funds, 'debit')).minus(sumOn(postings, funds, 'credit'));
    }
    if (touches(cost)) {
      totals.costMatch = totals.costMatch.plus(sumOn(postings, cost, 'debit')).minus(sumOn(postings, cost, 'credit'));
      totals.costSelfRaised = totals.costSelfRaised
        .plus(sumOn(postings, selfRaised, 'debit'))
        .minus(sumOn(postings, selfRaised, 'credit'));
    } else if (touches(selfRaised)) {
      totals.selfRaisedReceived = totals.selfRaisedReceived.plus(sumOn(postings, selfRaised, 'credit'));
      totals.selfRaisedRefunded = totals.selfRaisedRefunded.plus(sumOn(postings, selfRaised, 'debit'));
    }
  }
  const costActual = totals.costMatch.plus(totals.costSelfRaised);
  const holds = (input.holds ?? []).filter((hold) => hold.status === 'open' && hold.reference === input.projectId);
  return {
    budget: input.budget,
    matchApproved: input.matchApproved,
    matchReserved: Money.sum(holds.map(remainingOf)),
    ...totals,
    costActual,
    budgetVariance: input.budget.minus(costActual)
  };
}
