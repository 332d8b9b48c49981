import { transitionStageOf, type BudgetLine, type DeliberationStage } from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor, type ApplicationRef, type ApplicationStatus, type Decision } from '../../access/policy';

/** What the application pages read: the list, one application whole, and a submission's snapshot. */

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
  /** The five-deliberation stage (五议) of the step, from the ledger; null for none. */
  stage: DeliberationStage | null;
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

export type Db = Sql | Transaction;

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
  const transitionRows = await sql<Omit<Transition, 'stage'>[]>`
    select t.revision, t.from_status as "fromStatus", t.to_status as "toStatus", t.event,
           u.display_name as "actorName", t.at, t.comments
      from application_transitions t left join users u on u.id = t.actor_user_id
     where t.application_id = ${row.id} order by t.id`;
  const revisions = await sql<RevisionItem[]>`
    select revision, submitted_at as "submittedAt" from application_revisions
     where application_id = ${row.id} order by revision desc`;
  const transitions = transitionRows.map((step) => ({
    ...step,
    stage: transitionStageOf(step.event, step.fromStatus)
  }));
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
