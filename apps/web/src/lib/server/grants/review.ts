import {
  ACCOUNTS,
  AMOUNT_INPUT_MAX,
  Money,
  categoryPolicyOf,
  computeMatch,
  decideQuotaAtApproval,
  decideTransition,
  decideVote,
  isConflicted,
  money,
  policyHasCategory,
  quotaYearOf,
  type ApplicationDecision,
  type ApplicationEvent,
  type Vote,
  type VoteSeat,
  type VoteTally,
  chinaDateOf
} from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import * as books from '../books';
import { noticeEndIn } from '../fund/calendar';
import type { Sql, Transaction } from '../db/client';
import { categoryLabelOf, parseFundPolicy, policyVersion, type FundPolicy } from '../fund/fund-policy';
import { compoundMatchedThisYear, lockCompoundQuota } from './quota';
import { can, hasConflictOfInterest, type Actor, type ApplicationRef, type ApplicationStatus } from '../access/policy';

/**
 * The review of a submitted application: the fund office's pre-check, the leadership group's
 * vote, the reservation of the match (a hold on the pool), and the end of the notice period.
 *
 * Every use case runs in one transaction and takes its locks in one order: the pool's balance
 * row first (the books layer's own lock, so that two approvals racing for the same money queue
 * there), then the application row. Every state change goes through the ledger's
 * decideTransition and is written, in that same transaction, to application_transitions, the
 * audit trail and the inboxes of the people concerned. Each use case is idempotent by state: a
 * form sent twice finds the application already moved and returns the first outcome.
 */

export type Denied = { ok: false; code: 'not_allowed' };
type NotFound = { ok: false; code: 'application_not_found' };

/** The application as the review reads it: identity, parties, state and the decision's figures. */
interface ApplicationRow {
  id: string;
  number: number;
  status: ApplicationStatus;
  compoundId: string;
  applicantUnitId: string | null;
  revision: number;
  policyVersion: number | null;
  matchAmount: string | null;
  category: string;
  requestedRatio: string | null;
  holdId: string | null;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  /** The end was counted into a year with no calendar yet (see calendar.ts). */
  noticeEndsProvisional: boolean;
  title: string;
}

interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

/** Thrown inside a transaction to roll back everything it wrote, then returned to the caller. */
class Refusal<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    readonly extra: Record<string, string> = {}
  ) {
    super(code);
  }
}

const userIdOf = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);

function refOf(fundId: string, row: ApplicationRow): ApplicationRef {
  return { fundId, compoundId: row.compoundId, applicantUnitId: row.applicantUnitId, status: row.status };
}

async function loadApplication(
  db: Sql | Transaction,
  fundId: string,
  number: number,
  lock: boolean
): Promise<ApplicationRow | null> {
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const rows = await db<ApplicationRow[]>`
    select id::text as id, number, status, compound_id::text as "compoundId",
           applicant_unit_id::text as "applicantUnitId", revision, policy_version as "policyVersion",
           match_amount::text as "matchAmount", category, requested_ratio as "requestedRatio", hold_id as "holdId",
           to_char(notice_starts_on, 'YYYY-MM-DD') as "noticeStartsOn",
           to_char(notice_ends_on, 'YYYY-MM-DD') as "noticeEndsOn",
           notice_ends_provisional as "noticeEndsProvisional", title
      from applications where fund_id = ${fundId} and number = ${number} ${lock ? db`for update` : db``}`;
  return rows[0] ?? null;
}

/**
 * Locks the pool's balance row, as the books layer does before it places or releases a hold, so
 * that the lock order is always pool first, then the application.
 */
async function lockPool(transaction: Transaction, fundId: string): Promise<void> {
  await transaction`
    select 1 from account_balances where fund_id = ${fundId} and account_code = ${ACCOUNTS.pool} for update`;
}

/** The events the review writes, and those of a grant's end that the project use cases write through it. */
type ReviewEvent =
  | 'precheck_pass'
  | 'return'
  | 'reject'
  | 'approve'
  | 'objection_upheld'
  | 'notice_ended'
  | 'accept'
  | 'close'
  | 'cancel';

