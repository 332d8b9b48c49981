import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { Decimal } from '../money/decimal.js';
import { Money, moneyFromDecimal } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';
import { categoryPolicyOf, checkMatchPolicy, ratioParsed, type MatchPolicy, type RoundingDirection } from './policy.js';

export type MatchLimit = 'ratio' | 'cap_per_project' | 'cap_per_compound_per_year' | 'pool_available';

export type RatioSource = 'default' | 'category' | 'override';

/** One line of the working, for the UI to render in either language (see explainMatch). */
export type MatchStep =
  | {
      readonly step: 'ratio_chosen';
      readonly ratio: string;
      readonly source: RatioSource;
      readonly category: string | null;
      readonly reason: string | null;
    }
  | {
      readonly step: 'ratio_applied';
      readonly costEligible: Money;
      readonly ratio: string;
      readonly exact: string;
      readonly roundingUnit: Money;
      readonly roundingDirection: RoundingDirection;
      /** True when rounding half up would have left the residents below their minimum share, so it rounded down. */
      readonly roundedDownForShareMin: boolean;
      readonly amount: Money;
    }
  | { readonly step: 'cap_per_project'; readonly cap: Money; readonly amount: Money }
  | {
      readonly step: 'cap_per_compound_per_year';
      readonly cap: Money;
      readonly matchedThisYear: Money;
      readonly amount: Money;
    }
  | { readonly step: 'pool_available'; readonly available: Money; readonly amount: Money }
  | { readonly step: 'match_chosen'; readonly match: Money; readonly boundBy: MatchLimit }
  | {
      readonly step: 'self_raised';
      readonly costEligible: Money;
      readonly match: Money;
      readonly selfRaised: Money;
      readonly share: string;
      readonly shareMin: string;
    };

export type MatchRequest = {
  readonly costEligible: Money;
  /** The project's category, which may carry its own ratio and cap. */
  readonly category?: string;
  /** What the compound has already been matched this calendar year, this project excluded. */
  readonly compoundMatchedThisYear: Money;
  /** What the pool can still grant: its balance less open holds. */
  readonly poolAvailable: Money;
  /** A ratio the leadership group set instead of the policy's, within the band, with its reason. */
  readonly ratioOverride?: { readonly ratio: string; readonly reason: string };
};

export type MatchDecision = {
  readonly match: Money;
  readonly selfRaised: Money;
  readonly ratio: string;
  /** The first limit, in the order ratio, per-project cap, per-compound cap, pool, that set the match. */
  readonly boundBy: MatchLimit;
  readonly steps: readonly MatchStep[];
};

export type MatchCode =
  | 'cost_must_be_positive'
  | 'category_not_in_policy'
  | 'ratio_must_be_between_0_and_1'
  | 'override_reason_required'
  | 'ratio_outside_policy_band';

/**
 * Computes a project's match:
 * match = min(ratio × eligible cost, cap per project, cap per compound per year, pool available),
 * each rounded down to the policy's unit, so the fund never pays a fen more than every rule allows.
 */
export function computeMatch(policy: MatchPolicy, request: MatchRequest): Result<MatchDecision, MatchCode> {
  assert(checkMatchPolicy(policy).ok, MESSAGES.matchPolicyInvalid);
  const chosen = ratioChosen(policy, request);
  if (!chosen.ok) {
    return chosen;
  }
  const applied = ratioShareOf(policy, request.costEligible, chosen.value.ratio);
  const limits: [MatchLimit, Money][] = [['ratio', applied.amount]];
  const steps: MatchStep[] = [
    chosen.value.step,
    {
      step: 'ratio_applied',
      costEligible: request.costEligible,
      ratio: chosen.value.step.ratio,
      exact: applied.exact.toString(),
      roundingUnit: policy.roundingUnit,
      roundingDirection: applied.direction,
      roundedDownForShareMin: applied.roundedDownForShareMin,
      amount: applied.amount
    }
  ];
  appendCapSteps({ policy, request, limits, steps });
  const [boundBy, match] = limits.reduce((lowest, limit) => (limit[1].lessThan(lowest[1]) ? limit : lowest));
  const selfRaised = request.costEligible.minus(match);
  steps.push({ step: 'match_chosen', match, boundBy });
  steps.push({
    step: 'self_raised',
    costEligible: request.costEligible,
    match,
    selfRaised,
    share: selfRaised.toDecimal().div(request.costEligible.toDecimal()).toDecimalPlaces(4).toString(),
    shareMin: policy.selfRaisedShareMin
  });
  return ok({ match, selfRaised, ratio: chosen.value.step.ratio, boundBy, steps });
}

