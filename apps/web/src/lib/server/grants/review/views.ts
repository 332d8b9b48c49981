import {
  ACCOUNTS,
  budgetTotal,
  chinaDateOf,
  isConflicted,
  money,
  quotaYearOf,
  transitionStageOf,
  type DeliberationStage
} from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { categoryLabelOf, policyVersion, type FundPolicy } from '../../fund/fund-policy';
import { compoundMatchedThisYear } from '../quota';
import { can, hasConflictOfInterest, type Actor, type ApplicationStatus } from '../../access/policy';
import { activateEndedNotices } from './notice-end';
import { ratioOf, seatsOf, voteSeatOf } from './seats';
import { userIdOf } from './transitions';

/** What the review pages read: the queue, and everything about one application under review. */

export interface QueueItem {
  number: number;
  title: string;
  compoundName: string;
  status: ApplicationStatus;
  matchAmount: string | null;
  submittedAt: Date | null;
  /** For a leader: whether they voted on the current revision, or sit out for a conflict. */
  voted: boolean;
  recused: boolean;
}

export interface ReviewQueue {
  /** Submitted applications awaiting the fund office's pre-check; null when the actor may not pre-check. */
  precheck: QueueItem[] | null;
  /** Applications in review; for a leader with their vote marked. Null when the actor may not see them. */
  voting: QueueItem[] | null;
  /** Approved applications whose notice is running. */
  noticed: QueueItem[];
  isAdmin: boolean;
  isLeader: boolean;
}

/** The review queue: what the fund administrator pre-checks and what the leaders vote on. */
export async function reviewQueue(sql: Sql, input: { actor: Actor; fundId: string }): Promise<ReviewQueue> {
  await activateEndedNotices(sql, { fundId: input.fundId, today: chinaDateOf(new Date()) });
  const actor = input.actor;
  const isAdmin = can(actor, 'objection.decide', { fundId: input.fundId }).allowed;
  const isLeader =
    actor.kind === 'user' && actor.memberships.some((m) => m.fundId === input.fundId && m.role === 'leader');
  const userId = userIdOf(actor) ?? '0';
  const rows = await sql<
    (Omit<QueueItem, 'recused'> & { compoundId: string; applicantUnitId: string | null; revision: number })[]
  >`
    select a.number, a.title, c.name as "compoundName", a.status, a.match_amount::text as "matchAmount",
           a.submitted_at as "submittedAt", a.compound_id::text as "compoundId",
           a.applicant_unit_id::text as "applicantUnitId", a.revision,
           exists (select 1 from votes v where v.application_id = a.id and v.revision = a.revision
                     and v.seat_user_id = ${userId}) as voted
      from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${input.fundId} and a.status in ('submitted', 'in_review', 'approved')
     order by a.submitted_at nulls last, a.number`;
  const item = (row: (typeof rows)[number]): QueueItem => ({
    number: row.number,
    title: row.title,
    compoundName: row.compoundName,
    status: row.status,
    matchAmount: row.matchAmount,
    submittedAt: row.submittedAt,
    voted: row.voted,
    recused:
      isLeader &&
      actor.kind === 'user' &&
      hasConflictOfInterest(actor, {
        fundId: input.fundId,
        compoundId: row.compoundId,
        applicantUnitId: row.applicantUnitId,
        status: row.status
      })
  });
  const readable = rows.filter(
    (row) =>
      can(actor, 'application.read', {
        fundId: input.fundId,
        compoundId: row.compoundId,
        applicantUnitId: row.applicantUnitId,
        status: row.status
      }).allowed
  );
  return {
    precheck: isAdmin ? readable.filter((row) => row.status === 'submitted').map(item) : null,
    voting: readable.filter((row) => row.status === 'in_review').map(item),
    noticed: readable.filter((row) => row.status === 'approved').map(item),
    isAdmin,
    isLeader
  };
}

