// What a leadership decision costs. Each approval is three votes, three transactions through the
// real castVote path; the third one settles the vote, records the decision and holds the match on
// the pool, all under the fund's lock. The baseline is a single posting through the real posting
// path at the same concurrency, in the same run: a decision that costs a few postings is in line,
// since it writes votes, a transition, notifications, audit events and a hold.
//   - approvals/s with 1 and 8 applications voted on at once;
//   - the deciding vote's latency (median and p95) at 8.
// Usage: npm run bench -- review
import { money } from '@gongjian/ledger';
import * as books from '../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../apps/web/src/lib/server/fund/fund-policy';
import type { Actor } from '../apps/web/src/lib/server/access/policy';
import { castVote } from '../apps/web/src/lib/server/grants/review';
import { clientsFor, contribution } from '../tests/support/books';
import { createMigratedDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { idOf, makeWorld, person, type ReviewDb, type World } from '../tests/support/review-world';
import { median } from './support/stats';

const ROUNDS = 5;
const SECONDS_PER_ROUND = 2;
const APPLICATIONS = 6_000;
const NOW = new Date('2026-03-10T04:00:00.000Z');

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** Applications waiting for the leadership's vote, written in bulk (the review test shows one). */
async function applicationsInReview(db: ReviewDb, world: World, createdBy: Actor, count: number): Promise<void> {
  const { owner } = db;
  const compoundId = world.compounds['compound-1'] ?? '0';
  await owner`
    insert into applications (fund_id, number, compound_id, status, title, category, description, location,
                              requested_ratio, created_by, created_at, updated_at)
    select ${world.fundId}, n, ${compoundId}, 'draft', '项目 ' || n, 'repairs', '说明', '地点', '0.6',
           ${idOf(createdBy)}, ${NOW}, ${NOW}
      from generate_series(1, ${count}) as n`;
  await owner`
    insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
    select fund_id, id, 1, '道闸', 1, 1000.00, 1000.00 from applications where fund_id = ${world.fundId}`;
  await owner`
    insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present, households_agreeing)
    select fund_id, id, '2026-03-01', 25, 20, 18 from applications where fund_id = ${world.fundId}`;
  await owner`
    update applications set status = 'in_review', policy_version = 1, match_amount = 600.00, submitted_at = ${NOW}
     where fund_id = ${world.fundId}`;
}

const server = await startTestServer();
const database = await createMigratedDatabase(server.adminUrl, 'bench_review');
const { owner, app } = clientsFor(database.url, 16);
try {
  const db: ReviewDb = { owner, app, now: NOW };
  // Caps far above what the benchmark approves, so that every vote settles as an approval.
  const policy = {
    ...DEMO_POLICY_JSON,
    match: { ...DEMO_POLICY_JSON.match, capPerCompoundPerYear: '10000000.00' }
  };
  const world = await makeWorld(db, { slug: 'bench-review', pool: '90000000.00', policy });
  const leaders = [
    await person(db, world, 'bench-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await person(db, world, 'bench-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, 'bench-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  const committee = await person(db, world, 'bench-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  await applicationsInReview(db, world, committee, APPLICATIONS);

  let next = 0;
  const decidingMs: number[] = [];
  /** Three approvals of the next application; returns when the third has decided it. */
  const approval = async (): Promise<void> => {
    next += 1;
    const number = next;
    if (number > APPLICATIONS) throw new Error('the benchmark ran out of applications; raise APPLICATIONS');
    for (const [index, leader] of leaders.entries()) {
      const started = performance.now();
      const result = await castVote(app, {
        actor: leader,
        fundId: world.fundId,
        number,
        now: NOW,
        ip: null,
        choice: 'approve',
        reason: ''
      });
      if (!result.ok) throw new Error(`vote on #${number}: ${result.code}`);
      if (index === leaders.length - 1) decidingMs.push(performance.now() - started);
    }
  };
  const amount = money('12.34').toString();
  const posting = async (): Promise<void> => {
    const posted = await books.post(app, { fundId: world.fundId, command: contribution(amount) });
    if (!posted.ok) throw new Error(`post: ${posted.code}`);
  };

  async function throughput(clients: number, operation: () => Promise<void>): Promise<number> {
    const started = performance.now();
    const until = started + SECONDS_PER_ROUND * 1000;
    let done = 0;
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

  for (const clients of [1, 8]) {
    await throughput(clients, approval);
    decidingMs.length = 0;
    const samples = { approvals: [] as number[], postings: [] as number[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      samples.approvals.push(await throughput(clients, approval));
      samples.postings.push(await throughput(clients, posting));
    }
    const approvals = median(samples.approvals);
    const postings = median(samples.postings);
    console.log(
      `${`approvals (3 votes + hold), ${clients} at once`.padEnd(40)} ${format(approvals).padStart(8)}/s` +
        `   ×${(approvals / postings).toFixed(2)} of single postings (${format(postings)}/s)`
    );
    const sorted = [...decidingMs].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    console.log(
      `${'  the deciding vote'.padEnd(40)} median ${median(decidingMs).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`
    );
  }
  const [held] = await owner<{ holds: number }[]>`
    select count(*)::int as holds from holds where fund_id = ${world.fundId}`;
  console.log(`${'holds on the pool at the end'.padEnd(40)} ${held?.holds ?? 0} (one per approval)`);
} finally {
  await Promise.all([owner.end(), app.end()]);
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
