import { Decimal } from 'decimal.js';
import {
  ACCOUNTS,
  Money,
  budgetTotal,
  checkOwnersConsent,
  computeMatch,
  explainMatch,
  money,
  policyHasCategory,
  type MatchCode,
  type MatchDecision
} from '@gongjian/ledger';
import type { Sql } from '../../db/client';
import { categoryLabelOf, currentPolicy, type FundPolicy } from '../../fund/fund-policy';
import { compoundMatchedThisYear } from '../quota';
import type { MissingPart } from './model';
import type { ApplicationDetail, Db } from './reads';

/**
 * The match, live: computed now under the fund's current policy while the committee holds the
 * application, and what a submission still lacks.
 */

export type MatchPreview =
  | {
      ok: true;
      policyVersion: number;
      decision: MatchDecision;
      /** The working in both languages, one sentence per step. */
      working: { 'zh-CN': string[]; en: string[] };
      /** What the requested ratio would give, when the committee asks for one that the band allows. */
      requested: { match: string; working: { 'zh-CN': string[]; en: string[] } } | null;
      poolAvailable: string;
      compoundMatchedThisYear: string;
    }
  | { ok: false; code: 'fund_has_no_policy' | 'budget_needs_a_line' | MatchCode };

/** The pool's balance less what open holds reserve: what the fund can still grant. */
async function poolAvailable(db: Db, fundId: string): Promise<Money> {
  const [row] = await db<{ available: string }[]>`
    select coalesce(sum(debits_posted - credits_posted - held_total), 0)::numeric(18, 2)::text as available
      from account_balances where fund_id = ${fundId} and account_code = ${ACCOUNTS.pool}`;
  return Money.max(money(row?.available ?? '0.00'), Money.zero());
}

/**
 * The match computed now, under the fund's current policy, by the ledger's computeMatch: the
 * category's ratio and cap, the per-project cap, the compound's annual cap less what it was granted
 * this year, and what the pool has available. The working comes with it, for the page to show.
 */
export async function matchPreview(
  db: Db,
  input: {
    fundId: string;
    application: Pick<
      ApplicationDetail,
      'id' | 'compoundId' | 'category' | 'lines' | 'requestedRatio' | 'requestedRatioReason'
    >;
    policy?: { version: number; policy: FundPolicy } | null;
    /** The instant whose quota year counts; now unless a test or the seed says otherwise. */
    now?: Date;
  }
): Promise<MatchPreview> {
  const current = input.policy === undefined ? await currentPolicy(db as Sql, input.fundId) : input.policy;
  if (current === null) return { ok: false, code: 'fund_has_no_policy' };
  const { application } = input;
  if (application.lines.length === 0) return { ok: false, code: 'budget_needs_a_line' };
  const costEligible = budgetTotal(application.lines);
  const matched = await compoundMatchedThisYear(db, {
    fundId: input.fundId,
    compoundId: application.compoundId,
    exceptApplicationId: application.id,
    at: input.now ?? new Date()
  });
  const available = await poolAvailable(db, input.fundId);
  const request = {
    costEligible,
    ...(application.category === '' ? {} : { category: application.category }),
    compoundMatchedThisYear: matched,
    poolAvailable: available
  };
  const decided = computeMatch(current.policy.match, request);
  if (!decided.ok) return { ok: false, code: decided.code };
  // explainMatch names a category by its key; people read the name the policy gives it.
  const label = categoryLabelOf(current.policy, application.category);
  const explain = (steps: MatchDecision['steps']) => ({
    'zh-CN': explainMatch(steps, 'zh-CN').map((line) =>
      label === undefined ? line : line.replace(`“${application.category}”`, `“${label.labelZh}”`)
    ),
    en: explainMatch(steps, 'en').map((line) =>
      label === undefined ? line : line.replace(`"${application.category}"`, `"${label.labelEn}"`)
    )
  });
  let requested: { match: string; working: { 'zh-CN': string[]; en: string[] } } | null = null;
  if (application.requestedRatio !== null) {
    const asked = computeMatch(current.policy.match, {
      ...request,
      ratioOverride: { ratio: application.requestedRatio, reason: application.requestedRatioReason }
    });
    if (asked.ok) {
      requested = {
        match: asked.value.match.toString(),
        working: explain(asked.value.steps)
      };
    }
  }
  return {
    ok: true,
    policyVersion: current.version,
    decision: decided.value,
    working: explain(decided.value.steps),
    requested,
    poolAvailable: available.toString(),
    compoundMatchedThisYear: matched.toString()
  };
}

