import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALENDAR_2026 } from '../../test/support/calendar-2026.js';
import { noticeObjectionsReminder, reminderIsDue, voteReminder, workingDayBefore } from './reminders.js';
import { dateAfterDays, isWorkingDay, workingCalendar } from './working-days.js';

const WITH_2026 = workingCalendar([CALENDAR_2026]);

describe('reminders', () => {
  it('reminds of a notice ending on Monday on the Friday before', () => {
    expect(noticeObjectionsReminder({ noticeEndsOn: '2026-03-16' }, WITH_2026)).toEqual({
      dueOn: '2026-03-16',
      remindOn: '2026-03-13'
    });
  });

  it('skips the National Day holidays back to the last working day before them', () => {
    // The notice ends on Thursday 8 October 2026; 1 to 7 October are off.
    expect(workingDayBefore('2026-10-08', WITH_2026)).toBe('2026-09-30');
  });

  it('reminds a leader once, three working days into review, when the policy sets no vote period', () => {
    // In review on Friday 6 March: Monday 9, Tuesday 10, Wednesday 11.
    expect(voteReminder({ inReviewOn: '2026-03-06', voteEndsOn: null }, WITH_2026)).toEqual({
      dueOn: '2026-03-11',
      remindOn: '2026-03-11'
    });
  });

  it('reminds a leader the working day before the vote ends, or on the last day of a one-day period', () => {
    expect(voteReminder({ inReviewOn: '2026-03-06', voteEndsOn: '2026-03-11' }, WITH_2026).remindOn).toBe('2026-03-10');
    expect(voteReminder({ inReviewOn: '2026-03-06', voteEndsOn: '2026-03-09' }, WITH_2026).remindOn).toBe('2026-03-09');
  });

  it('is due on its day and on every later day, never before', () => {
    const reminder = { dueOn: '2026-03-16', remindOn: '2026-03-13' };
    expect([reminderIsDue(reminder, '2026-03-12'), reminderIsDue(reminder, '2026-03-13')]).toEqual([false, true]);
    expect(reminderIsDue(reminder, '2026-04-01')).toBe(true);
  });

  it('always reminds on a working day before the last day, with no working day between', () => {
    const day = fc.integer({ min: 0, max: 364 }).map((offset) => dateAfterDays('2026-01-01', offset));
    fc.assert(
      fc.property(day, (date) => {
        const before = workingDayBefore(date, WITH_2026);
        expect(isWorkingDay(before, WITH_2026)).toBe(true);
        expect(before < date).toBe(true);
        for (let between = dateAfterDays(before, 1); between < date; between = dateAfterDays(between, 1)) {
          expect(isWorkingDay(between, WITH_2026)).toBe(false);
        }
      })
    );
  });
});
