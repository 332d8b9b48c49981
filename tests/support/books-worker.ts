// A separate app process that uses the posting path, for the race and crash tests:
//   node --conditions=source --import tsx books-worker.ts race URL
//     reads jobs (JSON lines: { fundId, mode, count, prefix, seed }), fires `count` reservations of
//     100.00 on the pool at once, and answers each job with one JSON line of outcome counts;
//   node --conditions=source --import tsx books-worker.ts serve URL FUND_ID
//     reads commands (JSON lines: { key, kind: 'post' | 'hold', amount }), runs them concurrently,
//     and prints "ACK <key>" once each has committed: the client's record of acknowledged work.
// Both print READY once connected. mode 'unlocked' is the deliberately broken control: it reads
// the balance without FOR UPDATE and writes the held total it computed, so it can lose updates.
import { createInterface } from 'node:readline';
import { money, type Money } from '@gongjian/ledger';
import * as books from '../../apps/web/src/lib/server/books';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { APP_ROLE } from '../../apps/web/src/lib/server/db/index';
import { contribution } from './books';

const [mode, url, fundArgument] = process.argv.slice(2);
if ((mode !== 'race' && mode !== 'serve') || url === undefined) {
  throw new Error('usage: books-worker.ts race URL | serve URL FUND_ID');
}
const sql = createClient(url, { max: 8, applicationName: 'gongjian-books-worker', role: APP_ROLE });
await sql`select 1`;
console.log('READY');

const RESERVATION = money('100');

type RaceJob = { fundId: string; mode: 'locked' | 'unlocked'; count: number; prefix: string; seed: number };

/** A small deterministic shuffle, so that a seed fixes the order the reservations are fired in. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0 || 1;
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

async function holdUnlocked(fundId: string, holdId: string, amount: Money): Promise<string> {
  return await sql.begin(async (transaction) => {
    const [row] = await transaction<{ debits: string; credits: string; held: string }[]>`
      select debits_posted::text as debits, credits_posted::text as credits, held_total::text as held
      from account_balances where fund_id = ${fundId} and account_code = '1002.01'`;
    if (row === undefined) throw new Error('no pool');
    const available = money(row.debits).minus(money(row.credits)).minus(money(row.held));
    if (available.lessThan(amount)) return 'insufficient_available_balance';
    await transaction`
      insert into holds (fund_id, id, account_code, amount, status, created_at)
      values (${fundId}, ${holdId}, '1002.01', ${amount.toString()}, 'open', now())`;
    await transaction`
      update account_balances set held_total = ${money(row.held).plus(amount).toString()}
      where fund_id = ${fundId} and account_code = '1002.01'`;
    return 'ok';
  });
}

async function race(job: RaceJob): Promise<Record<string, number>> {
  const ids = shuffled(
    Array.from({ length: job.count }, (_, index) => `${job.prefix}-${index}`),
    job.seed
  );
  const outcomes = await Promise.all(
    ids.map(async (holdId) => {
      if (job.mode === 'unlocked') return await holdUnlocked(job.fundId, holdId, RESERVATION);
      const result = await books.hold(sql, {
        fundId: job.fundId,
        command: { holdId, account: '1002.01', amount: RESERVATION }
      });
      return result.ok ? 'ok' : result.code;
    })
  );
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

type ServeCommand = { key: string; kind: 'post' | 'hold'; amount: string };

async function serve(sqlPool: Sql, fundId: string, command: ServeCommand): Promise<string> {
  if (command.kind === 'hold') {
    const held = await books.hold(sqlPool, {
      fundId,
      command: { holdId: command.key, account: '1002.01', amount: money(command.amount) }
    });
    return held.ok ? `ACK ${command.key}` : `REJ ${command.key} ${held.code}`;
  }
  const posted = await books.post(sqlPool, { fundId, command: contribution(command.amount, command.key) });
  return posted.ok ? `ACK ${command.key}` : `REJ ${command.key} ${posted.code}`;
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  if (mode === 'race') {
    console.log(JSON.stringify(await race(JSON.parse(line) as RaceJob)));
  } else {
    const fundId = fundArgument ?? '';
    // Commands run concurrently; each is acknowledged only after its transaction committed.
    void serve(sql, fundId, JSON.parse(line) as ServeCommand).then(
      (answer) => console.log(answer),
      (error: unknown) => console.log(`ERR ${String(error)}`)
    );
  }
}
await sql.end();
