import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerAssertionError } from '../checks/assert.js';
import {
  checkVotePolicy,
  decideVote,
  isConflicted,
  tallyVotes,
  type Vote,
  type VotePolicy,
  type VoteSeat,
  type VoteState,
  type VoteTally
} from './vote.js';

const band = { ratioMin: '0.3', ratioMax: '0.8' };
const policy: VotePolicy = { quorum: 2, majority: '0.5', overrideBand: band };

/** Seats read like the leadership group's roster: "seat: units / compounds". */
function seat(seatId: string, unitIds: readonly string[] = [], compoundIds: readonly string[] = []): VoteSeat {
  return { seatId, unitIds, compoundIds };
}

const approve = (seatId: string, override?: { ratio: string; reason: string }): Vote =>
  override === undefined ? { seatId, choice: 'approve' } : { seatId, choice: 'approve', override };
const rejectVote = (seatId: string, reason = '不符合条件'): Vote => ({ seatId, choice: 'reject', reason });
const returnVote = (seatId: string, comments = '请补充报价'): Vote => ({ seatId, choice: 'return', comments });

/** Casts the votes in order through decideVote, failing the test on any refusal. */
function castAll(state: VoteState, votes: Vote[]): VoteTally {
  let current = state;
  let tally = tallyVotes(state);
  for (const vote of votes) {
    const result = decideVote(current, vote);
    if (!result.ok) throw new Error(`${vote.seatId}: ${result.code}`);
    tally = result.value;
    current = { ...current, votes: tally.votes };
  }
  return tally;
}

// The journey: three leadership members, one of whom sits for the applying compound.
const journey: VoteState = {
  seats: [seat('school', ['u-school']), seat('bank', ['u-bank']), seat('clinic', ['u-clinic'], ['c-garden'])],
  applicant: { compoundId: 'c-garden', applicantUnitId: null },
  policy,
  votes: []
};

