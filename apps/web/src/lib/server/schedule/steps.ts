import { noticeEndStep } from './notice-end';
import { objectionRemindersStep, voteRemindersStep } from './reminders';
import type { ScheduleStep } from './step';

/**
 * The registry: the steps every run goes through, in this order. A new time-based step (a
 * period-close or disclosure reminder) is written as a ScheduleStep in its own file and added here
 * in one line.
 */
export const SCHEDULE_STEPS: readonly ScheduleStep[] = [noticeEndStep, voteRemindersStep, objectionRemindersStep];
