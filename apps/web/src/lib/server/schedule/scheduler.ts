import type { Sql } from '../db/client';
import { runDueSteps, type ScheduleRun } from './run';
import type { ScheduleStep } from './step';

/**
 * The scheduler of one app process: it runs the steps at once and then every interval. Every
 * process of a deployment starts one; the advisory lock in runDueSteps lets one run at a time, and
 * since the steps read what is due from the data, a process that takes over (or a restart days
 * later) catches up on its first run.
 */
export interface Scheduler {
  /** Resolves once the run under way, if any, has finished. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  intervalMs: number;
  /** The clock the steps run for; tests pass their own, faketime moves the default. */
  clock?: () => Date;
  log: (line: string) => void;
  steps?: readonly ScheduleStep[];
  /** Told after each run, for tests. */
  onRun?: (run: ScheduleRun) => void;
}

export function startScheduler(sql: Sql, options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? (() => new Date());
  const state = { stopped: false, wake: () => {} };
  const loop = (async () => {
    while (!state.stopped) {
      const run = await runDueSteps(sql, {
        now: clock(),
        ...(options.steps === undefined ? {} : { steps: options.steps })
      }).catch((error: unknown) => {
        // The database may be restarting; the next tick tries again.
        options.log(`schedule: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
      if (run !== null) {
        logRun(run, options.log);
        options.onRun?.(run);
      }
      if (state.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      state.wake();
      await loop;
    }
  };
}

/** One log line for a run that did something or failed; quiet runs stay quiet. */
function logRun(run: ScheduleRun, log: (line: string) => void): void {
  if (!run.ran) return;
  for (const step of run.steps) {
    const counts = Object.entries(step.counts);
    if (step.outcome === 'failed' || counts.length > 0) {
      const said = counts.map(([name, count]) => `${name} ${count}`).join(', ');
      log(`schedule: ${step.step} ${step.outcome}${said === '' ? '' : ` (${said})`} for ${run.today}`);
    }
  }
}
