import { money } from '@gongjian/ledger';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql, Transaction } from '../../apps/web/src/lib/server/db/client';
import { clientsFor, contribution, createFund, payout } from '../support/books';
import { checkoutRoot, createMigratedDatabase, dropDatabase } from '../support/postgres';

const adminUrl = inject('adminUrl');
const { owner, app } = clientsFor(inject('databaseUrl'));

afterAll(async () => {
  await Promise.all([owner.end(), app.end()]);
});

/** A fund with two entries: a contribution of 10,000 (seq 1) and a payout of 400 (seq 2). */
async function fundWithEntries(): Promise<{ fundId: string; head: { seq: string; hash: string } }> {
  const fundId = await createFund(owner, 'invariants');
  const first = await books.post(app, { fundId, command: contribution('10000') });
  const second = await books.post(app, { fundId, command: payout('400') });
  if (!first.ok || !second.ok) throw new Error('the fixture entries were refused');
  return { fundId, head: { seq: '2', hash: second.value.hash } };
}

/** The SQLSTATE and message start of the error a statement fails with. */
async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    const { code } = error as { code?: unknown };
    return { code: String(code), message: error instanceof Error ? error.message : String(error) };
  }
  return { code: 'none', message: 'it succeeded' };
}

/** Inserts a raw entry row as the owner, as a clerk with psql would. */
function rawEntry(sql: Sql | Transaction, input: { fundId: string; seq: number; prevHash: string; key?: string }) {
  return sql`
    insert into entries (fund_id, seq, id, effective_date, recorded_at, memo, prev_hash, hash, idempotency_key, request_hash)
    values (${input.fundId}, ${input.seq}, gen_random_uuid(), '2026-03-05', now(), 'psql', ${input.prevHash},
      ${'f'.repeat(64)}, ${input.key ?? null}, ${input.key === undefined ? null : 'e'.repeat(64)})`;
}