/** Who hears of a state change: the compound's committee and the fund administrators, and on review the leaders. */
async function notify(
  transaction: Transaction,
  input: {
    fundId: string;
    application: ApplicationRow;
    kind: string;
    now: Date;
    leaders: boolean;
    except: string | null;
  }
): Promise<void> {
  await transaction`
    insert into notifications (fund_id, user_id, at, kind, application_id)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, ${input.kind}, ${input.application.id}::bigint
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and u.status = 'active'
       and ((m.role = 'committee' and m.compound_id = ${input.application.compoundId})
            or m.role = 'fund_admin' or (${input.leaders} and m.role = 'leader'))
       and m.user_id <> ${input.except ?? '0'}`;
}

/** Writes a decided transition: the status, the timeline row, the audit event and the inboxes. */
async function applyTransition(
  transaction: Transaction,
  input: {
    fundId: string;
    application: ApplicationRow;
    decision: ApplicationDecision & { event: ReviewEvent };
    actorUserId: string | null;
    now: Date;
    ip: string | null;
    comments: string;
  }
): Promise<void> {
  const { application, decision } = input;
  await transaction`
    update applications set status = ${decision.to}, updated_at = ${input.now}
     where id = ${application.id}`;
  await transaction`
    insert into application_transitions
      (fund_id, application_id, revision, from_status, to_status, event, actor_user_id, at, comments)
    values (${input.fundId}, ${application.id}, ${application.revision}, ${decision.from}, ${decision.to},
            ${decision.event}, ${input.actorUserId}, ${input.now}, ${input.comments.slice(0, 2000)})`;
  await recordEvent(transaction, {
    action: `application.${decision.event}`,
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: application.id
  });
  await notify(transaction, {
    fundId: input.fundId,
    application,
    kind: `application.${decision.to}`,
    now: input.now,
    leaders: decision.to === 'in_review' || decision.to === 'approved',
    except: input.actorUserId
  });
}

function decided(
  status: ApplicationStatus,
  event: ApplicationEvent & { event: ReviewEvent }
): ApplicationDecision & { event: ReviewEvent } {
  const decision = decideTransition(status, event);
  if (!decision.ok) throw new Refusal(decision.code);
  return { ...decision.value, event: event.event };
}

// ---------------------------------------------------------------------------------------------
// Pre-check

export const PRECHECK_OUTCOMES = ['pass', 'return', 'reject'] as const;
export type PrecheckOutcome = (typeof PRECHECK_OUTCOMES)[number];
export const COMMENTS_LENGTH_MAX = 2000;

const PRECHECK_TARGET: Record<PrecheckOutcome, ApplicationStatus> = {
  pass: 'in_review',
  return: 'returned',
  reject: 'rejected'
};

export type PrecheckCode =
  'transition_not_allowed' | 'return_needs_comments' | 'reject_needs_a_reason' | 'comments_must_be_short';

export type PrecheckResult =
  { ok: true; status: ApplicationStatus; replayed: boolean } | Denied | NotFound | { ok: false; code: PrecheckCode };

/** The fund office's pre-check of a submitted application: on to the leaders, back, or refused. */
export async function precheck(
  sql: Sql,
  input: Command & { outcome: PrecheckOutcome; comments: string }
): Promise<PrecheckResult> {
  if (input.comments.length > COMMENTS_LENGTH_MAX) return { ok: false, code: 'comments_must_be_short' };
  try {
    return await books.transact(sql, (transaction) => precheckIn(transaction, input));
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, code: error.code as PrecheckCode };
    throw error;
  }
}

/**
 * The pre-check inside a transaction the caller holds (the demo seed). A refusal found after
 * the decision throws a Refusal, so that the caller's transaction rolls back.
 */
export async function precheckIn(
  transaction: Transaction,
  input: Command & { outcome: PrecheckOutcome; comments: string }
): Promise<PrecheckResult> {
  const application = await loadApplication(transaction, input.fundId, input.number, true);
  if (application === null) return { ok: false, code: 'application_not_found' };
  const asSubmitted = refOf(input.fundId, { ...application, status: 'submitted' });
  if (!can(input.actor, 'application.precheck', asSubmitted).allowed) return { ok: false, code: 'not_allowed' };
  const target = PRECHECK_TARGET[input.outcome];
  // A repeated form finds the application where the first one put it.
  if (application.status === target) return { ok: true, status: target, replayed: true };
  const event: ApplicationEvent & { event: ReviewEvent } =
    input.outcome === 'pass'
      ? { event: 'precheck_pass' }
      : input.outcome === 'return'
        ? { event: 'return', comments: input.comments }
        : { event: 'reject', reason: input.comments };
  const decision = decided(application.status, event);
  await applyTransition(transaction, {
    fundId: input.fundId,
    application,
    decision,
    actorUserId: userIdOf(input.actor),
    now: input.now,
    ip: input.ip,
    comments: input.comments.trim()
  });
  if (decision.to === 'rejected') {
    await transaction`update applications set decided_at = ${input.now} where id = ${application.id}`;
  }
  return { ok: true, status: decision.to, replayed: false };
}

