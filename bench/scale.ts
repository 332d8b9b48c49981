// Scale, measured (issue 19): an installation of 2,000 funds and 2,000,000 entries (ten funds of
// 100,000, the rest small), then each figure against a baseline measured in the same run on the
// same server:
//   - uncached renders of a random fund's page and ledger page, against GET /robots.txt and the SSR
//     page /about (goal: under 10 ms);
//   - public pages of random funds at 64 connections, against the same server's robots.txt
//     (goals: p99 under 100 ms, throughput ≥ 0.5× of robots.txt);
//   - a county page over every fund, uncached (goal: under 300 ms): /r/<slug> when this build has
//     regions, otherwise the set-based SQL such a page runs (marked as such in the output);
//   - single postings through the posting path, 1 client against a raw one-row INSERT transaction
//     (goal ≥ 0.5×), and 16 clients on 16 funds against 16 clients of raw inserts (goal ≥ 1.0×);
//   - bytes per entry on disk (entries and postings with their indexes; goal ≤ 800).
// The books it fills are checked with the verification `npm run verify` runs, on a sample of funds.
// Usage: npm run bench -- scale          (full size: fills for several minutes)
//        SCALE_SIZE=0.01 npm run bench -- scale   (a hundredth: a quick run; 0.1 for a tenth)
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { money } from '@gongjian/ledger';
import autocannon from 'autocannon';
import { buildIfStale } from '../apps/web/scripts/build-if-stale.js';
import * as books from '../apps/web/src/lib/server/books';
import { describeFinding } from '../apps/web/src/lib/server/books/verify';
import type { Sql } from '../apps/web/src/lib/server/db/client';
import { startApp, type AppProcess } from '../tests/e2e/app-process';
import { clientsFor, contribution } from '../tests/support/books';
import { createDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { fill, type FillReport } from './support/scale-fill';
import { scalePlan, sizeFactorOf } from './support/scale-plan';
import { formatRate, median } from './support/stats';

const COLD_REQUESTS = 40;
const LOAD_ROUNDS = 3;
const LOAD_SECONDS = 4;
const CONNECTIONS = 64;
const POSTING_ROUNDS = 3;
const POSTING_SECONDS = 2;
const VERIFY_SAMPLE = 12;
const COUNTY_ROUNDS = 7;

type Fund = FillReport['funds'][number];

/** A deterministic pseudo-random sequence, so that two runs visit the same funds in the same order. */
function randomSequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function pick<T>(list: readonly T[], random: () => number): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function ratioOf(value: number, baseline: number): string {
  return `×${(value / baseline).toFixed(2)}`;
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

function machine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  let postgres = '';
  try {
    postgres = execSync('pg_config --version', { encoding: 'utf8' }).trim();
  } catch {
    postgres = 'PostgreSQL (pg_config not on PATH)';
  }
  return `${cpus().length} CPUs (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${postgres}, Node ${process.version}`;
}

/** Bytes on disk of the journal (entries and postings, with their indexes and TOAST) per entry. */
async function bytesPerEntry(owner: Sql): Promise<void> {
  const [row] = await owner<
    { entries: string; postings: string; days: string; balances: string; count: string; lines: string }[]
  >`
    select pg_total_relation_size('entries')::text as entries, pg_total_relation_size('postings')::text as postings,
      pg_total_relation_size('account_day_totals')::text as days,
      pg_total_relation_size('account_balances')::text as balances,
      (select count(*) from entries)::text as count, (select count(*) from postings)::text as lines`;
  if (row === undefined) throw new Error('no sizes');
  const count = Number(row.count);
  const journal = Number(row.entries) + Number(row.postings);
  const mib = (bytes: string | number) => `${(Number(bytes) / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `bytes per entry (entries + postings, indexes included): ${(journal / count).toFixed(0)} (goal ≤ 800)` +
      `   [entries ${mib(row.entries)}, postings ${mib(row.postings)} for ${Number(row.lines).toLocaleString('en-US')} lines;` +
      ` day totals ${mib(row.days)} more, ${(Number(row.days) / count).toFixed(0)} B/entry]`
  );
}

async function verifySample(owner: Sql, funds: readonly Fund[], largeFunds: number): Promise<void> {
  const random = randomSequence(19);
  const sample = new Set<string>([funds[0]?.id ?? '']);
  while (sample.size < Math.min(VERIFY_SAMPLE, funds.length)) sample.add(pick(funds.slice(largeFunds), random).id);
  const started = performance.now();
  const report = await books.verifyFunds(owner, [...sample]);
  if (!report.ok) {
    throw new Error(`the filled books do not verify: ${report.findings.map(describeFinding).join('; ')}`);
  }
  console.log(
    `verified ${report.funds} funds (${report.entries.toLocaleString('en-US')} entries, one of them large): chain, balance and totals ok` +
      ` in ${((performance.now() - started) / 1000).toFixed(1)} s`
  );
}

/** Median uncached render of random funds' pages, each URL asked for once, one at a time. */
async function coldRenders(baseUrl: string, funds: readonly Fund[]): Promise<void> {
  const random = randomSequence(7);
  const targets = {
    robots: () => `${baseUrl}/robots.txt`,
    about: () => `${baseUrl}/about`,
    fund: (n: number) => `${baseUrl}/f/${pick(funds, random).slug}?cold=${n}`,
    ledger: (n: number) => `${baseUrl}/f/${pick(funds, random).slug}/ledger?cold=${n}`
  } as const;
  const names = ['robots', 'about', 'fund', 'ledger'] as const;
  const times: Record<(typeof names)[number], number[]> = { robots: [], about: [], fund: [], ledger: [] };
  for (let n = 0; n < 5; n += 1) for (const name of names) await timed(targets[name](-n - 1));
  // Interleaved, so that a slow moment of the machine hits every target alike.
  for (let n = 0; n < COLD_REQUESTS; n += 1) for (const name of names) times[name].push(await timed(targets[name](n)));
  const robots = median(times.robots);
  console.log(`uncached renders of random funds, one at a time, median of ${COLD_REQUESTS}:`);
  console.log(`  GET /robots.txt (static file)      ${robots.toFixed(1).padStart(6)} ms`);
  console.log(`  GET /about (SSR, no database)      ${median(times.about).toFixed(1).padStart(6)} ms`);
  for (const name of ['fund', 'ledger'] as const) {
    const label = name === 'fund' ? 'GET /f/<random> (fund page)' : 'GET /f/<random>/ledger (page 1)';
    console.log(
      `  ${label.padEnd(34)} ${median(times[name]).toFixed(1).padStart(6)} ms   ${ratioOf(median(times[name]), robots)} of robots.txt (goal < 10 ms)`
    );
  }
}

interface Load {
  rate: number;
  p99: number;
}

/** Autocannon at 64 connections; `path` picks each request's path (a random fund's page). */
async function underLoad(baseUrl: string, path: () => string): Promise<Load> {
  const result = await autocannon({
    url: baseUrl,
    connections: CONNECTIONS,
    duration: LOAD_SECONDS,
    requests: [{ setupRequest: (request) => ({ ...request, path: path() }) }]
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${baseUrl}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rate: result.requests.average, p99: result.latency.p99 };
}

async function loadOfRandomFunds(baseUrl: string, funds: readonly Fund[]): Promise<void> {
  const random = randomSequence(64);
  let n = 0;
  const page = (fund: Fund) => (random() < 0.5 ? `/f/${fund.slug}` : `/f/${fund.slug}/ledger`);
  const targets = {
    robots: () => '/robots.txt',
    funds: () => page(pick(funds, random)),
    cold: () => `${page(pick(funds, random))}?load=${(n += 1)}`
  } as const;
  const names = ['robots', 'funds', 'cold'] as const;
  const samples: Record<(typeof names)[number], Load[]> = { robots: [], funds: [], cold: [] };
  await underLoad(baseUrl, targets.robots);
  for (let round = 0; round < LOAD_ROUNDS; round += 1) {
    for (const name of names) samples[name].push(await underLoad(baseUrl, targets[name]));
  }
  const rate = (name: (typeof names)[number]) => median(samples[name].map((sample) => sample.rate));
  const p99 = (name: (typeof names)[number]) => median(samples[name].map((sample) => sample.p99));
  console.log(`${LOAD_ROUNDS} rounds of ${LOAD_SECONDS} s at ${CONNECTIONS} connections, medians:`);
  const labels = {
    robots: 'GET /robots.txt (static file)',
    funds: 'random funds, fund page or ledger',
    cold: 'the same, every URL new (no cache)'
  };
  for (const name of names) {
    const ratio =
      name === 'robots' ? '' : `   ${ratioOf(rate(name), rate('robots'))} of robots.txt (goal ≥ 0.5, p99 < 100 ms)`;
    console.log(
      `  ${labels[name].padEnd(36)} ${formatRate(rate(name)).padStart(9)}  p99 ${String(p99(name)).padStart(4)} ms${ratio}`
    );
  }
}

/**
 * HOOK for the regions work (issue 19 part 1, built in parallel): when this build has regions,
 * the funds are put in streets of one county and /r/<county> is measured over HTTP. Until then
 * the same figures are measured as the set-based SQL a county page must run (pool balances,
 * projects by status and category, compounds served), marked "SQL only" in the output.
 */
async function countyPage(owner: Sql, baseUrl: string, funds: readonly Fund[]): Promise<void> {
  const [regions] = await owner<{ present: boolean }[]>`select to_regclass('public.regions') is not null as present`;
  const times: number[] = [];
  if (regions?.present === true) {
    await owner`insert into regions (kind, slug, name_zh, name_en, created_at) values ('county', 'scale-county', '规模县', 'Scale county', now())`;
    await owner`
      insert into regions (kind, parent_id, slug, name_zh, name_en, created_at)
      select 'street', (select id from regions where slug = 'scale-county'), 'scale-street-' || i, '街道 ' || i, 'Street ' || i, now()
      from generate_series(0, 39) as i`;
    await owner`
      update funds f set region_id = r.id
      from regions r where f.slug like 'scale-%' and r.slug = 'scale-street-' || (substring(f.slug from 7)::int % 40)`;
    await timed(`${baseUrl}/r/scale-county`);
    for (let n = 0; n < COUNTY_ROUNDS; n += 1) times.push(await timed(`${baseUrl}/r/scale-county?cold=${n}`));
    console.log(
      `county page /r/scale-county over ${funds.length} funds, uncached, median of ${COUNTY_ROUNDS}: ${median(times).toFixed(0)} ms (goal < 300 ms)`
    );
    return;
  }
  const ids = funds.map((fund) => fund.id);
  for (let n = 0; n <= COUNTY_ROUNDS; n += 1) {
    const started = performance.now();
    await Promise.all([
      owner`
        select fund_id, sum(debits_posted - credits_posted)::numeric(18, 2)::text as balance,
          sum(held_total)::numeric(18, 2)::text as reserved
        from account_balances where fund_id = any(${ids}::bigint[]) and account_code in ('1002.01', '1002.02')
        group by fund_id`,
      owner`
        select fund_id, status, category, count(*)::int, sum(coalesce(approved_amount, 0))::text as matched
        from applications where fund_id = any(${ids}::bigint[]) group by fund_id, status, category`,
      owner`select fund_id, count(*)::int from compounds where fund_id = any(${ids}::bigint[]) group by fund_id`
    ]);
    if (n > 0) times.push(performance.now() - started);
  }
  console.log(
    `county figures over ${funds.length} funds, SQL only (this build has no /r/ pages), median of ${COUNTY_ROUNDS}: ${median(times).toFixed(1)} ms (goal < 300 ms for the page)`
  );
}

/** Runs `clients` loops of an operation for a fixed time and returns operations per second. */
async function throughput(clients: number, operation: (client: number) => Promise<unknown>): Promise<number> {
  const until = performance.now() + POSTING_SECONDS * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < until) {
        await operation(client);
        done += 1;
      }
    })
  );
  return (done / (performance.now() - started)) * 1000;
}

async function postings(owner: Sql, app: Sql, funds: readonly Fund[], largeFunds: number): Promise<void> {
  await owner`create table bench_raw (id bigint generated always as identity primary key, fund_id bigint not null, amount numeric(18, 2) not null)`;
  await owner`grant select, insert on bench_raw to gongjian_app`;
  const random = randomSequence(16);
  const chosen = new Set<string>();
  while (chosen.size < Math.min(16, funds.length - largeFunds)) chosen.add(pick(funds.slice(largeFunds), random).id);
  const targets = [...chosen];
  const amount = money('12.34');
  const fundOf = (client: number) => targets[client % targets.length] ?? '';
  const posting = async (client: number) => {
    const outcome = await books.post(app, { fundId: fundOf(client), command: contribution(amount.toString()) });
    if (!outcome.ok) throw new Error(`posting refused: ${outcome.code}`);
  };
  const raw = (client: number) =>
    app.begin(
      (transaction) => transaction`insert into bench_raw (fund_id, amount) values (${fundOf(client)}, ${'12.34'})`
    );
  for (const clients of [1, 16]) {
    await throughput(clients, posting);
    const samples = { posting: [] as number[], raw: [] as number[] };
    for (let round = 0; round < POSTING_ROUNDS; round += 1) {
      samples.posting.push(await throughput(clients, posting));
      samples.raw.push(await throughput(clients, raw));
    }
    const label = clients === 1 ? 'post, 1 client' : `post, 16 clients on ${targets.length} funds`;
    const goal = clients === 1 ? 0.5 : 1.0;
    console.log(
      `${label.padEnd(30)} ${formatRate(median(samples.posting)).padStart(8)} entries   ${ratioOf(median(samples.posting), median(samples.raw))} of raw one-row INSERT transactions (${formatRate(median(samples.raw))}; goal ≥ ${goal})`
    );
  }
}

const factor = sizeFactorOf(process.env.SCALE_SIZE);
const plan = scalePlan(factor);
buildIfStale({ log: (text) => console.log(`bench: ${text}`) });
const server = await startTestServer();
const database = await createDatabase(server.adminUrl, 'bench_scale');
const { owner, app: appSql } = clientsFor(database.url, 16);
let app: AppProcess | null = null;
try {
  // The app migrates the database and seeds the demo when it starts, as an installation does; on a
  // busy shared machine that can take minutes.
  app = await startApp({ DATABASE_URL: database.url }, 600_000);
  console.log(`${new Date().toISOString()} on ${machine()}`);
  console.log(
    `size ×${factor}: ${plan.funds.toLocaleString('en-US')} funds, ${plan.entries.toLocaleString('en-US')} entries (${plan.largeFunds} of ${(plan.sizes[0] ?? 0).toLocaleString('en-US')})`
  );
  const filled = await fill(owner, plan, (text) => console.log(text));
  const started = performance.now();
  await owner`vacuum analyze`;
  console.log(
    `filled in ${filled.seconds.toFixed(1)} s (${formatRate(plan.entries / filled.seconds)} entries), vacuum analyze ${((performance.now() - started) / 1000).toFixed(1)} s`
  );
  await bytesPerEntry(owner);
  await verifySample(owner, filled.funds, plan.largeFunds);
  await coldRenders(app.baseUrl, filled.funds);
  await loadOfRandomFunds(app.baseUrl, filled.funds);
  await countyPage(owner, app.baseUrl, filled.funds);
  await postings(owner, appSql, filled.funds, plan.largeFunds);
} finally {
  await Promise.all([owner.end(), appSql.end()]);
  await app?.stop();
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
