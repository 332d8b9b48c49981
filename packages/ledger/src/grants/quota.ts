import { Money } from '../money/money.js';
import type { MatchPolicy } from '../match/policy.js';
import { ok, reject, type Result } from '../result.js';
import type { ApplicationState } from './application.js';
import { CHINA_OFFSET_MS } from '../money/days.js';

/*
 * A compound's yearly quota (配额): the policy's cap per compound per year, less what the compound
 * was granted that year. The quota is read in three places (the live match a committee sees, the
 * approval that reserves the match, the public fund page) and they must agree, so its three parts
 * live here: which grants count, which year a grant counts in, and whether an approval still fits.
 */

/**
 * The states of a grant: approved by the leadership group, and every state after it, cancelled
 * included. Project pages, public project lists and the final account show exactly these.
 */
export const GRANT_STATES = [
  'approved',
  'active',
  'accepted',
  'closed',
  'cancelled'
] as const satisfies readonly ApplicationState[];

export type GrantState = (typeof GRANT_STATES)[number];

/** Whether a state is one of a grant's (GRANT_STATES): approved, or any state after it. */
export function isGrantState(state: string): state is GrantState {
  return (GRANT_STATES as readonly string[]).includes(state);
}

/** The grants that stand: every grant that was not cancelled, in its notice, running, accepted or closed. */
export const GRANTED_STATES = ['approved', 'active', 'accepted', 'closed'] as const satisfies readonly GrantState[];

/**
 * The grants that count against their compound's yearly cap: every grant that stands
 * (GRANTED_STATES). A grant keeps counting at its approved amount after it closes, even if its
 * final match came out lower, because the cap limits what the fund commits to one compound in a
 * year, not what it ends up paying; a cancelled grant stops counting.
 */
export const QUOTA_STATES: readonly GrantState[] = GRANTED_STATES;

/** Whether a grant in this state counts against its compound's yearly cap. */
export function countsAgainstQuota(state: ApplicationState): boolean {
  return (QUOTA_STATES as readonly ApplicationState[]).includes(state);
}

/**
 * The year whose quota a decision taken at this instant counts in: the calendar year in China
 * (a Chinese fiscal year is the calendar year, 1 January to 31 December, by the Accounting Law).
 * It is the year of the decision itself, not a setting, so an approval on 2 January counts in the
 * new year even before the office has moved its books on.
 */
export function quotaYearOf(instant: Date): number {
  const time = instant.getTime();
  if (!Number.isFinite(time)) throw new RangeError('quotaYearOf: the instant is not a valid date');
  return new Date(time + CHINA_OFFSET_MS).getUTCFullYear();
}

/**
 * The instants a quota year spans, as ISO 8601 timestamps: a grant counts in the year its approval
 * was decided, on China's calendar, from the first instant of 1 January to the first instant of
 * the next 1 January, that one excluded.
 */
export function quotaYearBounds(year: number): { readonly from: string; readonly until: string } {
  if (!Number.isSafeInteger(year) || year < 1000 || year > 9998) {
    throw new RangeError(`quotaYearBounds: ${year} is not a four-digit year`);
  }
  return { from: `${year}-01-01T00:00:00+08:00`, until: `${year + 1}-01-01T00:00:00+08:00` };
}

/**
 * What the compound may still be granted this year (never below zero), or null when the policy
 * sets no cap. It is exact, not rounded to the policy's unit: the cap holds as long as the grants
 * add up to no more than it, whatever unit an older policy version rounded them to.
 */
export function quotaLeft(policy: Pick<MatchPolicy, 'capPerCompoundPerYear'>, matchedThisYear: Money): Money | null {
  const cap = policy.capPerCompoundPerYear;
  if (cap === null) return null;
  return Money.max(Money.zero(), cap.minus(matchedThisYear));
}

export type QuotaCode = 'compound_quota_cannot_cover_the_match';

/**
 * Whether a match being approved still fits the compound's quota as it stands now. The match was
 * computed when the committee submitted; other grants of the same compound may have been approved
 * since. An approval that no longer fits is refused with the figure, never shrunk: the residents'
 * share was set at their owners' meeting on the submitted match, so a smaller match would ask them
 * for money they never agreed to raise. The leadership group can return the application, and the
 * committee revises it against the quota left.
 */
export function decideQuotaAtApproval(input: {
  readonly policy: Pick<MatchPolicy, 'capPerCompoundPerYear'>;
  readonly matchedThisYear: Money;
  readonly match: Money;
}): Result<{ readonly left: Money | null }, QuotaCode> {
  const left = quotaLeft(input.policy, input.matchedThisYear);
  if (left !== null && input.match.greaterThan(left)) {
    return reject('compound_quota_cannot_cover_the_match', {
      left: left.toString(),
      match: input.match.toString(),
      cap: input.policy.capPerCompoundPerYear?.toString() ?? null,
      matchedThisYear: input.matchedThisYear.toString()
    });
  }
  return ok({ left });
}
