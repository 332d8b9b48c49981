import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

/**
 * A primary and its streaming replica, two servers of Debian's PostgreSQL 15 on loopback, for the
 * read replicas' test (tests/e2e/replica.test.ts). Each is made in a temp folder of its own on a
 * free port: the primary by initdb, with a replication role and a pg_hba line for it; the replica
 * by `pg_basebackup -R` from the primary, so it streams from it as a real standby does. As root,
 * the servers run as the `postgres` user (PostgreSQL refuses to run as root).
 */
export const PG15_BIN = '/usr/lib/postgresql/15/bin';

/** Why the pair cannot be made here, or null when it can. */
export function streamingReplicaUnavailable(): string | null {
  return existsSync(join(PG15_BIN, 'pg_basebackup'))
    ? null
    : `${PG15_BIN}/pg_basebackup is missing: the read replicas' test needs Debian's PostgreSQL 15 ` +
        '(apt-get install -y postgresql; .ci/run installs it)';
}

export interface StreamingPair {
  /** The superuser on the primary, to this database (`postgres` until the test makes its own). */
  primaryUrl(database?: string): string;
  /** The superuser on the replica, to this database. */
  replicaUrl(database?: string): string;
  /** Waits until the replica has replayed everything the primary has written so far. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  /** Holds the replica's replay (it keeps receiving WAL), or lets it go on. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Stops both servers at once and removes their folders. */
  stop(): Promise<void>;
}

const run = promisify(execFile);
const SUPERUSER = 'postgres';
const REPLICATOR = 'gongjian_replicator';

/** As root, programs run as the postgres user; as anyone else, as themselves. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()));
    });
  });
}

export async function startStreamingPair(): Promise<StreamingPair> {
  const user = await postgresUser();
  const folder = await mkdtemp(join(tmpdir(), 'gongjian-replica-'));
  if (user !== undefined) await chown(folder, user.uid, user.gid);
  const password = randomBytes(18).toString('base64url');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = join(folder, 'primary');
  const replicaDir = join(folder, 'replica');
  const env = { ...process.env, PGPASSWORD: password, LC_ALL: 'C.UTF-8', TZ: 'UTC' };
  const pg = (program: string, args: string[]) =>
    run(join(PG15_BIN, program), args, { env, cwd: folder, ...(user ?? {}) });
  const started: string[] = [];
  const stop = async () => {
    // Immediate: nothing here needs a clean shutdown, and both folders are removed next.
    for (const dir of started.reverse())
      await pg('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    await rm(folder, { recursive: true, force: true });
  };
  const url = (port: number, database = 'postgres') =>
    `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
  try {
    await initPrimary({ pg, folder, primaryDir, password, port: primaryPort, user });
    await pg('pg_ctl', ['-D', primaryDir, '-l', join(folder, 'primary.log'), '-w', 'start']);
    started.push(primaryDir);
    await addReplicator(url(primaryPort), password);
    await pg('pg_basebackup', [
      ...['-D', replicaDir, '-R', '-X', 'stream', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', REPLICATOR]
    ]);
    // The copied configuration names the primary's port; the replica's own is given at its start.
    const options = `-p ${replicaPort} -k ${folder}`;
    await pg('pg_ctl', ['-D', replicaDir, '-o', options, '-l', join(folder, 'replica.log'), '-w', 'start']);
    started.push(replicaDir);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    primaryUrl: (database) => url(primaryPort, database),
    replicaUrl: (database) => url(replicaPort, database),
    waitForReplay: (timeoutMs) => waitForReplay(url(primaryPort), url(replicaPort), timeoutMs),
    pauseReplay: () => onReplica(url(replicaPort), (sql) => sql`select pg_wal_replay_pause()`),
    resumeReplay: () => onReplica(url(replicaPort), (sql) => sql`select pg_wal_replay_resume()`),
    stop
  };
}

async function initPrimary(input: {
  pg: (program: string, args: string[]) => Promise<unknown>;
  folder: string;
  primaryDir: string;
  password: string;
  port: number;
  user: { uid: number; gid: number } | undefined;
}): Promise<void> {
  const passwordFile = join(input.folder, 'password');
  await writeFile(passwordFile, `${input.password}\n`, { mode: 0o600 });
  if (input.user !== undefined) await chown(passwordFile, input.user.uid, input.user.gid);
  await input.pg('initdb', [
    ...['-D', input.primaryDir, '-U', SUPERUSER, '--pwfile', passwordFile, '-A', 'scram-sha-256'],
    ...['-E', 'UTF8', '--locale', 'C.UTF-8', '--no-sync']
  ]);
  await rm(passwordFile);
  // A test server: nothing must survive a crash, so it does not wait for the disk.
  await appendFile(
    join(input.primaryDir, 'postgresql.conf'),
    [
      `port = ${input.port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${input.folder}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'shared_buffers = 32MB',
      ''
    ].join('\n')
  );
  await appendFile(
    join(input.primaryDir, 'pg_hba.conf'),
    `host replication ${REPLICATOR} 127.0.0.1/32 scram-sha-256\n`
  );
}

async function addReplicator(primaryUrl: string, password: string): Promise<void> {
  const sql = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  try {
    // Role DDL takes no bound parameters; the name is a constant and the password is random base64url.
    await sql.unsafe(`create role ${REPLICATOR} with login replication password '${password}'`);
  } finally {
    await sql.end();
  }
}

async function onReplica(replicaUrl: string, work: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(replicaUrl, { max: 1, onnotice: () => {} });
  try {
    await work(sql);
  } finally {
    await sql.end();
  }
}

async function waitForReplay(primaryUrl: string, replicaUrl: string, timeoutMs = 20_000): Promise<void> {
  const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  const replica = postgres(replicaUrl, { max: 1, onnotice: () => {} });
  try {
    const [written] = await primary<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [replayed] = await replica<{ caughtUp: boolean }[]>`
        select coalesce(pg_last_wal_replay_lsn() >= ${written?.lsn ?? '0/0'}::pg_lsn, false) as "caughtUp"`;
      if (replayed?.caughtUp === true) return;
      if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${written?.lsn} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await Promise.all([primary.end(), replica.end()]);
  }
}
