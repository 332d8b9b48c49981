import {
  type VoteCode,
  ACCOUNTS,
  AMOUNT_INPUT_MAX,
  Money,
  chinaDateOf,
  computeMatch,
  decideQuotaAtApproval,
  decideVote,
  money,
  policyHasCategory,
  type ApplicationEvent,
  type Vote,
  type VoteTally
} from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { Refusal, refuse, runCommand } from '../../platform/command';
import * as books from '../../books';
import { noticeEndIn } from '../../fund/calendar';
import type { Sql, Transaction } from '../../db/client';
import type { FundPolicy } from '../../fund/fund-policy';
import { compoundMatchedThisYear, lockCompoundQuota } from '../quota';
import { can, type ApplicationStatus } from '../../access/policy';
import { COMMENTS_LENGTH_MAX } from './precheck';
import { holdIdOf, policyIn, ratioOf, seatsOf, voteOf, votePolicyOf, voteSeatOf, votesOf, type VoteRow } from './seats';
import {
  applyTransition,
  decided,
  loadApplication,
  lockPool,
  refOf,
  userIdOf,
  type ApplicationRow,
  type Command,
  type Denied,
  type NotFound,
  type ReviewEvent
} from './transitions';

/**
 * The leadership group's vote. When a vote settles the tally, the decision is applied in the same
 * transaction: an approval reserves the match on the pool and starts the notice period.
 */

export const VOTE_CHOICES_FORM = ['approve', 'override', 'reject', 'return'] as const;

/** The ledger's refusals of a vote (VoteCode), and those of its recording here. */
export type VoteCastCode =
  | VoteCode
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

/**
 * One leader's vote. When it settles the tally, the decision is applied in the same transaction:
 * an approval reserves the match on the pool, and if the pool can no longer cover it (another
 * approval took the money first) nothing at all is written, not even this vote.
 */
export async function castVote(sql: Sql, input: CastVoteInput): Promise<CastVoteResult> {
  if (input.reason.length > COMMENTS_LENGTH_MAX) return { ok: false, code: 'comments_must_be_short' };
  const seatId = userIdOf(input.actor);
  if (seatId === null) return { ok: false, code: 'not_allowed' };
  return runCommand<CastVoteResult, CastVoteFailure>(sql, (transaction) =>
    castVoteIn(transaction, { ...input, seatId })
  );
}

/** The refusals a vote can throw from inside its transaction, after something was written. */
type CastVoteFailure = Extract<CastVoteResult, { ok: false }>;

type SeatedVote = CastVoteInput & { seatId: string };

/** The vote inside a transaction the caller holds (the demo seed); refusals after a write throw. */
export async function castVoteIn(transaction: Transaction, input: SeatedVote): Promise<CastVoteResult> {
  // The application's row lock serializes the votes on one application. The pool is locked only
  // when a vote settles an approval (in settle), so votes that decide nothing do not queue behind
  // each other across the whole fund.
  const application = await loadApplication(transaction, input.fundId, input.number, true);
  if (application === null) return { ok: false, code: 'application_not_found' };
  const vote = voteFrom(input);

  // A replay of the same vote (a double click, a retried request) returns the first outcome.
  const replay = await replayOf(transaction, { application, input, vote });
  if (replay !== null) return replay;

  const decision = can(input.actor, 'application.vote', refOf(input.fundId, application));
  if (!decision.allowed) {
    if (decision.reason === 'conflict_of_interest') return { ok: false, code: 'voter_is_recused' };
    if (decision.reason === 'state_does_not_allow_it') return { ok: false, code: 'application_is_not_in_review' };
    return { ok: false, code: 'not_allowed' };
  }
  if (application.policyVersion === null) return { ok: false, code: 'policy_version_missing' };
  const policy = await policyIn(transaction, input.fundId, application.policyVersion);
  if (policy === null) return { ok: false, code: 'policy_version_missing' };

  const seats = await seatsOf(transaction, input.fundId);
  const applicant = { compoundId: application.compoundId, applicantUnitId: application.applicantUnitId };
  const votes = (await votesOf(transaction, application.id, application.revision)).map(voteOf);
  const tallied = decideVote(
    { seats: seats.map(voteSeatOf), applicant, policy: votePolicyOf(policy.policy), votes },
    vote.vote
  );
  if (!tallied.ok) return { ok: false, code: tallied.code };
  const seat = seats.find((candidate) => candidate.userId === input.seatId);
  await recordVote(transaction, { application, input, vote, unitId: seat?.unitId ?? null });

  const tally = tallied.value;
  if (tally.status === 'open') {
    return { ok: true, replayed: false, status: application.status, approvedAmount: null };
  }
  return settle(transaction, { ...input, application, tally, policy: policy.policy });
}

