import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALENDAR_2026 } from '../../test/support/calendar-2026.js';
import { LedgerAssertionError } from '../checks/assert.js';
import {
  addWorkingDays,
  dateAfterDays,
  isWeekend,
  isWorkingDay,
  workingCalendar,
  yearsUncoveredBetween,
  type CalendarYear
} from './working-days.js';

const NONE = workingCalendar([]);
const WITH_2026 = workingCalendar([CALENDAR_2026]);
/** A year entered with no holiday at all: weekends only, but known. */
const plainYear = (year: number): CalendarYear => ({ year, holidays: [], makeupWorkdays: [] });

const end2026 = (start: string, days: number): string => addWorkingDays(start, days, WITH_2026).endsOn;

describe('addWorkingDays', () => {
  it('counts from the day after the start and skips the weekend', () => {
    // Posted on Friday 6 March: Monday 9 to Friday 13 March.
    expect(addWorkingDays('2026-03-06', 5, WITH_2026)).toEqual({
      endsOn: '2026-03-13',
      certain: true,
      yearsUncovered: []
    });
    // Posted on Monday 2 March: Tuesday 3 to Monday 9 March.
    expect(end2026('2026-03-02', 5)).toBe('2026-03-09');
    expect(end2026('2026-03-07', 1)).toBe('2026-03-09');
  });

  it('returns the start date for zero days, certainly, even in a year nobody entered', () => {
    expect(addWorkingDays('2031-03-07', 0, NONE)).toEqual({ endsOn: '2031-03-07', certain: true, yearsUncovered: [] });
  });

  it('skips the National Day holiday and counts the make-up Saturday', () => {
    // 29 and 30 September, then 1–7 October off, then 8, 9 and the make-up Saturday 10 October.
    expect(end2026('2026-09-28', 5)).toBe('2026-10-10');
    // Without the holiday data only the weekend is skipped, and the result says it is a guess.
    expect(addWorkingDays('2026-09-28', 5, NONE)).toEqual({
      endsOn: '2026-10-05',
      certain: false,
      yearsUncovered: [2026]
    });
  });

  it('skips the Spring Festival and counts both of its make-up Saturdays', () => {
    // 13 February, the make-up Saturday 14 February, 15–23 off, then 24, 25, 26.
    expect(end2026('2026-02-12', 5)).toBe('2026-02-26');
    // 27 February, then the make-up Saturday 28 February.
    expect(end2026('2026-02-26', 2)).toBe('2026-02-28');
  });

  it('crosses into the New Year holiday and its make-up Sunday, certain only once both years are known', () => {
    // 31 December 2025 lies in a year nobody entered, but the count starts the day after it.
    expect(addWorkingDays('2025-12-31', 3, WITH_2026)).toEqual({
      endsOn: '2026-01-06',
      certain: true,
      yearsUncovered: []
    });
    // Posted on 30 December 2025, the count crosses 31 December 2025: a year not covered.
    expect(addWorkingDays('2025-12-30', 3, WITH_2026)).toMatchObject({ certain: false, yearsUncovered: [2025] });
  });

  it('runs out of 2026 into 2027 provisionally, and is certain once 2027 is entered', () => {
    // Posted on Monday 28 December 2026: 29, 30, 31 December, then Friday 1 January and Monday 4
    // January 2027 if 2027 had no holidays.
    expect(addWorkingDays('2026-12-28', 5, WITH_2026)).toEqual({
      endsOn: '2027-01-04',
      certain: false,
      yearsUncovered: [2027]
    });
    const with2027 = workingCalendar([CALENDAR_2026, { year: 2027, holidays: ['2027-01-01'], makeupWorkdays: [] }]);
    expect(addWorkingDays('2026-12-28', 5, with2027)).toEqual({
      endsOn: '2027-01-05',
      certain: true,
      yearsUncovered: []
    });
  });

  it('names every year it is not sure of, in order', () => {
    expect(addWorkingDays('2026-06-01', 366, WITH_2026)).toMatchObject({ certain: false, yearsUncovered: [2027] });
    expect(addWorkingDays('2027-06-01', 366, NONE)).toMatchObject({ yearsUncovered: [2027, 2028] });
  });

  it('reaches 29 February in a leap year, in UTC whatever the local zone', () => {
    expect(addWorkingDays('2028-02-28', 1, NONE).endsOn).toBe('2028-02-29');
    expect(addWorkingDays('2027-02-26', 1, NONE).endsOn).toBe('2027-03-01');
  });

  it('counts a listed make-up weekend day and skips a listed holiday', () => {
    const calendar = workingCalendar([{ year: 2026, holidays: ['2026-03-09'], makeupWorkdays: ['2026-03-07'] }]);
    expect(isWorkingDay('2026-03-09', calendar)).toBe(false);
    expect(isWorkingDay('2026-03-07', calendar)).toBe(true);
    expect(isWorkingDay('2026-03-07', NONE)).toBe(false);
    expect(isWeekend('2026-03-07')).toBe(true);
    expect(isWeekend('2026-03-09')).toBe(false);
  });

  it.each([
    ['2026-02-30', 5],
    ['2026/03/01', 5],
    ['2026-03-01', -1],
    ['2026-03-01', 1.5],
    ['2026-03-01', 367]
  ])('throws for a programmer error: %s plus %s', (start, days) => {
    expect(() => addWorkingDays(start, days, NONE)).toThrow(LedgerAssertionError);
  });

  it('throws rather than loop when the holiday data leaves no working day', () => {
    const everyDay = Array.from({ length: 5000 }, (_, index) => dateAfterDays('2026-01-01', index));
    const years = [...new Set(everyDay.map((date) => Number(date.slice(0, 4))))].map((year) => ({
      year,
      holidays: everyDay.filter((date) => date.startsWith(`${year}-`)),
      makeupWorkdays: []
    }));
    expect(() => addWorkingDays('2026-01-01', 1, workingCalendar(years))).toThrow(LedgerAssertionError);
  });

  it('ends on a working day with exactly the given number of working days after the start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 40 }), (offset, days) => {
        const start = dateAfterDays('2025-06-01', offset);
        const end = end2026(start, days);
        let counted = 0;
        for (let date = dateAfterDays(start, 1); date <= end; date = dateAfterDays(date, 1)) {
          if (isWorkingDay(date, WITH_2026)) counted += 1;
        }
        expect(counted).toBe(days);
        if (days > 0) expect(isWorkingDay(end, WITH_2026)).toBe(true);
        expect(end2026(start, days + 1) > end).toBe(true);
      })
    );
  });
});

