import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { startEmbedded, type EmbeddedServer } from '../../apps/web/src/lib/server/db/embedded';
import { migrate } from '../../apps/web/src/lib/server/db/migrate';
import { readMigrationDirectory } from '../../apps/web/src/lib/server/db/migration-files';
import { contribution, createFund } from '../support/books';
import { killHard, startWorker, type Worker } from '../support/books-processes';
import { sqlDirectory } from '../support/postgres';

const ROUNDS = 20;
/** The round in which PostgreSQL itself is stopped with an immediate shutdown instead of the app. */
const ROUND_POSTGRES_CRASH = 9;

let folder = '';
let server: EmbeddedServer | undefined;

afterAll(async () => {
  await server?.stop();
  if (folder !== '') await rm(folder, { recursive: true, force: true });
});

async function startServer(dataDir: string): Promise<{ server: EmbeddedServer; sql: Sql }> {
  const started = await startEmbedded({ dataDir, database: 'crash' });
  return { server: started, sql: createClient(started.url, { max: 2 }) };
}

/** Feeds the worker a steady stream of posts and holds until it dies; returns what was sent. */
async function feed(worker: Worker, round: number, until: Promise<unknown>): Promise<void> {
  let stopped = false;
  void until.then(() => (stopped = true));
  for (let index = 0; !stopped; index += 1) {
    const kind = index % 4 === 3 ? 'hold' : 'post';
    worker.send({ key: `r${round}-${kind}-${index}`, kind, amount: `${(index % 50) + 1}.25` });
    await sleep(1);
  }
}

/** Resolves once the worker has acknowledged `count` commands, or has exited. */
function acknowledgements(worker: Worker, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (worker.lines.filter((line) => line.startsWith('ACK ')).length < count) return;
      worker.child.stdout?.off('data', check);
      resolve();
    };
    worker.child.stdout?.on('data', check);
    void worker.exited.then(() => resolve());
    check();
  });
}

/** Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, recovery from the WAL on restart. */
async function crashPostgres(dataDir: string): Promise<void> {
  const pid = Number.parseInt((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
  process.kill(pid, 'SIGQUIT');
  for (let waited = 0; waited < 100; waited += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
  throw new Error(`postmaster ${pid} did not stop`);
}

describe('crashes mid-posting', () => {
  it('lose no acknowledged entry and leave no partial one, over 20 kill -9s of the app and one PostgreSQL crash', async () => {
    folder = await mkdtemp(join(tmpdir(), 'gongjian-books-crash-'));
    // mkdtemp makes a 0700 folder; as root, PostgreSQL runs as `postgres` and must walk into it.
    await chmod(folder, 0o755);
    const dataDir = join(folder, 'pg');
    let current = await startServer(dataDir);
    server = current.server;
    await migrate(current.sql, await readMigrationDirectory(sqlDirectory));
    const fundId = await createFund(current.sql, 'crash');
    const funded = await books.post(current.sql, { fundId, command: contribution('1000000') });
    expect(funded.ok).toBe(true);

    const acknowledged: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const worker = await startWorker(['serve', current.server.url, fundId]);
      // The crash comes after a random number of acknowledgements, not after a random time: on a
      // loaded machine a fixed time may pass before the worker has committed anything at all, and
      // the round would prove nothing. Posts keep arriving meanwhile, so the kill lands mid-posting.
      const crashAfter = acknowledgements(worker, 11 + Math.floor(Math.random() * 20));
      const crashed = crashAfter.then(async () => {
        if (round === ROUND_POSTGRES_CRASH) await crashPostgres(dataDir);
        await killHard(worker);
      });
      await feed(worker, round, crashed);
      await crashed;
      acknowledged.push(...worker.lines.filter((line) => line.startsWith('ACK ')).map((line) => line.slice(4)));
      if (round === ROUND_POSTGRES_CRASH) {
        await current.sql.end({ timeout: 1 }).catch(() => undefined);
        current = await startServer(dataDir);
        server = current.server;
      }
      const [stored] = await current.sql<{ missing: string[] }[]>`
        select coalesce(array_agg(key), '{}') as missing
        from unnest(${acknowledged}::text[]) as key
        where not exists (select 1 from entries where fund_id = ${fundId} and idempotency_key = key)
          and not exists (select 1 from holds where fund_id = ${fundId} and id = key)`;
      expect({ round, missing: stored?.missing }).toEqual({ round, missing: [] });
      expect({ round, report: await books.verifyBooks(current.sql) }).toMatchObject({ round, report: { ok: true } });
    }
    expect(acknowledged.length).toBeGreaterThan(ROUNDS * 10);
    await current.sql.end();
    // Twenty crashes, each a restart of the app and a recovery of PostgreSQL: about 40 s on a quiet
    // machine and several times that on a loaded one; the allowance follows the work.
  }, 300_000);
});