function ratioChosen(
  policy: MatchPolicy,
  request: MatchRequest
): Result<{ ratio: Decimal; step: Extract<MatchStep, { step: 'ratio_chosen' }> }, MatchCode> {
  if (!request.costEligible.isPositive()) {
    return reject('cost_must_be_positive', { costEligible: request.costEligible.toString() });
  }
  const category = request.category === undefined ? undefined : categoryPolicyOf(policy, request.category);
  if (request.category !== undefined && category === undefined) {
    return reject('category_not_in_policy', { category: request.category });
  }
  const categoryName = request.category ?? null;
  const override = request.ratioOverride;
  if (override === undefined) {
    const text = category?.ratio ?? policy.ratioDefault;
    const source = category?.ratio === undefined ? 'default' : 'category';
    return ok({
      ratio: new Decimal(text),
      step: { step: 'ratio_chosen', ratio: text, source, category: categoryName, reason: null }
    });
  }
  const ratio = ratioParsed(override.ratio);
  if (ratio === null) {
    return reject('ratio_must_be_between_0_and_1', { ratio: override.ratio });
  }
  if (override.reason.trim() === '') {
    return reject('override_reason_required');
  }
  const band = policy.overrideBand;
  if (ratio.lt(band.ratioMin) || ratio.gt(band.ratioMax)) {
    return reject('ratio_outside_policy_band', {
      ratio: override.ratio,
      ratioMin: band.ratioMin,
      ratioMax: band.ratioMax
    });
  }
  return ok({
    ratio,
    step: {
      step: 'ratio_chosen',
      ratio: override.ratio,
      source: 'override',
      category: categoryName,
      reason: override.reason
    }
  });
}

function appendCapSteps(input: {
  policy: MatchPolicy;
  request: MatchRequest;
  limits: [MatchLimit, Money][];
  steps: MatchStep[];
}): void {
  const { policy, request, limits, steps } = input;
  const unit = policy.roundingUnit;
  const category = request.category === undefined ? undefined : categoryPolicyOf(policy, request.category);
  const capProject = category?.capPerProject ?? policy.capPerProject;
  if (capProject !== null) {
    const amount = roundDown(capProject.toDecimal(), unit);
    limits.push(['cap_per_project', amount]);
    steps.push({ step: 'cap_per_project', cap: capProject, amount });
  }
  const capCompound = policy.capPerCompoundPerYear;
  if (capCompound !== null) {
    const amount = roundDown(capCompound.minus(request.compoundMatchedThisYear).toDecimal(), unit);
    limits.push(['cap_per_compound_per_year', amount]);
    steps.push({
      step: 'cap_per_compound_per_year',
      cap: capCompound,
      matchedThisYear: request.compoundMatchedThisYear,
      amount
    });
  }
  const amount = roundDown(request.poolAvailable.toDecimal(), unit);
  limits.push(['pool_available', amount]);
  steps.push({ step: 'pool_available', available: request.poolAvailable, amount });
}

/**
 * The ratio's share of a cost, rounded to the policy's unit in the policy's direction. Rounding half
 * up may give the fund up to half a unit more than the ratio; when that would leave the residents
 * less than the policy's minimum share of the cost, the share is rounded down instead, so the
 * minimum always holds. The match at approval and the final match on the actual cost both come
 * from here, so an exact budget gives the same match twice.
 */
export function ratioShareOf(
  policy: Pick<MatchPolicy, 'roundingUnit' | 'roundingDirection' | 'selfRaisedShareMin'>,
  cost: Money,
  ratio: Decimal | string
): { exact: Decimal; amount: Money; direction: RoundingDirection; roundedDownForShareMin: boolean } {
  const exact = cost.toDecimal().times(ratio);
  const direction = policy.roundingDirection ?? 'down';
  const down = roundDown(exact, policy.roundingUnit);
  if (direction === 'down') return { exact, amount: down, direction, roundedDownForShareMin: false };
  const unit = policy.roundingUnit.toDecimal();
  const nearest = moneyFromDecimal(exact.div(unit).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(unit));
  const matchMax = cost.toDecimal().times(new Decimal(1).minus(policy.selfRaisedShareMin));
  if (nearest.toDecimal().gt(matchMax)) return { exact, amount: down, direction, roundedDownForShareMin: true };
  return { exact, amount: nearest, direction, roundedDownForShareMin: false };
}

/** Rounds a non-negative amount down to a multiple of the unit; a negative room counts as zero. */
export function roundDown(amount: Decimal, unit: Money): Money {
  if (amount.isNegative()) {
    return Money.zero();
  }
  const unitDecimal = unit.toDecimal();
  return moneyFromDecimal(amount.div(unitDecimal).floor().times(unitDecimal));
}
