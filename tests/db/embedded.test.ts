import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile, chown } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { startEmbedded } from '../../apps/web/src/lib/server/db/embedded';
import { StartupError } from '../../apps/web/src/lib/server/db/errors';
import { checkoutRoot } from '../support/postgres';

const folders: string[] = [];

async function scratchFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'gongjian-embedded-'));
  // mkdtemp makes a 0700 folder; as root, PostgreSQL runs as `postgres` and must walk into it.
  await chmod(folder, 0o755);
  folders.push(folder);
  return folder;
}

afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/**
 * Runs tests/support/embedded-cli.ts, which starts a cluster in `dataDir`, writes `marker` and
 * holds. With `ownGroup`, it leads a process group of its own, which its PostgreSQL joins, as
 * `npm start` does in a terminal.
 */
function startHolder(dataDir: string, marker: string, options: { ownGroup?: boolean } = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/embedded-cli.ts', dataDir, marker], {
      cwd: checkoutRoot,
      detached: options.ownGroup ?? false,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('READY')) resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`embedded-cli exited with ${code}: ${output}`)));
  });
}

/** True for a live process; a zombie (dead, not yet reaped by whoever adopted it) is not. */
function isRunning(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return false;
  }
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** kill -9 of the child's whole process group: the app and its postmaster die together. */
function killGroupHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    process.kill(-(child.pid as number), 'SIGKILL');
  });
}

/** The process group of a process, from /proc/<pid>/stat (the fifth field, after the command). */
async function processGroupOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/**
 * A process that has exited and that nobody collects: its parent, `sleep`, never waits for
 * children. It stays a zombie until `release` ends the parent.
 */
async function startZombie(): Promise<{ pid: number; release(): void }> {
  // As root it belongs to the postgres user, as a dead postmaster does: PostgreSQL's kill(pid, 0)
  // takes a process it may not signal (EPERM) for gone, but one of its own user's for alive.
  const runAs =
    process.getuid?.() === 0
      ? { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) }
      : {};
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 600'], {
    ...runAs,
    stdio: ['ignore', 'pipe', 'ignore']
  });
  const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
  const pid = Number(chunk.toString().trim());
  await expect.poll(async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.charAt(0)).toBe('Z');
  return { pid, release: () => parent.kill('SIGKILL') };
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number.parseInt((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!, 10);
}

describe('the embedded PostgreSQL', () => {
  it('refuses a second owner, and recovers with the data after its owner is killed with kill -9', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    const holder = await startHolder(dataDir, 'before-the-crash');

    const second = startEmbedded({ dataDir, database: 'crashtest' });
    await expect(second).rejects.toThrow(StartupError);
    await expect(second).rejects.toThrow(new RegExp(`pid ${holder.pid}`));

    const orphanPid = await postmasterPid(dataDir);
    await killHard(holder);
    // The PostgreSQL child outlives its killed owner, still holding the port and postmaster.pid.
    expect(isRunning(orphanPid)).toBe(true);

    const restarted = await startEmbedded({ dataDir, database: 'crashtest' });
    const sql = createClient(restarted.url, { max: 1 });
    try {
      const rows = await sql`select value from markers`;
      expect(rows.map((row) => row.value)).toEqual(['before-the-crash']);
    } finally {
      await sql.end();
      await restarted.stop();
    }
    expect(isRunning(orphanPid)).toBe(false);
  });

  it('starts again at once, with the data, after kill -9 of the whole process group, round after round', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    const markers: string[] = [];
    // One lucky round proves little: the postmaster is a zombie for a moment after each kill, and
    // its backends (in process groups of their own) outlive it for another.
    for (let round = 1; round <= 5; round += 1) {
      const marker = `group-kill-${round}`;
      const holder = await startHolder(dataDir, marker, { ownGroup: true });
      markers.push(marker);
      const postmaster = await postmasterPid(dataDir);
      expect(await processGroupOf(postmaster)).toBe(holder.pid);
      await killGroupHard(holder);
    }
    const restarted = await startEmbedded({ dataDir, database: 'crashtest' });
    const sql = createClient(restarted.url, { max: 1 });
    try {
      const rows = await sql`select value from markers order by value`;
      expect(rows.map((row) => row.value)).toEqual(markers);
    } finally {
      await sql.end();
      await restarted.stop();
    }
  }, 300_000);

  it('starts when postmaster.pid names a PostgreSQL that has exited but that nobody has collected', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    const first = await startEmbedded({ dataDir, database: 'zombie' });
    const pidFile = join(dataDir, 'postmaster.pid');
    const lockLines = await readFile(pidFile, 'utf8');
    await first.stop();
    const zombie = await startZombie();
    const log: string[] = [];
    try {
      // What a postmaster killed together with its app leaves when the process that adopted it
      // does not collect it (an init that never reaps): PostgreSQL's kill(pid, 0) still reaches it.
      await writeFile(pidFile, lockLines.replace(/^\d+/, String(zombie.pid)));
      const restarted = await startEmbedded({ dataDir, database: 'zombie', log: (line) => log.push(line) });
      await restarted.stop();
    } finally {
      zombie.release();
    }
    expect(log).toContain(`removing the postmaster.pid of PostgreSQL pid ${zombie.pid}, which has exited`);
  });

  it('starts afresh over what an interrupted first start left behind', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    // initdb killed halfway: a data folder without postmaster.opts (never started), no secret
    // file yet, initdb's password file, and the lock of a process that is gone.
    await mkdir(join(dataDir, 'base'), { recursive: true });
    await writeFile(join(dataDir, 'PG_VERSION'), '17\n');
    await writeFile(`${dataDir}.initdb-password`, 'left behind\n');
    await writeFile(`${dataDir}.lock`, '2147483646');
    const log: string[] = [];
    const server = await startEmbedded({ dataDir, database: 'afresh', log: (line) => log.push(line) });
    await server.stop();
    expect(log).toContain(`removing an unfinished database folder ${dataDir} (initdb was interrupted)`);
    await expect(readFile(`${dataDir}.initdb-password`, 'utf8')).rejects.toThrow(/ENOENT/);
    await expect(readFile(`${dataDir}.lock`, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('keeps the data across a clean restart', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    for (const marker of ['first', 'second']) {
      const server = await startEmbedded({ dataDir, database: 'restart' });
      const sql = createClient(server.url, { max: 1 });
      await sql`create table if not exists markers (value text)`;
      await sql`insert into markers values (${marker})`;
      const rows = await sql`select value from markers order by value`;
      await sql.end();
      await server.stop();
      expect(rows.map((row) => row.value)).toEqual(marker === 'first' ? ['first'] : ['first', 'second']);
    }
  });

  it('leaves the exit code of the process that used it alone', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/exit-code-cli.ts', dataDir], {
      cwd: checkoutRoot,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(3);
  });

  it('explains a data folder that belongs to someone else', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'PG_VERSION'), '17\n');
    await writeFile(`${dataDir}.secret.json`, JSON.stringify({ user: 'postgres', password: 'x' }));
    // nobody (65534) is neither the current user nor the postgres user root runs the server as.
    const notOurs = process.getuid?.() === 65534 ? 65533 : 65534;
    await chown(dataDir, notOurs, notOurs).catch(() => undefined);
    if (process.getuid?.() !== 0) return expect(true).toBe(true); // Only root may give a folder away.
    await expect(startEmbedded({ dataDir, database: 'x' })).rejects.toThrow(/belongs to user id 65534/);
  });
});
