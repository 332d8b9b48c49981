import { addWorkingDays, type WorkingCalendar, type WorkingDaysEnd } from './working-days.js';

/**
 * The last day by which the leadership group is asked to vote on an application, when the fund's
 * policy sets a vote period (`voteWorkingDays`): that many working days counted from the day after
 * the application went into review, as a notice period is counted. A policy without a vote period
 * gives no deadline (null), so nobody is told a date the group never adopted. The to-do list shows
 * it, and the notifications that ask for a vote are meant to name the same day.
 */
export function voteDeadline(
  input: { readonly inReviewOn: string; readonly voteWorkingDays: number | null },
  calendar: WorkingCalendar
): WorkingDaysEnd | null {
  if (input.voteWorkingDays === null) {
    return null;
  }
  return addWorkingDays(input.inReviewOn, input.voteWorkingDays, calendar);
}
