import { Decimal } from 'decimal.js';
import {
  ACCOUNTS,
  AMOUNT_INPUT_MAX,
  Money,
  allocate,
  checkOwnersConsent,
  computeMatch,
  decideTransition,
  explainMatch,
  isDate,
  policyHasCategory,
  parseAmountInput,
  type AmountInputCode,
  type MatchCode,
  type MatchDecision,
  type OwnersConsentCode
} from '@gongjian/ledger';
import {
  DESCRIPTION_LENGTH_MAX,
  ITEM_LENGTH_MAX,
  LOCATION_LENGTH_MAX,
  REASON_LENGTH_MAX,
  TITLE_LENGTH_MAX
} from '../../application-limits';
import { recordEvent } from '../platform/audit';
import { storeAttachmentIn, type Upload } from '../platform/attachments';
import type { Sql, Transaction } from '../db/client';
import { categoryLabelOf, currentPolicy, type FundPolicy } from '../fund/fund-policy';
import { compoundMatchedThisYear } from './quota';
import {
  can,
  type Actor,
  type ApplicationRef,
  type ApplicationStatus,
  type Decision,
  type DenyReason
} from '../access/policy';

/**
 * A compound's grant application, as its committee writes it: a draft saved step by step (the
 * basics, the budget, the requested ratio, the self-raise plan, the owners' meeting, the quotes),
 * then submitted under the fund's current policy, which freezes it; withdrawn; or, when the fund
 * office or the leadership group returns it, revised and submitted again as a new revision.
 *
 * Every command is one transaction that locks the application row (or, to number a new one, the
 * fund row), asks the policy about what it locked, and leaves an audit event. State changes go
 * through the ledger's decideTransition and are written to application_transitions. The database
 * freezes a submitted application again (GJ014); the status check here comes first, so that
 * backstop never reaches a person as an error page.
 */

// The fields' lengths live where the page can import them too; the checks below use the same numbers.
export { DESCRIPTION_LENGTH_MAX, ITEM_LENGTH_MAX, LOCATION_LENGTH_MAX, REASON_LENGTH_MAX, TITLE_LENGTH_MAX };
export const BUDGET_LINES_MAX = 50;
export const QUOTES_MAX = 10;
export const HOUSEHOLDS_MAX = 100_000;
/** The largest quantity of one budget line; numeric(12, 2) holds more, but no project needs it. */
export const QUANTITY_MAX = new Decimal('1000000');

export const STEPS = ['basics', 'budget', 'match', 'selfraise', 'meeting', 'quotes', 'review'] as const;
export type Step = (typeof STEPS)[number];

/** What a submission still lacks, in the order the steps ask for it. */
export const MISSING_PARTS = [
  'title',
  'category',
  'budget',
  'requested_ratio',
  'self_raise_plan',
  'owners_meeting',
  'owners_consent',
  'match'
] as const;
export type MissingPart = (typeof MISSING_PARTS)[number];

// ---------------------------------------------------------------------------------------------
// Pure arithmetic: budget lines and the self-raise split.

export type QuantityCode =
  | 'quantity_must_be_a_number'
  | 'quantity_must_be_positive'
  | 'quantity_must_have_at_most_two_decimals'
  | 'quantity_must_not_exceed_limit';

export type UnitPriceCode =
  'unit_price_must_be_a_number' | 'unit_price_must_have_at_most_two_decimals' | 'unit_price_must_not_exceed_limit';

const DECIMAL_TEXT = /^\d{1,12}(\.\d*)?$/;

/** A quantity as typed: positive, at most two decimals, at most a million. */
export function parseQuantity(text: string): { ok: true; value: Decimal } | { ok: false; code: QuantityCode } {
  const trimmed = text.trim();
  if (!DECIMAL_TEXT.test(trimmed)) {
    return { ok: false, code: trimmed.startsWith('-') ? 'quantity_must_be_positive' : 'quantity_must_be_a_number' };
  }
  if ((trimmed.split('.')[1] ?? '').length > 2) return { ok: false, code: 'quantity_must_have_at_most_two_decimals' };
  const value = new Decimal(trimmed.replace(/\.$/, ''));
  if (!value.isPositive() || value.isZero()) return { ok: false, code: 'quantity_must_be_positive' };
  if (value.gt(QUANTITY_MAX)) return { ok: false, code: 'quantity_must_not_exceed_limit' };
  return { ok: true, value };
}

/** The unit price's own name for each way an amount can be mistyped. */
const UNIT_PRICE_CODES = new Map<AmountInputCode, UnitPriceCode>([
  ['amount_must_be_a_number', 'unit_price_must_be_a_number'],
  ['amount_must_be_positive', 'unit_price_must_be_a_number'],
  ['amount_must_have_at_most_two_decimals', 'unit_price_must_have_at_most_two_decimals'],
  ['amount_must_not_exceed_limit', 'unit_price_must_not_exceed_limit']
]);

/**
 * A unit price as typed, by the ledger's one rule for typed amounts (parseAmountInput): zero or
 * more (a donated item costs nothing), at most two decimals.
 */
