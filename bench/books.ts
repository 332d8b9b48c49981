// Benchmarks of the books in PostgreSQL, each against a baseline measured in the same run on the
// same server (synchronous_commit stays on):
//   - single postings through the real posting path, 1 and 16 concurrent clients, against raw
//     one-row INSERT transactions at the same concurrency (goal: ≥ 0.35 at 16 clients);
//   - batch import (postBatch) in entries/s against COPY of posting-shaped rows in rows/s
//     (goal: ≥ 15,000 entries/s);
//   - the trial balance from maintained balances over 1M postings, against a scan of the postings
//     (goal: < 50 ms).
// Usage: npm run bench -- books
import { money, type PostCommand } from '@gongjian/ledger';
import * as books from '../apps/web/src/lib/server/books';
import type { Sql } from '../apps/web/src/lib/server/db/client';
import { clientsFor, contribution, createFund } from '../tests/support/books';
import { createMigratedDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { median } from './support/stats';

const ROUNDS = 5;
const SECONDS_PER_ROUND = 2;
const BATCH_ENTRIES = 10_000;
const POSTINGS_FOR_TRIAL_BALANCE = 1_000_000;

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function line(name: string, value: number, unit: string, baseline?: { name: string; value: number }): void {
  const ratio = baseline === undefined ? '' : `   ×${(value / baseline.value).toFixed(2)} of ${baseline.name}`;
  console.log(`${name.padEnd(44)} ${format(value).padStart(10)} ${unit}${ratio}`);
}

/** Runs `clients` loops of an operation for a fixed time and returns operations per second. */
async function throughput(clients: number, operation: () => Promise<unknown>): Promise<number> {
  const until = performance.now() + SECONDS_PER_ROUND * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        await operation();
        done += 1;
      }
    })
  );
  return (done / (performance.now() - started)) * 1000;
}

function commandsFor(count: number, offset: number): PostCommand[] {
  return Array.from({ length: count }, (_, index) =>
    contribution(`${((offset + index) % 997) + 1}.${String(index % 100).padStart(2, '0')}`)
  );
}

async function singlePostings(owner: Sql, app: Sql): Promise<void> {
  await owner`create table bench_raw (id bigint generated always as identity primary key, fund_id bigint not null, amount numeric(18, 2) not null)`;
  await owner`grant select, insert on bench_raw to gongjian_app`;
  const fundId = await createFund(owner, 'bench');
  const amount = money('12.34');
  const posting = () => books.post(app, { fundId, command: contribution(amount.toString()) });
  const raw = () =>
    app.begin((transaction) => transaction`insert into bench_raw (fund_id, amount) values (${fundId}, ${'12.34'})`);
  for (const clients of [1, 16]) {
    await throughput(clients, posting);
    const samples = { posting: [] as number[], raw: [] as number[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      samples.posting.push(await throughput(clients, posting));
      samples.raw.push(await throughput(clients, raw));
    }
    const baseline = {
      name: `raw one-row INSERT transactions (${format(median(samples.raw))}/s)`,
      value: median(samples.raw)
    };
    line(`post, ${clients} client${clients === 1 ? '' : 's'}`, median(samples.posting), 'entries/s', baseline);
  }
}

async function batchImport(owner: Sql, app: Sql): Promise<void> {
  await owner`create table bench_copy (fund_id bigint, entry_seq bigint, line_no int, account_code text, side text, amount numeric(18, 2))`;
  const samples = { batch: [] as number[], copy: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const fundId = await createFund(owner, 'batch');
    const commands = commandsFor(BATCH_ENTRIES, round);
    let started = performance.now();
    const posted = await books.postBatch(app, { fundId, commands });
    if (!posted.ok) throw new Error(`batch refused: ${posted.code}`);
    samples.batch.push((BATCH_ENTRIES / (performance.now() - started)) * 1000);

    const rows = BATCH_ENTRIES * 2;
    started = performance.now();
    const writable = await owner`copy bench_copy from stdin`.writable();
    await new Promise<void>((resolve, reject) => {
      writable.on('error', reject);
      writable.on('finish', resolve);
      for (let index = 0; index < rows; index += 1) {
        writable.write(`${fundId}\t${index >> 1}\t${(index & 1) + 1}\t1002.01\tdebit\t${(index % 997) + 1}.25\n`);
      }
      writable.end();
    });
    samples.copy.push((rows / (performance.now() - started)) * 1000);
  }
  const baseline = {
    name: `COPY of posting rows (${format(median(samples.copy))} rows/s)`,
    value: median(samples.copy)
  };
  line(`postBatch, ${format(BATCH_ENTRIES)} two-line entries`, median(samples.batch), 'entries/s', baseline);
}

async function trialBalance(owner: Sql, app: Sql): Promise<void> {
  const fundId = await createFund(owner, 'trial');
  for (let offset = 0; offset < POSTINGS_FOR_TRIAL_BALANCE / 2; offset += BATCH_ENTRIES) {
    const posted = await books.postBatch(app, { fundId, commands: commandsFor(BATCH_ENTRIES, offset) });
    if (!posted.ok) throw new Error(`batch refused: ${posted.code}`);
  }
  await owner`vacuum analyze postings`;
  const maintained = () => app`
    select b.account_code, b.debits_posted, b.credits_posted from account_balances b
    where b.fund_id = ${fundId} and (b.debits_posted <> 0 or b.credits_posted <> 0) order by b.account_code`;
  const scanned = () => app`
    select account_code, sum(amount) filter (where side = 'debit'), sum(amount) filter (where side = 'credit')
    from postings where fund_id = ${fundId} group by account_code order by account_code`;
  const timings = { maintained: [] as number[], scanned: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    let started = performance.now();
    await maintained();
    timings.maintained.push(performance.now() - started);
    started = performance.now();
    await scanned();
    timings.scanned.push(performance.now() - started);
  }
  console.log(
    `${'trial balance over 1M postings'.padEnd(44)} ${median(timings.maintained).toFixed(2).padStart(10)} ms` +
      `   (a scan of the postings: ${median(timings.scanned).toFixed(0)} ms, ×${(median(timings.scanned) / median(timings.maintained)).toFixed(0)} slower)`
  );
}

const server = await startTestServer();
const database = await createMigratedDatabase(server.adminUrl, 'bench_books');
const { owner, app } = clientsFor(database.url, 16);
try {
  const [setting] = await owner<{ synchronous_commit: string }[]>`show synchronous_commit`;
  console.log(`medians of ${ROUNDS} rounds; synchronous_commit = ${setting?.synchronous_commit ?? '?'}`);
  await singlePostings(owner, app);
  await batchImport(owner, app);
  await trialBalance(owner, app);
} finally {
  await Promise.all([owner.end(), app.end()]);
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
