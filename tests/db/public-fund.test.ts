import { money, Money, type PostCommand } from '@gongjian/ledger';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { recordMoneyInIn, type MoneyInInput } from '../../apps/web/src/lib/server/fund/money-in';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { fundPage, type FundPage, type MonthTable } from '../../apps/web/src/lib/server/public/fund-page';
import { raiseDirectly } from '../support/pay-world';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, idOf, makeWorld, person, type ReviewDb, type World } from '../support/review-world';

/*
 * The public fund page's figures against real PostgreSQL: each kind of money in lands in its
 * source (a unit's payment, a government grant, a charity donation, a household's self-raised
 * payment, interest), a reversal nets out, months are the entries' own, spending is by project
 * and category and refunds are not spending, the compounds' quota counts granted projects, the
 * balance is the pool's accounts, and (a property) the month rows always add up to the totals.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('public_fund'));
});

afterAll(async () => {
  await close();
});

let funds = 0;

async function moneyIn(world: World, input: Partial<MoneyInInput> & Pick<MoneyInInput, 'source' | 'date' | 'amount'>) {
  funds += 1;
  return await books.transact(app, (transaction) =>
    recordMoneyInIn(transaction, {
      fundId: world.fundId,
      now: NOW,
      ip: null,
      actorUserId: null,
      checkToday: false,
      method: 'bank',
      memo: '',
      unitId: null,
      payer: '付款方',
      restricted: false,
      attachment: null,
      idempotencyKey: `public-fund-${funds}`,
      ...input
    })
  );
}

async function post(world: World, command: PostCommand): Promise<string> {
  const posted = await books.post(app, { fundId: world.fundId, command });
  if (!posted.ok) throw new Error(`post: ${posted.code}`);
  return posted.value.id;
}

function posting(account: string, side: 'debit' | 'credit', amount: string) {
  return { account, side, amount: money(amount) } as const;
}

/** A table's figures by month and series key, for reading expectations plainly. */
function byMonth(table: MonthTable): Record<string, Record<string, string>> {
  return Object.fromEntries(
    table.months.map((row) => [
      row.month,
      Object.fromEntries(table.keys.map((key, index) => [key, row.values[index] ?? 'missing']))
    ])
  );
}

function totalsOf(table: MonthTable): Record<string, string> {
  return Object.fromEntries(table.keys.map((key, index) => [key, table.totals[index] ?? 'missing']));
}

/** The month rows add up to the series totals, and the series totals to the grand total. */
function expectConsistent(table: MonthTable): void {
  table.keys.forEach((_key, index) => {
    const sum = Money.sum(table.months.map((row) => money(row.values[index] ?? '0')));
    expect(sum.toString()).toBe(table.totals[index]);
  });
  for (const row of table.months) {
    expect(Money.sum(row.values.map(money)).toString()).toBe(row.total);
  }
  expect(Money.sum(table.totals.map(money)).toString()).toBe(table.total);
}