export function parseUnitPrice(text: string): { ok: true; value: Money } | { ok: false; code: UnitPriceCode } {
  const parsed = parseAmountInput(text, { zero: 'allowed' });
  if (parsed.ok) return { ok: true, value: parsed.value };
  return { ok: false, code: UNIT_PRICE_CODES.get(parsed.code) ?? 'unit_price_must_be_a_number' };
}

/**
 * A line's amount: quantity × unit price rounded half up to the fen, exactly as the database's
 * check (round(quantity * unit_price, 2)) computes it, so a line the form accepts is a line the
 * table accepts.
 */
export function lineAmount(quantity: Decimal, unitPrice: Money): Money {
  const exact = quantity.times(unitPrice.toDecimal()).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const parsed = Money.parse(exact.toFixed(2));
  if (!parsed.ok) throw new Error(`lineAmount: ${exact.toString()} is not an amount`);
  return parsed.value;
}

export interface BudgetLineInput {
  item: string;
  quantity: string;
  unitPrice: string;
}

export interface BudgetLine {
  lineNo: number;
  item: string;
  /** Decimal strings, as the database returns them: quantity to 2 places, money to the fen. */
  quantity: string;
  unitPrice: string;
  amount: string;
}

export type BudgetLineCode =
  QuantityCode | UnitPriceCode | 'item_is_required' | 'item_must_be_short' | 'line_amount_must_not_exceed_limit';

export type BudgetCode = 'budget_needs_a_line' | 'too_many_budget_lines' | 'budget_total_must_not_exceed_limit';

/**
 * Reads the budget form's rows. A row left entirely blank is not a line (the form offers spare
 * rows); any other row must be complete. Errors are keyed `<row index>.<field>`.
 */
export function parseBudgetLines(
  rows: readonly BudgetLineInput[]
):
  | { ok: true; lines: BudgetLine[]; total: Money }
  | { ok: false; code: BudgetCode | null; errors: Record<string, BudgetLineCode> } {
  const errors: Record<string, BudgetLineCode> = {};
  const lines: BudgetLine[] = [];
  for (const [index, row] of rows.entries()) {
    const item = row.item.trim();
    if (item === '' && row.quantity.trim() === '' && row.unitPrice.trim() === '') continue;
    if (item === '') errors[`${index}.item`] = 'item_is_required';
    else if (item.length > ITEM_LENGTH_MAX) errors[`${index}.item`] = 'item_must_be_short';
    const quantity = parseQuantity(row.quantity);
    if (!quantity.ok) errors[`${index}.quantity`] = quantity.code;
    const unitPrice = parseUnitPrice(row.unitPrice);
    if (!unitPrice.ok) errors[`${index}.unitPrice`] = unitPrice.code;
    if (!quantity.ok || !unitPrice.ok) continue;
    const amount = lineAmount(quantity.value, unitPrice.value);
    if (amount.greaterThan(AMOUNT_INPUT_MAX)) {
      errors[`${index}.unitPrice`] = 'line_amount_must_not_exceed_limit';
      continue;
    }
    lines.push({
      lineNo: lines.length + 1,
      item,
      quantity: quantity.value.toFixed(2),
      unitPrice: unitPrice.value.toString(),
      amount: amount.toString()
    });
  }
  if (Object.keys(errors).length > 0) return { ok: false, code: null, errors };
  if (lines.length === 0) return { ok: false, code: 'budget_needs_a_line', errors };
  if (lines.length > BUDGET_LINES_MAX) return { ok: false, code: 'too_many_budget_lines', errors };
  const total = budgetTotal(lines);
  if (total.greaterThan(AMOUNT_INPUT_MAX)) return { ok: false, code: 'budget_total_must_not_exceed_limit', errors };
  return { ok: true, lines, total };
}

export function budgetTotal(lines: readonly Pick<BudgetLine, 'amount'>[]): Money {
  return Money.sum(lines.map((line) => parseMoney(line.amount)));
}

/** Households paying the same share: "25 户 × ¥80.00", or 24 × 80.00 and 1 × 80.01. */
export interface ShareGroup {
  households: number;
  amount: string;
}

/**
 * Each household's suggested share of the self-raise target: the target split into equal parts
 * by the ledger's allocate, so the shares add up to the target exactly; the few fen left over go
 * one each to the first households. Consecutive equal shares are grouped for display.
 */
export function selfRaiseShares(target: Money, households: number): ShareGroup[] {
  if (!Number.isSafeInteger(households) || households < 1) return [];
  const split = allocate(
    target,
    Array.from({ length: households }, () => '1')
  );
  if (!split.ok) throw new Error(`selfRaiseShares: allocate refused (${split.code})`);
  const groups: ShareGroup[] = [];
  for (const share of split.value) {
    const last = groups.at(-1);
    if (last !== undefined && last.amount === share.toString()) last.households += 1;
    else groups.push({ households: 1, amount: share.toString() });
  }
  return groups;
}

function parseMoney(text: string): Money {
  const parsed = Money.parse(text);
  if (!parsed.ok) throw new Error(`applications: ${text} from the database is not an amount`);
  return parsed.value;
}

/** An amount typed by a person, zero or more, by the ledger's one rule for typed amounts. */
export function parseAmountText(
  text: string
): { ok: true; value: Money } | { ok: false; code: 'amount_must_be_an_amount' } {
  const parsed = parseAmountInput(text, { zero: 'allowed' });
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, code: 'amount_must_be_an_amount' };
}

