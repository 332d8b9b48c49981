// The public pages on a fund of 100,000 entries, against a static SvelteKit page in the same run
// on the same built server (goals of "Public transparency": ×0.5 of the static page or better,
// p99 under 100 ms, and page 10,000 of the ledger within 1.5× of page 1).
//
// 1. Under load: autocannon at 64 connections on the fund page, the ledger's first page and its
//    page 10,000, and the SSR page /about (no load function, no database) as the baseline. These
//    are the pages as anonymous visitors get them: rendered once per ledger stamp, then answered
//    from the process's cache after one indexed query (hooks.server.ts).
// 2. Rendered every time: the same pages under URLs nobody asked for before (a different keyset
//    position each request, so the cache never helps), one request at a time. This is what the
//    keyset costs: page 10,000 must cost what page 1 does.
// Usage: npm run bench -- public
import { Money, money, type PostCommand } from '@gongjian/ledger';
import autocannon from 'autocannon';
import { buildIfStale } from '../apps/web/scripts/build-if-stale.js';
import * as books from '../apps/web/src/lib/server/books';
import { startApp } from '../tests/e2e/app-process';
import { clientsFor } from '../tests/support/books';
import { createDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { formatRate, median } from './support/stats';

const ENTRIES = 100_000;
const BATCH = 5_000;
const PAGE_SIZE = 10;
const ROUNDS = 5;
const SECONDS = 4;
const CONNECTIONS = 64;
const COLD_REQUESTS = 60;

/** A year and a half of ordinary money in and out, spread over the months. */
function commandOf(index: number): PostCommand {
  const day = new Date(Date.UTC(2025, 0, 1) + (index % 690) * 86_400_000).toISOString().slice(0, 10);
  const cents = 1_000 + ((index * 7919) % 90_000);
  const amount = Money.fromMinor(BigInt(cents));
  if (index % 5 === 4) {
    return {
      date: day,
      memo: `办公用品 第${index}笔`,
      postings: [
        { account: '5201', side: 'debit', amount: money('1.00') },
        { account: '1002.01', side: 'credit', amount: money('1.00') }
      ]
    };
  }
  return {
    date: day,
    memo: `爱心捐赠 第${index}笔`,
    postings: [
      { account: '1002.01', side: 'debit', amount },
      { account: '4101.02', side: 'credit', amount }
    ]
  };
}

async function fill(url: string): Promise<void> {
  const { owner, app } = clientsFor(url, 2);
  try {
    const [fund] = await owner<{ id: string }[]>`select id::text as id from funds where slug = 'guihuajing'`;
    if (fund === undefined) throw new Error('the demo fund was not seeded');
    const started = performance.now();
    for (let offset = 0; offset < ENTRIES; offset += BATCH) {
      const commands = Array.from({ length: BATCH }, (_, index) => commandOf(offset + index));
      const outcome = await books.postBatch(app, { fundId: fund.id, commands });
      if (!outcome.ok) throw new Error(`the import stopped: ${outcome.code}`);
    }
    await owner`analyze`;
    console.log(
      `filled guihuajing with ${ENTRIES.toLocaleString('en-US')} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`
    );
  } finally {
    await Promise.all([owner.end(), app.end()]);
  }
}

interface Load {
  rate: number;
  p99: number;
}

async function underLoad(url: string): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rate: result.requests.average, p99: result.latency.p99 };
}

/** Median milliseconds of one uncached render each, one request at a time. */
async function coldRenders(urls: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (const url of urls) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

buildIfStale({ log: (line) => console.log(`bench: ${line}`) });
const server = await startTestServer();
const database = await createDatabase(server.adminUrl, 'bench_public');
const app = await startApp({ DATABASE_URL: database.url });
try {
  await fill(database.url);
  const base = `${app.baseUrl}/f/guihuajing`;
  const [head] = await (async () => {
    const { owner } = clientsFor(database.url, 1);
    try {
      return await owner<{ seq: string }[]>`
        select h.last_seq::text as seq from chain_heads h join funds f on f.id = h.fund_id where f.slug = 'guihuajing'`;
    } finally {
      await owner.end();
    }
  })();
  const last = Number(head?.seq ?? '0');
  const deep = (10_000 - 1) * PAGE_SIZE;
  if (deep + PAGE_SIZE > last) throw new Error(`page 10,000 needs ${deep + PAGE_SIZE} entries; the fund has ${last}`);
  const targets = {
    static: `${app.baseUrl}/about`,
    fund: base,
    ledgerFirst: `${base}/ledger?after=0`,
    ledgerDeep: `${base}/ledger?after=${deep}`
  } as const;
  type Target = keyof typeof targets;
  const names: Target[] = ['static', 'fund', 'ledgerFirst', 'ledgerDeep'];
  for (const name of names) await autocannon({ url: targets[name], connections: 8, duration: 1 });
  const samples: Record<Target, Load[]> = { static: [], fund: [], ledgerFirst: [], ledgerDeep: [] };
  // Rounds interleave the targets, so a slow moment of the machine hits all of them alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of names) samples[name].push(await underLoad(targets[name]));
  }
  const rate = (name: Target) => median(samples[name].map((sample) => sample.rate));
  const p99 = (name: Target) => median(samples[name].map((sample) => sample.p99));
  console.log(
    `${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} connections, medians (${last.toLocaleString('en-US')} entries):`
  );
  const labels: Record<Target, string> = {
    static: 'GET /about (static SSR page)',
    fund: 'GET /f/guihuajing (fund page)',
    ledgerFirst: 'GET …/ledger?after=0 (page 1)',
    ledgerDeep: `GET …/ledger?after=${deep} (page 10,000)`
  };
  for (const name of names) {
    const ratio = name === 'static' ? '' : `   ×${(rate(name) / rate('static')).toFixed(2)} of the static page`;
    console.log(
      `  ${labels[name].padEnd(44)} ${formatRate(rate(name)).padStart(9)}  p99 ${String(p99(name)).padStart(4)} ms${ratio}`
    );
  }

  // Uncached: every request a keyset position nobody asked for yet, near the start and near the end.
  const nearStart = Array.from({ length: COLD_REQUESTS }, (_, index) => `${base}/ledger?after=${index + 1}`);
  const nearEnd = Array.from({ length: COLD_REQUESTS }, (_, index) => `${base}/ledger?after=${deep - index - 1}`);
  await coldRenders(nearStart.slice(0, 5).map((url) => `${url}&warm=1`));
  const first = await coldRenders(nearStart);
  const tenThousandth = await coldRenders(nearEnd);
  console.log(`uncached renders, one at a time, median of ${COLD_REQUESTS}:`);
  console.log(`  ledger near page 1        ${first.toFixed(1)} ms`);
  console.log(
    `  ledger near page 10,000   ${tenThousandth.toFixed(1)} ms   ×${(tenThousandth / first).toFixed(2)} of page 1 (goal ≤ 1.5)`
  );
  const fundCold = await coldRenders(Array.from({ length: 20 }, (_, index) => `${base}?cold=${index}`));
  console.log(`  fund page                 ${fundCold.toFixed(1)} ms`);
} finally {
  await app.stop();
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
