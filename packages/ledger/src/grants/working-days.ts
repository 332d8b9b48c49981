import { LedgerAssertionError } from '../checks/assert.js';
import { isDate } from '../journal/limits.js';

/**
 * Working-day arithmetic for the notice period (公示期). Dates are YYYY-MM-DD strings for calendar
 * days in China; they are read and written as UTC dates, so the machine's time zone never moves a
 * day. The package reads no clock and holds no calendar: the holidays of each year come in as
 * data (the server keeps them in its database, entered by the platform administrator from the
 * State Council's notice that comes out each November for the next year).
 */

/** The longest notice period the arithmetic accepts, in working days: a year's worth. */
export const WORKING_DAYS_MAX = 366;

// However the holiday data is filled in, the walk stops after this many calendar days, so that a
// set listing every day of the year cannot loop without end.
const CALENDAR_DAYS_WALKED_MAX = 4000;
const DAY_MILLISECONDS = 86_400_000;

/** One year of the official calendar: its days off and its make-up working days (调休上班). */
export interface CalendarYear {
  readonly year: number;
  /** Every day off of every holiday span of the year, weekends inside a span included. */
  readonly holidays: readonly string[];
  /** Weekend days on which offices work to pay for the longer holidays. */
  readonly makeupWorkdays: readonly string[];
}

/**
 * The working-day calendar: the years whose official holidays are known, and their days. A day
 * of a year that is not covered counts only weekends as days off, and any result that crossed such
 * a day is provisional: the year's holidays may move it once they are known.
 */
export interface WorkingCalendar {
  readonly years: ReadonlySet<number>;
  readonly holidays: ReadonlySet<string>;
  readonly makeupWorkdays: ReadonlySet<string>;
}

/**
 * The end of a period of working days, and whether it is certain: true when every day the count
 * crossed lies in a year the calendar covers. `yearsUncovered` names the years it is not sure of,
 * in order, so that a page can say which year's calendar to enter.
 */
export interface WorkingDaysEnd {
  readonly endsOn: string;
  readonly certain: boolean;
  readonly yearsUncovered: readonly number[];
}

/**
 * Builds the calendar from its years. A date outside its own year, a year given twice, or a day
 * listed both as holiday and make-up day is a bug in the caller (the server checks what people
 * type with checkCalendarYear, and the database refuses such rows), so it throws.
 */
export function workingCalendar(years: readonly CalendarYear[]): WorkingCalendar {
  const covered = new Set<number>();
  const holidays = new Set<string>();
  const makeupWorkdays = new Set<string>();
  for (const entry of years) {
    if (!Number.isSafeInteger(entry.year) || covered.has(entry.year)) {
      throw new LedgerAssertionError('Each calendar year must be a whole number given once.');
    }
    covered.add(entry.year);
    for (const date of entry.holidays) holidays.add(dateInYear(date, entry.year));
    for (const date of entry.makeupWorkdays) {
      if (holidays.has(dateInYear(date, entry.year))) {
        throw new LedgerAssertionError('A day cannot be both a holiday and a make-up working day.');
      }
      makeupWorkdays.add(date);
    }
  }
  return { years: covered, holidays, makeupWorkdays };
}

/**
 * Whether offices work on the day: a listed holiday never, a listed make-up day always, otherwise
 * Monday to Friday. In a year the calendar does not cover this is only a guess (see addWorkingDays).
 */
export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  assertDate(date);
  if (calendar.holidays.has(date)) {
    return false;
  }
  if (calendar.makeupWorkdays.has(date)) {
    return true;
  }
  return !isWeekend(date);
}

/** Saturday or Sunday. */
export function isWeekend(date: string): boolean {
  assertDate(date);
  const weekday = new Date(dayNumber(date) * DAY_MILLISECONDS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * The last day of a period of `days` working days that starts on the day after `startDate`: a
 * notice posted on Friday 6 March 2026 for 5 working days runs Monday 9 to Friday 13 March, so
 * this ends on '2026-03-13'. The notice has ended from the day after that date on. Zero days end
 * on the start date itself, having crossed no day, so certainly. The end is certain only when
 * every day from the day after the start to the end lies in a year the calendar covers.
 */
export function addWorkingDays(startDate: string, days: number, calendar: WorkingCalendar): WorkingDaysEnd {
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
    if (isWorkingDay(dateOf(day), calendar)) {
      counted += 1;
    }
  }
  const endsOn = dateOf(day);
  const yearsUncovered = yearsUncoveredBetween(calendar, { after: startDate, through: endsOn });
  return { endsOn, certain: yearsUncovered.length === 0, yearsUncovered };
}

/**
 * The years of the days after `after` up to and including `through` that the calendar does not
 * cover, in order; empty when the period is empty (`through` is not after `after`).
 */
export function yearsUncoveredBetween(
  calendar: Pick<WorkingCalendar, 'years'>,
  period: { readonly after: string; readonly through: string }
): number[] {
  assertDate(period.after);
  assertDate(period.through);
  if (period.through <= period.after) {
    return [];
  }
  const first = Number(dateOf(dayNumber(period.after) + 1).slice(0, 4));
  const last = Number(period.through.slice(0, 4));
  const uncovered: number[] = [];
  for (let year = first; year <= last; year += 1) {
    if (!calendar.years.has(year)) uncovered.push(year);
  }
  return uncovered;
}

/** The date `days` calendar days after `date` (before it, for a negative count). */
export function dateAfterDays(date: string, days: number): string {
  assertDate(date);
  if (!Number.isSafeInteger(days)) {
    throw new LedgerAssertionError('A count of days must be a whole number.');
  }
  return dateOf(dayNumber(date) + days);
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

function dateInYear(date: string, year: number): string {
  assertDate(date);
  if (Number(date.slice(0, 4)) !== year) {
    throw new LedgerAssertionError('A calendar date must lie in the year it is listed under.');
  }
  return date;
}