describe('the database on its own', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of the journal to the app role, by privilege', async () => {
    const { fundId } = await fundWithEntries();
    const attempts = [
      () => app`update entries set memo = 'changed' where fund_id = ${fundId}`,
      () => app`update postings set amount = 1 where fund_id = ${fundId}`,
      () => app`delete from entries where fund_id = ${fundId}`,
      () => app`delete from postings where fund_id = ${fundId}`,
      () => app`truncate entries cascade`,
      () => app`truncate postings`
    ];
    for (const attempt of attempts) {
      expect(await failure(attempt)).toMatchObject({
        code: '42501',
        message: expect.stringMatching(/permission denied/)
      });
    }
  });

  it('refuses them to the owner too, by trigger, naming the invariant', async () => {
    const { fundId } = await fundWithEntries();
    const attempts = [
      () => owner`update entries set memo = 'changed' where fund_id = ${fundId}`,
      () => owner`update postings set amount = 1 where fund_id = ${fundId}`,
      () => owner`delete from postings where fund_id = ${fundId}`,
      // Bank matches point at postings, so a plain TRUNCATE is refused for that reason first;
      // CASCADE reaches the journal's own trigger, which refuses it for the invariant.
      () => owner`truncate postings cascade`
    ];
    for (const attempt of attempts) {
      expect(await failure(attempt)).toMatchObject({
        code: 'GJ001',
        message: expect.stringMatching(/^journal_is_append_only/)
      });
    }
  });

  it('refuses an unbalanced entry at commit', async () => {
    const { fundId, head } = await fundWithEntries();
    const attempt = () =>
      owner.begin(async (transaction) => {
        await rawEntry(transaction, { fundId, seq: 3, prevHash: head.hash });
        await transaction`
          insert into postings (fund_id, entry_seq, line_no, account_code, side, amount)
          values (${fundId}, 3, 1, '1002.01', 'debit', 5), (${fundId}, 3, 2, '4101.02', 'credit', 4)`;
      });
    expect(await failure(attempt)).toMatchObject({
      code: 'GJ002',
      message: expect.stringMatching(/^entry_must_balance/)
    });
  });

  it('refuses, at commit, an entry with no lines or one line, even among balanced ones', async () => {
    const { fundId, head } = await fundWithEntries();
    const entriesWith = (lineCounts: number[]) =>
      owner.begin(async (transaction) => {
        await transaction`
          insert into entries (fund_id, seq, id, effective_date, recorded_at, memo, prev_hash, hash)
          select ${fundId}, 2 + n, gen_random_uuid(), '2026-03-05', now(), 'psql',
            case when n = 1 then ${head.hash} else ${'f'.repeat(64)} end, ${'f'.repeat(64)}
          from generate_series(1, ${lineCounts.length}) as n`;
        for (const [index, count] of lineCounts.entries()) {
          for (let line = 1; line <= count; line += 1) {
            await transaction`
              insert into postings (fund_id, entry_seq, line_no, account_code, side, amount)
              values (${fundId}, ${3 + index}, ${line}, ${line % 2 === 1 ? '1002.01' : '4101.02'},
                ${line % 2 === 1 ? 'debit' : 'credit'}, 5)`;
          }
        }
      });
    expect(await failure(() => entriesWith([2, 0, 2]))).toMatchObject({
      code: 'GJ002',
      message: expect.stringMatching(/^entry_must_balance: entry 4 of fund \d+ has 0 lines/)
    });
    expect(await failure(() => entriesWith([2, 2, 1]))).toMatchObject({
      code: 'GJ002',
      message: expect.stringMatching(/^entry_must_balance: entry 5 of fund \d+ has 1 lines/)
    });
  });

  it('refuses lines on a missing entry or a missing account, checked once per statement', async () => {
    const { fundId, head } = await fundWithEntries();
    const lines = (entrySeq: number, account: string) =>
      owner.begin(async (transaction) => {
        if (entrySeq === 3) await rawEntry(transaction, { fundId, seq: 3, prevHash: head.hash });
        await transaction`
          insert into postings (fund_id, entry_seq, line_no, account_code, side, amount)
          values (${fundId}, ${entrySeq}, 1, '1002.01', 'debit', 5), (${fundId}, ${entrySeq}, 2, ${account}, 'credit', 5)`;
      });
    expect(await failure(() => lines(99, '4101.02'))).toMatchObject({
      code: '23503',
      message: expect.stringMatching(/^posting_entry_must_exist/)
    });
    expect(await failure(() => lines(3, '4101.99'))).toMatchObject({
      code: '23503',
      message: expect.stringMatching(/^posting_account_must_exist/)
    });
  });

  it('keeps accounts: closed, never deleted, truncated or renumbered', async () => {
    const { fundId } = await fundWithEntries();
    const attempts = [
      () => owner`delete from accounts where fund_id = ${fundId} and code = '4101.02'`,
      () => owner`update accounts set code = '4101.03' where fund_id = ${fundId} and code = '4101.02'`,
      () => owner`truncate accounts cascade`
    ];
    for (const attempt of attempts) {
      expect(await failure(attempt)).toMatchObject({
        code: 'GJ007',
        message: expect.stringMatching(/^accounts_are_kept/)
      });
    }
    await owner`update accounts set closed = true where fund_id = ${fundId} and code = '4101.02'`;
    const [account] = await owner`select closed from accounts where fund_id = ${fundId} and code = '4101.02'`;
    expect(account?.closed).toBe(true);
  });

  it('keeps the chain in order: no gap, no fork, no moved head, no lines slipped into an old entry', async () => {
    const { fundId, head } = await fundWithEntries();
    const chain = expect.stringMatching(/^entry_must_follow_chain/);
    expect(await failure(() => rawEntry(owner, { fundId, seq: 4, prevHash: head.hash }))).toMatchObject({
      code: 'GJ003',
      message: chain
    });
    expect(await failure(() => rawEntry(owner, { fundId, seq: 3, prevHash: '0'.repeat(64) }))).toMatchObject({
      code: 'GJ003',
      message: chain
    });
    // A statement of many rows is checked as a whole: a later row breaking the chain fails it.
    expect(
      await failure(
        () => owner`
          insert into entries (fund_id, seq, id, effective_date, recorded_at, memo, prev_hash, hash)
          values (${fundId}, 3, gen_random_uuid(), '2026-03-05', now(), 'psql', ${head.hash}, ${'a'.repeat(64)}),
            (${fundId}, 4, gen_random_uuid(), '2026-03-05', now(), 'psql', ${'b'.repeat(64)}, ${'c'.repeat(64)})`
      )
    ).toMatchObject({ code: 'GJ003', message: chain });
    const [first] = await owner<{ hash: string }[]>`select hash from entries where fund_id = ${fundId} and seq = 1`;
    expect(await failure(() => rawEntry(owner, { fundId, seq: 2, prevHash: first?.hash ?? '' }))).toMatchObject({
      code: '23505'
    });
    expect(await failure(() => owner`update chain_heads set last_seq = 7 where fund_id = ${fundId}`)).toMatchObject({
      code: 'GJ005'
    });
    expect(
      await failure(
        () => owner`
          insert into postings (fund_id, entry_seq, line_no, account_code, side, amount)
          values (${fundId}, 1, 3, '1002.01', 'debit', 5), (${fundId}, 1, 4, '4101.02', 'credit', 5)`
      )
    ).toMatchObject({ code: 'GJ004', message: expect.stringMatching(/^postings_must_join_new_entry/) });
  });

  it('keeps the floors on maintained balances and one entry per idempotency key', async () => {
    const { fundId, head } = await fundWithEntries();
    expect(
      await failure(
        () =>
          app`update account_balances set held_total = 9600.01 where fund_id = ${fundId} and account_code = '1002.01'`
      )
    ).toMatchObject({ code: '23514', message: expect.stringMatching(/insufficient_available_balance/) });
    expect(
      await failure(
        () =>
          app`update account_balances set credits_posted = 10000.01 where fund_id = ${fundId} and account_code = '1002.01'`
      )
    ).toMatchObject({ code: '23514', message: expect.stringMatching(/balance_must_not_go_negative/) });
    const keyed = await books.post(app, { fundId, command: contribution('1', 'only-once') });
    expect(keyed.ok).toBe(true);
    expect(
      await failure(() =>
        rawEntry(owner, { fundId, seq: 4, prevHash: keyed.ok ? keyed.value.hash : head.hash, key: 'only-once' })
      )
    ).toMatchObject({
      code: '23505',
      message: expect.stringMatching(/idempotency_key_reused/)
    });
  });

  it('lets a hold only move forward', async () => {
    const { fundId } = await fundWithEntries();
    const held = await books.hold(app, {
      fundId,
      command: { holdId: 'h', account: '1002.01', amount: money('100') }
    });
    expect(held.ok).toBe(true);
    expect(await failure(() => app`update holds set amount = 50 where fund_id = ${fundId}`)).toMatchObject({
      code: 'GJ006'
    });
    expect(await failure(() => app`delete from holds where fund_id = ${fundId}`)).toMatchObject({ code: '42501' });
    expect(await failure(() => owner`delete from holds where fund_id = ${fundId}`)).toMatchObject({ code: 'GJ001' });
  });
});

