import type { WorkingCalendar } from '@gongjian/ledger';
import type { Sql } from '../db/client';

/**
 * The scheduler's steps. Each computes what is due from the data as of `now` (never from how many
 * times it ran), so a run missed while no process was up is made good by the next one, and each
 * is idempotent, so running it twice, or in two processes, changes nothing more.
 * A later step (a period-close or disclosure reminder) is one more line in SCHEDULE_STEPS (steps.ts).
 */
export interface ScheduleContext {
  /** The scheduler's clock (a test or faketime may set it). */
  now: Date;
  /** Today in China (chinaDateOf(now)). */
  today: string;
  /** The working-day calendar as committed when the run began. */
  calendar: WorkingCalendar;
}

export interface ScheduleStep {
  /** The name its runs are recorded under (schedule_runs.step). */
  name: string;
  /**
   * `working_days`: the step acts for the fund office and the leaders, so it runs only on working
   * days (a notice ending on a Friday makes its grant active at Monday's first run, or on the next
   * working day after a holiday); `every_day`: it runs each day.
   */
  days: 'working_days' | 'every_day';
  /** Does what is due and says how much, by name (`activated: 1`); an empty object when nothing was due. */
  run(sql: Sql, context: ScheduleContext): Promise<Record<string, number>>;
}
