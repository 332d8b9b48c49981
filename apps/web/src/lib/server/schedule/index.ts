export { runDueSteps, SCHEDULE_LOCK_KEY, type ScheduleRun, type StepRun, type StepOutcome } from './run';
export { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler';
export { readScheduleConfig, startSchedule, SCHEDULER_INTERVAL_SECONDS_DEFAULT, type ScheduleConfig } from './start';
export { SCHEDULE_STEPS } from './steps';
export type { ScheduleContext, ScheduleStep } from './step';
export {
  scheduleOverview,
  SCHEDULE_RUNS_SHOWN,
  type ScheduleOverview,
  type ScheduleRunRow,
  type StepLastRun
} from './runs';