function runVerify(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/web/scripts/verify.js'], {
      cwd: checkoutRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run verify', () => {
  it('passes intact books, and names exactly the entry whose posting a superuser edited with triggers off', async () => {
    const database = await createMigratedDatabase(adminUrl, 'tamper');
    const clients = clientsFor(database.url, 2);
    try {
      const fundId = await createFund(clients.owner, 'tamper');
      for (const command of [contribution('500'), contribution('10000'), payout('300'), contribution('20')]) {
        expect((await books.post(clients.app, { fundId, command })).ok).toBe(true);
      }
      const intact = await runVerify(database.url);
      expect(intact).toMatchObject({ code: 0, output: expect.stringMatching(/verify: ok/) });

      await clients.owner.begin(async (transaction) => {
        await transaction`set local session_replication_role = replica`;
        await transaction`
          update postings set amount = 1000 where fund_id = ${fundId} and entry_seq = 2 and side = 'debit'`;
      });
      const tampered = await runVerify(database.url);
      expect(tampered.code).toBe(1);
      const entriesNamed = tampered.output.match(/fund \d+ seq \d+: \w+/g);
      expect(entriesNamed).toEqual([`fund ${fundId} seq 2: entry_was_altered`]);
      expect(tampered.output).toMatch(/account 1002\.01: balance_must_equal_postings/);
    } finally {
      await Promise.all([clients.owner.end(), clients.app.end()]);
      await dropDatabase(adminUrl, database.name);
    }
  });
});
