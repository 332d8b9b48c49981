import type { Sql } from '../db/client';
import { startScheduler, type Scheduler } from './scheduler';

let running: Scheduler | undefined;

/** How often the scheduler looks for due steps, unless `GONGJIAN_SCHEDULER_INTERVAL_SECONDS` says otherwise. */
export const SCHEDULER_INTERVAL_SECONDS_DEFAULT = 60;

export interface ScheduleConfig {
  enabled: boolean;
  intervalMs: number;
}

/** What the scheduler reads from the environment; a value out of bounds falls back to the default. */
export function readScheduleConfig(env: Record<string, string | undefined>): ScheduleConfig {
  const switched = (env.GONGJIAN_SCHEDULER ?? '').trim().toLowerCase();
  const text = env.GONGJIAN_SCHEDULER_INTERVAL_SECONDS?.trim() ?? '';
  const seconds = Number(text);
  const valid = text !== '' && Number.isInteger(seconds) && seconds >= 1 && seconds <= 86_400;
  return {
    enabled: !['0', 'off', 'false', 'no'].includes(switched),
    intervalMs: (valid ? seconds : SCHEDULER_INTERVAL_SECONDS_DEFAULT) * 1000
  };
}

/**
 * Starts this process's scheduler, once, from the server's init hook next to the delivery worker
 * (never in a unit test, which loads no hooks). `GONGJIAN_SCHEDULER=off` leaves it out. It stops
 * on adapter-node's graceful shutdown.
 */
export function startSchedule(sql: Sql, env: Record<string, string | undefined>, log: (line: string) => void): void {
  const config = readScheduleConfig(env);
  if (running || !config.enabled) return;
  const scheduler = startScheduler(sql, { intervalMs: config.intervalMs, log });
  running = scheduler;
  log(`schedule: every ${config.intervalMs / 1000} s (one process at a time runs it)`);
  process.once('sveltekit:shutdown', () => {
    running = undefined;
    scheduler.stop().catch((error: unknown) => console.error('gongjian: error while stopping the scheduler', error));
  });
}
