import { chinaDateOf, isWorkingDay } from '@gongjian/ledger';
import type { Sql } from '../db/client';
import { loadCalendar } from '../fund/calendar';
import type { ScheduleContext, ScheduleStep } from './step';
import { SCHEDULE_STEPS } from './steps';

/**
 * One run of the scheduler's steps as of `now`. One process runs them at a time: the run holds a
 * PostgreSQL advisory lock on a connection of its own, and a process that finds it taken does
 * nothing (the holder is doing the same work). Each step runs whatever happened to the one before
 * it; a failing step is recorded with its error and the next run tries it again.
 */

/** The scheduler's advisory lock (the delivery worker holds 7_301_017). */
export const SCHEDULE_LOCK_KEY = 7_301_019;

export type StepOutcome = 'done' | 'failed' | 'skipped';

export interface StepRun {
  step: string;
  outcome: StepOutcome;
  counts: Record<string, number>;
}

/** `ran: false` when another process held the lock, and nothing was done. */
export type ScheduleRun = { ran: false } | { ran: true; today: string; workingDay: boolean; steps: StepRun[] };

export async function runDueSteps(
  sql: Sql,
  input: { now: Date; steps?: readonly ScheduleStep[] }
): Promise<ScheduleRun> {
  const lock = await sql.reserve();
  try {
    const [row] = await lock<{ locked: boolean }[]>`select pg_try_advisory_lock(${SCHEDULE_LOCK_KEY}) as locked`;
    if (!row?.locked) return { ran: false };
    try {
      return await runSteps(sql, input.now, input.steps ?? SCHEDULE_STEPS);
    } finally {
      await lock`select pg_advisory_unlock(${SCHEDULE_LOCK_KEY})`;
    }
  } finally {
    lock.release();
  }
}

async function runSteps(sql: Sql, now: Date, steps: readonly ScheduleStep[]): Promise<ScheduleRun> {
  const today = chinaDateOf(now);
  const calendar = await loadCalendar(sql);
  const context: ScheduleContext = { now, today, calendar };
  const workingDay = isWorkingDay(today, calendar);
  const runs: StepRun[] = [];
  for (const step of steps) {
    if (step.days === 'working_days' && !workingDay) {
      await recordStep(sql, { step: step.name, outcome: 'skipped', counts: {}, error: '', now, startedAt: new Date() });
      runs.push({ step: step.name, outcome: 'skipped', counts: {} });
      continue;
    }
    const startedAt = new Date();
    let run: StepRun & { error: string };
    try {
      run = { step: step.name, outcome: 'done', counts: await step.run(sql, context), error: '' };
    } catch (error) {
      run = { step: step.name, outcome: 'failed', counts: {}, error: describe(error) };
    }
    await recordStep(sql, { ...run, now, startedAt });
    runs.push({ step: run.step, outcome: run.outcome, counts: run.counts });
  }
  return { ran: true, today, workingDay, steps: runs };
}

/**
 * Records a step's run: always its last run (schedule_steps), and a row in schedule_runs when it
 * changed something or failed, so that a scheduler ticking every minute keeps a short log.
 */
async function recordStep(sql: Sql, input: StepRun & { error: string; now: Date; startedAt: Date }): Promise<void> {
  const finishedAt = new Date();
  await sql`
    insert into schedule_steps (step, last_run_for, last_finished_at, last_outcome)
    values (${input.step}, ${input.now}, ${finishedAt}, ${input.outcome})
    on conflict (step) do update
       set last_run_for = excluded.last_run_for, last_finished_at = excluded.last_finished_at,
           last_outcome = excluded.last_outcome`;
  if (input.outcome === 'skipped' || (input.outcome === 'done' && Object.keys(input.counts).length === 0)) return;
  await sql`
    insert into schedule_runs (step, run_for, started_at, finished_at, outcome, counts, error)
    values (${input.step}, ${input.now}, ${input.startedAt}, ${finishedAt}, ${input.outcome},
            ${sql.json(input.counts)}, ${input.error.slice(0, 500)})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
