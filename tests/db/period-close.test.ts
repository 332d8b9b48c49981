import { randomBytes, randomUUID } from 'node:crypto';
import { CHART_MINFEI_2026, money, planRestrictionRelease, type PostCommand } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { closeMonth, closeYear, periodsView } from '../../apps/web/src/lib/server/fund/period-close';
import { moneyInOverview, recordMoneyIn } from '../../apps/web/src/lib/server/fund/money-in';
import { unitStatements } from '../../apps/web/src/lib/server/fund/fund-office';
import { createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * The period close (结账) against a real PostgreSQL: the closing entries carry income into 3101 and
 * 3102 by restriction and expenses into 3101, leaving income and expenses at zero; the month is
 * locked whoever writes (a raw insert is refused with GJ020); a form dated in it answers with a
 * sentence in both languages; a post and a close racing on two connections never leave an entry
 * inside a closed period; and lifting a restriction never leaves 3102 with a debit balance.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let admin: Actor;
let supervisor: Actor;
let adminId = '';
let supervisorId = '';

/** Midday in China on 6 December 2026: October and November have ended, December has not. */
const NOW = new Date('2026-12-06T04:00:00.000Z');

function line(account: string, side: 'debit' | 'credit', amount: string) {
  return { account, side, amount: money(amount) } as const;
}

/** Money in or out of the pool on a day: Dr 1002.01 / Cr income, or Dr expense / Cr 1002.01. */
function income(date: string, account: string, amount: string): PostCommand {
  return {
    date,
    memo: `收入 ${account}`,
    postings: [line('1002.01', 'debit', amount), line(account, 'credit', amount)]
  };
}

function expense(date: string, account: string, amount: string): PostCommand {
  return {
    date,
    memo: `费用 ${account}`,
    postings: [line(account, 'debit', amount), line('1002.01', 'credit', amount)]
  };
}

async function newFund(label: string): Promise<{ fundId: string; slug: string }> {
  const slug = `${label}-${randomBytes(4).toString('hex')}`;
  const [fund] = await owner<{ id: string }[]>`
    insert into funds (slug, name_zh, name_en) values (${slug}, '结账测试基金', 'Period close fund') returning id::text as id`;
  if (fund === undefined) throw new Error('no fund');
  await owner`insert into units (fund_id, code, name) values (${fund.id}, 'unit-1', '测试单位')`;
  await app.begin((transaction) => books.openChartIn(transaction, { fundId: fund.id, chart: CHART_MINFEI_2026 }));
  return { fundId: fund.id, slug };
}

function actorOf(userId: string, role: 'fund_admin' | 'supervisor', fundIds: readonly string[]): Actor {
  return {
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships: fundIds.map((fundId) => ({ fundId, role, unitId: null, compoundId: null })),
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

async function post(fundId: string, command: PostCommand): Promise<number> {
  const posted = await books.post(app, { fundId, command });
  if (!posted.ok) throw new Error(`post refused: ${posted.code}`);
  return posted.value.seq;
}

/** Debits minus credits per account, as of a day (all days when null). */
async function balances(fundId: string, asOf: string | null = null): Promise<Map<string, string>> {
  const rows = await owner<{ account: string; balance: string }[]>`
    select p.account_code as account, sum(case when p.side = 'debit' then p.amount else -p.amount end)::text as balance
      from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.fund_id = ${fundId} and (${asOf}::date is null or e.effective_date <= ${asOf}::date)
     group by p.account_code`;
  return new Map(rows.map((row) => [row.account, row.balance]));
}

/** A raw insert of the next entry in the chain, dated as given, bypassing the app. */
async function rawInsert(db: Sql, fundId: string, date: string): Promise<void> {
  await db.begin(async (transaction) => {
    const [head] = await transaction<{ seq: string; hash: string }[]>`
      select last_seq::text as seq, last_hash as hash from chain_heads where fund_id = ${fundId} for update`;
    if (head === undefined) throw new Error('no chain head');
    await transaction`
      insert into entries (fund_id, seq, id, effective_date, recorded_at, memo, prev_hash, hash)
      values (${fundId}, ${Number(head.seq) + 1}, ${randomUUID()}, ${date}, now(), 'raw', ${head.hash}, ${'a'.repeat(64)})`;
  });
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('period_close'));
  adminId = await createTestUser(owner, { loginName: 'period-admin', displayName: '结账管理员' });
  supervisorId = await createTestUser(owner, { loginName: 'period-supervisor' });
});

afterAll(async () => {
  await close();
});

describe('closing a month', () => {
  let fundId = '';
  let key = '';

  beforeAll(async () => {
    ({ fundId } = await newFund('period'));
    admin = actorOf(adminId, 'fund_admin', [fundId]);
    supervisor = actorOf(supervisorId, 'supervisor', [fundId]);
    await post(fundId, income('2026-10-05', '4401.01', '10000'));
    await post(fundId, income('2026-10-10', '4101.02', '2000'));
    await post(fundId, expense('2026-10-20', '5201', '300'));
    await post(fundId, income('2026-11-03', '4101.02', '500'));
  });

  it('refuses a month not yet ended, and anyone but the administrator', async () => {
    const base = { fundId, now: NOW, createKey: randomUUID() };
    expect(await closeMonth(app, { ...base, actor: admin, month: '2026-12' })).toEqual({
      ok: false,
      code: 'month_has_not_ended'
    });
    expect(await closeMonth(app, { ...base, actor: supervisor, month: '2026-10' })).toEqual({
      ok: false,
      code: 'not_allowed'
    });
    expect(await books.closedThroughIn(app, fundId)).toBeNull();
  });

  it('carries income into 3101 and 3102 by restriction and expenses into 3101, dated the last day', async () => {
    key = randomUUID();
    const closed = await closeMonth(app, { fundId, actor: admin, now: NOW, createKey: key, month: '2026-10' });
    if (!closed.ok) throw new Error(closed.code);
    expect(closed).toMatchObject({ replayed: false, month: '2026-10', periodEnd: '2026-10-31' });
    expect(closed.entrySeqs).toHaveLength(2);
    const entries = await owner<{ memo: string; date: string; voucher: string }[]>`
      select memo, to_char(effective_date, 'YYYY-MM-DD') as date, voucher_number as voucher
        from entries where fund_id = ${fundId} and seq in ${owner(closed.entrySeqs)} order by seq`;
    expect(entries.map((entry) => entry.memo)).toEqual(['结账：2026年10月 收入结转', '结账：2026年10月 费用结转']);
    expect(entries.every((entry) => entry.date === '2026-10-31' && /^记字第\d+号$/.test(entry.voucher))).toBe(true);
    const october = await balances(fundId, '2026-10-31');
    for (const account of ['4401.01', '4101.02', '5201']) expect(october.get(account)).toBe('0.00');
    expect(october.get('3102')).toBe('-10000.00');
    expect(october.get('3101')).toBe('-1700.00');
    // November's income is still in the open period.
    expect((await balances(fundId)).get('4101.02')).toBe('-500.00');
    expect(await books.closedThroughIn(app, fundId)).toBe('2026-10-31');
    const ids = await books.closingEntryIdsIn(app, fundId);
    expect(ids.size).toBe(2);
  });

  it('answers a resend as the first, and refuses a month twice, out of order, or a key reused', async () => {
    const again = await closeMonth(app, { fundId, actor: admin, now: NOW, createKey: key, month: '2026-10' });
    expect(again).toMatchObject({ ok: true, replayed: true, month: '2026-10' });
    expect(await closeMonth(app, { fundId, actor: admin, now: NOW, createKey: key, month: '2026-11' })).toEqual({
      ok: false,
      code: 'form_was_already_used_for_something_else'
    });
    const fresh = { fundId, actor: admin, now: NOW, createKey: randomUUID() };
    expect(await closeMonth(app, { ...fresh, month: '2026-10' })).toEqual({
      ok: false,
      code: 'month_is_already_closed'
    });
    const later = { ...fresh, now: new Date('2027-01-15T04:00:00.000Z') };
    expect(await closeMonth(app, { ...later, month: '2026-12' })).toEqual({
      ok: false,
      code: 'month_must_follow_the_last_close'
    });
    expect(await closeYear(app, { ...later, year: 2026 })).toEqual({ ok: false, code: 'year_needs_december_closed' });
  });

  it('refuses any entry dated in the closed month, whoever inserts it (GJ020)', async () => {
    for (const db of [owner, app]) {
      await expect(rawInsert(db, fundId, '2026-10-15')).rejects.toMatchObject({
        code: 'GJ020',
        message: expect.stringMatching(/^entry_date_must_be_in_open_period: /) as unknown
      });
    }
    await expect(books.post(app, { fundId, command: income('2026-09-30', '4101.02', '1') })).rejects.toMatchObject({
      code: 'GJ020'
    });
    // The open period takes entries as before.
    expect(await post(fundId, income('2026-11-04', '4101.02', '1'))).toBeGreaterThan(0);
    // A close is never reopened: the database refuses to change or remove one.
    await expect(owner`delete from period_closes where fund_id = ${fundId}`).rejects.toMatchObject({ code: 'GJ001' });
  });

  it('answers a form dated in a closed month with a refusal for its date field, not a 500', async () => {
    const result = await recordMoneyIn(app, {
      actor: admin,
      fundId,
      now: NOW,
      ip: null,
      source: 'donation',
      date: '2026-10-15',
      amount: '100',
      method: 'bank',
      memo: '',
      unitId: null,
      payer: '热心居民',
      restricted: false,
      attachment: null,
      idempotencyKey: randomUUID()
    });
    // The form shows it on its date field, in either language (apps/web/src/lib/server/fund/period-close-refusals.test.ts).
    expect(result).toEqual({ ok: false, code: 'entry_date_must_be_in_open_period' });
  });

  it('closes the year once its December is closed, and lists the months with their state', async () => {
    const late = { fundId, actor: admin, now: new Date('2027-01-15T04:00:00.000Z') };
    for (const month of ['2026-11', '2026-12']) {
      const closed = await closeMonth(app, { ...late, month, createKey: randomUUID() });
      expect(closed).toMatchObject({ ok: true, month });
    }
    const yearKey = randomUUID();
    expect(await closeYear(app, { ...late, year: 2026, createKey: yearKey })).toEqual({
      ok: true,
      replayed: false,
      year: 2026
    });
    expect(await closeYear(app, { ...late, year: 2026, createKey: yearKey })).toMatchObject({ replayed: true });
    expect(await closeYear(app, { ...late, year: 2026, createKey: randomUUID() })).toEqual({
      ok: false,
      code: 'year_is_already_closed'
    });
    const view = await periodsView(app, fundId, late.now);
    expect(view.closedThrough).toBe('2026-12-31');
    expect(view.yearsClosed).toEqual([2026]);
    expect(view.months.map((row) => [row.month, row.state])).toEqual([
      ['2027-01', 'open'],
      ['2026-12', 'closed'],
      ['2026-11', 'closed'],
      ['2026-10', 'closed']
    ]);
    expect(view.months[3]?.vouchers.map((voucher) => voucher.memo)).toEqual([
      '结账：2026年10月 收入结转',
      '结账：2026年10月 费用结转'
    ]);
    expect(view.months[3]?.closedBy).toBe('结账管理员');
  });
});

describe('a post and a close racing on two connections', () => {
  it('either lands before the close and is closed with it, or is refused: never an entry inside a closed period', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 6; round += 1) {
      const { fundId } = await newFund('race');
      const actor = actorOf(adminId, 'fund_admin', [fundId]);
      await post(fundId, income('2026-11-02', '4101.02', '100'));
      const [posted, closed] = await Promise.allSettled([
        books.post(app, { fundId, command: income('2026-11-20', '4101.02', '7') }),
        closeMonth(app, { fundId, actor, now: NOW, month: '2026-11', createKey: randomUUID() })
      ]);
      expect(closed).toMatchObject({ status: 'fulfilled', value: { ok: true } });
      if (posted.status === 'rejected') {
        expect(posted.reason).toMatchObject({ code: 'GJ020' });
        outcomes.push('refused');
      } else {
        expect(posted.value.ok).toBe(true);
        outcomes.push('closed with it');
      }
      // Every entry dated in November comes before the closing entries, and they emptied its income.
      const [late] = await owner<{ count: number }[]>`
        select count(*)::int as count from entries e
         where e.fund_id = ${fundId} and e.effective_date <= '2026-11-30'
           and e.seq > (select min(x.seq) from closing_entries c join entries x on x.fund_id = c.fund_id and x.id = c.entry_id
                         where c.fund_id = ${fundId})
           and not exists (select 1 from closing_entries c where c.fund_id = e.fund_id and c.entry_id = e.id)`;
      expect(late?.count).toBe(0);
      expect((await balances(fundId, '2026-11-30')).get('4101.02')).toBe('0.00');
    }
    expect(outcomes).toHaveLength(6);
  });
});

