import { Decimal } from 'decimal.js';
import {
  Money,
  ROUNDING_DIRECTIONS,
  categoryPolicyOf,
  checkMatchPolicy,
  parseAmountInput,
  type MatchCategoryPolicy,
  type MatchPolicy,
  type MatchPolicyCode,
  type ReleaseMode
} from '@gongjian/ledger';
import * as v from 'valibot';
import { recordEvent } from '../platform/audit';
import type { Sql } from '../db/client';
import { can, type Actor, type DenyReason } from '../access/policy';

/**
 * A fund's policy: the match rules (the ledger's MatchPolicy) and the process rules the leadership
 * group adopted with them. Policies are versioned and never edited: a change is a new version, and
 * an application is judged by the version it was submitted under (`policyVersion`).
 *
 * Stored as JSON in fund_policies.policy, where money and ratios are decimal strings; the only JSON
 * numbers are the integers noticeWorkingDays and vote.quorum.
 */

export interface CategoryLabel {
  labelZh: string;
  labelEn: string;
}

export interface FundPolicy {
  match: MatchPolicy;
  /** The name of each match category in both languages; the keys are match.categories' keys. */
  categoryLabels: Record<string, CategoryLabel>;
  /** How many working days a notice stays up before objections close. */
  noticeWorkingDays: number;
  vote: { quorum: number; majority: string };
  /** The owners' consent a compound of owners needs: share present, share agreeing. */
  ownersConsent: { presentShareMin: string; agreeShareMin: string };
  /** Payments above this need a second approver. */
  secondApproverAbove: Money;
  /** The share of a match held back until the project's completion is checked. */
  holdBackShare: string;
  /** The share of expected households that must have paid before any match is paid out, or null. */
  participationMin: string | null;
  /**
   * How many working days the leadership group has to vote once an application is in review, or
   * null when the group set no vote period (the default): then nobody is shown a deadline.
   */
  voteWorkingDays: number | null;
  /**
   * How many households of a compound must support a need raised online before it is before the
   * fund office (the ledger's needAtOffice). Policies adopted before the needs list have 10.
   */
  needSupportsToOffice: number;
  /**
   * How many of the compound's resident representatives must sign off finished work with their
   * household codes before the final tranche is paid, or null when the policy asks for none.
   */
  residentSignoffs: number | null;
}

/**
 * A category's names in both languages, or undefined when the policy has no such category. The
 * key comes from a person (a draft, a filter), so it is looked up as the policy's own key only,
 * never through the prototype chain (see categoryPolicyOf in the ledger).
 */
export function categoryLabelOf(policy: Pick<FundPolicy, 'categoryLabels'>, key: string): CategoryLabel | undefined {
  return Object.hasOwn(policy.categoryLabels, key) ? policy.categoryLabels[key] : undefined;
}

export const NOTICE_WORKING_DAYS_DEFAULT = 5;
/** The longest vote period a policy may set, in working days (about two months). */
export const VOTE_WORKING_DAYS_MAX = 40;
export const CATEGORIES_MAX = 20;
export const NEED_SUPPORTS_TO_OFFICE_DEFAULT = 10;
/** The most supports a policy may ask of a need, and the most sign-offs of finished work. */
export const NEED_SUPPORTS_TO_OFFICE_MAX = 500;
export const RESIDENT_SIGNOFFS_MAX = 20;

/**
 * An amount as the policy's JSON writes it: plain digits with at most two decimals (no separators,
 * so equal policies give equal JSON), within the ledger's one limit for typed amounts.
 */
const AMOUNT = /^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;
const amountFits = (text: string): boolean => parseAmountInput(text, { zero: 'allowed' }).ok;
/** A ratio between 0 and 1 with at most eight decimals, as the ledger reads ratios. */
const RATIO = /^(0(\.[0-9]{1,8})?|1(\.0{1,8})?)$/;
/** A category key: short, lowercase, stable (applications refer to it). */
export const CATEGORY_KEY = /^[a-z][a-z0-9_-]{0,31}$/;

const Amount = v.pipe(v.string(), v.regex(AMOUNT), v.check(amountFits));
const Ratio = v.pipe(v.string(), v.regex(RATIO));
const Label = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(30));

const CategoryJson = v.strictObject({ ratio: v.optional(Ratio), capPerProject: v.optional(Amount) });

