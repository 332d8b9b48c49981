import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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

function startHolder(dataDir: string, marker: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/embedded-cli.ts', dataDir, marker], {
      cwd: checkoutRoot,
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

describe('the embedded PostgreSQL', () => {
  it('refuses a second owner, and recovers with the data after its owner is killed with kill -9', async () => {
    const dataDir = join(await scratchFolder(), 'pg');
    const holder = await startHolder(dataDir, 'before-the-crash');

    const second = startEmbedded({ dataDir, database: 'crashtest' });
    await expect(second).rejects.toThrow(StartupError);
    await expect(second).rejects.toThrow(new RegExp(`pid ${holder.pid}`));

    const orphanPid = Number.parseInt((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!, 10);
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
