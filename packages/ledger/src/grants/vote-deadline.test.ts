import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALENDAR_2026 } from '../../test/support/calendar-2026.js';
import { voteDeadline } from './vote-deadline.js';
import { addWorkingDays, isWorkingDay, workingCalendar } from './working-days.js';

const WITH_2026 = workingCalendar([CALENDAR_2026]);

describe('voteDeadline', () => {
  it('is none when the policy sets no vote period', () => {
    expect(voteDeadline({ inReviewOn: '2026-03-06', voteWorkingDays: null }, WITH_2026)).toBeNull();
  });

  it('counts working days from the day after the application went into review', () => {
    // In review on Friday 6 March, 3 working days: Monday 9 to Wednesday 11 March.
    expect(voteDeadline({ inReviewOn: '2026-03-06', voteWorkingDays: 3 }, WITH_2026)).toEqual({
      endsOn: '2026-03-11',
      certain: true,
      yearsUncovered: []
    });
  });

  it('skips the National Day holidays the calendar lists', () => {
    // In review on Tuesday 29 September 2026: the holiday week is not counted.
    const end = voteDeadline({ inReviewOn: '2026-09-29', voteWorkingDays: 2 }, WITH_2026);
    expect(end?.endsOn).toBe('2026-10-08');
  });

  it('always ends on a working day after the start, the day a notice of the same length would end', () => {
    const day = fc
      .integer({ min: 0, max: 364 })
      .map((offset) => new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 30 }), (inReviewOn, voteWorkingDays) => {
        const end = voteDeadline({ inReviewOn, voteWorkingDays }, WITH_2026);
        expect(end).not.toBeNull();
        if (end === null) return;
        expect(end.endsOn > inReviewOn).toBe(true);
        expect(isWorkingDay(end.endsOn, WITH_2026)).toBe(true);
        expect(end).toEqual(addWorkingDays(inReviewOn, voteWorkingDays, WITH_2026));
      })
    );
  });
});