describe('the certainty of the end', () => {
  const anyYears = fc.uniqueArray(fc.integer({ min: 2024, max: 2030 }), { maxLength: 7 });

  it('is certain exactly when every day crossed lies in a covered year', () => {
    fc.assert(
      fc.property(
        anyYears,
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 0, max: 60 }),
        (years, offset, days) => {
          const calendar = workingCalendar(years.map(plainYear));
          const start = dateAfterDays('2024-01-01', offset);
          const result = addWorkingDays(start, days, calendar);
          const crossed: number[] = [];
          for (let date = dateAfterDays(start, 1); date <= result.endsOn; date = dateAfterDays(date, 1)) {
            const year = Number(date.slice(0, 4));
            if (!years.includes(year) && !crossed.includes(year)) crossed.push(year);
          }
          expect(result.yearsUncovered).toEqual(crossed);
          expect(result.certain).toBe(crossed.length === 0);
        }
      )
    );
  });

  it('gives the same end, certainly, once the missing years are entered with no holidays', () => {
    // A year entered with no holidays counts like a year nobody entered: only the certainty moves.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2500 }), fc.integer({ min: 0, max: 60 }), (offset, days) => {
        const start = dateAfterDays('2024-01-01', offset);
        const guessed = addWorkingDays(start, days, NONE);
        const known = addWorkingDays(start, days, workingCalendar(guessed.yearsUncovered.map(plainYear)));
        expect(known).toEqual({ endsOn: guessed.endsOn, certain: true, yearsUncovered: [] });
      })
    );
  });

  it('says the same of any period through yearsUncoveredBetween', () => {
    expect(yearsUncoveredBetween(WITH_2026, { after: '2026-12-31', through: '2028-01-01' })).toEqual([2027, 2028]);
    expect(yearsUncoveredBetween(WITH_2026, { after: '2025-12-31', through: '2026-12-31' })).toEqual([]);
    expect(yearsUncoveredBetween(WITH_2026, { after: '2027-03-01', through: '2027-03-01' })).toEqual([]);
  });
});

describe('workingCalendar', () => {
  it.each([
    [[plainYear(2026), plainYear(2026)], 'a year given twice'],
    [[{ year: 2026, holidays: ['2027-01-01'], makeupWorkdays: [] }], 'a date outside its year'],
    [[{ year: 2026, holidays: ['2026-03-07'], makeupWorkdays: ['2026-03-07'] }], 'a day listed both ways'],
    [[{ year: 2026.5, holidays: [], makeupWorkdays: [] }], 'a year that is not whole']
  ])('throws for %j (%s): the server checks input, the database refuses such rows', (years) => {
    expect(() => workingCalendar(years)).toThrow(LedgerAssertionError);
  });
});