// ---------------------------------------------------------------------------------------------
// The vote

export const VOTE_CHOICES_FORM = ['approve', 'override', 'reject', 'return'] as const;

export type VoteCastCode =
  | 'vote_already_decided'
  | 'voter_has_no_seat'
  | 'voter_is_recused'
  | 'vote_already_cast'
  | 'vote_choice_not_known'
  | 'reject_needs_a_reason'
  | 'return_needs_comments'
  | 'override_needs_a_reason'
  | 'ratio_must_be_between_0_and_1'
  | 'override_outside_band'
  | 'transition_not_allowed'
  | 'application_is_not_in_review'
  | 'policy_version_missing'
  | 'match_cannot_be_computed'
  | 'comments_must_be_short'
  | 'pool_cannot_cover_the_match';

export type CastVoteResult =
  | {
      ok: true;
      replayed: boolean;
      /** The application's status after this vote: in_review while the vote is open. */
      status: ApplicationStatus;
      approvedAmount: string | null;
      /**
       * Set when the votes settled on approval but the match no longer fit the compound's yearly
       * quota, so the application was returned to the committee: what was left, and the match.
       */
      quotaShort?: { left: string; match: string };
    }
  | Denied
  | NotFound
  | { ok: false; code: 'pool_cannot_cover_the_match'; available: string }
  | { ok: false; code: Exclude<VoteCastCode, 'pool_cannot_cover_the_match'> };

export interface CastVoteInput extends Command {
  choice: 'approve' | 'reject' | 'return';
  /** An override ratio, for an approval at a ratio other than the computed one. */
  overrideRatio?: string | null;
  /** The reason (reject, override) or comments (return). */
  reason: string;
}

interface SeatRow {
  userId: string;
  unitId: string;
  unitIds: string[];
  compoundIds: string[];
}

/** The fund's leadership seats, each with every unit and compound its holder has a role for here. */
async function seatsOf(db: Sql | Transaction, fundId: string): Promise<SeatRow[]> {
  return db<SeatRow[]>`
    select l.user_id::text as "userId", min(l.unit_id)::text as "unitId",
           coalesce(array_agg(distinct m.unit_id::text) filter (where m.unit_id is not null), '{}') as "unitIds",
           coalesce(array_agg(distinct m.compound_id::text) filter (where m.compound_id is not null), '{}') as "compoundIds"
      from memberships l
      join users u on u.id = l.user_id and u.status = 'active'
      join memberships m on m.fund_id = l.fund_id and m.user_id = l.user_id
     where l.fund_id = ${fundId} and l.role = 'leader'
     group by l.user_id
     order by l.user_id`;
}

function voteSeatOf(seat: SeatRow): VoteSeat {
  return { seatId: seat.userId, unitIds: seat.unitIds, compoundIds: seat.compoundIds };
}

interface VoteRow {
  seatUserId: string;
  choice: 'approve' | 'reject' | 'return';
  overrideRatio: string | null;
  reason: string;
}

async function votesOf(db: Sql | Transaction, applicationId: string, revision: number): Promise<VoteRow[]> {
  return db<VoteRow[]>`
    select seat_user_id::text as "seatUserId", choice, override_ratio as "overrideRatio", reason
      from votes where application_id = ${applicationId} and revision = ${revision}
     order by cast_at, seat_user_id`;
}

function voteOf(row: VoteRow): Vote {
  switch (row.choice) {
    case 'approve':
      return row.overrideRatio === null
        ? { seatId: row.seatUserId, choice: 'approve' }
        : { seatId: row.seatUserId, choice: 'approve', override: { ratio: row.overrideRatio, reason: row.reason } };
    case 'reject':
      return { seatId: row.seatUserId, choice: 'reject', reason: row.reason };
    case 'return':
      return { seatId: row.seatUserId, choice: 'return', comments: row.reason };
  }
}