/** What the application still lacks before it can be submitted, under this policy. */
export function missingParts(
  application: Pick<
    ApplicationDetail,
    | 'title'
    | 'category'
    | 'lines'
    | 'requestedRatio'
    | 'requestedRatioReason'
    | 'selfRaiseTarget'
    | 'householdsExpected'
    | 'compoundHouseholds'
    | 'resolution'
  >,
  policy: FundPolicy,
  match: MatchPreview
): MissingPart[] {
  const missing: MissingPart[] = [];
  if (application.title.trim() === '') missing.push('title');
  if (categoryCode(application.category, policy) !== null) missing.push('category');
  if (application.lines.length === 0) missing.push('budget');
  if (
    application.requestedRatio !== null &&
    requestedRatioCode(application.requestedRatio, application.requestedRatioReason, policy) !== null
  ) {
    missing.push('requested_ratio');
  }
  const households = application.householdsExpected;
  if (
    application.selfRaiseTarget === null ||
    households === null ||
    households < 1 ||
    (application.compoundHouseholds !== null && households > application.compoundHouseholds)
  ) {
    missing.push('self_raise_plan');
  }
  if (application.resolution === null) missing.push('owners_meeting');
  else if (!checkOwnersConsent(application.resolution, policy.ownersConsent).ok) missing.push('owners_consent');
  if (!match.ok && !missing.includes('budget') && !missing.includes('category')) missing.push('match');
  return missing;
}

/** What the application lacks before it can be submitted under the fund's current policy. */
export async function missingForSubmission(
  db: Db,
  input: { fundId: string; application: ApplicationDetail }
): Promise<MissingPart[]> {
  const policy = await currentPolicy(db as Sql, input.fundId);
  if (policy === null) return ['match'];
  const preview = await matchPreview(db, { fundId: input.fundId, application: input.application, policy });
  return missingParts(input.application, policy.policy, preview);
}

/**
 * Whether an application's category is right under a policy: a policy with categories needs one
 * of them (asked at the basics step, so that it is never refused only at the last step); a policy
 * without categories takes none, and every application gets its default ratio. The key is looked
 * up as the policy's own (policyHasCategory), never through the prototype chain.
 */
export function categoryCode(
  category: string,
  policy: FundPolicy
): 'category_is_required' | 'category_not_in_policy' | null {
  const hasCategories = Object.keys(policy.match.categories).length > 0;
  if (category === '') return hasCategories ? 'category_is_required' : null;
  return policyHasCategory(policy.match, category) ? null : 'category_not_in_policy';
}

export type RequestedRatioCode =
  'requested_ratio_must_be_a_fraction' | 'requested_ratio_outside_policy_band' | 'requested_ratio_needs_a_reason';

/** A ratio the committee asks for: a fraction with at most 4 decimals, within the band, with a reason. */
export function requestedRatioCode(ratio: string, reason: string, policy: FundPolicy): RequestedRatioCode | null {
  if (!/^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$/.test(ratio)) return 'requested_ratio_must_be_a_fraction';
  const value = new Decimal(ratio);
  const band = policy.match.overrideBand;
  if (value.lt(band.ratioMin) || value.gt(band.ratioMax)) return 'requested_ratio_outside_policy_band';
  if (reason.trim() === '') return 'requested_ratio_needs_a_reason';
  return null;
}
