import { describe, expect, it } from 'vitest';
import {
  APPLICATION_EVENTS,
  APPLICATION_STATES,
  APPLICATION_TRANSITIONS,
  applicationEventsFrom,
  decideTransition,
  noticeIsRunning,
  type ApplicationEvent,
  type ApplicationEventName,
  type ApplicationState
} from './application.js';
import { tallyVotes } from './vote.js';

/** An event that passes its own conditions, so that only the table decides. */
function validEvent(name: ApplicationEventName): ApplicationEvent {
  switch (name) {
    case 'submit':
      return { event: 'submit', completeness: { missing: [] } };
    case 'return':
      return { event: 'return', comments: '请补充报价单' };
    case 'reject':
      return { event: 'reject', reason: '不属于资助范围' };
    case 'approve':
      return { event: 'approve', tally: { status: 'decided', outcome: 'approve' } };
    case 'notice_ended':
      return {
        event: 'notice_ended',
        today: '2026-03-14',
        noticeEndsOn: '2026-03-13',
        noticeEndCertain: true,
        openObjections: 0
      };
    case 'accept':
      return { event: 'accept', recordedBy: 'admin', confirmedBy: 'leader' };
    case 'cancel':
      return { event: 'cancel', reason: '业主大会决定不再实施' };
    case 'withdraw':
    case 'precheck_pass':
    case 'objection_upheld':
    case 'close':
      return { event: name };
  }
}

const allowed = new Set(
  APPLICATION_TRANSITIONS.flatMap((transition) => transition.from.map((from) => `${from} ${transition.event}`))
);
const pairs = APPLICATION_STATES.flatMap((state) =>
  APPLICATION_EVENTS.map((event): [ApplicationState, ApplicationEventName] => [state, event])
);
const allowedPairs = pairs.filter(([state, event]) => allowed.has(`${state} ${event}`));
const forbiddenPairs = pairs.filter(([state, event]) => !allowed.has(`${state} ${event}`));

function targetOf(event: ApplicationEventName): ApplicationState {
  const transition = APPLICATION_TRANSITIONS.find((candidate) => candidate.event === event);
  if (transition === undefined) throw new Error(`no transition for ${event}`);
  return transition.to;
}

describe('the application state machine', () => {
  it('has one row per event, each leading to a known state', () => {
    expect(APPLICATION_TRANSITIONS.map((transition) => transition.event)).toEqual([...APPLICATION_EVENTS]);
    for (const transition of APPLICATION_TRANSITIONS) {
      expect(APPLICATION_STATES).toContain(transition.to);
      transition.from.forEach((from) => expect(APPLICATION_STATES).toContain(from));
    }
    expect(allowedPairs).toHaveLength(18);
    expect(forbiddenPairs).toHaveLength(11 * 11 - 18);
  });

  it.each(allowedPairs)('allows %s → %s', (state, event) => {
    expect(decideTransition(state, validEvent(event))).toEqual({
      ok: true,
      value: { from: state, to: targetOf(event), event }
    });
  });

  it.each(forbiddenPairs)('refuses %s → %s with transition_not_allowed', (state, event) => {
    expect(decideTransition(state, validEvent(event))).toEqual({
      ok: false,
      code: 'transition_not_allowed',
      from: state,
      to: targetOf(event),
      event
    });
  });

  it('checks the table before the event, so a forbidden pair never reports a missing comment', () => {
    expect(decideTransition('approved', { event: 'return', comments: '' })).toMatchObject({
      code: 'transition_not_allowed'
    });
  });

  it('ends where nothing more can happen: rejected, withdrawn, closed and cancelled', () => {
    expect(applicationEventsFrom('rejected')).toEqual([]);
    expect(applicationEventsFrom('withdrawn')).toEqual([]);
    expect(applicationEventsFrom('closed')).toEqual([]);
    expect(applicationEventsFrom('cancelled')).toEqual([]);
    expect(applicationEventsFrom('active')).toEqual(['accept', 'cancel']);
    expect(applicationEventsFrom('accepted')).toEqual(['close']);
    expect(applicationEventsFrom('in_review')).toEqual(['withdraw', 'return', 'reject', 'approve']);
    expect(applicationEventsFrom('draft')).toEqual(['submit', 'withdraw']);
  });
});