/** One policy version, read inside the caller's transaction (policyVersion takes a pool, not a transaction). */
async function policyIn(
  transaction: Transaction,
  fundId: string,
  version: number
): Promise<{ version: number; policy: FundPolicy } | null> {
  const [row] = await transaction<{ policy: unknown }[]>`
    select policy from fund_policies where fund_id = ${fundId} and version = ${version}`;
  if (row === undefined) return null;
  const parsed = parseFundPolicy(row.policy);
  if (!parsed.ok) throw new Error(`stored policy version ${version} does not parse (${parsed.code})`);
  return { version, policy: parsed.value };
}

function votePolicyOf(policy: FundPolicy) {
  return { quorum: policy.vote.quorum, majority: policy.vote.majority, overrideBand: policy.match.overrideBand };
}

/** The hold that reserves an approved application's match, one per decision (revision). */
export function holdIdOf(fundId: string, number: number, revision: number): string {
  return `application-${fundId}-${number}-r${revision}`;
}

/**
 * One leader's vote. When it settles the tally, the decision is applied in the same transaction:
 * an approval reserves the match on the pool, and if the pool can no longer cover it (another
 * approval took the money first) nothing at all is written, not even this vote.
 */
export async function castVote(sql: Sql, input: CastVoteInput): Promise<CastVoteResult> {
  if (input.reason.length > COMMENTS_LENGTH_MAX) return { ok: false, code: 'comments_must_be_short' };
  const seatId = userIdOf(input.actor);
  if (seatId === null) return { ok: false, code: 'not_allowed' };
  try {
    return await books.transact(sql, (transaction) => castVoteIn(transaction, { ...input, seatId }));
  } catch (error) {
    if (error instanceof Refusal) {
      if (error.code === 'pool_cannot_cover_the_match') {
        return { ok: false, code: 'pool_cannot_cover_the_match', available: error.extra['available'] ?? '0.00' };
      }
      return { ok: false, code: error.code as Exclude<VoteCastCode, 'pool_cannot_cover_the_match'> };
    }
    throw error;
  }
}

/** The vote inside a transaction the caller holds (the demo seed); refusals after a write throw. */
export async function castVoteIn(
  transaction: Transaction,
  input: CastVoteInput & { seatId: string }
): Promise<CastVoteResult> {
  // The application's row lock serializes the votes on one application. The pool is locked only
  // when a vote settles an approval (in settle), so votes that decide nothing do not queue behind
  // each other across the whole fund.
  const application = await loadApplication(transaction, input.fundId, input.number, true);
  if (application === null) return { ok: false, code: 'application_not_found' };
  const ref = refOf(input.fundId, application);
  const overrideRatio = input.choice === 'approve' ? (input.overrideRatio ?? null) : null;
  const reason = input.reason.trim();

  // A replay of the same vote (a double click, a retried request) returns the first outcome.
  const [mine] = await transaction<VoteRow[]>`
    select seat_user_id::text as "seatUserId", choice, override_ratio as "overrideRatio", reason
      from votes where application_id = ${application.id} and revision = ${application.revision}
       and seat_user_id = ${input.seatId}`;
  if (mine !== undefined) {
    const same = mine.choice === input.choice && mine.overrideRatio === overrideRatio && mine.reason === reason;
    if (!same) return { ok: false, code: 'vote_already_cast' };
    return { ok: true, replayed: true, status: application.status, approvedAmount: null };
  }

  const decision = can(input.actor, 'application.vote', ref);
  if (!decision.allowed) {
    if (decision.reason === 'conflict_of_interest') return { ok: false, code: 'voter_is_recused' };
    if (decision.reason === 'state_does_not_allow_it') return { ok: false, code: 'application_is_not_in_review' };
    return { ok: false, code: 'not_allowed' };
  }
  if (application.policyVersion === null) return { ok: false, code: 'policy_version_missing' };
  const policy = await policyIn(transaction, input.fundId, application.policyVersion);
  if (policy === null) return { ok: false, code: 'policy_version_missing' };

  const seats = await seatsOf(transaction, input.fundId);
  const seat = seats.find((candidate) => candidate.userId === input.seatId);
  const applicant = { compoundId: application.compoundId, applicantUnitId: application.applicantUnitId };
  const votes = (await votesOf(transaction, application.id, application.revision)).map(voteOf);
  const vote: Vote =
    input.choice === 'approve'
      ? overrideRatio === null
        ? { seatId: input.seatId, choice: 'approve' }
        : { seatId: input.seatId, choice: 'approve', override: { ratio: overrideRatio, reason } }
      : input.choice === 'reject'
        ? { seatId: input.seatId, choice: 'reject', reason }
        : { seatId: input.seatId, choice: 'return', comments: reason };
  const tallied = decideVote(
    { seats: seats.map(voteSeatOf), applicant, policy: votePolicyOf(policy.policy), votes },
    vote
  );
  if (!tallied.ok) return { ok: false, code: tallied.code };

  await transaction`
    insert into votes (fund_id, application_id, revision, seat_user_id, unit_id, choice, override_ratio, reason, cast_at)
    values (${input.fundId}, ${application.id}, ${application.revision}, ${input.seatId}, ${seat?.unitId ?? null},
            ${input.choice}, ${overrideRatio}, ${reason}, ${input.now})`;
  await recordEvent(transaction, {
    action: 'vote.cast',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.seatId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: application.id,
    detail: { reason: input.choice, ...(seat === undefined ? {} : { unitId: seat.unitId }) }
  });

  const tally = tallied.value;
  if (tally.status === 'open') {
    return { ok: true, replayed: false, status: application.status, approvedAmount: null };
  }
  return settle(transaction, { ...input, application, tally, policy: policy.policy });
}

