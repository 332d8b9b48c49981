import { LedgerAssertionError } from '../checks/assert.js';
import { Decimal } from '../money/decimal.js';
import { ratioParsed } from '../match/policy.js';
import { ok, reject, type Rejection, type Result } from '../result.js';

/**
 * The leadership group's vote on an application in review. The tally is a pure function of the
 * seats, the application's parties, the policy and the votes recorded, so the server recomputes
 * it after every vote, in the same transaction, and acts as soon as it is decided.
 */

/**
 * A leadership seat: the person who holds it, with every unit and every compound they hold any
 * role for in this fund (their memberships), because a conflict of interest follows the person.
 */
export type VoteSeat = {
  readonly seatId: string;
  readonly unitIds: readonly string[];
  readonly compoundIds: readonly string[];
};

/** Who brings the application: the compound, and the contributing unit when a unit applies. */
export type VoteApplicant = {
  readonly compoundId: string;
  readonly applicantUnitId: string | null;
};

export type VoteChoice = 'approve' | 'reject' | 'return';

export const VOTE_CHOICES: readonly VoteChoice[] = ['approve', 'reject', 'return'];

export type Vote =
  | {
      readonly seatId: string;
      readonly choice: 'approve';
      /** A ratio other than the policy's, inside the override band, with the reason for it. */
      readonly override?: { readonly ratio: string; readonly reason: string };
    }
  | { readonly seatId: string; readonly choice: 'reject'; readonly reason: string }
  | { readonly seatId: string; readonly choice: 'return'; readonly comments: string };

/**
 * The fund's voting rules. `quorum` is the fewest votes cast for any decision; `majority` is a
 * fraction as a decimal string, from "0.5" up to but not including "1": a choice wins when its
 * votes are strictly more than majority × the eligible (not recused) seats.
 */
export type VotePolicy = {
  readonly quorum: number;
  readonly majority: string;
  readonly overrideBand: { readonly ratioMin: string; readonly ratioMax: string };
};

export type VotePolicyCode =
  | 'quorum_must_be_a_positive_whole_number'
  | 'majority_must_be_from_half_to_below_one'
  | 'ratio_must_be_between_0_and_1'
  | 'override_band_must_be_ordered';

export type VoteState = {
  readonly seats: readonly VoteSeat[];
  readonly applicant: VoteApplicant;
  readonly policy: VotePolicy;
  /** The votes recorded so far, in the order they were cast. */
  readonly votes: readonly Vote[];
};

export type VoteCounts = { readonly approve: number; readonly reject: number; readonly return: number };

type TallyCommon = {
  readonly counts: VoteCounts;
  /** Seats that may vote: every seat less the recused ones. */
  readonly eligible: number;
  /** The seats recused for a conflict of interest, in seat order. */
  readonly recused: readonly string[];
  /** Votes counted: one per eligible seat that voted. */
  readonly cast: number;
  readonly quorumMet: boolean;
  /** False when there are fewer eligible seats than the quorum, so the vote can never decide. */
  readonly quorumReachable: boolean;
  /** The votes counted, in the order cast; pass them back as the next VoteState's votes. */
  readonly votes: readonly Vote[];
};

export type VoteTally =
  | (TallyCommon & { readonly status: 'open' })
  | (TallyCommon & {
      readonly status: 'decided';
      readonly outcome: VoteChoice;
      /** Why it was decided: a choice won its majority, or no choice could win one any more. */
      readonly settledBy: 'majority' | 'deadlock';
      /**
       * On approval, the override ratio the approving votes settled on (see tallyVotes), with the
       * reasons of the votes that named it; null when the computed ratio stands.
       */
      readonly override: { readonly ratio: string; readonly reasons: readonly string[] } | null;
    });

export type VoteCode =
  | 'vote_already_decided'
  | 'voter_has_no_seat'
  | 'voter_is_recused'
  | 'vote_already_cast'
  | 'vote_choice_not_known'
  | 'reject_needs_a_reason'
  | 'return_needs_comments'
  | 'override_needs_a_reason'
  | 'ratio_must_be_between_0_and_1'
  | 'override_outside_band';

