import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from './errors';
import type { PostgresPrograms } from './embedded-programs';
import { isRoot, type RunAs } from './embedded-system';

/**
 * Runs PostgreSQL's own programs (initdb, then the postmaster) as child processes, as the
 * postgres user when we are root. Every fault here is a StartupError with one line that says
 * what happened and what to do; a child that cannot even be spawned (EACCES, ENOENT) included.
 */

/** The last lines PostgreSQL printed, for the one-line reason when it fails. */
type RecentOutput = string[];

const READY = 'database system is ready to accept connections';
const DEBUG_HINT = 'Set GONGJIAN_DEBUG_PG=1 to see its whole output.';

export async function initialiseCluster(
  programs: PostgresPrograms,
  cluster: { dataDir: string; user: string; password: string; runAs: RunAs | undefined }
): Promise<void> {
  const { dataDir, runAs } = cluster;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
  // Beside the cluster, where the postgres user can read it, and only for as long as initdb runs.
  const passwordFile = `${dataDir}.initdb-password`;
  await rm(passwordFile, { force: true });
  await writeFile(passwordFile, `${cluster.password}\n`, { mode: 0o600 });
  if (runAs) await chown(passwordFile, runAs.uid, runAs.gid);
  try {
    await runToEnd(programs.initdb, runAs, [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      `--username=${cluster.user}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--no-locale'
    ]);
  } catch (error) {
    // initdb removes what it made when it fails, but not when it could not run at all; a folder
    // left here would only make the next start take it for a cluster.
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function runToEnd(program: string, runAs: RunAs | undefined, args: string[]): Promise<void> {
  const output: RecentOutput = [];
  const child = spawn(program, args, childOptions(runAs));
  readLines(child.stdout, output);
  readLines(child.stderr, output);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(cannotRun(program, error)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ?? `exit code ${code}`;
      reject(new StartupError(`${basename(program)} failed (${how}): ${reasonIn(output)}. ${DEBUG_HINT}`));
    });
  });
}

/** Starts the postmaster and resolves once it accepts connections. */
export function startPostmaster(
  programs: PostgresPrograms,
  where: { dataDir: string; port: number; runAs: RunAs | undefined }
): Promise<ChildProcess> {
  const output: RecentOutput = [];
  const child = spawn(
    programs.postgres,
    [
      ...['-D', where.dataDir, '-p', String(where.port)],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // Readiness is read from its log, so the log is in English whatever the cluster's locale.
      ...['-c', 'lc_messages=C']
    ],
    childOptions(where.runAs)
  );
  return new Promise((resolve, reject) => {
    let ready = false;
    readLines(child.stdout, output);
    readLines(child.stderr, output, (line) => {
      if (ready || !line.includes(READY)) return;
      ready = true;
      resolve(child);
    });
    child.once('error', (error) => reject(cannotRun(programs.postgres, error)));
    child.once('close', () => {
      if (ready) return;
      reject(
        new StartupError(
          `The embedded PostgreSQL in ${where.dataDir} did not start on port ${where.port}: ${reasonIn(output)}. ${DEBUG_HINT}`
        )
      );
    });
  });
}

/** A fast shutdown (SIGINT); an immediate one if that hangs; SIGKILL as the last resort. */
export async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<true>((resolve) => child.once('exit', () => resolve(true)));
  for (const [signal, seconds] of [
    ['SIGINT', 30],
    ['SIGQUIT', 10],
    ['SIGKILL', 10]
  ] as const) {
    child.kill(signal);
    const timeout = sleep(seconds * 1000, false, { ref: false });
    if (await Promise.race([exited, timeout])) return;
  }
}

function childOptions(runAs: RunAs | undefined) {
  return {
    ...(runAs ?? {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe']
  };
}

function cannotRun(program: string, error: Error): StartupError {
  const code = (error as NodeJS.ErrnoException).code ?? error.message;
  const who = isRoot ? 'the postgres user' : 'this user';
  return new StartupError(
    `PostgreSQL's ${basename(program)} cannot run as ${who}: ${program} (${code}). Check that it exists and that ` +
      `${who} may enter every folder above it, or set DATABASE_URL to a PostgreSQL server.`
  );
}

/**
 * Reads a child's output line by line into `output` (the last 200 lines), printing it when
 * GONGJIAN_DEBUG_PG is set. It keeps reading for as long as the child runs: a pipe nobody
 * reads fills up and then blocks PostgreSQL's logging.
 */
function readLines(stream: Readable | null, output: RecentOutput, onLine?: (line: string) => void): void {
  let partial = '';
  const take = (line: string) => {
    if (line.trim() === '') return;
    output.push(line.trim());
    if (output.length > 200) output.splice(0, output.length - 200);
    if (process.env.GONGJIAN_DEBUG_PG) console.error(`[postgres] ${line}`);
    onLine?.(line);
  };
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(take);
  });
  stream?.on('end', () => take(partial));
}

/** What PostgreSQL said last that explains a failure: its last FATAL, PANIC or ERROR line. */
function reasonIn(output: RecentOutput): string {
  return output.filter((line) => /FATAL|PANIC|ERROR/.test(line)).at(-1) ?? output.at(-1) ?? 'no output';
}
