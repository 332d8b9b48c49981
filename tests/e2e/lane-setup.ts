import { inject } from 'vitest';

/**
 * Runs in the worker before each browser test file loads, and points the file at its worker's
 * lane (see LANES in global-setup.ts): `inject('baseUrl')`, `inject('databaseUrl')` and
 * `inject('appLogPath')` then answer the lane's app, database and log, for the fixtures and for a
 * file that injects them itself. Vitest numbers a running file's worker from 1 to maxWorkers
 * (VITEST_POOL_ID), and no two files run at the same time under one number, so two files never
 * share a lane at the same time.
 *
 * Vitest has no public way to provide a value per worker, so this writes into the context that
 * `inject` reads; the check below fails every file loudly should a vitest upgrade change that.
 */
interface WorkerState {
  providedContext: Record<string, unknown>;
}

const lanes = inject('e2eLanes');
const poolId = Number(process.env['VITEST_POOL_ID'] ?? '1');
const lane = lanes[poolId - 1];
if (lane === undefined) {
  throw new Error(`e2e: worker ${poolId} has no lane (${lanes.length} started); the lanes follow maxWorkers`);
}
const state = (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__;
if (state === undefined) throw new Error('e2e: vitest worker state not found; the lanes cannot be set');
Object.assign(state.providedContext, lane);
if (inject('baseUrl') !== lane.baseUrl || inject('databaseUrl') !== lane.databaseUrl) {
  throw new Error('e2e: inject() did not take the lane; see tests/e2e/lane-setup.ts');
}
