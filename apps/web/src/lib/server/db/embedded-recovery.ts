import { existsSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from './errors';
import { commandLineOf, isErrorCode, processState, sharedMemoryAttachments } from './embedded-system';

/**
 * Clears what an earlier run that did not stop in order left in the data folder, so that
 * PostgreSQL starts cleanly. Only one Gongjian process runs a cluster at a time (embedded.ts
 * holds `<dir>.lock`), so whatever postmaster.pid names is ours to deal with. Two crashes leave
 * two different states:
 *
 * - `kill -9` of the app alone: its PostgreSQL keeps running, holding the port and postmaster.pid.
 *   It is shut down cleanly: a fast shutdown first, an immediate one if that hangs.
 * - `kill -9` of the app's whole process group: the postmaster dies with the app. Until the
 *   process that adopts it collects it, it is a zombie, and PostgreSQL, which asks kill(pid, 0)
 *   whether postmaster.pid's owner lives, takes a zombie for alive and refuses to start. Its
 *   backends run in process groups of their own, so they outlive the kill for a moment, until
 *   they notice the postmaster is gone; while any of them still holds the cluster's shared memory,
 *   PostgreSQL refuses too (and rightly so). Both clear by themselves: we wait for that, a bounded
 *   time, and if only an uncollected zombie is left then, we remove its postmaster.pid ourselves.
 */
export async function clearEarlierPostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const earlier = await readPostmasterPid(pidFile);
  if (!earlier) return;
  const { pid } = earlier;
  if (processState(pid) === 'running') {
    if (!isPostmasterOf(pid, dataDir)) return await removePidFile(pidFile);
    log(`stopping a PostgreSQL (pid ${pid}) left running by an earlier Gongjian process`);
    await stopOrphan(pid, dataDir);
  }
  // A postmaster that stopped in order has removed postmaster.pid itself.
  // Where the system does not tell who holds the shared memory, PostgreSQL checks it itself.
  const attached = () => (earlier.shmid === undefined ? 0 : (sharedMemoryAttachments(earlier.shmid) ?? 0));
  const released = () => !existsSync(pidFile) || (processState(pid) === 'gone' && attached() === 0);
  if (await waitUntil(released, RELEASE_WAIT_MS)) return;
  if (attached() > 0) {
    throw new StartupError(
      `${attached()} processes of an earlier PostgreSQL (pid ${pid}) still use its shared memory (ID ${earlier.shmid}) ` +
        `for ${dataDir}. Stop them (ps ax | grep postgres: lists them), then start again.`
    );
  }
  const state = processState(pid);
  if (state === 'running' && isPostmasterOf(pid, dataDir)) {
    throw new StartupError(`A PostgreSQL (pid ${pid}) still holds ${dataDir}. Stop it, then start again.`);
  }
  // An uncollected zombie, or a new process that took over its pid: neither is PostgreSQL.
  if (state === 'zombie') log(`removing the postmaster.pid of PostgreSQL pid ${pid}, which has exited`);
  await removePidFile(pidFile);
}

/**
 * How long to wait for a dead postmaster to be collected and its backends to exit. Collecting
 * takes up to about two seconds on a machine whose init process collects orphans on a timer.
 */
const RELEASE_WAIT_MS = 5_000;

interface PostmasterPid {
  pid: number;
  /** The System V shared memory segment's id, once PostgreSQL has written it (line 7). */
  shmid: number | undefined;
}

async function readPostmasterPid(pidFile: string): Promise<PostmasterPid | undefined> {
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return undefined;
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const shmid = Number.parseInt(lines[6]?.trim().split(/\s+/)[1] ?? '', 10);
  return { pid, shmid: Number.isInteger(shmid) ? shmid : undefined };
}

/** The postmaster of this cluster runs as `postgres -D <dataDir> …`; a process that took over its pid does not. */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  return `${commandLineOf(pid) ?? ''} `.includes(`-D ${dataDir} `);
}

async function stopOrphan(pid: number, dataDir: string): Promise<void> {
  for (const [signal, seconds] of [
    ['SIGINT', 30],
    ['SIGQUIT', 10]
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      // ESRCH: it exited by itself meanwhile, which is what we want.
      if (!isErrorCode(error, 'ESRCH')) throw error;
    }
    if (await waitUntil(() => processState(pid) !== 'running', seconds * 1000)) return;
  }
  throw new StartupError(
    `A PostgreSQL (pid ${pid}) still holds ${dataDir} and would not stop. Stop it, then start again.`
  );
}

async function removePidFile(pidFile: string): Promise<void> {
  await unlink(pidFile).catch((error: unknown) => {
    if (!isErrorCode(error, 'ENOENT')) throw error;
  });
}

/**
 * Polls `condition` until it holds or `ms` have passed. Nothing notifies us when a process that
 * is not our child exits, so looking again is the only way to know.
 */
async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}
