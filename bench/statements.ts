// The statements (资产负债表, 业务活动表, 现金流量表) of a fund with 100,000 entries over a year and
// a half: the year 2026 computed uncached (the database sums the postings into movements, the
// ledger builds the three statements, the CSV and XLSX are written), one at a time, against a
// baseline in the same run on the same server: one scan summing all of the fund's postings.
// Goal: under 200 ms (median).
// Usage: npm run bench -- statements
import { Money, money, type PostCommand } from '@gongjian/ledger';
import * as books from '../apps/web/src/lib/server/books';
import type { PublicSite } from '../apps/web/src/lib/server/public/site';
import { loadStatements, statementsCsv, statementsXlsx } from '../apps/web/src/lib/server/public/statements';
import { clientsFor, createFund } from '../tests/support/books';
import { createMigratedDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { median } from './support/stats';

const ENTRIES = 100_000;
const BATCH = 5_000;
const RUNS = 15;
const GOAL_MS = 200;

/** Gifts, subsidies, household money, costs, releases and transfers, spread over 690 days. */
function commandOf(index: number): PostCommand {
  const date = new Date(Date.UTC(2025, 6, 1) + (index % 690) * 86_400_000).toISOString().slice(0, 10);
  const large = Money.fromMinor(BigInt(10_000 + ((index * 7919) % 90_000)));
  const small = money('1.00');
  const pairs: [string, string, Money][] = [
    ['1002.01', '4101.02', large],
    ['1002.01', '4101.01', large],
    ['1001', '4401.01', large],
    ['1002.02', '2209', large],
    ['5101', '1002.02', small],
    ['5201', '1001', small],
    ['3102', '3101', small]
  ];
  const [debit, credit, amount] = pairs[index % pairs.length] ?? ['1002.01', '4101.02', large];
  return {
    date,
    memo: `基准 第${index}笔`,
    postings: [
      { account: debit, side: 'debit', amount },
      { account: credit, side: 'credit', amount }
    ]
  };
}

const server = await startTestServer();
const database = await createMigratedDatabase(server.adminUrl, 'bench_statements');
const { owner, app } = clientsFor(database.url, 2);
try {
  const fundId = await createFund(owner, 'bench-statements');
  const started = performance.now();
  for (let offset = 0; offset < ENTRIES; offset += BATCH) {
    const commands = Array.from({ length: BATCH }, (_, index) => commandOf(offset + index));
    const outcome = await books.postBatch(app, { fundId, commands });
    if (!outcome.ok) throw new Error(`the import stopped: ${outcome.code}`);
  }
  await owner`analyze`;
  console.log(
    `filled a fund with ${ENTRIES.toLocaleString('en-US')} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`
  );
  const [head] = await app<{ seq: string; hash: string }[]>`
    select last_seq::text as seq, last_hash as hash from chain_heads where fund_id = ${fundId}`;
  const site: PublicSite = {
    fund: { id: fundId, slug: 'bench', nameZh: '基准基金', nameEn: 'Bench fund' },
    head: { seq: Number(head?.seq), hash: head?.hash ?? '' },
    stamp: ''
  };
  const period = { from: '2026-01-01', to: '2026-12-31' };
  const statementsOnce = async () => {
    const statements = await loadStatements(app, { fundId, headSeq: site.head.seq, period });
    statementsCsv(site, statements);
    statementsXlsx(site, statements);
  };
  const baselineOnce = async () => {
    await app`select sum(amount) from postings where fund_id = ${fundId}`;
  };
  const time = async (work: () => Promise<void>) => {
    const begun = performance.now();
    await work();
    return performance.now() - begun;
  };
  for (let warm = 0; warm < 3; warm += 1) await Promise.all([statementsOnce(), baselineOnce()]);
  const statementsTimes: number[] = [];
  const baselineTimes: number[] = [];
  // Interleaved, so that a slow moment of the machine hits both alike.
  for (let run = 0; run < RUNS; run += 1) {
    baselineTimes.push(await time(baselineOnce));
    statementsTimes.push(await time(statementsOnce));
  }
  // Where the time goes: the database's sums alone, and the ledger plus the writers alone.
  const loaded = await loadStatements(app, { fundId, headSeq: site.head.seq, period });
  const loadTimes: number[] = [];
  const renderTimes: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    loadTimes.push(
      await time(async () => void (await loadStatements(app, { fundId, headSeq: site.head.seq, period })))
    );
    renderTimes.push(
      await time(async () => {
        statementsCsv(site, loaded);
        statementsXlsx(site, loaded);
      })
    );
  }
  const ours = median(statementsTimes);
  const baseline = median(baselineTimes);
  console.log(`median of ${RUNS}, one at a time:`);
  console.log(`  of which: loadStatements (SQL sums + ledger)   ${median(loadTimes).toFixed(1)} ms`);
  console.log(`  of which: CSV + XLSX writers                   ${median(renderTimes).toFixed(1)} ms`);
  console.log(`  scan summing the fund's postings (baseline)   ${baseline.toFixed(1)} ms`);
  console.log(
    `  statements of 2026, uncached (SQL + ledger + CSV + XLSX)   ${ours.toFixed(1)} ms   ×${(ours / baseline).toFixed(2)} of the baseline (goal < ${GOAL_MS} ms: ${ours < GOAL_MS ? 'met' : 'NOT met'})`
  );
} finally {
  await Promise.all([owner.end(), app.end()]);
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