const PolicyJson = v.strictObject({
  match: v.strictObject({
    ratioDefault: Ratio,
    capPerProject: v.nullable(Amount),
    categories: v.record(v.pipe(v.string(), v.regex(CATEGORY_KEY)), CategoryJson),
    capPerCompoundPerYear: v.nullable(Amount),
    selfRaisedShareMin: Ratio,
    roundingUnit: Amount,
    // Added with the choice of direction; policies adopted before it rounded down.
    roundingDirection: v.optional(v.picklist(ROUNDING_DIRECTIONS)),
    overrideBand: v.strictObject({ ratioMin: Ratio, ratioMax: Ratio }),
    releaseMode: v.picklist(['proportional', 'all_when_target_met'])
  }),
  categoryLabels: v.record(v.pipe(v.string(), v.regex(CATEGORY_KEY)), v.strictObject({ zh: Label, en: Label })),
  noticeWorkingDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(30)),
  vote: v.strictObject({
    quorum: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(99)),
    majority: Ratio
  }),
  ownersConsent: v.strictObject({ presentShareMin: Ratio, agreeShareMin: Ratio }),
  secondApproverAbove: Amount,
  holdBackShare: Ratio,
  // Added with payouts ("From approval to closing"); policies adopted before it have none.
  participationMin: v.optional(v.nullable(Ratio)),
  // Added with the to-do list (issue 17); policies adopted before it set no vote period.
  voteWorkingDays: v.optional(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(VOTE_WORKING_DAYS_MAX)))
  ),
  // Added with the three lists (issue 18); policies adopted before them have the defaults.
  needSupportsToOffice: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(NEED_SUPPORTS_TO_OFFICE_MAX))
  ),
  residentSignoffs: v.optional(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(RESIDENT_SIGNOFFS_MAX)))
  )
});

/** The policy as JSON, the form fund_policies.policy stores. */
export type FundPolicyJson = v.InferOutput<typeof PolicyJson>;

export type FundPolicyCode =
  | MatchPolicyCode
  | 'policy_is_malformed'
  | 'majority_must_be_between_half_and_one'
  | 'category_needs_a_label'
  | 'too_many_categories';

export type ParsedPolicy =
  | { ok: true; value: FundPolicy }
  | {
      ok: false;
      code: FundPolicyCode;
      /** The JSON path of the offending field, such as "match.ratioDefault" or "categories.safety.ratio". */
      field: string | null;
      /** For ratio_must_leave_self_raised_minimum, the highest ratio the ledger allows ("0.8"). */
      ratioMax?: string;
    };

/** Reads a policy from its JSON form and checks it as the ledger checks match rules. */
export function parseFundPolicy(json: unknown): ParsedPolicy {
  const parsed = v.safeParse(PolicyJson, json);
  if (!parsed.success) {
    const path = parsed.issues[0].path?.map((item) => String(item.key)).join('.') ?? null;
    return { ok: false, code: 'policy_is_malformed', field: path };
  }
  const form = parsed.output;
  const keys = Object.keys(form.match.categories);
  if (keys.length > CATEGORIES_MAX) return { ok: false, code: 'too_many_categories', field: 'categoryLabels' };
  const labelKeys = Object.keys(form.categoryLabels);
  const unlabelled = [...keys.filter((key) => !labelKeys.includes(key)), ...labelKeys.filter((k) => !keys.includes(k))];
  if (unlabelled.length > 0) {
    return { ok: false, code: 'category_needs_a_label', field: `categoryLabels.${unlabelled[0]}` };
  }
  const categories: Record<string, MatchCategoryPolicy> = {};
  for (const key of keys) {
    const category = form.match.categories[key] ?? {};
    categories[key] = {
      ...(category.ratio === undefined ? {} : { ratio: category.ratio }),
      ...(category.capPerProject === undefined ? {} : { capPerProject: amount(category.capPerProject) })
    };
  }
  const match: MatchPolicy = {
    ratioDefault: form.match.ratioDefault,
    capPerProject: form.match.capPerProject === null ? null : amount(form.match.capPerProject),
    categories,
    capPerCompoundPerYear: form.match.capPerCompoundPerYear === null ? null : amount(form.match.capPerCompoundPerYear),
    selfRaisedShareMin: form.match.selfRaisedShareMin,
    roundingUnit: amount(form.match.roundingUnit),
    roundingDirection: form.match.roundingDirection ?? 'down',
    overrideBand: { ratioMin: form.match.overrideBand.ratioMin, ratioMax: form.match.overrideBand.ratioMax },
    releaseMode: form.match.releaseMode as ReleaseMode
  };
  const checked = checkMatchPolicy(match);
  if (!checked.ok) {
    const field = typeof checked['field'] === 'string' ? `match.${checked['field']}` : null;
    const ratioMax = checked['ratioMax'];
    return {
      ok: false,
      code: checked.code,
      field: field ?? matchFieldOf(checked.code),
      ...(typeof ratioMax === 'string' ? { ratioMax } : {})
    };
  }
  if (new Decimal(form.vote.majority).lt('0.5')) {
    return { ok: false, code: 'majority_must_be_between_half_and_one', field: 'vote.majority' };
  }
  const categoryLabels: Record<string, CategoryLabel> = {};
  for (const key of keys) {
    const label = form.categoryLabels[key];
    if (label !== undefined) categoryLabels[key] = { labelZh: label.zh, labelEn: label.en };
  }
  return {
    ok: true,
    value: {
      match,
      categoryLabels,
      noticeWorkingDays: form.noticeWorkingDays,
      vote: { quorum: form.vote.quorum, majority: form.vote.majority },
      ownersConsent: {
        presentShareMin: form.ownersConsent.presentShareMin,
        agreeShareMin: form.ownersConsent.agreeShareMin
      },
      secondApproverAbove: amount(form.secondApproverAbove),
      holdBackShare: form.holdBackShare,
      participationMin: form.participationMin ?? null,
      voteWorkingDays: form.voteWorkingDays ?? null,
      needSupportsToOffice: form.needSupportsToOffice ?? NEED_SUPPORTS_TO_OFFICE_DEFAULT,
      residentSignoffs: form.residentSignoffs ?? null
    }
  };
}