export interface BudgetLineView {
  lineNo: number;
  item: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}

export interface VoteView {
  voterName: string;
  unitName: string | null;
  choice: 'approve' | 'reject' | 'return';
  overrideRatio: string | null;
  reason: string;
  castAt: Date;
}

export interface HistoryItem {
  number: number;
  title: string;
  status: ApplicationStatus;
  approvedAmount: string | null;
  matchAmount: string | null;
}

export interface TransitionView {
  fromStatus: string;
  toStatus: string;
  event: string;
  actorName: string | null;
  at: Date;
  comments: string;
  revision: number;
  /** The five-deliberation stage (五议) of the step, from the ledger; null for none. */
  stage: DeliberationStage | null;
}

export interface ObjectionView {
  id: string;
  filedAt: Date;
  name: string;
  contact: string;
  body: string;
  status: 'open' | 'dismissed' | 'upheld';
  outcomeNote: string;
}

export interface ReviewView {
  application: {
    id: string;
    number: number;
    title: string;
    category: string;
    categoryLabel: { zh: string; en: string } | null;
    description: string;
    location: string;
    status: ApplicationStatus;
    compoundId: string;
    compoundName: string;
    applicantUnitId: string | null;
    applicantUnitName: string | null;
    requestedRatio: string | null;
    requestedRatioReason: string;
    selfRaiseTarget: string | null;
    householdsExpected: number | null;
    policyVersion: number | null;
    matchAmount: string | null;
    approvedRatio: string | null;
    approvedAmount: string | null;
    holdId: string | null;
    noticeStartsOn: string | null;
    noticeEndsOn: string | null;
    revision: number;
    submittedAt: Date | null;
  };
  budget: BudgetLineView[];
  budgetTotal: string;
  resolution: {
    meetingDate: string;
    householdsTotal: number;
    householdsPresent: number;
    householdsAgreeing: number;
  } | null;
  /** The policy the application is judged by, for the override band and the caps. */
  policy: {
    version: number;
    ratio: string;
    overrideMin: string;
    overrideMax: string;
    capPerCompoundPerYear: string | null;
    quorum: number;
    majority: string;
    noticeWorkingDays: number;
  } | null;
  quota: { used: string; cap: string | null; fiscalYear: number };
  history: HistoryItem[];
  pool: { balance: string; reserved: string; available: string };
  votes: VoteView[];
  counts: { approve: number; reject: number; return: number };
  /** Leaders who sit out, by name and unit, and whether the viewer is one of them. */
  recusals: { name: string; unitName: string | null }[];
  eligibleSeats: number;
  viewerRecused: boolean;
  viewerVoted: boolean;
  timeline: TransitionView[];
  objections: ObjectionView[];
}

type ReviewRow = Omit<ReviewView['application'], 'categoryLabel'>;

/** Everything a reviewer needs about one application. Returns null when it does not exist. */
export async function reviewView(
  sql: Sql,
  input: { actor: Actor; fundId: string; number: number }
): Promise<ReviewView | null> {
  const row = await reviewRowOf(sql, input);
  if (row === null) return null;
  const [facts, pool, voting, quota] = await Promise.all([
    applicationFactsOf(sql, { ...input, row }),
    poolFigures(sql, input.fundId),
    votingOf(sql, { ...input, row }),
    quotaOf(sql, { fundId: input.fundId, row })
  ]);
  const rules = facts.policy?.policy ?? null;
  const categoryLabel = rules === null ? undefined : categoryLabelOf(rules, row.category);
  return {
    application: {
      ...row,
      categoryLabel: categoryLabel === undefined ? null : { zh: categoryLabel.labelZh, en: categoryLabel.labelEn }
    },
    budget: facts.budget,
    budgetTotal: budgetTotal(facts.budget).toString(),
    resolution: facts.resolution,
    policy: facts.policy === null ? null : policyTermsOf(facts.policy, row),
    quota: { ...quota, cap: rules?.match.capPerCompoundPerYear?.toString() ?? null },
    history: facts.history,
    pool,
    ...voting,
    timeline: facts.timeline.map((step) => ({ ...step, stage: transitionStageOf(step.event, step.fromStatus) })),
    objections: facts.objections
  };
}

