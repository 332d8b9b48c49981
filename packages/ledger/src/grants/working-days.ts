import { LedgerAssertionError } from '../checks/assert.js';
import { isDate } from '../journal/limits.js';

/**
 * Working-day arithmetic for the notice period (公示期). Dates are YYYY-MM-DD strings for calendar
 * days in China; they are read and written as UTC dates, so the machine's time zone never moves a
 * day. The package reads no clock and no calendar service: the holidays come in as data.
 */

/** The longest notice period the arithmetic accepts, in working days: a year's worth. */
export const WORKING_DAYS_MAX = 366;

// However the holiday data is filled in, the walk stops after this many calendar days, so that a
// set listing every day of the year cannot loop without end.
const CALENDAR_DAYS_WALKED_MAX = 4000;
const DAY_MILLISECONDS = 86_400_000;

/**
 * 2026 public holidays in mainland China, every day off of each holiday span, as fixed by the
 * State Council's annual notice (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电, issued
 * 2025-11-04). The notice comes out each November for the next year, so a CN_HOLIDAYS_<year> set
 * must be added every year; until it is, dates in that year count only weekends as days off.
 */
export const CN_HOLIDAYS_2026: ReadonlySet<string> = new Set([
  // 元旦: Thursday 1 January to Saturday 3 January.
  '2026-01-01',
  '2026-01-02',
  '2026-01-03',
  // 春节: Sunday 15 February (腊月二十八) to Monday 23 February (正月初七).
  '2026-02-15',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20',
  '2026-02-21',
  '2026-02-22',
  '2026-02-23',
  // 清明节: Saturday 4 April to Monday 6 April.
  '2026-04-04',
  '2026-04-05',
  '2026-04-06',
  // 劳动节: Friday 1 May to Tuesday 5 May.
  '2026-05-01',
  '2026-05-02',
  '2026-05-03',
  '2026-05-04',
  '2026-05-05',
  // 端午节: Friday 19 June to Sunday 21 June.
  '2026-06-19',
  '2026-06-20',
  '2026-06-21',
  // 中秋节: Friday 25 September to Sunday 27 September.
  '2026-09-25',
  '2026-09-26',
  '2026-09-27',
  // 国庆节: Thursday 1 October to Wednesday 7 October.
  '2026-10-01',
  '2026-10-02',
  '2026-10-03',
  '2026-10-04',
  '2026-10-05',
  '2026-10-06',
  '2026-10-07'
]);

/**
 * 2026 make-up working days (调休上班): weekend days on which offices work to pay for the longer
 * holidays above. From the same State Council notice, and to be renewed with it every year.
 */
export const CN_MAKEUP_WORKDAYS_2026: ReadonlySet<string> = new Set([
  '2026-01-04', // Sunday, for 元旦.
  '2026-02-14', // Saturday, for 春节.
  '2026-02-28', // Saturday, for 春节.
  '2026-05-09', // Saturday, for 劳动节.
  '2026-09-20', // Sunday, for 国庆节.
  '2026-10-10' // Saturday, for 国庆节.
]);

/**
 * Whether offices work on the day. A holiday is never a working day, even if it is also listed as
 * a make-up day (contradictory data lengthens the notice rather than shortening it); a listed
 * make-up day is one even on a weekend; otherwise Monday to Friday are.
 */
export function isWorkingDay(date: string, holidays: ReadonlySet<string>, extraWorkdays: ReadonlySet<string>): boolean {
  assertDate(date);
  if (holidays.has(date)) {
    return false;
  }
  if (extraWorkdays.has(date)) {
    return true;
  }
  const weekday = new Date(dayNumber(date) * DAY_MILLISECONDS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The last day of a period of `days` working days that starts on the day after `startDate`: a
 * notice posted on Friday 6 March 2026 for 5 working days runs Monday 9 to Friday 13 March, so
 * this returns '2026-03-13'. The notice has ended from the day after the returned date on. Zero
 * days returns the start date itself.
 */
export function addWorkingDays(
  startDate: string,
  days: number,
  holidays: ReadonlySet<string>,
  extraWorkdays: ReadonlySet<string>
): string {
  assertDate(startDate);
  if (!Number.isSafeInteger(days) || days < 0 || days > WORKING_DAYS_MAX) {
    throw new LedgerAssertionError(`Working days must be a whole number from 0 to ${WORKING_DAYS_MAX}.`);
  }
  let day = dayNumber(startDate);
  let counted = 0;
  for (let walked = 0; counted < days; walked += 1) {
    if (walked >= CALENDAR_DAYS_WALKED_MAX) {
      throw new LedgerAssertionError('The holiday data leaves too few working days; check the holiday sets.');
    }
    day += 1;
    if (isWorkingDay(dateOf(day), holidays, extraWorkdays)) {
      counted += 1;
    }
  }
  return dateOf(day);
}

/** Days since 1970-01-01 for a YYYY-MM-DD date, in UTC. */
function dayNumber(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return Date.UTC(year, month - 1, day) / DAY_MILLISECONDS;
}

function dateOf(dayNumberValue: number): string {
  return new Date(dayNumberValue * DAY_MILLISECONDS).toISOString().slice(0, 10);
}

function assertDate(date: string): void {
  if (!isDate(date)) {
    throw new LedgerAssertionError('A date must be a real calendar day written YYYY-MM-DD.');
  }
}