/** Applies a decided tally: approve (with the hold and the notice period), reject or return. */
async function settle(
  transaction: Transaction,
  input: CastVoteInput & { seatId: string; application: ApplicationRow; tally: VoteTally; policy: FundPolicy }
): Promise<CastVoteResult> {
  const { application, tally } = input;
  if (tally.status !== 'decided') throw new Error('settle called with an open tally');
  const common = {
    fundId: input.fundId,
    application,
    actorUserId: input.seatId,
    now: input.now,
    ip: input.ip
  };
  if (tally.outcome !== 'approve') {
    const texts = tally.votes.flatMap((vote) =>
      vote.choice === 'reject' ? [vote.reason] : vote.choice === 'return' ? [vote.comments] : []
    );
    // A deadlock returns the application even if nobody wrote comments; the timeline says why.
    const comments = texts.filter((text) => text.trim() !== '').join('；') || '表决未形成多数意见';
    const event: ApplicationEvent & { event: ReviewEvent } =
      tally.outcome === 'reject' ? { event: 'reject', reason: comments } : { event: 'return', comments };
    return settleWithout(transaction, { ...common, event });
  }

  // Under the pool's lock, approvals of one fund take turns: the compound's quota used this year
  // and the pool's available balance cannot change between this read and the hold below.
  await lockPool(transaction, input.fundId);
  const approved = await approvedAmountOf(transaction, {
    fundId: input.fundId,
    application,
    policy: input.policy,
    tally,
    now: input.now
  });
  if (!approved.fits) {
    // The approval no longer fits the compound's yearly quota (decideQuotaAtApproval says why it
    // is never shrunk). Left in review, the application could never move again: any further vote
    // would settle on approval once more. So it goes back to the committee with the figures, the
    // way a vote to return it would, and the committee revises it against the quota left.
    const comments = `本小区本年度配额只剩 ¥${approved.left}，不足以预留本项目的配套资金 ¥${approved.match}，已退回住委会按剩余配额修改后再提交。`;
    const returned = await settleWithout(transaction, { ...common, event: { event: 'return', comments } });
    return { ...returned, quotaShort: { left: approved.left, match: approved.match } };
  }
  const holdId = await reserveMatch(transaction, {
    fundId: input.fundId,
    application,
    amount: approved.amount,
    now: input.now
  });
  const today = chinaDateOf(input.now);
  const noticeEnd = await noticeEndIn(transaction, { startsOn: today, workingDays: input.policy.noticeWorkingDays });
  const decision = decided(application.status, { event: 'approve', tally });
  await applyTransition(transaction, {
    ...common,
    decision,
    comments: tally.override === null ? '' : tally.override.reasons.join('；')
  });
  await transaction`
    update applications
       set approved_ratio = ${approved.ratio}, approved_amount = ${approved.amount.toString()},
           hold_id = ${holdId}, decided_at = ${input.now},
           notice_starts_on = ${today}, notice_ends_on = ${noticeEnd.endsOn},
           notice_ends_provisional = ${!noticeEnd.certain}
     where id = ${application.id}`;
  return { ok: true, replayed: false, status: 'approved', approvedAmount: approved.amount.toString() };
}