/** The field a match rejection without a field of its own is about. */
function matchFieldOf(code: MatchPolicyCode): string | null {
  switch (code) {
    case 'rounding_unit_must_be_positive':
      return 'match.roundingUnit';
    case 'override_band_must_be_ordered':
      return 'match.overrideBand.ratioMax';
    case 'cap_must_be_positive':
      return 'match.capPerProject';
    default:
      return null;
  }
}

function amount(text: string): Money {
  const parsed = Money.parse(text);
  // The pattern above admits only amounts Money accepts; a refusal here is a programming error.
  if (!parsed.ok) throw new Error(`fund policy: ${text} passed the amount pattern but not Money.parse`);
  return parsed.value;
}

/** The policy as JSON, categories in key order so that equal policies give equal JSON. */
export function fundPolicyToJson(policy: FundPolicy): FundPolicyJson {
  const keys = Object.keys(policy.match.categories).sort();
  const categories: FundPolicyJson['match']['categories'] = {};
  const categoryLabels: FundPolicyJson['categoryLabels'] = {};
  for (const key of keys) {
    const category = policy.match.categories[key] ?? {};
    categories[key] = {
      ...(category.ratio === undefined ? {} : { ratio: category.ratio }),
      ...(category.capPerProject === undefined ? {} : { capPerProject: category.capPerProject.toString() })
    };
    const label = policy.categoryLabels[key];
    categoryLabels[key] = { zh: label?.labelZh ?? key, en: label?.labelEn ?? key };
  }
  return {
    match: {
      ratioDefault: policy.match.ratioDefault,
      capPerProject: policy.match.capPerProject?.toString() ?? null,
      categories,
      capPerCompoundPerYear: policy.match.capPerCompoundPerYear?.toString() ?? null,
      selfRaisedShareMin: policy.match.selfRaisedShareMin,
      roundingUnit: policy.match.roundingUnit.toString(),
      roundingDirection: policy.match.roundingDirection ?? 'down',
      overrideBand: { ratioMin: policy.match.overrideBand.ratioMin, ratioMax: policy.match.overrideBand.ratioMax },
      releaseMode: policy.match.releaseMode
    },
    categoryLabels,
    noticeWorkingDays: policy.noticeWorkingDays,
    vote: { quorum: policy.vote.quorum, majority: policy.vote.majority },
    ownersConsent: {
      presentShareMin: policy.ownersConsent.presentShareMin,
      agreeShareMin: policy.ownersConsent.agreeShareMin
    },
    secondApproverAbove: policy.secondApproverAbove.toString(),
    holdBackShare: policy.holdBackShare,
    participationMin: policy.participationMin,
    // Written only when set, so that a policy without a vote period keeps the JSON it had before.
    ...(policy.voteWorkingDays === null ? {} : { voteWorkingDays: policy.voteWorkingDays }),
    // Likewise written only when they differ from what older policies mean.
    ...(policy.needSupportsToOffice === NEED_SUPPORTS_TO_OFFICE_DEFAULT
      ? {}
      : { needSupportsToOffice: policy.needSupportsToOffice }),
    ...(policy.residentSignoffs === null ? {} : { residentSignoffs: policy.residentSignoffs })
  };
}

