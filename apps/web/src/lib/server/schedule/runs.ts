import type { Sql } from '../db/client';
import { can, type Actor } from '../access/policy';
import { SCHEDULE_STEPS } from './steps';

/** What the platform administrator sees of the scheduler: each step's last run and the latest runs that did something. */

export const SCHEDULE_RUNS_SHOWN = 50;

export interface StepLastRun {
  step: string;
  /** Null when no process has run the step yet (the scheduler is off everywhere, or just deployed). */
  lastRunFor: Date | null;
  lastFinishedAt: Date | null;
  lastOutcome: 'done' | 'failed' | 'skipped' | null;
}

export interface ScheduleRunRow {
  id: string;
  step: string;
  runFor: Date;
  startedAt: Date;
  finishedAt: Date;
  outcome: 'done' | 'failed';
  counts: Record<string, number>;
  error: string;
}

export interface ScheduleOverview {
  steps: StepLastRun[];
  runs: ScheduleRunRow[];
}

/** Every registered step with its last run, and the latest recorded runs, newest first; null when the actor may not read them. */
export async function scheduleOverview(sql: Sql, actor: Actor): Promise<ScheduleOverview | null> {
  if (!can(actor, 'platform.schedule.read', null).allowed) return null;
  const [last, runs] = await Promise.all([
    sql<StepLastRun[]>`
      select step, last_run_for as "lastRunFor", last_finished_at as "lastFinishedAt", last_outcome as "lastOutcome"
        from schedule_steps`,
    sql<ScheduleRunRow[]>`
      select id::text as id, step, run_for as "runFor", started_at as "startedAt", finished_at as "finishedAt",
             outcome, counts, error
        from schedule_runs order by id desc limit ${SCHEDULE_RUNS_SHOWN}`
  ]);
  const byStep = new Map(last.map((row) => [row.step, row]));
  return {
    steps: SCHEDULE_STEPS.map(
      (step) => byStep.get(step.name) ?? { step: step.name, lastRunFor: null, lastFinishedAt: null, lastOutcome: null }
    ),
    runs
  };
}