describe('lifting a restriction after a close', () => {
  it('takes 3102 first, then reclassifies the open period’s restricted income: 3102 never shows a debit', async () => {
    const { fundId } = await newFund('release');
    const actor = actorOf(adminId, 'fund_admin', [fundId]);
    await post(fundId, income('2026-10-05', '4401.01', '1000'));
    const closed = await closeMonth(app, { fundId, actor, now: NOW, month: '2026-10', createKey: randomUUID() });
    expect(closed).toMatchObject({ ok: true });
    await post(fundId, income('2026-12-01', '4401.01', '600'));
    const restricted = await books.restrictedBalancesIn(app, fundId);
    expect(restricted.netAssets.toString()).toBe('1000.00');
    // A match of 1,500 spent on its purpose: 1,000 from 3102, 500 reclassified from this period's income.
    const release = planRestrictionRelease(money('1500'), restricted);
    expect(release.released.toString()).toBe('1500.00');
    await post(fundId, { date: '2026-12-05', memo: '配套资金已用于项目，解除限制', postings: release.postings });
    const after = await balances(fundId);
    expect(after.get('3102')).toBe('0.00');
    expect(after.get('4401.01')).toBe('-100.00');
    expect(after.get('4401.02')).toBe('-500.00');
    expect(after.get('3101')).toBe('-1000.00');
    // Asked for more than the books hold as restricted, it releases only what they hold.
    const rest = planRestrictionRelease(money('5000'), await books.restrictedBalancesIn(app, fundId));
    expect(rest.released.toString()).toBe('100.00');
  });
});