// ---------------------------------------------------------------------------------------------
// Versions in the database.

export interface PolicyVersion {
  version: number;
  policy: FundPolicy;
  adoptedAt: Date;
  note: string;
}

export interface PolicyHistoryItem {
  version: number;
  adoptedAt: Date;
  adoptedBy: string | null;
  note: string;
}

interface PolicyRow {
  version: number;
  policy: unknown;
  adoptedAt: Date;
  note: string;
}

function versionOf(row: PolicyRow): PolicyVersion {
  const parsed = parseFundPolicy(row.policy);
  // Only adoptPolicy writes versions, after parsing; a stored policy that no longer parses means
  // the rules changed under it, which must be fixed in code, not hidden.
  if (!parsed.ok)
    throw new Error(`stored policy version ${row.version} does not parse (${parsed.code} at ${parsed.field})`);
  return { version: row.version, policy: parsed.value, adoptedAt: row.adoptedAt, note: row.note };
}

/** The fund's newest policy version, or null before it adopted one. */
export async function currentPolicy(sql: Sql, fundId: string): Promise<PolicyVersion | null> {
  const [row] = await sql<PolicyRow[]>`
    select version, policy, adopted_at as "adoptedAt", note from fund_policies
     where fund_id = ${fundId} order by version desc limit 1`;
  return row === undefined ? null : versionOf(row);
}

/** The newest policy version of each of many funds, by fund id, in one query (for the region pages). */
export async function currentPolicies(sql: Sql, fundIds: readonly string[]): Promise<Map<string, PolicyVersion>> {
  const rows = await sql<(PolicyRow & { fundId: string })[]>`
    select distinct on (fund_id) fund_id::text as "fundId", version, policy, adopted_at as "adoptedAt", note
      from fund_policies
     where fund_id = any(${fundIds as string[]}::bigint[])
     order by fund_id, version desc`;
  return new Map(rows.map((row) => [row.fundId, versionOf(row)]));
}

/** One version of the fund's policy: the rules an application submitted under it is judged by. */
export async function policyVersion(sql: Sql, fundId: string, version: number): Promise<PolicyVersion | null> {
  if (!Number.isSafeInteger(version) || version < 1) return null;
  const [row] = await sql<PolicyRow[]>`
    select version, policy, adopted_at as "adoptedAt", note from fund_policies
     where fund_id = ${fundId} and version = ${version}`;
  return row === undefined ? null : versionOf(row);
}

/** Every version, newest first, with who adopted it. */
export async function policyHistory(sql: Sql, fundId: string): Promise<PolicyHistoryItem[]> {
  return await sql<PolicyHistoryItem[]>`
    select p.version, p.adopted_at as "adoptedAt", u.display_name as "adoptedBy", p.note
      from fund_policies p left join users u on u.id = p.adopted_by
     where p.fund_id = ${fundId} order by p.version desc`;
}

export type AdoptPolicyResult =
  | { ok: true; version: number; replayed: boolean }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: 'policy_changed_meanwhile'; version: number };

/**
 * Adopts a new version, numbered one past the last. `baseVersion` is the version the form showed
 * (null when the fund had none): if another version was adopted since, the person must look at it
 * first, unless that newer version is exactly this policy with this note, which is this same form
 * sent twice (a double click, a retried request) and returns the first result.
 */