describe('the fund page of a fund with every kind of money', () => {
  let world: World;
  let page: FundPage;

  beforeAll(async () => {
    const db: ReviewDb = { owner, app, now: NOW };
    world = await makeWorld(db, { slug: 'public-fund-1', pool: '50000.00' });
    const admin = await person(db, world, 'pf-admin', [{ role: 'fund_admin' }]);
    const leaders: Actor[] = [
      await person(db, world, 'pf-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
      await person(db, world, 'pf-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
      await person(db, world, 'pf-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
    ];
    const committee = await person(db, world, 'pf-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);

    await moneyIn(world, {
      source: 'unit',
      unitId: world.units['unit-2'] ?? null,
      date: '2026-01-20',
      amount: '10000'
    });
    const paid = await moneyIn(world, {
      source: 'unit',
      unitId: world.units['unit-3'] ?? null,
      date: '2026-02-10',
      amount: '2500'
    });
    await moneyIn(world, { source: 'government', restricted: true, date: '2026-02-15', amount: '20000' });
    await moneyIn(world, { source: 'donation', date: '2026-03-03', amount: '3000' });
    await moneyIn(world, { source: 'interest', date: '2026-03-04', amount: '12.34' });
    // The unit's payment was recorded by mistake and reversed in March.
    const [entry] = await owner<{ id: string }[]>`
      select id::text as id from entries where fund_id = ${world.fundId} and seq = ${paid.seq}`;
    const reversed = await books.reverse(app, {
      fundId: world.fundId,
      command: { entryId: entry?.id ?? '', date: '2026-03-02', memo: '冲销：误记' }
    });
    expect(reversed.ok).toBe(true);

    const project = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 5 });
    await raiseDirectly(app, {
      world,
      project,
      amounts: ['100.00', '200.00', '300.00', '400.00', '500.00'],
      recordedBy: idOf(committee),
      now: NOW
    });
    await post(world, {
      date: '2026-03-05',
      memo: '拨付配套资金',
      postings: [posting('1002.02.P-1', 'debit', '1000'), posting('1002.01', 'credit', '1000')]
    });
    await post(world, {
      date: '2026-03-06',
      memo: '项目支出',
      postings: [
        posting('5101.P-1', 'debit', '600'),
        posting('2209.P-1', 'debit', '400'),
        posting('1002.02.P-1', 'credit', '1000')
      ]
    });
    await post(world, {
      date: '2026-03-07',
      memo: '自筹结余退还',
      postings: [posting('2209.P-1', 'debit', '50'), posting('1002.02.P-1', 'credit', '50')]
    });
    await post(world, {
      date: '2026-03-08',
      memo: '办公用品',
      postings: [posting('5201', 'debit', '20'), posting('1002.01', 'credit', '20')]
    });
    const loaded = await fundPage(app, world.fundId, NOW);
    if (loaded === null) throw new Error('no page');
    page = loaded;
  });

  it('classifies money in by source, months by the entries’ dates, and nets the reversal out', () => {
    expect(totalsOf(page.moneyIn)).toEqual({
      units: '10000.00',
      government: '20000.00',
      charity: '53000.00',
      self_raised: '1500.00',
      other: '12.34'
    });
    expect(page.moneyIn.total).toBe('84512.34');
    const zero = { units: '0.00', government: '0.00', charity: '0.00', self_raised: '0.00', other: '0.00' };
    expect(byMonth(page.moneyIn)).toEqual({
      '2026-01': { ...zero, units: '10000.00' },
      '2026-02': { ...zero, units: '2500.00', government: '20000.00' },
      '2026-03': { ...zero, units: '-2500.00', charity: '53000.00', self_raised: '1500.00', other: '12.34' }
    });
    expectConsistent(page.moneyIn);
  });

  it('reports spending by category and by project, and refunds apart from spending', () => {
    expect(page.moneyOut.keys).toEqual(['repairs', '']);
    expect(byMonth(page.moneyOut)).toEqual({
      '2026-01': { repairs: '0.00', '': '0.00' },
      '2026-02': { repairs: '0.00', '': '0.00' },
      '2026-03': { repairs: '1000.00', '': '20.00' }
    });
    expect(page.moneyOut.total).toBe('1020.00');
    expect(page.projects).toEqual([
      { number: 1, title: '项目 1', category: 'repairs', spent: '1000.00', refunded: '50.00' },
      { number: null, title: null, category: null, spent: '20.00', refunded: '0.00' }
    ]);
    expect(page.refunded).toBe('50.00');
    expect(page.categoryLabels['repairs']).toEqual({ zh: '设施维修', en: 'Repairs' });
    expectConsistent(page.moneyOut);
  });

  it('shows the pool’s accounts as the balance, and money in less out and refunds is what the fund holds', async () => {
    const [row] = await owner<{ balance: string; reserved: string; bank: string }[]>`
      select sum(debits_posted - credits_posted) filter (where account_code in ('1002.01', '1001'))::text as balance,
             sum(held_total) filter (where account_code in ('1002.01', '1001'))::text as reserved,
             sum(debits_posted - credits_posted) filter (where account_code like '100%')::text as bank
        from account_balances where fund_id = ${world.fundId}`;
    expect(page.pool.balance).toBe(row?.balance);
    expect(page.pool.balance).toBe('81992.34');
    expect(page.pool.reserved).toBe('3000.00');
    expect(page.pool.available).toBe('78992.34');
    expect(page.projectFunds).toBe('1450.00');
    const held = money(page.moneyIn.total).minus(money(page.moneyOut.total)).minus(money(page.refunded));
    expect(held.toString()).toBe(row?.bank);
  });

  it('counts the granted match against the compound’s yearly cap', () => {
    expect(page.quota.map((row) => [row.code, row.used, row.cap, row.remaining])).toEqual([
      ['compound-1', '3000.00', '50000.00', '47000.00'],
      ['compound-2', '0.00', '50000.00', '50000.00']
    ]);
  });

  it('lists the units with what they pledged and paid this year, by name only', () => {
    expect(page.fiscalYear).toBe(2026);
    expect(page.contributors.map((row) => [row.name, row.pledged, row.paid])).toEqual([
      ['测试单位', null, '0.00'],
      ['单位 unit-2', null, '10000.00'],
      ['单位 unit-3', null, '0.00'],
      ['单位 unit-4', null, '0.00']
    ]);
    expect(Object.keys(page.contributors[0] ?? {}).sort()).toEqual(['name', 'outstanding', 'paid', 'pledged']);
  });
});

/** One random entry of the property: money of a kind on a day, reversed later or not. */
const ACCOUNTS_IN = ['4101.02', '4401.02', '4601', '4101.01.U-unit-2'] as const;
const entryArbitrary = fc.record({
  kind: fc.constantFrom('in', 'in', 'in', 'out'),
  account: fc.constantFrom(...ACCOUNTS_IN),
  // 900 days from 2023-10-01 reach past both ends of the 24 months before NOW.
  day: fc.integer({ min: 0, max: 890 }),
  fen: fc.integer({ min: 1, max: 2_000_000 }),
  reversed: fc.boolean()
});

describe('the month rows and the totals (property)', () => {
  it('always add up, and money in equals what the income accounts took', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entryArbitrary, { minLength: 1, maxLength: 25 }), async (entries) => {
        runs += 1;
        const db: ReviewDb = { owner, app, now: NOW };
        const world = await makeWorld(db, { slug: `public-fund-p${runs}`, pool: '1000000.00' });
        await books.transact(app, (transaction) =>
          books.openIn(transaction, { fundId: world.fundId, command: { code: '4101.01.U-unit-2' } })
        );
        for (const entry of entries) {
          const date = new Date(Date.UTC(2023, 9, 1) + entry.day * 86_400_000).toISOString().slice(0, 10);
          const amount = Money.fromMinor(BigInt(entry.fen)).toString();
          const id = await post(world, {
            date,
            memo: 'property',
            postings:
              entry.kind === 'in'
                ? [posting('1002.01', 'debit', amount), posting(entry.account, 'credit', amount)]
                : [posting('5201', 'debit', amount), posting('1002.01', 'credit', amount)]
          });
          if (entry.reversed) {
            const reversed = await books.reverse(app, {
              fundId: world.fundId,
              command: { entryId: id, date: '2026-03-09', memo: 'reversed' }
            });
            expect(reversed.ok).toBe(true);
          }
        }
        const page = await fundPage(app, world.fundId, NOW);
        if (page === null) throw new Error('no page');
        expectConsistent(page.moneyIn);
        expectConsistent(page.moneyOut);
        const [row] = await owner<{ income: string; expense: string }[]>`
          select coalesce(sum(credits_posted - debits_posted) filter (where account_code like '4%'), 0)::numeric(18, 2)::text
                   as income,
                 coalesce(sum(debits_posted - credits_posted) filter (where account_code like '5%'), 0)::numeric(18, 2)::text
                   as expense
            from account_balances where fund_id = ${world.fundId}`;
        expect(page.moneyIn.total).toBe(row?.income);
        expect(page.moneyOut.total).toBe(row?.expense);
        // Months run from the window's start (with an `earlier` row) or the first month with money.
        const months = page.moneyIn.months.map((month) => month.month);
        expect(months.at(-1)).toBe('2026-03');
        expect(months.filter((month) => month !== 'earlier').length).toBeLessThanOrEqual(24);
      }),
      { numRuns: 12 }
    );
  });
});