/**
 * Reserves an approved match on the pool (a hold in the books) and returns the hold's id, or null
 * for a match of zero, which reserves nothing. If another approval took the money first, it throws
 * a Refusal naming what is still available, so that nothing of the vote is written.
 */
async function reserveMatch(
  transaction: Transaction,
  input: { fundId: string; application: ApplicationRow; amount: Money; now: Date }
): Promise<string | null> {
  const { application } = input;
  if (!input.amount.isPositive()) return null;
  const holdId = holdIdOf(input.fundId, application.number, application.revision);
  const held = await books.holdIn(transaction, {
    fundId: input.fundId,
    command: {
      holdId,
      account: ACCOUNTS.pool,
      amount: input.amount,
      reference: `application:${application.number}`,
      memo: `项目配套预留：${application.title}`.slice(0, 200)
    },
    recordedAt: input.now.toISOString()
  });
  if (held.ok) return holdId;
  if (held.code === 'insufficient_available_balance') {
    const available = typeof held['available'] === 'string' ? held['available'] : '0.00';
    throw new Refusal('pool_cannot_cover_the_match', { available: money(available).toString() });
  }
  throw new Refusal('match_cannot_be_computed');
}

/** Writes a decision that reserves nothing: a rejection, or a return to the committee with comments. */
async function settleWithout(
  transaction: Transaction,
  input: {
    fundId: string;
    application: ApplicationRow;
    actorUserId: string;
    now: Date;
    ip: string | null;
    event: ApplicationEvent & { event: 'reject' | 'return' };
  }
): Promise<CastVoteResult & { ok: true }> {
  const comments = input.event.event === 'reject' ? input.event.reason : input.event.comments;
  const decision = decided(input.application.status, input.event);
  await applyTransition(transaction, { ...input, decision, comments });
  await transaction`update applications set decided_at = ${input.now} where id = ${input.application.id}`;
  return { ok: true, replayed: false, status: decision.to, approvedAmount: null };
}

/** The ratio a policy gives the application's category when nobody overrides it. */
function ratioOf(policy: FundPolicy, application: Pick<ApplicationRow, 'category' | 'requestedRatio'>): string {
  return (
    application.requestedRatio ??
    categoryPolicyOf(policy.match, application.category)?.ratio ??
    policy.match.ratioDefault
  );
}

/**
 * The amount approved: the match computed at submission, or, when the approvers settled on an
 * override ratio, the match recomputed under the application's own policy version with it. Either
 * way it must still fit the compound's yearly quota as it stands now: other grants of the same
 * compound may have been approved since the committee submitted. The compound's row lock makes
 * approvals for one compound read and reserve one after the other, so two of them cannot both
 * take the last of the quota. An approval that no longer fits is never shrunk (see
 * decideQuotaAtApproval for why); the caller returns it to the committee with these figures.
 */
async function approvedAmountOf(
  transaction: Transaction,
  input: {
    fundId: string;
    application: ApplicationRow;
    policy: FundPolicy;
    tally: Extract<VoteTally, { status: 'decided' }>;
    now: Date;
  }
): Promise<{ fits: true; amount: Money; ratio: string } | { fits: false; left: string; match: string }> {
  const { fundId, application, policy, tally } = input;
  await lockCompoundQuota(transaction, { fundId, compoundId: application.compoundId });
  const matched = await compoundMatchedThisYear(transaction, {
    fundId,
    compoundId: application.compoundId,
    exceptApplicationId: application.id,
    at: input.now
  });
  const approved =
    tally.override === null
      ? { amount: money(application.matchAmount ?? '0'), ratio: ratioOf(policy, application) }
      : await overrideAmountOf(transaction, { application, policy, override: tally.override });
  const fits = decideQuotaAtApproval({ policy: policy.match, matchedThisYear: matched, match: approved.amount });
  if (!fits.ok) return { fits: false, left: String(fits['left']), match: approved.amount.toString() };
  return { fits: true, ...approved };
}

