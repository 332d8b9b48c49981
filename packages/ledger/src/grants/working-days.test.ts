import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerAssertionError } from '../checks/assert.js';
import { addWorkingDays, CN_HOLIDAYS_2026, CN_MAKEUP_WORKDAYS_2026, isWorkingDay } from './working-days.js';

const NONE: ReadonlySet<string> = new Set();
const add2026 = (start: string, days: number): string =>
  addWorkingDays(start, days, CN_HOLIDAYS_2026, CN_MAKEUP_WORKDAYS_2026);

function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00.000Z`).getUTCDay();
}

describe('addWorkingDays', () => {
  it('counts from the day after the start and skips the weekend', () => {
    // Posted on Friday 6 March: Monday 9 to Friday 13 March.
    expect(add2026('2026-03-06', 5)).toBe('2026-03-13');
    // Posted on Monday 2 March: Tuesday 3 to Monday 9 March.
    expect(add2026('2026-03-02', 5)).toBe('2026-03-09');
    expect(add2026('2026-03-07', 1)).toBe('2026-03-09');
  });

  it('returns the start date for zero days', () => {
    expect(add2026('2026-03-07', 0)).toBe('2026-03-07');
  });

  it('skips the National Day holiday and counts the make-up Saturday', () => {
    // 29 and 30 September, then 1–7 October off, then 8, 9 and the make-up Saturday 10 October.
    expect(add2026('2026-09-28', 5)).toBe('2026-10-10');
    // Without the holiday data only the weekend is skipped.
    expect(addWorkingDays('2026-09-28', 5, NONE, NONE)).toBe('2026-10-05');
  });

  it('skips the Spring Festival and counts both of its make-up Saturdays', () => {
    // 13 February, the make-up Saturday 14 February, 15–23 off, then 24, 25, 26.
    expect(add2026('2026-02-12', 5)).toBe('2026-02-26');
    // 27 February, then the make-up Saturday 28 February.
    expect(add2026('2026-02-26', 2)).toBe('2026-02-28');
  });

  it('crosses the year into the New Year holiday and its make-up Sunday', () => {
    // 1–3 January off, Sunday 4 January worked, then Monday 5 and Tuesday 6.
    expect(add2026('2025-12-31', 3)).toBe('2026-01-06');
  });

  it('reaches 29 February in a leap year, in UTC whatever the local zone', () => {
    expect(addWorkingDays('2028-02-28', 1, NONE, NONE)).toBe('2028-02-29');
    expect(addWorkingDays('2027-02-26', 1, NONE, NONE)).toBe('2027-03-01');
  });

  it('treats a day listed both as holiday and make-up day as a holiday', () => {
    const both = new Set(['2026-03-09']);
    expect(isWorkingDay('2026-03-09', both, both)).toBe(false);
    expect(isWorkingDay('2026-03-07', NONE, new Set(['2026-03-07']))).toBe(true);
    expect(isWorkingDay('2026-03-07', NONE, NONE)).toBe(false);
  });

  it.each([
    ['2026-02-30', 5],
    ['2026/03/01', 5],
    ['2026-03-01', -1],
    ['2026-03-01', 1.5],
    ['2026-03-01', 367]
  ])('throws for a programmer error: %s plus %s', (start, days) => {
    expect(() => addWorkingDays(start, days, NONE, NONE)).toThrow(LedgerAssertionError);
  });

  it('throws rather than loop when the holiday data leaves no working day', () => {
    const everyDay = new Set(Array.from({ length: 5000 }, (_, index) => dateAfter('2026-01-01', index)));
    expect(() => addWorkingDays('2026-01-01', 1, everyDay, NONE)).toThrow(LedgerAssertionError);
  });

  it('ends on a working day with exactly the given number of working days after the start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 40 }), (offset, days) => {
        const start = dateAfter('2025-06-01', offset);
        const end = add2026(start, days);
        let counted = 0;
        for (let date = dateAfter(start, 1); date <= end; date = dateAfter(date, 1)) {
          if (isWorkingDay(date, CN_HOLIDAYS_2026, CN_MAKEUP_WORKDAYS_2026)) counted += 1;
        }
        expect(counted).toBe(days);
        if (days > 0) expect(isWorkingDay(end, CN_HOLIDAYS_2026, CN_MAKEUP_WORKDAYS_2026)).toBe(true);
        expect(add2026(start, days + 1) > end).toBe(true);
      })
    );
  });
});

describe('the 2026 calendar data', () => {
  it('lists the 33 days off of the seven holidays, all real 2026 dates', () => {
    expect(CN_HOLIDAYS_2026.size).toBe(3 + 9 + 3 + 5 + 3 + 3 + 7);
    for (const date of CN_HOLIDAYS_2026) expect(date.startsWith('2026-')).toBe(true);
    expect([...CN_HOLIDAYS_2026].filter((date) => date.startsWith('2026-10-'))).toHaveLength(7);
  });

  it('lists six make-up days, each a weekend day that is not a holiday', () => {
    expect(CN_MAKEUP_WORKDAYS_2026.size).toBe(6);
    for (const date of CN_MAKEUP_WORKDAYS_2026) {
      expect([0, 6]).toContain(weekdayOf(date));
      expect(CN_HOLIDAYS_2026.has(date)).toBe(false);
    }
  });
});

function dateAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
