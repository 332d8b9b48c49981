import { Decimal } from 'decimal.js';

/*
 * Participation (参与率): the share of a project's households that have paid their part. The payout
 * rule (no match before the policy's minimum participation), the committee's raise page and the
 * public project page all show it, so it has one definition, here: households that paid at least
 * once, over the households the application expects to pay (its self-raise plan, which the
 * committee sets no higher than the compound's register). The register's own count is not the
 * denominator: a compound's households include those the project does not concern, and the
 * owners' meeting decided who pays.
 */

export type Participation = {
  readonly householdsPaid: number;
  readonly householdsExpected: number;
  /** Paid over expected, in percent with at most one decimal, rounded down so it never overstates; null when none are expected. */
  readonly percent: string | null;
  /** The policy's minimum in percent with at most one decimal, or null when the policy sets none. */
  readonly percentMin: string | null;
  /** Whether the minimum is met; a policy without a minimum, or a plan without households, is always met. */
  readonly met: boolean;
};

/** A share as a percentage with at most one decimal, rounded down: "0.875" → "87.5", "0.6" → "60". */
const percentOf = (share: Decimal.Value): string =>
  new Decimal(share).times(100).toDecimalPlaces(1, Decimal.ROUND_DOWN).toString();

/**
 * The participation of a project. `participationMin` is the policy's share, a decimal string from
 * 0 to 1, or null. The comparison is exact: 7 of 10 households meet a minimum of 0.7.
 */
export function participationOf(input: {
  readonly householdsPaid: number;
  readonly householdsExpected: number;
  readonly participationMin: string | null;
}): Participation {
  const { householdsPaid, householdsExpected, participationMin } = input;
  const expected = Math.max(0, householdsExpected);
  return {
    householdsPaid,
    householdsExpected: expected,
    percent: expected > 0 ? percentOf(new Decimal(householdsPaid).div(expected)) : null,
    percentMin: participationMin === null ? null : percentOf(participationMin),
    met:
      participationMin === null ||
      expected === 0 ||
      new Decimal(householdsPaid).greaterThanOrEqualTo(new Decimal(expected).times(participationMin))
  };
}