/**
 * The match at the ratio the approvers settled on. The compound's cap is applied by the quota check
 * after it, not inside computeMatch, so that a quota used up since submission is refused with its
 * figure rather than silently shrinking the match.
 */
async function overrideAmountOf(
  transaction: Transaction,
  input: {
    application: ApplicationRow;
    policy: FundPolicy;
    override: NonNullable<Extract<VoteTally, { status: 'decided' }>['override']>;
  }
): Promise<{ amount: Money; ratio: string }> {
  const { application, policy, override } = input;
  const [row] = await transaction<{ cost: string }[]>`
    select coalesce(sum(amount), 0)::numeric(18, 2)::text as cost from budget_lines where application_id = ${application.id}`;
  const category = policyHasCategory(policy.match, application.category) ? application.category : undefined;
  const computed = computeMatch(policy.match, {
    costEligible: money(row?.cost ?? '0'),
    ...(category === undefined ? {} : { category }),
    compoundMatchedThisYear: Money.zero(),
    // The pool's own limit is the hold's to enforce, so that a shortfall is refused, not shrunk.
    poolAvailable: AMOUNT_INPUT_MAX,
    ratioOverride: { ratio: override.ratio, reason: override.reasons.join('；') || '—' }
  });
  if (!computed.ok) throw new Refusal('match_cannot_be_computed');
  return { amount: computed.value.match, ratio: override.ratio };
}

// ---------------------------------------------------------------------------------------------
// The end of the notice period

/**
 * Every approved application whose notice ended before `today` with no open objection becomes
 * active. Pages that show review state call it on load (the review queue, the notice page), so
 * that state is right without a scheduler; a scheduler may call it too, as it is idempotent.
 */
export async function activateEndedNotices(
  sql: Sql,
  input: { fundId?: string | null; today: string; now?: Date }
): Promise<number> {
  const now = input.now ?? new Date();
  const due = await sql<{ fundId: string; number: number }[]>`
    select a.fund_id::text as "fundId", a.number from applications a
     where a.status = 'approved' and a.notice_ends_on < ${input.today}::date and not a.notice_ends_provisional
       and (${input.fundId ?? null}::bigint is null or a.fund_id = ${input.fundId ?? null}::bigint)
       and not exists (select 1 from objections o where o.application_id = a.id and o.revision = a.revision
                         and o.status = 'open')`;
  let activated = 0;
  for (const item of due) {
    const moved = await books.transact(sql, (transaction) =>
      activateEndedNoticeIn(transaction, { fundId: item.fundId, number: item.number, today: input.today, now })
    );
    if (moved) activated += 1;
  }
  return activated;
}

/**
 * One approved application becomes active if its notice ended before `today` with no open
 * objection, inside a transaction the caller holds (activateEndedNotices, the demo seed); false
 * when it is not due, so calling it again changes nothing.
 */
