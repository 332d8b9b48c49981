// Bank reconciliation: importing and matching a 10,000-line bank statement (a CSV as a bank
// exports it) against a fund whose books hold a matching posting for every line, a day or two
// apart. The whole use case is timed: reading and checking the file, one transaction that
// inserts the lines, and the automatic matcher with its inserts. The baseline, measured in the
// same run on the same server, is a plain multi-row INSERT of the same lines into a table of the
// same shape without constraints (goal: under 5 s for the import, whatever the ratio).
// Usage: npm run bench -- bank
import { money, type PostCommand } from '@gongjian/ledger';
import * as books from '../apps/web/src/lib/server/books';
import type { Actor } from '../apps/web/src/lib/server/access/policy';
import { importStatement } from '../apps/web/src/lib/server/fund/bank/import';
import { clientsFor, createFund } from '../tests/support/books';
import { createTestUser } from '../tests/support/people';
import { createMigratedDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { median } from './support/stats';

const ROUNDS = 3;
const LINES = 10_000;
const GOAL_MS = 5_000;

/** The i-th movement: a day in the first half of 2026, an amount, in or out (one in five is out). */
function movement(index: number) {
  const day = new Date(Date.UTC(2026, 0, 1 + Math.floor((index * 180) / LINES)));
  const amount = money(`${(index % 997) + 1}.${String(index % 100).padStart(2, '0')}`);
  return { date: day.toISOString().slice(0, 10), amount, out: index % 5 === 4 };
}

function commands(): PostCommand[] {
  return Array.from({ length: LINES }, (_, index) => {
    const { date, amount, out } = movement(index);
    return {
      date,
      memo: `捐赠 ${index}`,
      postings: out
        ? [
            { account: '5201', side: 'debit', amount },
            { account: '1002.01', side: 'credit', amount }
          ]
        : [
            { account: '1002.01', side: 'debit', amount },
            { account: '4101.02', side: 'credit', amount }
          ]
    };
  });
}

/** The statement: each movement one or two days later at the bank, with its running balance. */
function statement(): { bytes: Uint8Array; rows: string[][] } {
  let balance = money('1000000.00');
  const rows: string[][] = [];
  for (let index = 0; index < LINES; index += 1) {
    const { date, amount, out } = movement(index);
    const bankDay = new Date(Date.parse(date) + (index % 3) * 86_400_000).toISOString().slice(0, 10);
    balance = out ? balance.minus(amount) : balance.plus(amount);
    const [debit, credit] = out ? [amount.toString(), ''] : ['', amount.toString()];
    rows.push([bankDay, '转账', `对方单位${index % 50}`, debit, credit, balance.toString(), `B${index}`]);
  }
  // Lines within one day must stay in the bank's order: sort by day, keeping the order otherwise.
  const sorted = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => (a.row[0] ?? '').localeCompare(b.row[0] ?? '') || a.index - b.index);
  let running = money('1000000.00');
  const ordered = sorted.map(({ row }) => {
    running = row[3] === '' ? running.plus(money(row[4] ?? '0')) : running.minus(money(row[3] ?? '0'));
    return [...row.slice(0, 5), running.toString(), row[6] ?? ''];
  });
  const text = [
    '测试银行 账户明细',
    '交易日期,摘要,对方户名,借方发生额,贷方发生额,余额,流水号',
    ...ordered.map((row) => row.join(','))
  ];
  return { bytes: new TextEncoder().encode(`${text.join('\n')}\n`), rows: ordered };
}

const server = await startTestServer();
const database = await createMigratedDatabase(server.adminUrl, 'bench_bank');
const { owner, app } = clientsFor(database.url, 4);
try {
  await owner`create table bench_bank_lines (fund_id bigint, line_date date, direction text, amount numeric(18, 2),
    balance numeric(18, 2), counterparty text, description text, serial text)`;
  const file = statement();
  const userId = await createTestUser(owner, { loginName: 'bench-bank' });
  const timings = { import: [] as number[], baseline: [] as number[], matched: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const fundId = await createFund(owner, 'bank');
    const posted = await books.postBatch(app, { fundId, commands: commands() });
    if (!posted.ok) throw new Error(`batch refused: ${posted.code}`);
    const [account] = await owner<{ id: string }[]>`
      insert into bank_accounts (fund_id, name, account_code) values (${fundId}, '基本户', '1002.01') returning id::text`;
    const actor: Actor = {
      kind: 'user',
      userId,
      platformAdmin: false,
      memberships: [{ fundId, role: 'fund_admin', unitId: null, compoundId: null }],
      totpEnrolled: false,
      fundsRequiringTotp: []
    };
    let started = performance.now();
    const imported = await importStatement(app, {
      actor,
      fundId,
      bankAccountId: account?.id ?? '',
      bytes: file.bytes,
      fileName: 'bench.csv',
      mapping: {},
      now: new Date('2026-07-01T04:00:00Z')
    });
    timings.import.push(performance.now() - started);
    if (!imported.ok) throw new Error(`import refused: ${imported.code}`);
    timings.matched.push(imported.matched);

    started = performance.now();
    await owner.begin(async (transaction) => {
      const column = (at: number) => file.rows.map((row) => row[at] ?? '');
      await transaction`
        insert into bench_bank_lines
        select ${fundId}::bigint, d, case when debit = '' then 'in' else 'out' end,
               coalesce(nullif(debit, ''), credit)::numeric, b::numeric, c, s, n
          from unnest(${column(0)}::date[], ${column(3)}::text[], ${column(4)}::text[], ${column(5)}::text[],
                      ${column(2)}::text[], ${column(1)}::text[], ${column(6)}::text[]) as u(d, debit, credit, b, c, s, n)`;
    });
    timings.baseline.push(performance.now() - started);
  }
  const importMs = median(timings.import);
  const baselineMs = median(timings.baseline);
  console.log(
    `medians of ${ROUNDS} rounds; ${LINES.toLocaleString('en-US')} lines, ${median(timings.matched)} matched`
  );
  console.log(
    `${'import and match a 10,000-line statement'.padEnd(44)} ${importMs.toFixed(0).padStart(8)} ms` +
      `   ×${(importMs / baselineMs).toFixed(1)} of a plain multi-row INSERT of the lines (${baselineMs.toFixed(0)} ms)` +
      `   goal < ${GOAL_MS} ms: ${importMs < GOAL_MS ? 'met' : 'NOT met'}`
  );
} finally {
  await Promise.all([owner.end(), app.end()]);
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
