import { Decimal, DECIMAL_ONE } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';

export type ReleaseMode = 'proportional' | 'all_when_target_met';

/**
 * Which way the ratio's share of a cost is rounded to the policy's unit: down (向下取整, the fund
 * never pays more than the ratio) or half up (四舍五入). Caps, the quota and the pool are always
 * rounded down, whatever the direction, so that no limit is ever passed by rounding.
 */
export const ROUNDING_DIRECTIONS = ['down', 'half_up'] as const;
export type RoundingDirection = (typeof ROUNDING_DIRECTIONS)[number];

export type MatchCategoryPolicy = {
  /** The category's own ratio, such as "0.7"; the default ratio when left out. */
  readonly ratio?: string;
  /** The category's own cap per project; the default cap when left out. */
  readonly capPerProject?: Money;
};

/** A fund's rules for matching, as its leadership group adopted them. Ratios are decimal strings. */
export type MatchPolicy = {
  readonly ratioDefault: string;
  /** The default cap on one project's match, or null for none. */
  readonly capPerProject: Money | null;
  readonly categories: Readonly<Record<string, MatchCategoryPolicy>>;
  /** The most one compound may be matched in a calendar year, or null for no cap. */
  readonly capPerCompoundPerYear: Money | null;
  /** The smallest share of the cost the residents must raise themselves, such as "0.2". */
  readonly selfRaisedShareMin: string;
  /** The ratio's share of the cost is rounded to a multiple of this, in the rounding direction. */
  readonly roundingUnit: Money;
  /** Down when left out, as every policy adopted before the direction could be chosen. */
  readonly roundingDirection?: RoundingDirection;
  /** The ratios the leadership group may set instead of the policy's, with a reason. */
  readonly overrideBand: { readonly ratioMin: string; readonly ratioMax: string };
  readonly releaseMode: ReleaseMode;
};

export type MatchPolicyCode =
  | 'ratio_must_be_between_0_and_1'
  | 'cap_must_be_positive'
  | 'rounding_unit_must_be_positive'
  | 'rounding_direction_not_known'
  | 'override_band_must_be_ordered'
  | 'ratio_must_leave_self_raised_minimum';

const RATIO_PATTERN = /^\d(?:\.\d{1,8})?$/;

/**
 * A category's own rules, or undefined when the policy has no such category. The name comes from
 * a person (a form, a stored draft), so it is looked up as the policy's own key only: a plain
 * `categories[name]` finds `constructor` or `toString` on Object.prototype, and a category named
 * so would escape its cap and fall back to the default ratio.
 */
export function categoryPolicyOf(
  policy: Pick<MatchPolicy, 'categories'>,
  name: string
): MatchCategoryPolicy | undefined {
  return Object.hasOwn(policy.categories, name) ? policy.categories[name] : undefined;
}

/** Whether the policy names this category, looked up as categoryPolicyOf does. */
export function policyHasCategory(policy: Pick<MatchPolicy, 'categories'>, name: string): boolean {
  return Object.hasOwn(policy.categories, name);
}

/** Parses a ratio string, or returns null when it is not a decimal between 0 and 1. */
export function ratioParsed(text: string): Decimal | null {
  if (typeof text !== 'string' || !RATIO_PATTERN.test(text)) {
    return null;
  }
  const ratio = new Decimal(text);
  return ratio.lte(DECIMAL_ONE) ? ratio : null;
}

/**
 * Checks a policy before it is saved. Every ratio the policy can produce, the override band's top
 * included, must leave the residents at least their minimum share, so that no computed match can
 * break that rule.
 */
export function checkMatchPolicy(policy: MatchPolicy): Result<MatchPolicy, MatchPolicyCode> {
  const ratioFields: [string, string][] = [
    ['ratioDefault', policy.ratioDefault],
    ['selfRaisedShareMin', policy.selfRaisedShareMin],
    ['overrideBand.ratioMin', policy.overrideBand.ratioMin],
    ['overrideBand.ratioMax', policy.overrideBand.ratioMax],
    ...Object.entries(policy.categories).flatMap(([name, category]): [string, string][] =>
      category.ratio === undefined ? [] : [[`categories.${name}.ratio`, category.ratio]]
    )
  ];
  const malformed = ratioFields.find(([, ratio]) => ratioParsed(ratio) === null);
  if (malformed !== undefined) {
    return reject('ratio_must_be_between_0_and_1', { field: malformed[0], ratio: malformed[1] });
  }
  const caps = [
    policy.capPerProject,
    policy.capPerCompoundPerYear,
    ...Object.values(policy.categories).map((category) => category.capPerProject ?? null)
  ];
  if (caps.some((cap) => cap !== null && !cap.isPositive())) {
    return reject('cap_must_be_positive');
  }
  if (!policy.roundingUnit.isPositive()) {
    return reject('rounding_unit_must_be_positive');
  }
  if (policy.roundingDirection !== undefined && !ROUNDING_DIRECTIONS.includes(policy.roundingDirection)) {
    return reject('rounding_direction_not_known');
  }
  const bandMin = ratioParsed(policy.overrideBand.ratioMin) as Decimal;
  const bandMax = ratioParsed(policy.overrideBand.ratioMax) as Decimal;
  if (bandMin.gt(bandMax)) {
    return reject('override_band_must_be_ordered');
  }
  const ratioMax = DECIMAL_ONE.minus(ratioParsed(policy.selfRaisedShareMin) as Decimal);
  const tooHigh = ratioFields.find(
    ([field, ratio]) => field !== 'selfRaisedShareMin' && new Decimal(ratio).gt(ratioMax)
  );
  if (tooHigh !== undefined) {
    return reject('ratio_must_leave_self_raised_minimum', { field: tooHigh[0], ratioMax: ratioMax.toString() });
  }
  return ok(policy);
}
