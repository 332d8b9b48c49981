import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALENDAR_2026 } from '../../test/support/calendar-2026.js';
import { calendarListText, checkCalendarYear, type CalendarYearInput } from './calendar-year.js';
import { dateAfterDays } from './working-days.js';

/** The 2026 notice as an administrator would type it: ranges with their names, one a line. */
const TYPED_2026: CalendarYearInput = {
  year: 2026,
  holidaysText: [
    '2026-01-01..2026-01-03 元旦',
    '2026-02-15..2026-02-23 春节',
    '2026-04-04 至 2026-04-06 清明节',
    '2026-05-01~2026-05-05 劳动节',
    '2026-6-19..2026-6-21 端午节',
    '',
    '2026-09-25, 2026-09-26、2026-09-27',
    '2026-10-01..2026-10-07 国庆节'
  ].join('\r\n'),
  makeupWorkdaysText: '2026-01-04\n2026-02-14；2026-02-28\n2026-05-09\n2026/09/20\n2026-10-10 国庆节调休'
};

const base: CalendarYearInput = { year: 2027, holidaysText: '2027-01-01', makeupWorkdaysText: '' };

describe('checkCalendarYear', () => {
  it('reads the State Council notice as typed into the same days as the 2026 fixture', () => {
    expect(checkCalendarYear(TYPED_2026)).toEqual({
      ok: true,
      value: { year: 2026, holidays: [...CALENDAR_2026.holidays].sort(), makeupWorkdays: CALENDAR_2026.makeupWorkdays }
    });
  });

  it('merges overlapping ranges and repeated days, and sorts them', () => {
    const checked = checkCalendarYear({
      ...base,
      holidaysText: '2027-02-10..2027-02-12\n2027-02-11..2027-02-13\n2027-01-01\n2027-01-01'
    });
    expect(checked).toMatchObject({
      ok: true,
      value: { holidays: ['2027-01-01', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13'] }
    });
  });

  it.each([
    [{ year: Number.NaN }, 'year', 'year_must_be_plausible'],
    [{ year: 1999 }, 'year', 'year_must_be_plausible'],
    [{ year: 2100 }, 'year', 'year_must_be_plausible'],
    [{ holidaysText: 'x'.repeat(4001) }, 'holidays', 'list_must_be_short'],
    [{ holidaysText: '元旦 2027-01-01' }, 'holidays', 'line_must_be_a_date_or_range'],
    [{ holidaysText: '2027-01-01 2027-01-02' }, 'holidays', 'line_must_be_a_date_or_range'],
    [{ holidaysText: '2027-02-29' }, 'holidays', 'date_must_be_real'],
    [{ holidaysText: '2027-02-01..2027-02-30' }, 'holidays', 'date_must_be_real'],
    [{ holidaysText: '2027-02-21..2027-02-15' }, 'holidays', 'range_must_run_forward'],
    [{ holidaysText: '2027-01-01..2027-03-01' }, 'holidays', 'range_must_be_short'],
    [{ holidaysText: '2026-12-31..2027-01-02' }, 'holidays', 'date_must_be_in_the_year'],
    [{ makeupWorkdaysText: '2028-01-08' }, 'makeupWorkdays', 'date_must_be_in_the_year'],
    [{ holidaysText: ' \n ' }, 'holidays', 'holidays_must_be_given'],
    [{ makeupWorkdaysText: '2027-01-01' }, 'makeupWorkdays', 'day_must_not_be_holiday_and_makeup_day'],
    // Monday 4 January 2027.
    [{ makeupWorkdaysText: '2027-01-04' }, 'makeupWorkdays', 'makeup_day_must_be_a_weekend_day']
  ])('%j is refused on %s with %s', (change, field, code) => {
    const checked = checkCalendarYear({ ...base, ...change });
    expect(checked).toMatchObject({ ok: false, code, field });
  });

  it('refuses more than 60 days off, which no year has', () => {
    const holidaysText = ['2027-01-01..2027-01-31', '2027-03-01..2027-03-31'].join('\n');
    expect(checkCalendarYear({ ...base, holidaysText })).toMatchObject({ ok: false, code: 'holidays_must_be_few' });
  });

  it('names every problem with its line, in the order of the fields', () => {
    const checked = checkCalendarYear({
      year: 2027,
      holidaysText: '2027-01-01\n2027-13-01\n2026-10-01',
      makeupWorkdaysText: '2027-02-07\nsoon'
    });
    expect(checked).toMatchObject({
      ok: false,
      code: 'date_must_be_real',
      field: 'holidays',
      problems: [
        { field: 'holidays', code: 'date_must_be_real', line: 2, text: '2027-13-01' },
        { field: 'holidays', code: 'date_must_be_in_the_year', line: 3, text: '2026-10-01' },
        { field: 'makeupWorkdays', code: 'line_must_be_a_date_or_range', line: 2, text: 'soon' }
      ]
    });
  });

  it('checks the two lists against each other only once both were read', () => {
    const checked = checkCalendarYear({ ...base, holidaysText: 'oops', makeupWorkdaysText: '2027-01-04' });
    expect(checked).toMatchObject({ ok: false, problems: [{ code: 'line_must_be_a_date_or_range' }] });
    if (!checked.ok) expect(checked['problems']).toHaveLength(1);
  });

  it('names at most ten problems of a list pasted wrong', () => {
    const checked = checkCalendarYear({ ...base, holidaysText: Array.from({ length: 50 }, () => 'x').join('\n') });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked['problems']).toHaveLength(10);
  });
});

describe('calendarListText', () => {
  it('writes runs of days as ranges, in order', () => {
    expect(calendarListText(['2027-01-03', '2027-01-01', '2027-01-02', '2027-05-01', '2027-01-02'])).toBe(
      '2027-01-01..2027-01-03\n2027-05-01'
    );
    expect(calendarListText([])).toBe('');
  });

  it('splits a run longer than a range may be', () => {
    const days = Array.from({ length: 45 }, (_, index) => dateAfterDays('2027-01-01', index));
    expect(calendarListText(days)).toBe('2027-01-01..2027-01-31\n2027-02-01..2027-02-14');
  });

  it('reads back as the same days, whatever days of a year it is given', () => {
    const dayOfYear = fc.integer({ min: 0, max: 364 }).map((offset) => dateAfterDays('2027-01-01', offset));
    fc.assert(
      fc.property(fc.uniqueArray(dayOfYear, { minLength: 1, maxLength: 60 }), (days) => {
        const read = checkCalendarYear({ year: 2027, holidaysText: calendarListText(days), makeupWorkdaysText: '' });
        expect(read).toEqual({ ok: true, value: { year: 2027, holidays: [...days].sort(), makeupWorkdays: [] } });
      })
    );
  });
});
