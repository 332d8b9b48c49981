import { addWorkingDays, dateAfterDays, isWorkingDay, type WorkingCalendar } from './working-days.js';

/**
 * When the scheduler reminds people of a date: the day a reminder goes out, and the due day that
 * keys it (a reminder is sent once per recipient, subject and due day, which the database
 * enforces). Pure: the server passes in the calendar and today; the scheduler sends a reminder on
 * its remind day or, after a restart that missed it, on the first run after.
 */
export interface Reminder {
  /** The day the reminder is about: the vote's or the notice's last day. */
  readonly dueOn: string;
  /** The first day the reminder may go out. */
  readonly remindOn: string;
}

/**
 * Without a vote period in the policy, leaders who have not voted are reminded once, this many
 * working days after the application went into review: long enough for the usual weekly meeting,
 * and without naming a deadline the group never adopted.
 */
export const VOTE_REMINDER_WORKING_DAYS = 3;

// Long holidays never run past a few weeks; the walk back stops well before it could loop.
const CALENDAR_DAYS_BACK_MAX = 60;

/**
 * The last working day before `date`: the day a reminder of a last day goes out, so that the
 * reader still has that last day to act.
 */
export function workingDayBefore(date: string, calendar: WorkingCalendar): string {
  let day = dateAfterDays(date, -1);
  for (let walked = 1; walked < CALENDAR_DAYS_BACK_MAX && !isWorkingDay(day, calendar); walked += 1) {
    day = dateAfterDays(day, -1);
  }
  return day;
}

/**
 * The reminder of a leader's vote: the working day before the vote's last day when the policy
 * sets a vote period (or that last day itself when the period is a single day), else once,
 * VOTE_REMINDER_WORKING_DAYS working days after the application went into review.
 */
export function voteReminder(
  input: { readonly inReviewOn: string; readonly voteEndsOn: string | null },
  calendar: WorkingCalendar
): Reminder {
  if (input.voteEndsOn === null) {
    const dueOn = addWorkingDays(input.inReviewOn, VOTE_REMINDER_WORKING_DAYS, calendar).endsOn;
    return { dueOn, remindOn: dueOn };
  }
  const before = workingDayBefore(input.voteEndsOn, calendar);
  // YYYY-MM-DD strings sort in date order, so comparing the text compares the days.
  return { dueOn: input.voteEndsOn, remindOn: before > input.inReviewOn ? before : input.voteEndsOn };
}

/**
 * The reminder to the fund office of objections still open on a notice: the working day before
 * the notice's last day ("the notice ends tomorrow"), since the grant cannot become active while
 * one is open.
 */
export function noticeObjectionsReminder(
  input: { readonly noticeEndsOn: string },
  calendar: WorkingCalendar
): Reminder {
  return { dueOn: input.noticeEndsOn, remindOn: workingDayBefore(input.noticeEndsOn, calendar) };
}

/** Whether a reminder is due on `today`: on its remind day or any later day (a run that missed it catches up). */
export function reminderIsDue(reminder: Reminder, today: string): boolean {
  return today >= reminder.remindOn;
}
