import { isDate } from '../journal/limits.js';
import { ok, reject, type Result } from '../result.js';
import { dateAfterDays, isWeekend, type CalendarYear } from './working-days.js';

/**
 * Checking one year of the working-day calendar as a person types it from the State Council's
 * notice (国务院办公厅关于XXXX年部分节假日安排的通知): the days off as dates or ranges, one a
 * line (`2027-02-15..2027-02-21`, or `至` / `~` between the two dates), and the make-up working
 * days (调休上班) the same way. A line may end with a label after a space (`2027-10-01..2027-10-07
 * 国庆节`), so the notice's names can be kept beside the dates.
 */

/** The years a calendar may be entered for: any the fund could plausibly still meet. */
export const CALENDAR_YEAR_MIN = 2000;
export const CALENDAR_YEAR_MAX = 2099;
/**
 * China's longest holiday span is the nine days of Spring Festival; a range of more than a month
 * is a typing mistake (a wrong month), not a holiday.
 */
export const CALENDAR_RANGE_DAYS_MAX = 31;
/**
 * A year has about thirty days off; the limit leaves room for a special year and still keeps more
 * than 200 working days, so a year's worth of working days always ends within the next year.
 */
export const CALENDAR_HOLIDAYS_MAX = 60;
/** The longest text each list may be, so that one form stays small. */
export const CALENDAR_LIST_LENGTH_MAX = 4000;
/** A list pasted wrong would otherwise name every line; the first few say what to fix. */
const PROBLEMS_PER_LIST_MAX = 10;

export type CalendarYearField = 'year' | 'holidays' | 'makeupWorkdays';

export type CalendarYearCode =
  | 'year_must_be_plausible'
  | 'list_must_be_short'
  | 'line_must_be_a_date_or_range'
  | 'date_must_be_real'
  | 'range_must_run_forward'
  | 'range_must_be_short'
  | 'date_must_be_in_the_year'
  | 'holidays_must_be_given'
  | 'holidays_must_be_few'
  | 'makeup_day_must_be_a_weekend_day'
  | 'day_must_not_be_holiday_and_makeup_day';

/** One thing wrong with the entry: where (the field, and the line when it is one line) and what. */
export interface CalendarYearProblem {
  readonly field: CalendarYearField;
  readonly code: CalendarYearCode;
  /** The line of the list (from 1), when one line is wrong. */
  readonly line?: number;
  /** The date or text the problem is about, as typed or as read. */
  readonly text?: string;
}

export interface CalendarYearInput {
  /** NaN when the typed year was not a number at all. */
  readonly year: number;
  readonly holidaysText: string;
  readonly makeupWorkdaysText: string;
}

// A date may be typed with one-digit months and days, and with / or . between its parts.
const DATE_TYPED = String.raw`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})`;
const LINE_PATTERN = new RegExp(
  String.raw`^${DATE_TYPED}(?:\s*(?:\.\.|~|～|至|到)\s*${DATE_TYPED})?(?:\s+([^\d\s].*))?$`,
  'u'
);
// Besides new lines, the Chinese list marks and semicolons separate entries pasted on one line.
const SEPARATORS = /[\n\r;；、，,]+/u;

/**
 * Every problem of the entry at once, in the order of the form's fields, or the year as data:
 * the days sorted and each once. Nothing is refused silently: a range that overlaps another is
 * fine (the days are merged), but a date outside the year, a weekday listed as a make-up day or a
 * day listed as both is named with its line.
 */
export function checkCalendarYear(input: CalendarYearInput): Result<CalendarYear, CalendarYearCode> {
  const problems: CalendarYearProblem[] = [];
  const yearOk = Number.isSafeInteger(input.year) && input.year >= CALENDAR_YEAR_MIN && input.year <= CALENDAR_YEAR_MAX;
  if (!yearOk) problems.push({ field: 'year', code: 'year_must_be_plausible' });
  const holidays = readList('holidays', input.holidaysText, yearOk ? input.year : null, problems);
  const makeupWorkdays = readList('makeupWorkdays', input.makeupWorkdaysText, yearOk ? input.year : null, problems);
  const listsRead = !problems.some((problem) => problem.field !== 'year');
  if (listsRead) checkDays({ holidays, makeupWorkdays }, problems);
  const [first] = problems;
  if (first !== undefined) return reject(first.code, { field: first.field, problems });
  return ok({ year: input.year, holidays: sortedDays(holidays), makeupWorkdays: sortedDays(makeupWorkdays) });
}