/** The vote as the form gave it: the ledger's Vote, and the columns a votes row stores. */
interface CastBallot {
  vote: Vote;
  overrideRatio: string | null;
  reason: string;
}

function voteFrom(input: SeatedVote): CastBallot {
  const overrideRatio = input.choice === 'approve' ? (input.overrideRatio ?? null) : null;
  const reason = input.reason.trim();
  const seatId = input.seatId;
  const vote: Vote =
    input.choice === 'approve'
      ? overrideRatio === null
        ? { seatId, choice: 'approve' }
        : { seatId, choice: 'approve', override: { ratio: overrideRatio, reason } }
      : input.choice === 'reject'
        ? { seatId, choice: 'reject', reason }
        : { seatId, choice: 'return', comments: reason };
  return { vote, overrideRatio, reason };
}

/** The first outcome when this seat already voted on this revision: the same vote replays, another is refused. */
async function replayOf(
  transaction: Transaction,
  { application, input, vote }: { application: ApplicationRow; input: SeatedVote; vote: CastBallot }
): Promise<CastVoteResult | null> {
  const [mine] = await transaction<VoteRow[]>`
    select seat_user_id::text as "seatUserId", choice, override_ratio as "overrideRatio", reason
      from votes where application_id = ${application.id} and revision = ${application.revision}
       and seat_user_id = ${input.seatId}`;
  if (mine === undefined) return null;
  const same = mine.choice === input.choice && mine.overrideRatio === vote.overrideRatio && mine.reason === vote.reason;
  if (!same) return { ok: false, code: 'vote_already_cast' };
  return { ok: true, replayed: true, status: application.status, approvedAmount: null };
}

async function recordVote(
  transaction: Transaction,
  input: { application: ApplicationRow; input: SeatedVote; vote: CastBallot; unitId: string | null }
): Promise<void> {
  const { application, vote, unitId } = input;
  const cast = input.input;
  await transaction`
    insert into votes (fund_id, application_id, revision, seat_user_id, unit_id, choice, override_ratio, reason, cast_at)
    values (${cast.fundId}, ${application.id}, ${application.revision}, ${cast.seatId}, ${unitId},
            ${cast.choice}, ${vote.overrideRatio}, ${vote.reason}, ${cast.now})`;
  await recordEvent(transaction, {
    action: 'vote.cast',
    outcome: 'ok',
    at: cast.now,
    actorUserId: cast.seatId,
    fundId: cast.fundId,
    ip: cast.ip,
    resourceType: 'application',
    resourceId: application.id,
    detail: { reason: cast.choice, ...(unitId === null ? {} : { unitId }) }
  });
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
    throw new Refusal<CastVoteFailure>({
      ok: false,
      code: 'pool_cannot_cover_the_match',
      available: money(available).toString()
    });
  }
  refuse<VoteCastCode>('match_cannot_be_computed');
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
  if (!computed.ok) refuse<VoteCastCode>('match_cannot_be_computed');
  return { amount: computed.value.match, ratio: override.ratio };
}
