import {
  CALENDAR_HOLIDAYS_MAX,
  CALENDAR_LIST_LENGTH_MAX,
  CALENDAR_RANGE_DAYS_MAX,
  CALENDAR_YEAR_MAX,
  CALENDAR_YEAR_MIN
} from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import { refusalMessage, refusalTable, type RefusalEntry, type RefusalTable } from '../platform/refusal-messages';
import { CALENDAR_SOURCE_LENGTH_MAX, type CalendarField, type CalendarProblem } from './calendar';

/**
 * What the calendar form says for each problem of saveCalendarYear. A problem names its own field
 * (the same code can be about the holidays or the make-up days) and often the line and text it is
 * about, so the table is made for one problem: its sentences carry that line and the year typed.
 */
function calendarRefusals(problem: CalendarProblem, year: string): RefusalTable<CalendarField> {
  const where = { line: String(problem.line ?? 1), text: problem.text ?? '' };
  const on = (message: () => string): RefusalEntry<CalendarField> => [problem.field, message];
  return refusalTable<CalendarField>({
    year_must_be_plausible: on(() =>
      m.calendar_error_year({ min: String(CALENDAR_YEAR_MIN), max: String(CALENDAR_YEAR_MAX) })
    ),
    list_must_be_short: on(() => m.calendar_error_list_short({ max: String(CALENDAR_LIST_LENGTH_MAX) })),
    line_must_be_a_date_or_range: on(() => m.calendar_error_line(where)),
    date_must_be_real: on(() => m.calendar_error_date_real(where)),
    range_must_run_forward: on(() => m.calendar_error_range_forward(where)),
    range_must_be_short: on(() => m.calendar_error_range_short({ ...where, max: String(CALENDAR_RANGE_DAYS_MAX) })),
    date_must_be_in_the_year: on(() => m.calendar_error_in_year({ ...where, year })),
    holidays_must_be_given: on(() => m.calendar_error_holidays_given()),
    holidays_must_be_few: on(() => m.calendar_error_holidays_few({ max: String(CALENDAR_HOLIDAYS_MAX) })),
    makeup_day_must_be_a_weekend_day: on(() => m.calendar_error_makeup_weekend(where)),
    day_must_not_be_holiday_and_makeup_day: on(() => m.calendar_error_both(where)),
    source_must_be_short: on(() => m.calendar_error_source_short({ max: String(CALENDAR_SOURCE_LENGTH_MAX) }))
  });
}

/** The field and sentence of one problem of the calendar form; `year` is the year as typed. */
export function calendarProblemMessage(problem: CalendarProblem, year: string) {
  // A problem the table does not know still marks its field, in the form's general words.
  return refusalMessage(calendarRefusals(problem, year), problem.code, [
    problem.field,
    () => m.calendar_error_invalid()
  ]);
}