describe('a unit’s contributions after a close and a lifted restriction', () => {
  it('stay the unit’s own: the statements leave closing entries out and follow the reclassification', async () => {
    const { fundId } = await newFund('unit-paid');
    const actor = actorOf(adminId, 'fund_admin', [fundId]);
    const [unit] = await owner<{ id: string }[]>`select id::text as id from units where fund_id = ${fundId}`;
    const pay = (date: string) =>
      recordMoneyIn(app, {
        actor,
        fundId,
        now: NOW,
        ip: null,
        source: 'unit',
        date,
        amount: '500',
        method: 'bank',
        memo: '',
        unitId: unit?.id ?? null,
        payer: '',
        restricted: false,
        attachment: null,
        idempotencyKey: randomUUID()
      });
    expect(await pay('2026-10-08')).toMatchObject({ ok: true });
    expect(await closeMonth(app, { fundId, actor, now: NOW, month: '2026-10', createKey: randomUUID() })).toMatchObject(
      {
        ok: true
      }
    );
    expect(await pay('2026-12-01')).toMatchObject({ ok: true });
    // 600 of the match spent: 500 from 3102, 100 reclassified into the unit's unrestricted sub-account.
    const release = planRestrictionRelease(money('600'), await books.restrictedBalancesIn(app, fundId));
    const counterpart = release.postings.find((posting) => posting.side === 'credit' && posting.account !== '3101');
    expect(counterpart?.account).toBe('4101.02.U-unit-1');
    await app.begin((transaction) => books.openIn(transaction, { fundId, command: { code: '4101.02.U-unit-1' } }));
    await post(fundId, { date: '2026-12-05', memo: '解除限制', postings: release.postings });
    const [statement] = await unitStatements(app, fundId, 2026);
    expect(statement?.paid).toBe('1000.00');
    const overview = await moneyInOverview(app, { fundId, before: null });
    expect(overview.units[0]?.paid).toBe('1000.00');
    expect((await balances(fundId)).get('3102')).toBe('0.00');
  });
});