export async function adoptPolicy(
  sql: Sql,
  input: {
    actor: Actor;
    fundId: string;
    policy: FundPolicy;
    baseVersion: number | null;
    note: string;
    now: Date;
    ip: string | null;
  }
): Promise<AdoptPolicyResult> {
  const decision = can(input.actor, 'fund.office.manage', { fundId: input.fundId });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  const json = fundPolicyToJson(input.policy);
  const note = input.note.trim();
  return sql.begin(async (transaction): Promise<AdoptPolicyResult> => {
    // The fund row lock makes two adoptions queue, so the second sees the first's version.
    await transaction`select 1 from funds where id = ${input.fundId} for update`;
    const [latest] = await transaction<{ version: number; same: boolean }[]>`
      select version, (policy = ${transaction.json(json)}::jsonb and note = ${note}) as same
        from fund_policies where fund_id = ${input.fundId} order by version desc limit 1`;
    const latestVersion = latest?.version ?? 0;
    if (latestVersion !== (input.baseVersion ?? 0)) {
      if (latest !== undefined && latest.same && latestVersion === (input.baseVersion ?? 0) + 1) {
        return { ok: true, version: latestVersion, replayed: true };
      }
      return { ok: false, code: 'policy_changed_meanwhile', version: latestVersion };
    }
    const version = latestVersion + 1;
    await transaction`
      insert into fund_policies (fund_id, version, policy, adopted_at, adopted_by, note)
      values (${input.fundId}, ${version}, ${transaction.json(json)}, ${input.now},
              ${input.actor.kind === 'user' ? input.actor.userId : null}, ${note})`;
    await recordEvent(transaction, {
      action: 'fund.policy_adopted',
      outcome: 'ok',
      at: input.now,
      actorUserId: input.actor.kind === 'user' ? input.actor.userId : null,
      fundId: input.fundId,
      ip: input.ip,
      resourceType: 'fund_policy',
      resourceId: `${input.fundId}/${version}`,
      detail: { version }
    });
    return { ok: true, version, replayed: false };
  });
}

/** The demo fund's first policy (DOMAIN.md's worked example), as the seed adopts it. */
export const DEMO_POLICY_JSON: FundPolicyJson = {
  match: {
    ratioDefault: '0.6',
    capPerProject: '30000.00',
    categories: {
      culture: { ratio: '0.5', capPerProject: '5000.00' },
      greening: { ratio: '0.5' },
      repairs: { ratio: '0.6' },
      safety: { ratio: '0.7', capPerProject: '20000.00' }
    },
    capPerCompoundPerYear: '50000.00',
    selfRaisedShareMin: '0.2',
    roundingUnit: '1.00',
    roundingDirection: 'down',
    overrideBand: { ratioMin: '0.3', ratioMax: '0.8' },
    releaseMode: 'proportional'
  },
  categoryLabels: {
    culture: { zh: '文化活动', en: 'Culture' },
    greening: { zh: '环境绿化', en: 'Greening' },
    repairs: { zh: '设施维修', en: 'Repairs' },
    safety: { zh: '安全防护', en: 'Safety' }
  },
  noticeWorkingDays: 5,
  vote: { quorum: 3, majority: '0.5' },
  ownersConsent: { presentShareMin: '0.5', agreeShareMin: '0.5' },
  secondApproverAbove: '10000.00',
  holdBackShare: '0.5',
  participationMin: null
};

/**
 * A new fund's first policy: the worked example's rules (DOMAIN.md) with no categories, so that
 * the default ratio the administrator sets is the ratio every application gets until the
 * leadership group adds categories of its own. The demo fund adopts DEMO_POLICY_JSON instead,
 * whose categories show that feature.
 */
export const FIRST_POLICY_JSON: FundPolicyJson = {
  ...DEMO_POLICY_JSON,
  match: { ...DEMO_POLICY_JSON.match, categories: {} },
  categoryLabels: {}
};

/** What one category of a policy gets, and whether it has rules of its own or takes the defaults. */
export interface CategoryTerms {
  key: string;
  labelZh: string;
  labelEn: string;
  ratio: string;
  ratioFromDefault: boolean;
  /** The cap on one project's match, or null for none. */
  capPerProject: string | null;
  capFromDefault: boolean;
}

/** Every category with the ratio and cap it really gets, in key order, for people to read. */
export function categoryTermsOf(policy: FundPolicy): CategoryTerms[] {
  return Object.keys(policy.match.categories)
    .sort()
    .map((key) => {
      const rules = categoryPolicyOf(policy.match, key) ?? {};
      const label = categoryLabelOf(policy, key);
      const cap = rules.capPerProject ?? policy.match.capPerProject;
      return {
        key,
        labelZh: label?.labelZh ?? key,
        labelEn: label?.labelEn ?? key,
        ratio: rules.ratio ?? policy.match.ratioDefault,
        ratioFromDefault: rules.ratio === undefined,
        capPerProject: cap === null ? null : cap.toString(),
        capFromDefault: rules.capPerProject === undefined
      };
    });
}