/** Checks a voting policy before it is saved; tallyVotes and decideVote throw on an invalid one. */
export function checkVotePolicy(policy: VotePolicy): Result<VotePolicy, VotePolicyCode> {
  if (!Number.isSafeInteger(policy.quorum) || policy.quorum < 1) {
    return reject('quorum_must_be_a_positive_whole_number', { quorum: policy.quorum });
  }
  // Below one half two choices could both win; at one or above no choice ever could.
  const majority = ratioParsed(policy.majority);
  if (majority === null || majority.lt('0.5') || majority.gte(1)) {
    return reject('majority_must_be_from_half_to_below_one', { majority: policy.majority });
  }
  const ratioMin = ratioParsed(policy.overrideBand.ratioMin);
  const ratioMax = ratioParsed(policy.overrideBand.ratioMax);
  if (ratioMin === null || ratioMax === null) {
    return reject('ratio_must_be_between_0_and_1', { overrideBand: policy.overrideBand });
  }
  if (ratioMin.gt(ratioMax)) {
    return reject('override_band_must_be_ordered', { overrideBand: policy.overrideBand });
  }
  return ok(policy);
}

/**
 * A seat is conflicted when its holder serves the applying compound in any role, or holds a role
 * for the applying unit: the same rule as hasConflictOfInterest in the web app's policy.
 */
export function isConflicted(seat: VoteSeat, applicant: VoteApplicant): boolean {
  return (
    seat.compoundIds.includes(applicant.compoundId) ||
    (applicant.applicantUnitId !== null && seat.unitIds.includes(applicant.applicantUnitId))
  );
}

/**
 * Tallies the votes. With E eligible seats and the majority m, a choice wins when its votes are
 * more than m × E and the quorum of votes cast is met. When the quorum is met and no choice can
 * win any more, even if every seat yet to vote chose it, the vote is deadlocked and the outcome
 * is 'return': neither approval nor rejection has a majority, so the application goes back to
 * the committee to revise, which keeps every later path open. The vote is never decided before
 * the quorum is met.
 *
 * Only votes of eligible seats count, the first per seat; a vote recorded for a seat that has
 * since been recused or removed is left out.
 *
 * On approval, if any counted approving vote carried an override, the decision's ratio is the
 * override ratio the most approving votes named, a tie going to the lowest ratio, so that the
 * fund never grants more than the approvers agreed on; otherwise the computed ratio stands.
 */
export function tallyVotes(state: VoteState): VoteTally {
  if (!checkVotePolicy(state.policy).ok) {
    throw new LedgerAssertionError('The vote policy is invalid; check it with checkVotePolicy() before voting.');
  }
  const eligibleSeats = new Set<string>();
  const recused: string[] = [];
  for (const seat of state.seats) {
    if (isConflicted(seat, state.applicant)) {
      recused.push(seat.seatId);
    } else {
      eligibleSeats.add(seat.seatId);
    }
  }
  const counted = countedVotes(state.votes, eligibleSeats);
  const counts = { approve: 0, reject: 0, return: 0 };
  for (const vote of counted) {
    counts[vote.choice] += 1;
  }
  const eligible = eligibleSeats.size;
  const cast = counted.length;
  const common: TallyCommon = {
    counts,
    eligible,
    recused,
    cast,
    quorumMet: cast >= state.policy.quorum,
    quorumReachable: eligible >= state.policy.quorum,
    votes: counted
  };
  if (!common.quorumMet) {
    return { ...common, status: 'open' };
  }
  const threshold = new Decimal(state.policy.majority).times(eligible);
  const winner = VOTE_CHOICES.find((choice) => threshold.lt(counts[choice]));
  if (winner !== undefined) {
    const override = winner === 'approve' ? overrideChosen(counted) : null;
    return { ...common, status: 'decided', outcome: winner, settledBy: 'majority', override };
  }
  const remaining = eligible - cast;
  const anyCanWin = VOTE_CHOICES.some((choice) => threshold.lt(counts[choice] + remaining));
  if (anyCanWin) {
    return { ...common, status: 'open' };
  }
  return { ...common, status: 'decided', outcome: 'return', settledBy: 'deadlock', override: null };
}

