import { Money } from '../money/money.js';
import { ratioShareOf } from './compute.js';
import type { MatchPolicy, ReleaseMode } from './policy.js';

/**
 * How much of an approved match may be paid out now, given the self-raised money received:
 * - `proportional`: the same share of the match as the share of the self-raised target received,
 *   rounded down to the fen;
 * - `all_when_target_met`: nothing until the target is met, then all of it.
 * What was already paid out is subtracted, and the result is never negative.
 */
export function matchReleasable(input: {
  readonly releaseMode: ReleaseMode;
  readonly match: Money;
  readonly selfRaisedTarget: Money;
  readonly selfRaisedReceived: Money;
  readonly matchReleased: Money;
}): Money {
  const { match, selfRaisedTarget: target, selfRaisedReceived: received } = input;
  let earned: Money;
  if (received.greaterThanOrEqual(target)) {
    earned = match;
  } else if (input.releaseMode === 'all_when_target_met' || !received.isPositive()) {
    earned = Money.zero();
  } else {
    earned = Money.fromMinor((match.toMinor() * received.toMinor()) / target.toMinor());
  }
  return Money.max(Money.zero(), earned.minus(input.matchReleased));
}

export type MatchFinal = {
  /** The match on the actual cost: never more than was approved. */
  readonly match: Money;
  /** The part of the approved match that goes back to the pool. */
  readonly matchUnused: Money;
  readonly selfRaised: Money;
  /** Self-raised money received beyond the residents' actual share, to refund or keep. */
  readonly selfRaisedSurplus: Money;
};

/**
 * The final match once the actual cost is known. An underrun shrinks the match in proportion
 * (60% of an actual 4,500 is 2,700, and 300 of an approved 3,000 goes back to the pool); an
 * overrun never raises it above what was approved.
 */
export function matchFinal(
  policy: Pick<MatchPolicy, 'roundingUnit' | 'roundingDirection' | 'selfRaisedShareMin'>,
  input: {
    readonly ratio: string;
    readonly matchApproved: Money;
    readonly costActual: Money;
    readonly selfRaisedReceived: Money;
  }
): MatchFinal {
  const byRatio = ratioShareOf(policy, input.costActual, input.ratio).amount;
  const match = Money.min(byRatio, input.matchApproved);
  const selfRaised = Money.max(Money.zero(), input.costActual.minus(match));
  return {
    match,
    matchUnused: input.matchApproved.minus(match),
    selfRaised,
    selfRaisedSurplus: Money.max(Money.zero(), input.selfRaisedReceived.minus(selfRaised))
  };
}
