import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StartupError } from './errors';

/**
 * What the embedded PostgreSQL needs to know about the machine: whether we are root, which user
 * PostgreSQL runs as, which folders that user may enter, and whether a process is running, a
 * zombie or gone. Linux answers from /proc; elsewhere `ps` answers.
 */

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The OS user PostgreSQL runs as when Gongjian runs as root (PostgreSQL refuses to run as root). */
export const POSTGRES_USER = 'postgres';

/** The ids to run PostgreSQL's programs with: the postgres user's as root, our own otherwise. */
export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * As root, the postgres user's ids, creating the user first if it does not exist yet (as a
 * system user with no home and no password). Not root: undefined, the programs run as we do.
 */
export function postgresUser(): RunAs | undefined {
  if (!isRoot) return undefined;
  const existing = lookUpUser(POSTGRES_USER);
  if (existing) return existing;
  try {
    if (!groupExists(POSTGRES_USER)) execFileSync('groupadd', ['--system', POSTGRES_USER], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', POSTGRES_USER, '--no-create-home', POSTGRES_USER], {
      stdio: 'pipe'
    });
  } catch (error) {
    throw new StartupError(
      `PostgreSQL will not run as root, and creating a "${POSTGRES_USER}" user for it failed (${firstLineOf(error)}). ` +
        `Create that user (useradd --system ${POSTGRES_USER}), or start Gongjian as a user other than root.`
    );
  }
  const created = lookUpUser(POSTGRES_USER);
  if (!created) throw new StartupError(`The user "${POSTGRES_USER}" was created but cannot be found. Start again.`);
  return created;
}

function lookUpUser(name: string): RunAs | undefined {
  try {
    const uid = Number.parseInt(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: 'pipe' }), 10);
    const gid = Number.parseInt(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: 'pipe' }), 10);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    // `id` exits non-zero for a user that does not exist.
    return undefined;
  }
}

function groupExists(name: string): boolean {
  try {
    execFileSync('getent', ['group', name], { stdio: 'pipe' });
    return true;
  } catch {
    // getent exits 2 for a group that does not exist.
    return false;
  }
}

/**
 * The first folder, from `folder` up to `/`, that other users may not enter (no search bit for
 * others), or undefined if the postgres user can walk all the way down to `folder`.
 */
export async function firstClosedFolder(folder: string): Promise<string | undefined> {
  for (let current = folder; ; current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) return current;
    if (current === dirname(current)) return undefined;
  }
}

/** A zombie has exited but its parent has not collected it yet; it holds nothing but its pid. */
export type ProcessState = 'running' | 'zombie' | 'gone';

export function processState(pid: number): ProcessState {
  // kill(0) or kill(-n) would signal whole process groups; such a pid names no process of ours.
  if (!Number.isInteger(pid) || pid <= 0) return 'gone';
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if (!isErrorCode(error, 'EPERM')) return 'gone';
  }
  const letter = stateLetter(pid);
  if (letter === undefined) return 'gone';
  // Z is a zombie; X is a process in the last instant of being collected.
  return letter === 'Z' || letter === 'X' ? 'zombie' : 'running';
}

const hasProc = existsSync('/proc/self/stat');

function stateLetter(pid: number): string | undefined {
  if (hasProc) {
    try {
      // "pid (command) S …": the command may itself hold parentheses, so the state follows the last one.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    } catch {
      // The process disappeared between the two looks.
      return undefined;
    }
  }
  return psColumn(pid, 'stat')?.trim().charAt(0);
}

/** The process's command line, its arguments joined by spaces. */
export function commandLineOf(pid: number): string | undefined {
  if (hasProc) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      // The process is gone.
      return undefined;
    }
  }
  return psColumn(pid, 'args')?.trim();
}

function psColumn(pid: number, column: string): string | undefined {
  try {
    return execFileSync('ps', ['-o', `${column}=`, '-p', String(pid)], { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    // ps exits non-zero when the process is gone.
    return undefined;
  }
}

/**
 * How many processes are attached to the System V shared memory segment `shmid`: 0 when it is
 * gone, undefined where the system does not say (no /proc/sysvipc); PostgreSQL checks it then.
 */
export function sharedMemoryAttachments(shmid: number): number | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/sysvipc/shm', 'utf8');
  } catch {
    // Not Linux, or System V IPC is not visible here.
    return undefined;
  }
  // Columns: key shmid perms size cpid lpid nattch …
  for (const line of table.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    if (Number(columns[1]) === shmid) return Number(columns[6]);
  }
  return 0;
}

export function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** The first line of an error's message (or a child's stderr), for a one-line report. */
export function firstLineOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown } | undefined)?.stderr;
  const text = typeof stderr === 'string' || stderr instanceof Buffer ? String(stderr) : '';
  const message = error instanceof Error ? error.message : String(error);
  return (text.trim() || message).split('\n')[0]?.trim() ?? message;
}

/**
 * Where the cluster and a copy of PostgreSQL's programs go when the postgres user cannot reach
 * the checkout (see embedded.ts and embedded-programs.ts).
 */
export const FALLBACK_ROOT = '/var/lib/gongjian';

/**
 * Makes `folder` (inside FALLBACK_ROOT) and every folder between it and FALLBACK_ROOT, open to
 * the postgres user: mode 755 whatever root's umask is, since a 700 folder here would defeat
 * the very reason for moving.
 */
export async function makeFallbackFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let current = folder; current.startsWith(FALLBACK_ROOT); current = dirname(current)) {
    await chmod(current, 0o755);
    if (current === FALLBACK_ROOT) break;
  }
}
