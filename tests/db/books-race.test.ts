import { money } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { clientsFor, contribution, createFund, poolAvailable } from '../support/books';
import { startWorker, stopWorker, type Worker } from '../support/books-processes';
import { createMigratedDatabase, dropDatabase } from '../support/postgres';

const adminUrl = inject('adminUrl');
const SEEDS = [1, 2, 3, 5, 8, 13, 21, 34];
const PER_PROCESS = 100;

let database: { url: string; name: string };
let clients: { owner: Sql; app: Sql };
let workers: Worker[] = [];

// The race runs in a database of its own, because the unlocked control leaves its books wrong on
// purpose, which would show in every other test's verification.
beforeAll(async () => {
  database = await createMigratedDatabase(adminUrl, 'race');
  clients = clientsFor(database.url, 2);
  workers = await Promise.all([startWorker(['race', database.url]), startWorker(['race', database.url])]);
});

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await Promise.all([clients.owner.end(), clients.app.end()]);
  await dropDatabase(adminUrl, database.name);
});

/** A fund whose pool holds 10,000.00, raced by both processes with 100 reservations of 100 each. */
async function raceOnce(
  seed: number,
  mode: 'locked' | 'unlocked'
): Promise<{ counts: Record<string, number>; fundId: string }> {
  const fundId = await createFund(clients.owner, 'race');
  const funded = await books.post(clients.app, { fundId, command: contribution('10000') });
  if (!funded.ok) throw new Error(funded.code);
  workers.forEach((worker, index) =>
    worker.send({ fundId, mode, count: PER_PROCESS, prefix: `p${index}`, seed: seed * 10 + index })
  );
  const answers = await Promise.all(workers.map((worker) => worker.nextLine()));
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    for (const [outcome, count] of Object.entries(JSON.parse(answer) as Record<string, number>)) {
      counts[outcome] = (counts[outcome] ?? 0) + count;
    }
  }
  return { counts, fundId };
}

async function openHoldsTotal(fundId: string): Promise<string> {
  const [row] = await clients.owner<{ total: string }[]>`
    select coalesce(sum(amount), 0)::numeric(18, 2)::text as total from holds where fund_id = ${fundId} and status = 'open'`;
  return row?.total ?? '';
}

describe('two app processes racing 200 reservations of 100 against 10,000 available', () => {
  it('never overdraw through the posting path: exactly 100 succeed, over every seed', async () => {
    for (const seed of SEEDS) {
      const { counts, fundId } = await raceOnce(seed, 'locked');
      expect({ seed, counts }).toEqual({ seed, counts: { ok: 100, insufficient_available_balance: 100 } });
      expect(await poolAvailable(clients.owner, fundId)).toBe('0.00');
      expect(await openHoldsTotal(fundId)).toBe('10000.00');
    }
    expect(await books.verifyBooks(clients.owner)).toMatchObject({ ok: true, findings: [] });
  });

  it('do overdraw through an unlocked variant, which proves the race test can catch a missing lock', async () => {
    let overdrawn = false;
    for (let attempt = 0; attempt < 5 && !overdrawn; attempt += 1) {
      const { counts, fundId } = await raceOnce(100 + attempt, 'unlocked');
      // Lost updates: more reservations succeed than the pool can pay, and the held total no
      // longer says what the holds add up to.
      overdrawn = (counts.ok ?? 0) > 100 && money(await openHoldsTotal(fundId)).greaterThan(money('10000'));
    }
    expect(overdrawn).toBe(true);
  });
});
