import { afterAll, describe, expect, inject, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { clientsFor, contribution, createFund, payout, poolAvailable } from '../support/books';
import { startWorker, stopWorker } from '../support/books-processes';
import { createMigratedDatabase, dropDatabase } from '../support/postgres';

const adminUrl = inject('adminUrl');
const { owner, app } = clientsFor(inject('databaseUrl'));

afterAll(async () => {
  await Promise.all([owner.end(), app.end()]);
});

/** How many transactions wrote the fund's entries: one per group. */
async function transactionsOf(sql: Sql, fundId: string): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(distinct xmin::text)::int as count from entries where fund_id = ${fundId}`;
  return row?.count ?? 0;
}

async function seqsOf(sql: Sql, fundId: string): Promise<number[]> {
  const rows = await sql<{ seq: number }[]>`select seq::int as seq from entries where fund_id = ${fundId} order by seq`;
  return rows.map((row) => row.seq);
}

describe('group commit of concurrent posts to one fund', () => {
  it('gives each post its own result: a rejection in the group leaves its neighbours posted, in arrival order', async () => {
    const fundId = await createFund(owner, 'group');
    const outcomes = await Promise.all([
      books.post(app, { fundId, command: contribution('100') }),
      books.post(app, { fundId, command: payout('1000') }),
      books.post(app, { fundId, command: payout('60') }),
      books.post(app, { fundId, command: payout('50') }),
      books.post(app, { fundId, command: contribution('1') })
    ]);
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.value.seq : outcome.code))).toEqual([
      1,
      'balance_must_not_go_negative',
      2,
      'balance_must_not_go_negative',
      3
    ]);
    // The fifth post saw the balance the third left: they were decided in one transaction.
    expect(await transactionsOf(owner, fundId)).toBe(1);
    expect(await poolAvailable(owner, fundId)).toBe('41.00');
    expect((await books.verifyBooks(owner)).findings.filter((finding) => finding.fundId === fundId)).toEqual([]);
  });

  it('answers the same key twice in one group as a replay, and a changed body as idempotency_key_reused', async () => {
    const fundId = await createFund(owner, 'group-keys');
    const [first, replay, changed, other] = await Promise.all([
      books.post(app, { fundId, command: contribution('10', 'gift-1') }),
      books.post(app, { fundId, command: contribution('10', 'gift-1') }),
      books.post(app, { fundId, command: contribution('11', 'gift-1') }),
      books.post(app, { fundId, command: contribution('12', 'gift-2') })
    ]);
    expect(first?.ok && replay?.ok && other?.ok).toBe(true);
    if (!first?.ok || !replay?.ok || !other?.ok) return;
    expect(replay.value).toEqual(first.value);
    expect(changed).toMatchObject({ ok: false, code: 'idempotency_key_reused', idempotencyKey: 'gift-1' });
    expect(other.value.previousHash).toBe(first.value.hash);
    expect(await seqsOf(owner, fundId)).toEqual([1, 2]);
    expect(await transactionsOf(owner, fundId)).toBe(1);
    const again = await books.post(app, { fundId, command: contribution('10', 'gift-1') });
    expect(again).toEqual(first);
  });

  it('keeps many concurrent posts gap-free and chained, in groups bounded by the group size', async () => {
    const fundId = await createFund(owner, 'group-many');
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, index) => books.post(app, { fundId, command: contribution(`${index + 1}.00`) }))
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await seqsOf(owner, fundId)).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
    expect(await transactionsOf(owner, fundId)).toBeGreaterThanOrEqual(2);
    expect((await books.verifyBooks(owner)).findings.filter((finding) => finding.fundId === fundId)).toEqual([]);
  });

  it('runs each post alone when the database refuses the group, so only the post at fault fails', async () => {
    const database = await createMigratedDatabase(adminUrl, 'group_fallback');
    const clients = clientsFor(database.url, 4);
    try {
      // A check the ledger does not know of stands for a bug or a writer the decisions did not see.
      await clients.owner`
        create function refuse_poison() returns trigger language plpgsql as $$
        begin
          if new.memo = 'poison' then
            raise exception 'memo_must_not_be_poison' using errcode = '23514';
          end if;
          return new;
        end
        $$`;
      await clients.owner`create trigger refuse_poison before insert on entries for each row execute function refuse_poison()`;
      const fundId = await createFund(clients.owner, 'fallback');
      const [before, poisoned, after] = await Promise.allSettled([
        books.post(clients.app, { fundId, command: contribution('5') }),
        books.post(clients.app, { fundId, command: { ...contribution('6'), memo: 'poison' } }),
        books.post(clients.app, { fundId, command: contribution('7') })
      ]);
      expect(before).toMatchObject({ status: 'fulfilled', value: { ok: true, value: { seq: 1 } } });
      expect(poisoned).toMatchObject({ status: 'rejected', reason: { code: '23514' } });
      expect(after).toMatchObject({ status: 'fulfilled', value: { ok: true, value: { seq: 2 } } });
      expect(await poolAvailable(clients.owner, fundId)).toBe('12.00');
      expect(await books.verifyBooks(clients.owner)).toMatchObject({ ok: true, findings: [] });
    } finally {
      await Promise.all([clients.owner.end(), clients.app.end()]);
      await dropDatabase(adminUrl, database.name);
    }
  });

  it('keeps one chain when two app processes each group their own posts to the same fund', async () => {
    const fundId = await createFund(owner, 'group-processes');
    const url = inject('databaseUrl');
    const workers = await Promise.all([startWorker(['serve', url, fundId]), startWorker(['serve', url, fundId])]);
    try {
      const PER_PROCESS = 150;
      workers.forEach((worker, process) => {
        for (let index = 0; index < PER_PROCESS; index += 1) {
          worker.send({ key: `p${process}-${index}`, kind: 'post', amount: `${(index % 50) + 1}.25` });
        }
      });
      const answers = await Promise.all(
        workers.map((worker) => Promise.all(Array.from({ length: PER_PROCESS }, () => worker.nextLine())))
      );
      expect(answers.flat().filter((answer) => !answer.startsWith('ACK '))).toEqual([]);
    } finally {
      await Promise.all(workers.map(stopWorker));
    }
    expect(await seqsOf(owner, fundId)).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
    expect((await books.verifyBooks(owner)).findings.filter((finding) => finding.fundId === fundId)).toEqual([]);
  });
});