describe('the vote', () => {
  it('recuses the seat on the applying compound, and approves once both others approve', () => {
    const opening = tallyVotes(journey);
    expect(opening).toMatchObject({ status: 'open', eligible: 2, recused: ['clinic'], cast: 0, quorumMet: false });
    const afterOne = castAll(journey, [approve('school')]);
    expect(afterOne).toMatchObject({ status: 'open', counts: { approve: 1 }, quorumMet: false });
    expect(castAll(journey, [approve('school'), approve('bank')])).toMatchObject({
      status: 'decided',
      outcome: 'approve',
      settledBy: 'majority',
      override: null,
      counts: { approve: 2, reject: 0, return: 0 },
      quorumMet: true
    });
  });

  it('refuses votes in order: decided, no seat, recused, already cast, then the content', () => {
    const decided = { ...journey, votes: [approve('school'), approve('bank')] };
    expect(decideVote(decided, approve('nobody'))).toEqual({
      ok: false,
      code: 'vote_already_decided',
      outcome: 'approve'
    });
    expect(decideVote(journey, approve('nobody'))).toMatchObject({ code: 'voter_has_no_seat', seatId: 'nobody' });
    expect(decideVote(journey, approve('clinic'))).toMatchObject({ code: 'voter_is_recused', seatId: 'clinic' });
    const once = { ...journey, votes: [returnVote('school')] };
    expect(decideVote(once, approve('school'))).toMatchObject({ code: 'vote_already_cast', seatId: 'school' });
    expect(decideVote(journey, { seatId: 'bank', choice: 'abstain' } as unknown as Vote)).toMatchObject({
      code: 'vote_choice_not_known'
    });
    expect(decideVote(journey, rejectVote('bank', ' '))).toMatchObject({ code: 'reject_needs_a_reason' });
    expect(decideVote(journey, returnVote('bank', ''))).toMatchObject({ code: 'return_needs_comments' });
    expect(decideVote(journey, approve('bank', { ratio: '0.7', reason: '' }))).toMatchObject({
      code: 'override_needs_a_reason'
    });
    expect(decideVote(journey, approve('bank', { ratio: '70%', reason: '紧急' }))).toMatchObject({
      code: 'ratio_must_be_between_0_and_1'
    });
    expect(decideVote(journey, approve('bank', { ratio: '0.85', reason: '紧急' }))).toEqual({
      ok: false,
      code: 'override_outside_band',
      ratio: '0.85',
      ratioMin: '0.3',
      ratioMax: '0.8'
    });
  });

  it('accepts an override on the band edges', () => {
    expect(decideVote(journey, approve('bank', { ratio: '0.8', reason: '紧急' })).ok).toBe(true);
    expect(decideVote(journey, approve('bank', { ratio: '0.3', reason: '预算充足' })).ok).toBe(true);
  });

  it('conflicts of interest follow the person: applying unit, or any role for the applying compound', () => {
    const applicant = { compoundId: 'c1', applicantUnitId: 'u1' };
    expect(isConflicted(seat('a', ['u1']), applicant)).toBe(true);
    expect(isConflicted(seat('b', ['u2'], ['c1']), applicant)).toBe(true);
    expect(isConflicted(seat('c', ['u2'], ['c2']), applicant)).toBe(false);
    expect(isConflicted(seat('d', []), { compoundId: 'c1', applicantUnitId: null })).toBe(false);
  });

  describe('the override ratio on approval', () => {
    const five: VoteState = {
      seats: ['a', 'b', 'c', 'd', 'e'].map((id) => seat(id)),
      applicant: { compoundId: 'c1', applicantUnitId: null },
      policy: { quorum: 3, majority: '0.5', overrideBand: band },
      votes: []
    };

    it('is the ratio most approving votes named, "0.7" and "0.70" being one ratio', () => {
      const tally = castAll(five, [
        approve('a', { ratio: '0.7', reason: '安全隐患' }),
        approve('b', { ratio: '0.5', reason: '预算紧' }),
        approve('c', { ratio: '0.70', reason: '老旧小区' })
      ]);
      expect(tally).toMatchObject({
        status: 'decided',
        outcome: 'approve',
        override: { ratio: '0.7', reasons: ['安全隐患', '老旧小区'] }
      });
    });

    it('goes to the lowest ratio on a tie, even when the plain approvals outnumber both', () => {
      const tally = castAll(five, [
        approve('a', { ratio: '0.7', reason: '安全隐患' }),
        approve('b', { ratio: '0.4', reason: '预算紧' }),
        approve('c')
      ]);
      expect(tally).toMatchObject({ outcome: 'approve', override: { ratio: '0.4', reasons: ['预算紧'] } });
    });

    it('is null when no approving vote named one', () => {
      expect(castAll(five, [approve('a'), approve('b'), approve('c')])).toMatchObject({ override: null });
    });
  });

  it('returns the application when the quorum is met and no choice can win any more', () => {
    const four: VoteState = {
      seats: ['a', 'b', 'c', 'd'].map((id) => seat(id)),
      applicant: { compoundId: 'c1', applicantUnitId: null },
      policy: { quorum: 3, majority: '0.5', overrideBand: band },
      votes: []
    };
    // Four seats need three votes for a majority: after 1–1–1 the last seat cannot give any choice three.
    expect(castAll(four, [approve('a'), rejectVote('b')])).toMatchObject({ status: 'open' });
    expect(castAll(four, [approve('a'), rejectVote('b'), returnVote('c')])).toMatchObject({
      status: 'decided',
      outcome: 'return',
      settledBy: 'deadlock',
      override: null
    });
  });

  it('rejects when rejections reach the majority', () => {
    expect(castAll(journey, [rejectVote('school'), rejectVote('bank')])).toMatchObject({
      status: 'decided',
      outcome: 'reject'
    });
  });

  it('stays open, and says so, when recusals leave fewer seats than the quorum', () => {
    const tally = castAll({ ...journey, policy: { ...policy, quorum: 3 } }, [approve('school'), approve('bank')]);
    expect(tally).toMatchObject({ status: 'open', quorumReachable: false, quorumMet: false });
  });

  it('leaves out stored votes of seats since recused or removed, and second votes', () => {
    const tally = tallyVotes({
      ...journey,
      votes: [approve('clinic'), approve('gone'), rejectVote('school'), approve('school')]
    });
    expect(tally).toMatchObject({ cast: 1, counts: { approve: 0, reject: 1, return: 0 } });
  });

  it.each([
    [{ quorum: 0 }, 'quorum_must_be_a_positive_whole_number'],
    [{ quorum: 1.5 }, 'quorum_must_be_a_positive_whole_number'],
    [{ majority: '0.49' }, 'majority_must_be_from_half_to_below_one'],
    [{ majority: '1' }, 'majority_must_be_from_half_to_below_one'],
    [{ majority: 'half' }, 'majority_must_be_from_half_to_below_one'],
    [{ overrideBand: { ratioMin: '0.3', ratioMax: '2' } }, 'ratio_must_be_between_0_and_1'],
    [{ overrideBand: { ratioMin: '0.8', ratioMax: '0.3' } }, 'override_band_must_be_ordered']
  ])('checks the policy: %j → %s', (change, code) => {
    expect(checkVotePolicy({ ...policy, ...change })).toMatchObject({ ok: false, code });
    expect(() => tallyVotes({ ...journey, policy: { ...policy, ...change } })).toThrow(LedgerAssertionError);
  });
});

