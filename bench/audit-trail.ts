// The audit trail on screen at a million events. The trail's pages are keyset pages (id below
// the last one shown) over indexes that start with the fund (sql/021_audit_trail.sql), so a page
// should cost about what a handful of primary-key lookups cost, however large the table grows.
// The baseline is one event read by its primary key, in the same run on the same table.
//   - the first page (no filter), a page deep in the trail, and pages filtered by person, kind,
//     resource and a one-day range: each a median latency and a ratio against the baseline.
// Usage: npm run bench -- audit-trail
import type { Sql } from '../apps/web/src/lib/server/db/client';
import { trailRows, TRAIL_PAGE_SIZE, type TrailQuery } from '../apps/web/src/lib/server/reports/audit-trail';
import { clientsFor } from '../tests/support/books';
import { createTestFund, createTestUser } from '../tests/support/people';
import { createMigratedDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { median } from './support/stats';

const EVENTS = 1_000_000;
/** Another fund's events in the same table, which every query must step over. */
const OTHER_EVENTS = 200_000;
const REPEATS = 200;
const ACTIONS = ['money.recorded', 'household.added', 'vote.cast', 'application.saved', 'session.sign_in'];
const START = '2025-01-01T00:00:00Z';

const NO_FILTER: TrailQuery = {
  actorUserId: null,
  action: null,
  resourceType: null,
  resourceId: null,
  from: null,
  to: null,
  before: null
};

/**
 * The events in one statement: people, actions and resources cycle, one every 37 seconds; every
 * sixth event belongs to the other fund, interleaved as a shared table holds them.
 */
async function fill(owner: Sql, input: { fundId: string; otherFundId: string; userIds: string[] }): Promise<void> {
  await owner`
    insert into events (at, fund_id, actor_user_id, action, resource_type, resource_id, outcome, detail)
    select ${START}::timestamptz + n * interval '37 seconds',
           case when n % 6 = 0 then ${input.otherFundId}::bigint else ${input.fundId}::bigint end,
           (${input.userIds}::bigint[])[1 + n % ${input.userIds.length}],
           (${ACTIONS}::text[])[1 + n % ${ACTIONS.length}],
           case when n % 3 = 0 then 'household' else 'application' end, (n % 5000)::text,
           'ok', '{}'::jsonb
      from generate_series(1, ${EVENTS + OTHER_EVENTS}) as n`;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** The median of REPEATS runs, after a few unmeasured ones warm the cache and the plan. */
async function medianMs(run: (index: number) => Promise<unknown>): Promise<number> {
  for (let index = 0; index < 10; index += 1) await run(index);
  const times: number[] = [];
  for (let index = 0; index < REPEATS; index += 1) times.push(await timed(() => run(index)));
  return median(times);
}

const server = await startTestServer();
const database = await createMigratedDatabase(server.adminUrl, 'bench_audit_trail');
const { owner, app } = clientsFor(database.url, 4);
try {
  const fundId = await createTestFund(owner, 'bench-trail');
  const otherFundId = await createTestFund(owner, 'bench-trail-other');
  const userIds: string[] = [];
  for (let index = 1; index <= 20; index += 1) {
    userIds.push(await createTestUser(owner, { loginName: `bench-trail-${index}`, password: 'x'.repeat(12) }));
  }
  let started = performance.now();
  await fill(owner, { fundId, otherFundId, userIds });
  // As autovacuum leaves a table: statistics and a visibility map, so index-only scans need no heap.
  await owner`vacuum analyze events`;
  console.log(
    `${'events written (generate_series)'.padEnd(40)} ${EVENTS + OTHER_EVENTS} in ${((performance.now() - started) / 1000).toFixed(1)} s`
  );

  const [bounds] = await owner<{ low: string; high: string }[]>`
    select min(id)::text as low, max(id)::text as high from events where fund_id = ${fundId}`;
  const low = BigInt(bounds?.low ?? '1');
  const span = BigInt(bounds?.high ?? '1') - low;
  const someId = (index: number) => String(low + ((BigInt(index) * 7919n) % span));

  started = performance.now();
  const baseline = await medianMs((index) => app`select id, at, action from events where id = ${someId(index)}`);
  const page = (query: TrailQuery) => trailRows(app, { fundId, query, limit: TRAIL_PAGE_SIZE + 1 });
  const cases: [string, (index: number) => Promise<unknown>][] = [
    ['first page, no filter', () => page(NO_FILTER)],
    ['a page deep in the trail (keyset)', (index) => page({ ...NO_FILTER, before: someId(index) })],
    ['filtered by person', (index) => page({ ...NO_FILTER, actorUserId: userIds[index % userIds.length] ?? null })],
    ['filtered by kind', (index) => page({ ...NO_FILTER, action: ACTIONS[index % ACTIONS.length] ?? null })],
    [
      'filtered by resource (type and id)',
      (index) => page({ ...NO_FILTER, resourceType: 'household', resourceId: String((index * 3) % 5000) })
    ],
    ['one China day, early in the trail', () => page({ ...NO_FILTER, from: '2025-01-02', to: '2025-01-02' })],
    ['a month, early in the trail', () => page({ ...NO_FILTER, from: '2025-01-01', to: '2025-01-31' })],
    ['a year, from the start (wide range)', () => page({ ...NO_FILTER, from: '2025-01-01', to: '2025-12-31' })],
    [
      'person and kind, deep (keyset)',
      (index) =>
        page({ ...NO_FILTER, actorUserId: userIds[0] ?? null, action: ACTIONS[0] ?? null, before: someId(index) })
    ]
  ];
  console.log(`${'baseline: one event by primary key'.padEnd(40)} ${baseline.toFixed(3)} ms (median of ${REPEATS})`);
  for (const [name, run] of cases) {
    const ms = await medianMs(run);
    console.log(`${name.padEnd(40)} ${ms.toFixed(3)} ms  ratio ${(ms / baseline).toFixed(1)}x`);
  }
  console.log(`${'measured in'.padEnd(40)} ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await Promise.all([owner.end(), app.end()]);
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