/** The day a date falls on in China, YYYY-MM-DD; the books' days are China's days. */
export function chinaDateOf(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  })
    .format(now)
    .slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Reading applications.

export interface ApplicationSummary {
  id: string;
  number: number;
  compoundId: string;
  compoundName: string;
  applicantUnitId: string | null;
  status: ApplicationStatus;
  title: string;
  category: string;
  /** The budget total, or null without lines. */
  total: string | null;
  matchAmount: string | null;
  approvedAmount: string | null;
  updatedAt: Date;
}

export interface Resolution {
  meetingDate: string;
  householdsTotal: number;
  householdsPresent: number;
  householdsAgreeing: number;
  minutesSha256: string | null;
  minutesName: string | null;
}

export interface ApplicationFile {
  sha256: string;
  kind: 'quote' | 'minutes' | 'other';
  originalName: string;
  mediaType: string;
  sizeBytes: number;
}

export interface Transition {
  revision: number;
  fromStatus: string;
  toStatus: string;
  event: string;
  actorName: string | null;
  at: Date;
  comments: string;
}

export interface RevisionItem {
  revision: number;
  submittedAt: Date;
}

export interface ApplicationDetail extends ApplicationSummary {
  fundId: string;
  description: string;
  location: string;
  requestedRatio: string | null;
  requestedRatioReason: string;
  selfRaiseTarget: string | null;
  householdsExpected: number | null;
  /** The compound's size from the register, the most households a plan may count. */
  compoundHouseholds: number | null;
  policyVersion: number | null;
  approvedRatio: string | null;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  revision: number;
  createdBy: string;
  createdAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  lines: BudgetLine[];
  resolution: Resolution | null;
  files: ApplicationFile[];
  transitions: Transition[];
  revisions: RevisionItem[];
}

type Db = Sql | Transaction;

const SUMMARY_COLUMNS = (db: Db) => db`
  a.id::text as id, a.number, a.compound_id::text as "compoundId", c.name as "compoundName",
  a.applicant_unit_id::text as "applicantUnitId", a.status, a.title, a.category,
  (select sum(b.amount)::numeric(18, 2)::text from budget_lines b where b.application_id = a.id) as total,
  a.match_amount::text as "matchAmount", a.approved_amount::text as "approvedAmount", a.updated_at as "updatedAt"`;

/** The policy's view of an application: whose it is and what state it is in. */
export function refOf(
  application: Pick<ApplicationSummary, 'compoundId' | 'applicantUnitId' | 'status'>,
  fundId: string
) {
  const ref: ApplicationRef = {
    fundId,
    compoundId: application.compoundId,
    applicantUnitId: application.applicantUnitId,
    status: application.status
  };
  return ref;
}

/** The first compound of this fund whose committee the actor serves on, or null. */
export function firstServedCompound(actor: Actor, fundId: string): string | null {
  if (actor.kind !== 'user') return null;
  const membership = actor.memberships.find(
    (item) => item.fundId === fundId && item.role === 'committee' && item.compoundId !== null
  );
  return membership?.compoundId ?? null;
}

/**
 * Who may open a fund's list of applications: a committee member (who sees their compounds'
 * applications), and those who read the fund's private pages (who see what was submitted). The
 * routes ask the same two policy actions through the guard, in this order.
 */
export function listDecision(actor: Actor, fundId: string): Decision {
  const compoundId = firstServedCompound(actor, fundId);
  return compoundId === null
    ? can(actor, 'fund.read_private', { fundId })
    : can(actor, 'application.create', { fundId, compoundId });
}

/** The applications of a fund the actor may read, newest first. */
export async function listApplications(
  sql: Sql,
  input: { actor: Actor; fundId: string }
): Promise<ApplicationSummary[]> {
  const rows = await sql<ApplicationSummary[]>`
    select ${SUMMARY_COLUMNS(sql)}
      from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${input.fundId}
     order by a.number desc`;
  return rows.filter((row) => can(input.actor, 'application.read', refOf(row, input.fundId)).allowed);
}

/** The compounds of this fund whose committee the actor serves on, for "new application" buttons. */
export async function compoundsServed(
  sql: Sql,
  input: { actor: Actor; fundId: string }
): Promise<{ id: string; name: string }[]> {
  if (input.actor.kind !== 'user') return [];
  const ids = input.actor.memberships
    .filter((membership) => membership.fundId === input.fundId && membership.role === 'committee')
    .map((membership) => membership.compoundId)
    .filter((id): id is string => id !== null);
  if (ids.length === 0) return [];
  const rows = await sql<{ id: string; name: string }[]>`
    select id::text as id, name from compounds where fund_id = ${input.fundId} and id in ${sql(ids)} order by code`;
  return rows.filter(
    (row) => can(input.actor, 'application.create', { fundId: input.fundId, compoundId: row.id }).allowed
  );
}