describe('tally properties', () => {
  const MAJORITIES = ['0.5', '0.5', '0.6', '0.6667', '0.75', '0.9'] as const;
  const RUNS = { numRuns: 500 };
  const UNITS = ['u0', 'u1', 'u2'];

  const seatsArbitrary = fc.integer({ min: 1, max: 9 }).chain((count) =>
    fc.tuple(
      ...Array.from({ length: count }, (_, index) =>
        // About one seat in five is conflicted, so that most scenarios have seats left to decide.
        fc
          .record({
            unitIds: fc.constantFrom([], [], ['u1'], ['u2'], ['u0'], ['u1', 'u2']),
            compoundIds: fc.constantFrom([], [], [], ['c1'], ['c0'])
          })
          .map(({ unitIds, compoundIds }) => seat(`s${index}`, unitIds, compoundIds))
      )
    )
  );
  const voteArbitrary = fc.record({
    seatIndex: fc.integer({ min: 0, max: 9 }),
    choice: fc.constantFrom('approve', 'reject', 'return'),
    ratio: fc.option(fc.constantFrom('0.3', '0.5', '0.6', '0.8'), { nil: undefined })
  });
  const scenario = fc.record({
    seats: seatsArbitrary,
    applicantUnitId: fc.option(fc.constantFrom(...UNITS), { nil: null }),
    // Mostly small quorums, so that ties at exactly majority × eligible meet the quorum often.
    quorum: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 })),
    majority: fc.constantFrom(...MAJORITIES),
    votes: fc.array(voteArbitrary, { maxLength: 14 })
  });

  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

  function toVote(input: { seatIndex: number; choice: string; ratio: string | undefined }): Vote {
    const seatId = `s${input.seatIndex}`;
    if (input.choice === 'reject') return rejectVote(seatId);
    if (input.choice === 'return') return returnVote(seatId);
    return input.ratio === undefined ? approve(seatId) : approve(seatId, { ratio: input.ratio, reason: '理由' });
  }

  /** Runs a scenario through decideVote, keeping every tally and every refusal. */
  function run(input: Scenario) {
    const state: VoteState = {
      seats: input.seats,
      applicant: { compoundId: 'c0', applicantUnitId: input.applicantUnitId },
      policy: { quorum: input.quorum, majority: input.majority, overrideBand: band },
      votes: []
    };
    let current = state;
    const tallies: VoteTally[] = [tallyVotes(state)];
    const refusals: string[] = [];
    for (const vote of input.votes.map(toVote)) {
      const result = decideVote(current, vote);
      if (result.ok) {
        tallies.push(result.value);
        current = { ...current, votes: result.value.votes };
      } else {
        refusals.push(result.code);
      }
    }
    return { state, tallies, refusals };
  }

  it('is never decided before the quorum is met', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        for (const tally of run(input).tallies) {
          if (tally.status === 'decided') expect(tally.cast).toBeGreaterThanOrEqual(input.quorum);
          expect(tally.quorumMet).toBe(tally.cast >= input.quorum);
        }
      }),
      RUNS
    );
  });

  it('never changes a decided outcome: every later vote is refused', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { tallies } = run(input);
        const firstDecided = tallies.findIndex((tally) => tally.status === 'decided');
        if (firstDecided === -1) return;
        // Once decided no vote is accepted, so the decided tally is the last one.
        expect(firstDecided).toBe(tallies.length - 1);
        const decided = tallies[firstDecided] as VoteTally;
        const state: VoteState = {
          seats: input.seats,
          applicant: { compoundId: 'c0', applicantUnitId: input.applicantUnitId },
          policy: { quorum: input.quorum, majority: input.majority, overrideBand: band },
          votes: decided.votes
        };
        for (const seatValue of input.seats) {
          expect(decideVote(state, returnVote(seatValue.seatId))).toMatchObject({ code: 'vote_already_decided' });
        }
        expect(tallyVotes(state)).toEqual(decided);
      }),
      RUNS
    );
  });

  it('never counts a recused seat, and counts each seat once', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { state, tallies } = run(input);
        const recused = state.seats.filter((candidate) => isConflicted(candidate, state.applicant));
        for (const tally of tallies) {
          expect(tally.recused).toEqual(recused.map((candidate) => candidate.seatId));
          expect(tally.eligible).toBe(state.seats.length - recused.length);
          const voters = tally.votes.map((vote) => vote.seatId);
          expect(new Set(voters).size).toBe(voters.length);
          expect(voters.filter((voter) => tally.recused.includes(voter))).toEqual([]);
          expect(tally.counts.approve + tally.counts.reject + tally.counts.return).toBe(tally.cast);
          expect(tally.cast).toBeLessThanOrEqual(tally.eligible);
        }
      }),
      RUNS
    );
  });

  it('approves exactly when approvals are more than majority × eligible and the quorum is met', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        // Any recorded votes, not only those decideVote accepts: the rule is about the tally itself.
        const tally = tallyVotes({
          seats: input.seats,
          applicant: { compoundId: 'c0', applicantUnitId: input.applicantUnitId },
          policy: { quorum: input.quorum, majority: input.majority, overrideBand: band },
          votes: input.votes.map(toVote)
        });
        // majority × 10,000 is a whole number for every majority generated, so this is exact.
        const majorityTenThousandths = Math.round(Number(input.majority) * 10_000);
        const approvalsWin = tally.counts.approve * 10_000 > majorityTenThousandths * tally.eligible;
        const approved = tally.status === 'decided' && tally.outcome === 'approve';
        expect(approved).toBe(approvalsWin && tally.quorumMet);
      }),
      RUNS
    );
  });

  it('refuses only with the vote codes, and decides once every eligible seat has voted and the quorum is met', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { tallies, refusals } = run(input);
        for (const code of refusals) {
          expect(['vote_already_decided', 'voter_has_no_seat', 'voter_is_recused', 'vote_already_cast']).toContain(
            code
          );
        }
        const last = tallies[tallies.length - 1] as VoteTally;
        if (last.cast === last.eligible && last.quorumMet) expect(last.status).toBe('decided');
      }),
      RUNS
    );
  });
});