async function reviewRowOf(sql: Sql, input: { fundId: string; number: number }): Promise<ReviewRow | null> {
  const [row] = await sql<ReviewRow[]>`
    select a.id::text as id, a.number, a.title, a.category, a.description, a.location, a.status,
           a.compound_id::text as "compoundId", c.name as "compoundName", u.name as "applicantUnitName",
           a.applicant_unit_id::text as "applicantUnitId",
           a.requested_ratio as "requestedRatio", a.requested_ratio_reason as "requestedRatioReason",
           a.self_raise_target::text as "selfRaiseTarget", a.households_expected as "householdsExpected",
           a.policy_version as "policyVersion", a.match_amount::text as "matchAmount",
           a.approved_ratio as "approvedRatio", a.approved_amount::text as "approvedAmount", a.hold_id as "holdId",
           to_char(a.notice_starts_on, 'YYYY-MM-DD') as "noticeStartsOn",
           to_char(a.notice_ends_on, 'YYYY-MM-DD') as "noticeEndsOn", a.revision, a.submitted_at as "submittedAt"
      from applications a
      join compounds c on c.id = a.compound_id
      left join units u on u.id = a.applicant_unit_id
     where a.fund_id = ${input.fundId} and a.number = ${input.number}`;
  return row ?? null;
}

/** The application's own records: budget, meeting, policy version, timeline, objections and the compound's history. */
async function applicationFactsOf(sql: Sql, input: { actor: Actor; fundId: string; row: ReviewRow }) {
  const { row } = input;
  const [budget, resolutionRows, policy, timeline, objections, history] = await Promise.all([
    sql<BudgetLineView[]>`
        select line_no as "lineNo", item, quantity::text as quantity, unit_price::text as "unitPrice",
               amount::text as amount
          from budget_lines where application_id = ${row.id} order by line_no`,
    sql<NonNullable<ReviewView['resolution']>[]>`
        select to_char(meeting_date, 'YYYY-MM-DD') as "meetingDate", households_total as "householdsTotal",
               households_present as "householdsPresent", households_agreeing as "householdsAgreeing"
          from resolutions where application_id = ${row.id}`,
    row.policyVersion === null ? Promise.resolve(null) : policyVersion(sql, input.fundId, row.policyVersion),
    sql<Omit<TransitionView, 'stage'>[]>`
        select t.from_status as "fromStatus", t.to_status as "toStatus", t.event, us.display_name as "actorName",
               t.at, t.comments, t.revision
          from application_transitions t left join users us on us.id = t.actor_user_id
         where t.application_id = ${row.id} order by t.id`,
    can(input.actor, 'objection.decide', { fundId: input.fundId }).allowed
      ? sql<ObjectionView[]>`
            select id::text as id, filed_at as "filedAt", name, contact, body, status, outcome_note as "outcomeNote"
              from objections where application_id = ${row.id} order by id`
      : Promise.resolve([] as ObjectionView[]),
    sql<HistoryItem[]>`
        select number, title, status, approved_amount::text as "approvedAmount", match_amount::text as "matchAmount"
          from applications
         where fund_id = ${input.fundId} and compound_id = ${row.compoundId} and id <> ${row.id}
           and status <> 'draft'
         order by number desc limit 20`
  ]);
  return { budget, resolution: resolutionRows[0] ?? null, policy, timeline, objections, history };
}