/** Everything the application's pages show, or null when the fund has no such number. */
export async function applicationView(
  sql: Db,
  input: { fundId: string; number: number }
): Promise<ApplicationDetail | null> {
  if (!Number.isSafeInteger(input.number) || input.number < 1 || input.number > 2_147_483_647) return null;
  const [row] = await sql<Omit<ApplicationDetail, 'lines' | 'resolution' | 'files' | 'transitions' | 'revisions'>[]>`
    select ${SUMMARY_COLUMNS(sql)}, a.fund_id::text as "fundId", a.description, a.location,
           a.requested_ratio as "requestedRatio", a.requested_ratio_reason as "requestedRatioReason",
           a.self_raise_target::text as "selfRaiseTarget", a.households_expected as "householdsExpected",
           c.households_count as "compoundHouseholds", a.policy_version as "policyVersion",
           a.approved_ratio as "approvedRatio", a.notice_starts_on::text as "noticeStartsOn",
           a.notice_ends_on::text as "noticeEndsOn", a.revision, a.created_by::text as "createdBy",
           a.created_at as "createdAt", a.submitted_at as "submittedAt", a.decided_at as "decidedAt"
      from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${input.fundId} and a.number = ${input.number}`;
  if (row === undefined) return null;
  const lines = await sql<BudgetLine[]>`
    select line_no as "lineNo", item, quantity::text as quantity, unit_price::text as "unitPrice", amount::text as amount
      from budget_lines where application_id = ${row.id} order by line_no`;
  const [resolution] = await sql<Resolution[]>`
    select r.meeting_date::text as "meetingDate", r.households_total as "householdsTotal",
           r.households_present as "householdsPresent", r.households_agreeing as "householdsAgreeing",
           r.minutes_sha256 as "minutesSha256", f.original_name as "minutesName"
      from resolutions r left join attachments f on f.fund_id = r.fund_id and f.sha256 = r.minutes_sha256
     where r.application_id = ${row.id}`;
  const files = await sql<ApplicationFile[]>`
    select x.sha256, x.kind, f.original_name as "originalName", f.media_type as "mediaType", f.size_bytes as "sizeBytes"
      from application_attachments x join attachments f on f.fund_id = x.fund_id and f.sha256 = x.sha256
     where x.application_id = ${row.id} order by x.added_at, x.sha256`;
  const transitions = await sql<Transition[]>`
    select t.revision, t.from_status as "fromStatus", t.to_status as "toStatus", t.event,
           u.display_name as "actorName", t.at, t.comments
      from application_transitions t left join users u on u.id = t.actor_user_id
     where t.application_id = ${row.id} order by t.id`;
  const revisions = await sql<RevisionItem[]>`
    select revision, submitted_at as "submittedAt" from application_revisions
     where application_id = ${row.id} order by revision desc`;
  return { ...row, lines, resolution: resolution ?? null, files, transitions, revisions };
}

/** The snapshot stored for one submitted revision, or null. */
export async function revisionSnapshot(
  sql: Db,
  input: { applicationId: string; revision: number }
): Promise<Snapshot | null> {
  const [row] = await sql<{ snapshot: Snapshot }[]>`
    select snapshot from application_revisions
     where application_id = ${input.applicationId} and revision = ${input.revision}`;
  return row?.snapshot ?? null;
}

// ---------------------------------------------------------------------------------------------
// The match, live.

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
  return Money.max(parseMoney(row?.available ?? '0.00'), Money.zero());
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

// ---------------------------------------------------------------------------------------------
// Commands.