export async function activateEndedNoticeIn(
  transaction: Transaction,
  input: { fundId: string; number: number; today: string; now: Date }
): Promise<boolean> {
  const application = await loadApplication(transaction, input.fundId, input.number, true);
  if (application === null || application.status !== 'approved' || application.noticeEndsOn === null) return false;
  const [open] = await transaction<{ count: number }[]>`
    select count(*)::int as count from objections
     where application_id = ${application.id} and revision = ${application.revision} and status = 'open'`;
  const decision = decideTransition(application.status, {
    event: 'notice_ended',
    today: input.today,
    noticeEndsOn: application.noticeEndsOn,
    noticeEndCertain: !application.noticeEndsProvisional,
    openObjections: open?.count ?? 0
  });
  if (!decision.ok) return false;
  await applyTransition(transaction, {
    fundId: input.fundId,
    application,
    decision: { ...decision.value, event: 'notice_ended' },
    actorUserId: null,
    now: input.now,
    ip: null,
    comments: ''
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading: the queue and one application under review

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

/** Everything a reviewer needs about one application. Returns null when it does not exist. */
export async function reviewView(
  sql: Sql,
  input: { actor: Actor; fundId: string; number: number }
): Promise<ReviewView | null> {
  const [row] = await sql<Omit<ReviewView['application'], 'categoryLabel'>[]>`
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
  if (row === undefined) return null;
  const { applicantUnitId, ...application } = row;
  const [budget, resolutionRows, policy, pool, votes, seats, timeline, objections, history] = await Promise.all([
    sql<BudgetLineView[]>`
        select line_no as "lineNo", item, quantity::text as quantity, unit_price::text as "unitPrice",
               amount::text as amount
          from budget_lines where application_id = ${row.id} order by line_no`,
    sql<NonNullable<ReviewView['resolution']>[]>`
        select to_char(meeting_date, 'YYYY-MM-DD') as "meetingDate", households_total as "householdsTotal",
               households_present as "householdsPresent", households_agreeing as "householdsAgreeing"
          from resolutions where application_id = ${row.id}`,
    row.policyVersion === null ? Promise.resolve(null) : policyVersion(sql, input.fundId, row.policyVersion),
    poolFigures(sql, input.fundId),
    sql<(VoteView & { seatUserId: string })[]>`
        select v.seat_user_id::text as "seatUserId", us.display_name as "voterName", un.name as "unitName",
               v.choice, v.override_ratio as "overrideRatio", v.reason, v.cast_at as "castAt"
          from votes v join users us on us.id = v.seat_user_id left join units un on un.id = v.unit_id
         where v.application_id = ${row.id} and v.revision = ${row.revision}
         order by v.cast_at, v.seat_user_id`,
    seatsOf(sql, input.fundId),
    sql<TransitionView[]>`
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
  const applicant = { compoundId: row.compoundId, applicantUnitId };
  const recusedSeats = seats.filter((seat) => isConflicted(voteSeatOf(seat), applicant));
  const names = await sql<{ id: string; name: string; unitName: string | null }[]>`
    select u.id::text as id, u.display_name as name,
           (select n.name from memberships m join units n on n.id = m.unit_id
             where m.fund_id = ${input.fundId} and m.user_id = u.id and m.role = 'leader' limit 1) as "unitName"
      from users u where u.id = any(${recusedSeats.map((seat) => seat.userId)}::bigint[])`;
  const viewerId = userIdOf(input.actor);
  const counts = { approve: 0, reject: 0, return: 0 };
  for (const vote of votes) counts[vote.choice] += 1;
  const now = new Date();
  const fiscalYear = quotaYearOf(now);
  const used = (
    await compoundMatchedThisYear(sql, {
      fundId: input.fundId,
      compoundId: row.compoundId,
      exceptApplicationId: row.id,
      at: now
    })
  ).toString();
  const rules = policy?.policy ?? null;
  const categoryLabel = rules === null ? undefined : categoryLabelOf(rules, row.category);
  return {
    application: {
      ...application,
      applicantUnitId,
      categoryLabel: categoryLabel === undefined ? null : { zh: categoryLabel.labelZh, en: categoryLabel.labelEn }
    },
    budget,
    budgetTotal: Money.sum(budget.map((line) => money(line.amount))).toString(),
    resolution: resolutionRows[0] ?? null,
    policy:
      rules === null || policy === null
        ? null
        : {
            version: policy.version,
            ratio: ratioOf(rules, row),
            overrideMin: rules.match.overrideBand.ratioMin,
            overrideMax: rules.match.overrideBand.ratioMax,
            capPerCompoundPerYear: rules.match.capPerCompoundPerYear?.toString() ?? null,
            quorum: rules.vote.quorum,
            majority: rules.vote.majority,
            noticeWorkingDays: rules.noticeWorkingDays
          },
    quota: { used, cap: rules?.match.capPerCompoundPerYear?.toString() ?? null, fiscalYear },
    history,
    pool,
    votes: votes.map(({ seatUserId: _seat, ...vote }) => vote),
    counts,
    recusals: names.map((name) => ({ name: name.name, unitName: name.unitName })),
    eligibleSeats: seats.length - recusedSeats.length,
    viewerRecused: recusedSeats.some((seat) => seat.userId === viewerId),
    viewerVoted: votes.some((vote) => vote.seatUserId === viewerId),
    timeline,
    objections
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

export { seatsOf, lockPool, loadApplication, applyTransition, decided, Refusal, type ApplicationRow, type ReviewEvent };
