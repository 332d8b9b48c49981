/** The README's "Grant rules" examples, run through the public index so that neither can drift. */
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  applicationEventsFrom,
  checkCalendarYear,
  checkOwnersConsent,
  decideTransition,
  decideVote,
  tallyVotes,
  workingCalendar,
  type VoteState
} from '../index.js';

describe('README grant rules', () => {
  it('the state machine', () => {
    expect(decideTransition('draft', { event: 'submit', completeness: { missing: ['owners_meeting'] } })).toEqual({
      ok: false,
      code: 'application_must_be_complete',
      missing: ['owners_meeting']
    });
    expect(
      decideTransition('approved', {
        event: 'notice_ended',
        today: '2026-03-14',
        noticeEndsOn: '2026-03-13',
        noticeEndCertain: true,
        openObjections: 0
      })
    ).toEqual({ ok: true, value: { from: 'approved', to: 'active', event: 'notice_ended' } });
    expect(applicationEventsFrom('in_review')).toEqual(['withdraw', 'return', 'reject', 'approve']);
  });

  it('the vote', () => {
    const state: VoteState = {
      seats: [
        { seatId: 'school', unitIds: ['u-school'], compoundIds: [] },
        { seatId: 'bank', unitIds: ['u-bank'], compoundIds: [] },
        { seatId: 'clinic', unitIds: ['u-clinic'], compoundIds: ['c-garden'] }
      ],
      applicant: { compoundId: 'c-garden', applicantUnitId: null },
      policy: { quorum: 2, majority: '0.5', overrideBand: { ratioMin: '0.3', ratioMax: '0.8' } },
      votes: [{ seatId: 'school', choice: 'approve' }]
    };
    expect(tallyVotes(state)).toMatchObject({
      status: 'open',
      eligible: 2,
      recused: ['clinic'],
      cast: 1,
      quorumMet: false
    });
    expect(decideVote(state, { seatId: 'clinic', choice: 'approve' })).toMatchObject({
      ok: false,
      code: 'voter_is_recused'
    });
    expect(decideVote(state, { seatId: 'bank', choice: 'approve' })).toMatchObject({
      ok: true,
      value: { status: 'decided', outcome: 'approve', settledBy: 'majority', override: null }
    });
  });

  it('the notice period and owners consent', () => {
    const year = checkCalendarYear({
      year: 2026,
      holidaysText: '2026-09-25..2026-09-27 中秋节\n2026-10-01..2026-10-07 国庆节',
      makeupWorkdaysText: '2026-09-20\n2026-10-10'
    });
    const calendar = workingCalendar(year.ok ? [year.value] : []);
    expect(addWorkingDays('2026-03-06', 5, calendar)).toEqual({
      endsOn: '2026-03-13',
      certain: true,
      yearsUncovered: []
    });
    expect(addWorkingDays('2026-09-28', 5, calendar).endsOn).toBe('2026-10-10');
    expect(addWorkingDays('2026-12-30', 5, calendar)).toEqual({
      endsOn: '2027-01-06',
      certain: false,
      yearsUncovered: [2027]
    });
    expect(
      checkOwnersConsent(
        { householdsTotal: 20, householdsPresent: 10, householdsAgreeing: 5 },
        { presentShareMin: '0.5', agreeShareMin: '0.5' }
      )
    ).toMatchObject({ ok: true, value: { presentNeeded: 10, agreeingNeeded: 5 } });
  });
});