describe("the events' own conditions", () => {
  it('submits only a complete application, listing what is missing', () => {
    expect(
      decideTransition('draft', { event: 'submit', completeness: { missing: ['budget', 'owners_meeting'] } })
    ).toEqual({ ok: false, code: 'application_must_be_complete', missing: ['budget', 'owners_meeting'] });
    expect(decideTransition('returned', { event: 'submit', completeness: { missing: [] } })).toMatchObject({
      ok: true,
      value: { to: 'submitted' }
    });
  });

  it.each(['', '   \n'])('returns only with comments (%j refused)', (comments) => {
    expect(decideTransition('in_review', { event: 'return', comments })).toEqual({
      ok: false,
      code: 'return_needs_comments'
    });
  });

  it('accepts only on the word of two different people, and cancels only with a reason', () => {
    expect(decideTransition('active', { event: 'accept', recordedBy: '7', confirmedBy: '7' })).toEqual({
      ok: false,
      code: 'acceptance_needs_two_people'
    });
    expect(decideTransition('approved', { event: 'cancel', reason: '' })).toEqual({
      ok: false,
      code: 'cancel_needs_a_reason'
    });
  });

  it('rejects only with a reason', () => {
    expect(decideTransition('submitted', { event: 'reject', reason: ' ' })).toEqual({
      ok: false,
      code: 'reject_needs_a_reason'
    });
  });

  it.each([
    [{ status: 'open' }, null],
    [{ status: 'decided', outcome: 'reject' }, 'reject'],
    [{ status: 'decided', outcome: 'return' }, 'return']
  ] as const)('approves only through a tally decided for approval (%j refused)', (tally, outcome) => {
    expect(decideTransition('in_review', { event: 'approve', tally })).toEqual({
      ok: false,
      code: 'approval_needs_a_vote_decided_for_it',
      status: tally.status,
      outcome
    });
  });

  it('takes the tally from tallyVotes as it is', () => {
    const seats = [
      { seatId: 'a', unitIds: [], compoundIds: [] },
      { seatId: 'b', unitIds: [], compoundIds: [] }
    ];
    const tally = tallyVotes({
      seats,
      applicant: { compoundId: 'c1', applicantUnitId: null },
      policy: { quorum: 2, majority: '0.5', overrideBand: { ratioMin: '0.3', ratioMax: '0.8' } },
      votes: [
        { seatId: 'a', choice: 'approve' },
        { seatId: 'b', choice: 'approve' }
      ]
    });
    expect(decideTransition('in_review', { event: 'approve', tally })).toMatchObject({
      ok: true,
      value: { to: 'approved' }
    });
  });

  describe('the end of the notice period, checks in order', () => {
    const ended = {
      event: 'notice_ended',
      today: '2026-03-14',
      noticeEndsOn: '2026-03-13',
      noticeEndCertain: true,
      openObjections: 0
    } as const;

    it.each([
      [{ today: '2026-02-30' }, 'date_must_be_valid'],
      [{ noticeEndsOn: '13/03/2026' }, 'date_must_be_valid'],
      [{ openObjections: -1 }, 'open_objections_must_be_a_whole_number'],
      [{ openObjections: 0.5 }, 'open_objections_must_be_a_whole_number'],
      [{ today: '2026-03-13' }, 'notice_period_has_not_ended'],
      [{ today: '2026-03-12', openObjections: 1 }, 'notice_period_has_not_ended'],
      [{ today: '2026-03-13', noticeEndCertain: false }, 'notice_period_has_not_ended'],
      [{ noticeEndCertain: false }, 'notice_end_is_provisional'],
      [{ today: '2027-06-01', noticeEndCertain: false, openObjections: 1 }, 'notice_end_is_provisional'],
      [{ openObjections: 1 }, 'objections_are_still_open']
    ])('%j → %s', (change, code) => {
      expect(decideTransition('approved', { ...ended, ...change })).toMatchObject({ ok: false, code });
    });

    it('activates the grant from the day after the last notice day', () => {
      expect(decideTransition('approved', ended)).toEqual({
        ok: true,
        value: { from: 'approved', to: 'active', event: 'notice_ended' }
      });
    });
  });

  it('sends an approval with an upheld objection back to review', () => {
    expect(decideTransition('approved', { event: 'objection_upheld' })).toEqual({
      ok: true,
      value: { from: 'approved', to: 'in_review', event: 'objection_upheld' }
    });
  });
});

describe('noticeIsRunning', () => {
  const notice = { noticeStartsOn: '2026-12-28', noticeEndsOn: '2027-01-04', noticeEndCertain: true } as const;

  it.each([
    ['2026-12-27', true, false],
    ['2026-12-28', true, true],
    ['2027-01-04', true, true],
    ['2027-01-05', true, false],
    ['2026-12-27', false, false],
    ['2027-01-04', false, true],
    // Past a provisional end the notice still runs: the true end may be later.
    ['2027-01-05', false, true],
    ['2027-06-30', false, true]
  ])('on %s with a certain end %s: %s', (today, noticeEndCertain, running) => {
    expect(noticeIsRunning({ ...notice, today, noticeEndCertain })).toBe(running);
  });
});