interface Command {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

type NotAllowed = { ok: false; code: 'not_allowed'; reason: DenyReason };
type NotFound = { ok: false; code: 'application_not_found' };
type NotEditable = { ok: false; code: 'application_is_not_editable' };

function actorIdOf(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

function isFrozenError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'GJ014';
}

/** Thrown inside a transaction to roll it back and answer with a typed refusal. */
class Refusal<R> extends Error {
  constructor(readonly result: R) {
    super('refused');
  }
}

async function transact<R>(sql: Sql, work: (transaction: Transaction) => Promise<R>): Promise<R | NotEditable> {
  try {
    // postgres.js types the result as an unwrapped promise array; the work returns a plain object.
    return (await sql.begin(work)) as R;
  } catch (error) {
    if (error instanceof Refusal) return error.result as R;
    // The status is checked under the row lock first; GJ014 here means a rule changed under this
    // code, and the person is told the application can no longer be changed rather than shown a 500.
    if (isFrozenError(error)) return { ok: false, code: 'application_is_not_editable' };
    throw error;
  }
}

export type CreateDraftResult =
  { ok: true; number: number; replayed: boolean } | NotAllowed | { ok: false; code: 'compound_not_in_fund' };

/**
 * Starts a draft for one of the committee's compounds, numbered one past the fund's last number
 * under a lock on the fund row. The form's key makes a double click start one draft, not two.
 */
export async function createDraft(
  sql: Sql,
  input: Command & { compoundId: string; idempotencyKey: string }
): Promise<CreateDraftResult> {
  return (await transact(sql, (transaction) => createDraftIn(transaction, input))) as CreateDraftResult;
}

export async function createDraftIn(
  transaction: Transaction,
  input: Command & { compoundId: string; idempotencyKey: string }
): Promise<CreateDraftResult> {
  const decision = can(input.actor, 'application.create', { fundId: input.fundId, compoundId: input.compoundId });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  const actorUserId = actorIdOf(input.actor);
  if (actorUserId === null) return { ok: false, code: 'not_allowed', reason: 'sign_in_required' };
  await transaction`select 1 from funds where id = ${input.fundId} for update`;
  // The fund row's lock serializes drafts of one fund, so this read and the insert below cannot
  // interleave with a second submission of the same form; the unique index is the backstop.
  const [earlier] = await transaction<{ number: number }[]>`
    select number from applications
     where fund_id = ${input.fundId} and created_by = ${actorUserId} and create_key = ${input.idempotencyKey}`;
  if (earlier !== undefined) return { ok: true, number: earlier.number, replayed: true };
  const [compound] = await transaction`
    select 1 from compounds where fund_id = ${input.fundId} and id = ${input.compoundId}`;
  if (compound === undefined) return { ok: false, code: 'compound_not_in_fund' };
  const [row] = await transaction<{ id: string; number: number }[]>`
    insert into applications (fund_id, number, compound_id, status, created_by, created_at, updated_at, create_key)
    values (${input.fundId},
            (select coalesce(max(number), 0) + 1 from applications where fund_id = ${input.fundId}),
            ${input.compoundId}, 'draft', ${actorUserId}, ${input.now}, ${input.now}, ${input.idempotencyKey})
    returning id::text as id, number`;
  if (row === undefined) throw new Error('createDraft: the insert returned no row');
  await recordEvent(transaction, {
    action: 'application.created',
    outcome: 'ok',
    at: input.now,
    actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: row.id,
    detail: { applicationNumber: row.number, compoundId: input.compoundId, idempotencyKey: input.idempotencyKey }
  });
  return { ok: true, number: row.number, replayed: false };
}

interface LockedApplication {
  id: string;
  compoundId: string;
  applicantUnitId: string | null;
  status: ApplicationStatus;
  revision: number;
}

async function lockApplication(transaction: Transaction, fundId: string, number: number) {
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const [row] = await transaction<LockedApplication[]>`
    select id::text as id, compound_id::text as "compoundId", applicant_unit_id::text as "applicantUnitId",
           status, revision
      from applications where fund_id = ${fundId} and number = ${number} for update`;
  return row ?? null;
}

/** Reads the policy's answer for editing as the result a command returns. */
function editRefusal(actor: Actor, fundId: string, row: LockedApplication): NotAllowed | NotEditable | null {
  const decision = can(actor, 'application.edit', refOf(row, fundId));
  if (decision.allowed) return null;
  if (decision.reason === 'state_does_not_allow_it') return { ok: false, code: 'application_is_not_editable' };
  return { ok: false, code: 'not_allowed', reason: decision.reason };
}

export type DraftInput =
  | { step: 'basics'; title: string; category: string; description: string; location: string }
  | { step: 'budget'; lines: BudgetLineInput[] }
  | { step: 'match'; requestedRatio: string; requestedRatioReason: string }
  | { step: 'selfraise'; selfRaiseTarget: string; householdsExpected: string }
  | {
      step: 'meeting';
      meetingDate: string;
      householdsTotal: string;
      householdsPresent: string;
      householdsAgreeing: string;
      minutes: Upload | null;
    }
  | { step: 'quote_add'; quote: Upload }
  | { step: 'quote_remove'; sha256: string };

/** Refusals of one field of a step, keyed by the field's name (budget rows: `<index>.<field>`). */
export type DraftErrors = Record<string, string>;

export type SaveDraftResult =
  { ok: true } | NotAllowed | NotFound | NotEditable | { ok: false; code: 'invalid_input'; errors: DraftErrors };

/**
 * Saves one step of a draft (or of a returned application being revised). Every field is checked
 * before anything is written, so a refused step leaves the draft as it was.
 */
export async function saveDraft(
  sql: Sql,
  input: Command & { number: number; draft: DraftInput }
): Promise<SaveDraftResult> {
  return transact(sql, (transaction) => saveDraftIn(transaction, input));
}

export async function saveDraftIn(
  transaction: Transaction,
  input: Command & { number: number; draft: DraftInput }
): Promise<SaveDraftResult> {
  const row = await lockApplication(transaction, input.fundId, input.number);
  if (row === null) return { ok: false, code: 'application_not_found' };
  const refusal = editRefusal(input.actor, input.fundId, row);
  if (refusal !== null) return refusal;
  const policy = await currentPolicy(transaction as unknown as Sql, input.fundId);
  const draft = input.draft;
  const invalid = (errors: DraftErrors): SaveDraftResult => ({ ok: false, code: 'invalid_input', errors });
  switch (draft.step) {
    case 'basics': {
      const errors: DraftErrors = {};
      const title = draft.title.trim();
      if (title === '') errors['title'] = 'title_is_required';
      else if (title.length > TITLE_LENGTH_MAX) errors['title'] = 'title_must_be_short';
      const category = policy === null ? null : categoryCode(draft.category, policy.policy);
      if (category !== null) errors['category'] = category;
      if (draft.description.length > DESCRIPTION_LENGTH_MAX) errors['description'] = 'description_must_be_short';
      if (draft.location.length > LOCATION_LENGTH_MAX) errors['location'] = 'location_must_be_short';
      if (Object.keys(errors).length > 0) return invalid(errors);
      await transaction`
        update applications set title = ${title}, category = ${draft.category}, description = ${draft.description.trim()},
               location = ${draft.location.trim()}, updated_at = ${input.now}
         where id = ${row.id}`;
      break;
    }
    case 'budget': {
      const parsed = parseBudgetLines(draft.lines);
      if (!parsed.ok) return invalid(parsed.code === null ? parsed.errors : { ...parsed.errors, lines: parsed.code });
      await transaction`delete from budget_lines where application_id = ${row.id}`;
      for (const line of parsed.lines) {
        await transaction`
          insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
          values (${input.fundId}, ${row.id}, ${line.lineNo}, ${line.item}, ${line.quantity}, ${line.unitPrice},
                  ${line.amount})`;
      }
      await transaction`update applications set updated_at = ${input.now} where id = ${row.id}`;
      break;
    }
    case 'match': {
      const ratio = draft.requestedRatio.trim();
      const reason = draft.requestedRatioReason.trim();
      if (ratio !== '') {
        if (policy === null) return invalid({ requestedRatio: 'requested_ratio_must_be_a_fraction' });
        if (reason.length > REASON_LENGTH_MAX) return invalid({ requestedRatioReason: 'reason_must_be_short' });
        const code = requestedRatioCode(ratio, reason, policy.policy);
        if (code !== null) {
          return invalid(
            code === 'requested_ratio_needs_a_reason' ? { requestedRatioReason: code } : { requestedRatio: code }
          );
        }
      }
      await transaction`
        update applications set requested_ratio = ${ratio === '' ? null : ratio},
               requested_ratio_reason = ${ratio === '' ? '' : reason}, updated_at = ${input.now}
         where id = ${row.id}`;
      break;
    }
    case 'selfraise': {
      const errors: DraftErrors = {};
      const households = draft.householdsExpected.trim();
      const [compound] = await transaction<{ count: number | null }[]>`
        select households_count as count from compounds where id = ${row.compoundId}`;
      let count: number | null = null;
      if (!/^\d{1,6}$/.test(households) || Number(households) < 1)
        errors['householdsExpected'] = 'households_must_be_a_whole_number';
      else {
        count = Number(households);
        if (count > HOUSEHOLDS_MAX) errors['householdsExpected'] = 'households_must_be_a_whole_number';
        else if (compound?.count !== null && compound?.count !== undefined && count > compound.count) {
          errors['householdsExpected'] = 'households_exceed_compound';
        }
      }
      let target: Money | null = null;
      if (draft.selfRaiseTarget.trim() === '') {
        // Left empty, the target is what the match leaves to raise: the budget total less the match.
        const detail = await applicationView(transaction, { fundId: input.fundId, number: input.number });
        if (detail !== null) {
          const preview = await matchPreview(transaction, {
            fundId: input.fundId,
            application: detail,
            policy,
            now: input.now
          });
          target = preview.ok ? preview.decision.selfRaised : null;
        }
        if (target === null) errors['selfRaiseTarget'] = 'self_raise_target_is_required';
      } else {
        const parsed = parseAmountText(draft.selfRaiseTarget);
        if (parsed.ok) target = parsed.value;
        else errors['selfRaiseTarget'] = 'self_raise_target_must_be_an_amount';
      }
      if (Object.keys(errors).length > 0 || target === null || count === null) return invalid(errors);
      await transaction`
        update applications set self_raise_target = ${target.toString()}, households_expected = ${count},
               updated_at = ${input.now}
         where id = ${row.id}`;
      break;
    }
    case 'meeting': {
      const errors: DraftErrors = {};
      if (!isDate(draft.meetingDate)) errors['meetingDate'] = 'date_must_be_valid';
      else if (draft.meetingDate > chinaDateOf(input.now)) errors['meetingDate'] = 'date_must_not_be_in_the_future';
      const counts = [draft.householdsTotal, draft.householdsPresent, draft.householdsAgreeing].map((text) =>
        /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : null
      );
      const [total, present, agreeing] = counts;
      const names = ['householdsTotal', 'householdsPresent', 'householdsAgreeing'];
      counts.forEach((count, index) => {
        if (count === null) errors[names[index] ?? 'form'] = 'count_must_be_a_whole_number';
      });
      if (
        total !== null &&
        total !== undefined &&
        present !== null &&
        present !== undefined &&
        agreeing !== null &&
        agreeing !== undefined
      ) {
        const checked = checkOwnersConsent(
          { householdsTotal: total, householdsPresent: present, householdsAgreeing: agreeing },
          policy?.policy.ownersConsent ?? { presentShareMin: '0', agreeShareMin: '0' }
        );
        // Too few present or agreeing is a fact worth recording; only impossible counts are refused.
        const impossible: OwnersConsentCode[] = [
          'households_total_must_be_positive',
          'present_must_not_exceed_total',
          'agreeing_must_not_exceed_present',
          'counts_must_be_whole_numbers'
        ];
        if (!checked.ok && impossible.includes(checked.code)) {
          const field =
            checked.code === 'households_total_must_be_positive'
              ? 'householdsTotal'
              : checked.code === 'present_must_not_exceed_total'
                ? 'householdsPresent'
                : 'householdsAgreeing';
          errors[field] = checked.code;
        } else if (total > HOUSEHOLDS_MAX) errors['householdsTotal'] = 'count_must_be_a_whole_number';
      }
      if (Object.keys(errors).length > 0) return invalid(errors);
      if (draft.minutes !== null) {
        await storeAttachmentIn(transaction, {
          fundId: input.fundId,
          upload: draft.minutes,
          uploadedBy: actorIdOf(input.actor),
          at: input.now
        });
      }
      await transaction`
        insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present,
                                 households_agreeing, minutes_sha256)
        values (${input.fundId}, ${row.id}, ${draft.meetingDate}, ${total ?? 0}, ${present ?? 0}, ${agreeing ?? 0},
                ${draft.minutes?.sha256 ?? null})
        on conflict (application_id) do update
          set meeting_date = excluded.meeting_date, households_total = excluded.households_total,
              households_present = excluded.households_present, households_agreeing = excluded.households_agreeing,
              minutes_sha256 = coalesce(excluded.minutes_sha256, resolutions.minutes_sha256)`;
      await transaction`update applications set updated_at = ${input.now} where id = ${row.id}`;
      break;
    }
    case 'quote_add': {
      const [counted] = await transaction<{ count: number }[]>`
        select count(*)::int as count from application_attachments where application_id = ${row.id} and kind = 'quote'`;
      if ((counted?.count ?? 0) >= QUOTES_MAX) return invalid({ quote: 'too_many_quotes' });
      await storeAttachmentIn(transaction, {
        fundId: input.fundId,
        upload: draft.quote,
        uploadedBy: actorIdOf(input.actor),
        at: input.now
      });
      await transaction`
        insert into application_attachments (fund_id, application_id, sha256, kind, added_at)
        values (${input.fundId}, ${row.id}, ${draft.quote.sha256}, 'quote', ${input.now})
        on conflict (application_id, sha256) do nothing`;
      await transaction`update applications set updated_at = ${input.now} where id = ${row.id}`;
      break;
    }
    case 'quote_remove': {
      await transaction`
        delete from application_attachments
         where application_id = ${row.id} and sha256 = ${draft.sha256} and kind = 'quote'`;
      await transaction`update applications set updated_at = ${input.now} where id = ${row.id}`;
      break;
    }
  }
  await recordEvent(transaction, {
    action: 'application.saved',
    outcome: 'ok',
    at: input.now,
    actorUserId: actorIdOf(input.actor),
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: row.id,
    detail: { applicationNumber: input.number, revision: row.revision, step: draft.step }
  });
  return { ok: true };
}

/** What one submission was, kept in application_revisions; money as decimal strings. */
export interface Snapshot {
  number: number;
  revision: number;
  compoundId: string;
  title: string;
  category: string;
  description: string;
  location: string;
  requestedRatio: string | null;
  requestedRatioReason: string;
  selfRaiseTarget: string | null;
  householdsExpected: number | null;
  lines: BudgetLine[];
  total: string;
  resolution: Resolution | null;
  files: { sha256: string; kind: string; originalName: string }[];
  policyVersion: number;
  match: { amount: string; ratio: string; boundBy: string; selfRaised: string };
  working: { 'zh-CN': string[]; en: string[] };
}

export type SubmitResult =
  | { ok: true; revision: number; matchAmount: string; replayed: boolean }
  | NotAllowed
  | NotFound
  | NotEditable
  | { ok: false; code: 'fund_has_no_policy' }
  | { ok: false; code: 'application_must_be_complete'; missing: MissingPart[] };

/**
 * Submits a complete draft, or a revised returned application as the next revision: it is judged
 * by the policy version current now, its match is computed under it, and a snapshot of everything
 * is kept. The fund's administrators are told. Sending the form twice submits once.
 */
export async function submitApplication(sql: Sql, input: Command & { number: number }): Promise<SubmitResult> {
  return transact(sql, (transaction) => submitApplicationIn(transaction, input));
}

export async function submitApplicationIn(
  transaction: Transaction,
  input: Command & { number: number }
): Promise<SubmitResult> {
  const row = await lockApplication(transaction, input.fundId, input.number);
  if (row === null) return { ok: false, code: 'application_not_found' };
  const refusal = editRefusal(input.actor, input.fundId, row);
  if (refusal !== null) {
    if (refusal.code === 'application_is_not_editable' && row.status === 'submitted') {
      // The same button pressed twice: the first press submitted it.
      const [stored] = await transaction<{ match: string }[]>`
        select match_amount::text as match from applications where id = ${row.id}`;
      return { ok: true, revision: row.revision, matchAmount: stored?.match ?? '0.00', replayed: true };
    }
    return refusal;
  }
  const policy = await currentPolicy(transaction as unknown as Sql, input.fundId);
  if (policy === null) return { ok: false, code: 'fund_has_no_policy' };
  const detail = await applicationView(transaction, { fundId: input.fundId, number: input.number });
  if (detail === null) return { ok: false, code: 'application_not_found' };
  const preview = await matchPreview(transaction, {
    fundId: input.fundId,
    application: detail,
    policy,
    now: input.now
  });
  const missing = missingParts(detail, policy.policy, preview);
  const decided = decideTransition(row.status, { event: 'submit', completeness: { missing } });
  if (!decided.ok) {
    if (decided.code === 'application_must_be_complete') {
      return { ok: false, code: 'application_must_be_complete', missing };
    }
    return { ok: false, code: 'application_is_not_editable' };
  }
  if (!preview.ok) return { ok: false, code: 'application_must_be_complete', missing: ['match'] };
  const revision = row.status === 'returned' ? row.revision + 1 : row.revision;
  const match = preview.decision;
  await transaction`
    update applications set status = ${decided.value.to}, policy_version = ${policy.version},
           match_amount = ${match.match.toString()}, submitted_at = ${input.now}, revision = ${revision},
           updated_at = ${input.now}
     where id = ${row.id}`;
  const snapshot: Snapshot = {
    number: input.number,
    revision,
    compoundId: detail.compoundId,
    title: detail.title,
    category: detail.category,
    description: detail.description,
    location: detail.location,
    requestedRatio: detail.requestedRatio,
    requestedRatioReason: detail.requestedRatioReason,
    selfRaiseTarget: detail.selfRaiseTarget,
    householdsExpected: detail.householdsExpected,
    lines: detail.lines,
    total: budgetTotal(detail.lines).toString(),
    resolution: detail.resolution,
    files: detail.files.map((file) => ({ sha256: file.sha256, kind: file.kind, originalName: file.originalName })),
    policyVersion: policy.version,
    match: {
      amount: match.match.toString(),
      ratio: match.ratio,
      boundBy: match.boundBy,
      selfRaised: match.selfRaised.toString()
    },
    working: preview.working
  };
  await transaction`
    insert into application_revisions (fund_id, application_id, revision, submitted_at, snapshot)
    values (${input.fundId}, ${row.id}, ${revision}, ${input.now},
            ${transaction.json(JSON.parse(JSON.stringify(snapshot)) as Parameters<typeof transaction.json>[0])})`;
  await recordTransition(transaction, {
    ...input,
    row,
    revision,
    from: row.status,
    to: decided.value.to,
    event: 'submit'
  });
  await notifyAdministrators(transaction, {
    fundId: input.fundId,
    applicationId: row.id,
    kind: 'application.submitted',
    now: input.now
  });
  return { ok: true, revision, matchAmount: match.match.toString(), replayed: false };
}

export type WithdrawResult = { ok: true; replayed: boolean } | NotAllowed | NotFound | NotEditable;

/** The committee takes its application back, at any point before the leadership group decides. */
export async function withdrawApplication(sql: Sql, input: Command & { number: number }): Promise<WithdrawResult> {
  return transact(sql, (transaction) => withdrawApplicationIn(transaction, input));
}

export async function withdrawApplicationIn(
  transaction: Transaction,
  input: Command & { number: number }
): Promise<WithdrawResult> {
  const row = await lockApplication(transaction, input.fundId, input.number);
  if (row === null) return { ok: false, code: 'application_not_found' };
  const decision = can(input.actor, 'application.withdraw', refOf(row, input.fundId));
  if (!decision.allowed) {
    if (decision.reason !== 'state_does_not_allow_it')
      return { ok: false, code: 'not_allowed', reason: decision.reason };
    // Withdrawn already: the same form sent twice.
    if (row.status === 'withdrawn') return { ok: true, replayed: true };
    return { ok: false, code: 'application_is_not_editable' };
  }
  const decided = decideTransition(row.status, { event: 'withdraw' });
  if (!decided.ok) return { ok: false, code: 'application_is_not_editable' };
  await transaction`
    update applications set status = ${decided.value.to}, updated_at = ${input.now} where id = ${row.id}`;
  await recordTransition(transaction, {
    ...input,
    row,
    revision: row.revision,
    from: row.status,
    to: decided.value.to,
    event: 'withdraw'
  });
  if (row.status !== 'draft') {
    await notifyAdministrators(transaction, {
      fundId: input.fundId,
      applicationId: row.id,
      kind: 'application.withdrawn',
      now: input.now
    });
  }
  return { ok: true, replayed: false };
}

async function recordTransition(
  transaction: Transaction,
  input: Command & {
    row: LockedApplication;
    number: number;
    revision: number;
    from: ApplicationStatus;
    to: ApplicationStatus;
    event: 'submit' | 'withdraw';
  }
): Promise<void> {
  const actorUserId = actorIdOf(input.actor);
  await transaction`
    insert into application_transitions (fund_id, application_id, revision, from_status, to_status, event, actor_user_id, at)
    values (${input.fundId}, ${input.row.id}, ${input.revision}, ${input.from}, ${input.to}, ${input.event},
            ${actorUserId}, ${input.now})`;
  await recordEvent(transaction, {
    action: input.event === 'submit' ? 'application.submit' : 'application.withdraw',
    outcome: 'ok',
    at: input.now,
    actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: input.row.id,
    detail: { applicationNumber: input.number, revision: input.revision }
  });
}

/** One inbox row for each of the fund's administrators. */
async function notifyAdministrators(
  transaction: Transaction,
  input: { fundId: string; applicationId: string; kind: string; now: Date }
): Promise<void> {
  await transaction`
    insert into notifications (fund_id, user_id, at, kind, application_id)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, ${input.kind}, ${input.applicationId}::bigint
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and m.role = 'fund_admin' and u.status = 'active'`;
}

// ---------------------------------------------------------------------------------------------
// The demo.