/** The votes on the current revision, their counts, and who sits out for a conflict of interest. */
async function votingOf(
  sql: Sql,
  input: { actor: Actor; fundId: string; row: ReviewRow }
): Promise<Pick<ReviewView, 'votes' | 'counts' | 'recusals' | 'eligibleSeats' | 'viewerRecused' | 'viewerVoted'>> {
  const { row } = input;
  const [votes, seats] = await Promise.all([
    sql<(VoteView & { seatUserId: string })[]>`
        select v.seat_user_id::text as "seatUserId", us.display_name as "voterName", un.name as "unitName",
               v.choice, v.override_ratio as "overrideRatio", v.reason, v.cast_at as "castAt"
          from votes v join users us on us.id = v.seat_user_id left join units un on un.id = v.unit_id
         where v.application_id = ${row.id} and v.revision = ${row.revision}
         order by v.cast_at, v.seat_user_id`,
    seatsOf(sql, input.fundId)
  ]);
  const applicant = { compoundId: row.compoundId, applicantUnitId: row.applicantUnitId };
  const recusedSeats = seats.filter((seat) => isConflicted(voteSeatOf(seat), applicant));
  const names = await sql<{ id: string; name: string; unitName: string | null }[]>`
    select u.id::text as id, u.display_name as name,
           (select n.name from memberships m join units n on n.id = m.unit_id
             where m.fund_id = ${input.fundId} and m.user_id = u.id and m.role = 'leader' limit 1) as "unitName"
      from users u where u.id = any(${recusedSeats.map((seat) => seat.userId)}::bigint[])`;
  const viewerId = userIdOf(input.actor);
  const counts = { approve: 0, reject: 0, return: 0 };
  for (const vote of votes) counts[vote.choice] += 1;
  return {
    votes: votes.map(({ seatUserId: _seat, ...vote }) => vote),
    counts,
    recusals: names.map((name) => ({ name: name.name, unitName: name.unitName })),
    eligibleSeats: seats.length - recusedSeats.length,
    viewerRecused: recusedSeats.some((seat) => seat.userId === viewerId),
    viewerVoted: votes.some((vote) => vote.seatUserId === viewerId)
  };
}

/** What the compound was granted this quota year, other than this application. */
async function quotaOf(
  sql: Sql,
  input: { fundId: string; row: ReviewRow }
): Promise<{ used: string; fiscalYear: number }> {
  const now = new Date();
  const used = await compoundMatchedThisYear(sql, {
    fundId: input.fundId,
    compoundId: input.row.compoundId,
    exceptApplicationId: input.row.id,
    at: now
  });
  return { used: used.toString(), fiscalYear: quotaYearOf(now) };
}

function policyTermsOf(
  policy: { version: number; policy: FundPolicy },
  row: ReviewRow
): NonNullable<ReviewView['policy']> {
  const rules = policy.policy;
  return {
    version: policy.version,
    ratio: ratioOf(rules, row),
    overrideMin: rules.match.overrideBand.ratioMin,
    overrideMax: rules.match.overrideBand.ratioMax,
    capPerCompoundPerYear: rules.match.capPerCompoundPerYear?.toString() ?? null,
    quorum: rules.vote.quorum,
    majority: rules.vote.majority,
    noticeWorkingDays: rules.noticeWorkingDays
  };
}

/** The pool's balance, what open holds reserve on it, and what is left to grant. */
export async function poolFigures(
  db: Sql | Transaction,
  fundId: string
): Promise<{ balance: string; reserved: string; available: string }> {
  const [row] = await db<{ balance: string; reserved: string }[]>`
    select coalesce(sum(debits_posted - credits_posted), 0)::numeric(18, 2)::text as balance,
           coalesce(sum(held_total), 0)::numeric(18, 2)::text as reserved
      from account_balances where fund_id = ${fundId} and account_code = ${ACCOUNTS.pool}`;
  const balance = money(row?.balance ?? '0');
  const reserved = money(row?.reserved ?? '0');
  return { balance: balance.toString(), reserved: reserved.toString(), available: balance.minus(reserved).toString() };
}