/**
 * Records one vote: refuses it, with the first failing check in the order of VoteCode, or returns
 * the tally with it counted. A vote on a decided tally is refused, so a decision never changes.
 */
export function decideVote(state: VoteState, vote: Vote): Result<VoteTally, VoteCode> {
  const before = tallyVotes(state);
  if (before.status === 'decided') {
    return reject('vote_already_decided', { outcome: before.outcome });
  }
  const seat = state.seats.find((candidate) => candidate.seatId === vote.seatId);
  if (seat === undefined) {
    return reject('voter_has_no_seat', { seatId: vote.seatId });
  }
  if (isConflicted(seat, state.applicant)) {
    return reject('voter_is_recused', { seatId: vote.seatId });
  }
  if (before.votes.some((counted) => counted.seatId === vote.seatId)) {
    return reject('vote_already_cast', { seatId: vote.seatId });
  }
  const refused = voteContentRefused(vote, state.policy);
  if (refused !== null) {
    return refused;
  }
  return ok(tallyVotes({ ...state, votes: [...before.votes, vote] }));
}

function voteContentRefused(vote: Vote, policy: VotePolicy): Rejection<VoteCode> | null {
  switch (vote.choice) {
    case 'reject':
      return isBlank(vote.reason) ? reject('reject_needs_a_reason') : null;
    case 'return':
      return isBlank(vote.comments) ? reject('return_needs_comments') : null;
    case 'approve':
      return vote.override === undefined ? null : overrideRefused(vote.override, policy);
    default:
      // A choice from outside the type can only arrive through an unchecked cast of user input.
      return reject('vote_choice_not_known', { choice: (vote as { choice: unknown }).choice });
  }
}

function overrideRefused(
  override: { readonly ratio: string; readonly reason: string },
  policy: VotePolicy
): Rejection<VoteCode> | null {
  if (isBlank(override.reason)) {
    return reject('override_needs_a_reason');
  }
  const ratio = ratioParsed(override.ratio);
  if (ratio === null) {
    return reject('ratio_must_be_between_0_and_1', { ratio: override.ratio });
  }
  const { ratioMin, ratioMax } = policy.overrideBand;
  if (ratio.lt(ratioMin) || ratio.gt(ratioMax)) {
    return reject('override_outside_band', { ratio: override.ratio, ratioMin, ratioMax });
  }
  return null;
}

function countedVotes(votes: readonly Vote[], eligibleSeats: ReadonlySet<string>): Vote[] {
  const seen = new Set<string>();
  const counted: Vote[] = [];
  for (const vote of votes) {
    if (eligibleSeats.has(vote.seatId) && !seen.has(vote.seatId) && VOTE_CHOICES.includes(vote.choice)) {
      seen.add(vote.seatId);
      counted.push(vote);
    }
  }
  return counted;
}

/** The override ratio most approving votes named, the lowest on a tie; null when none named one. */
function overrideChosen(votes: readonly Vote[]): { ratio: string; reasons: string[] } | null {
  const byRatio = new Map<string, { ratio: Decimal; text: string; reasons: string[] }>();
  for (const vote of votes) {
    if (vote.choice !== 'approve' || vote.override === undefined) {
      continue;
    }
    // "0.6" and "0.60" are the same ratio, so they are grouped by value; the first spelling names it.
    const ratio = new Decimal(vote.override.ratio);
    const key = ratio.toString();
    const group = byRatio.get(key) ?? { ratio, text: vote.override.ratio, reasons: [] };
    group.reasons.push(vote.override.reason);
    byRatio.set(key, group);
  }
  let chosen: { ratio: Decimal; text: string; reasons: string[] } | null = null;
  for (const group of byRatio.values()) {
    const more = chosen === null || group.reasons.length > chosen.reasons.length;
    const tieLower = chosen !== null && group.reasons.length === chosen.reasons.length && group.ratio.lt(chosen.ratio);
    if (more || tieLower) {
      chosen = group;
    }
  }
  return chosen === null ? null : { ratio: chosen.text, reasons: chosen.reasons };
}

function isBlank(text: string): boolean {
  return typeof text !== 'string' || text.trim() === '';
}