/** The days of one list, each with the line it was typed on; problems are added as found. */
function readList(
  field: Exclude<CalendarYearField, 'year'>,
  text: string,
  year: number | null,
  problems: CalendarYearProblem[]
): Map<string, number> {
  const days = new Map<string, number>();
  if (text.length > CALENDAR_LIST_LENGTH_MAX) {
    problems.push({ field, code: 'list_must_be_short' });
    return days;
  }
  const lines = text.split(/\r\n|\r|\n/u);
  const found = () => problems.filter((problem) => problem.field === field).length;
  lines.forEach((lineText, index) => {
    const line = index + 1;
    for (const item of lineText.split(SEPARATORS)) {
      if (found() >= PROBLEMS_PER_LIST_MAX) return;
      const trimmed = item.trim();
      if (trimmed === '') continue;
      const read = readItem(trimmed);
      if (!read.ok) {
        problems.push({
          field,
          code: read.code,
          line,
          text: typeof read['text'] === 'string' ? read['text'] : trimmed
        });
        continue;
      }
      for (const date of read.value) {
        if (year !== null && Number(date.slice(0, 4)) !== year) {
          problems.push({ field, code: 'date_must_be_in_the_year', line, text: date });
          break;
        }
        if (!days.has(date)) days.set(date, line);
      }
    }
  });
  return days;
}

/** One item: a date, or a range of dates from the first to the second, both included. */
function readItem(item: string): Result<string[], CalendarYearCode> {
  const match = LINE_PATTERN.exec(item);
  if (match === null) return reject('line_must_be_a_date_or_range', { text: item });
  const from = dateOf(match[1], match[2], match[3]);
  if (from === null) return reject('date_must_be_real', { text: item });
  if (match[4] === undefined) return ok([from]);
  const through = dateOf(match[4], match[5], match[6]);
  if (through === null) return reject('date_must_be_real', { text: item });
  if (through < from) return reject('range_must_run_forward', { text: item });
  const days: string[] = [];
  for (let date = from; date <= through; date = dateAfterDays(date, 1)) {
    if (days.length >= CALENDAR_RANGE_DAYS_MAX) return reject('range_must_be_short', { text: item });
    days.push(date);
  }
  return ok(days);
}

function dateOf(year: string | undefined, month: string | undefined, day: string | undefined): string | null {
  if (year === undefined || month === undefined || day === undefined) return null;
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isDate(date) ? date : null;
}

/** The rules between the two lists, once both were read without a problem. */
function checkDays(
  lists: { holidays: ReadonlyMap<string, number>; makeupWorkdays: ReadonlyMap<string, number> },
  problems: CalendarYearProblem[]
): void {
  if (lists.holidays.size === 0) problems.push({ field: 'holidays', code: 'holidays_must_be_given' });
  if (lists.holidays.size > CALENDAR_HOLIDAYS_MAX) problems.push({ field: 'holidays', code: 'holidays_must_be_few' });
  for (const [date, line] of lists.makeupWorkdays) {
    if (lists.holidays.has(date)) {
      problems.push({ field: 'makeupWorkdays', code: 'day_must_not_be_holiday_and_makeup_day', line, text: date });
    } else if (!isWeekend(date)) {
      problems.push({ field: 'makeupWorkdays', code: 'makeup_day_must_be_a_weekend_day', line, text: date });
    }
  }
}

function sortedDays(days: ReadonlyMap<string, number>): string[] {
  return [...days.keys()].sort();
}

/**
 * The days as checkCalendarYear reads them back: each run of consecutive days as one range line
 * (`2027-02-15..2027-02-21`), a lone day as itself, in date order. A form that edits a year shows
 * the year's days this way, so that saving it unchanged saves the same days.
 */
export function calendarListText(days: readonly string[]): string {
  const sorted = [...new Set(days)].sort();
  const lines: string[] = [];
  let first: string | undefined;
  let last: string | undefined;
  let length = 0;
  const flush = () => {
    if (first !== undefined && last !== undefined) lines.push(first === last ? first : `${first}..${last}`);
  };
  for (const day of sorted) {
    // A run longer than a range may be is split, so that the text reads back without a problem.
    if (last !== undefined && dateAfterDays(last, 1) === day && length < CALENDAR_RANGE_DAYS_MAX) {
      last = day;
      length += 1;
      continue;
    }
    flush();
    first = day;
    last = day;
    length = 1;
  }
  flush();
  return lines.join('\n');
}
