import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { endResource, recordResource, type ResourceInput } from '../../apps/web/src/lib/server/fund/resources/commands';
import { recordContribution, type ContributionInput } from '../../apps/web/src/lib/server/fund/resources/contributions';
import { publicResources, resourceDetail } from '../../apps/web/src/lib/server/fund/resources/reads';
import { createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * The resources list against a real PostgreSQL: offers are numbered per fund and recorded once
 * per form; what they give is recorded against them, and only goods with a stated fair value
 * reach the books, as one balanced entry; the public read never names an individual.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundId = '';
let unitId = '';
let admin: Actor;
let leader: Actor;

const NOW = new Date('2026-06-30T04:00:00.000Z');
let keyCounter = 0;
const nextKey = () => `00000000-0000-4000-8000-${String(++keyCounter).padStart(12, '0')}`;

function offer(overrides: Partial<ResourceInput> = {}): ResourceInput {
  return {
    unitId,
    providerName: '',
    providerIsOrganisation: true,
    kind: 'volunteer_hours',
    description: '党员志愿服务队：楼道清扫',
    quantity: '40',
    measure: '小时',
    value: '',
    availableFrom: '2026-03-01',
    availableUntil: '2026-12-31',
    conditions: '周末',
    createKey: nextKey(),
    ...overrides
  };
}

function give(number: number, overrides: Partial<ContributionInput> = {}): ContributionInput {
  return {
    number,
    givenOn: '2026-06-20',
    quantity: '6',
    value: '',
    note: '',
    listItemId: null,
    createKey: nextKey(),
    ...overrides
  };
}

const command = (actor: Actor = admin) => ({ actor, fundId, now: NOW, ip: null });

async function numberOf(input: ResourceInput): Promise<number> {
  const result = await recordResource(app, { ...command(), ...input });
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.number;
}

async function entriesCount(): Promise<number> {
  const [row] = await owner<{ count: number }[]>`select count(*)::int as count from entries where fund_id = ${fundId}`;
  return row?.count ?? -1;
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('resources'));
  fundId = await createTestFund(owner, 'resources');
  await app.begin((transaction) => books.openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
  const [unit] = await owner<{ id: string }[]>`select id::text as id from units where fund_id = ${fundId}`;
  unitId = unit?.id ?? '';
  const adminId = await createTestUser(owner, {
    loginName: 'resources-admin',
    memberships: [{ fundSlug: 'resources', role: 'fund_admin' }]
  });
  const leaderId = await createTestUser(owner, {
    loginName: 'resources-leader',
    memberships: [{ fundSlug: 'resources', role: 'leader', unitCode: 'unit-1' }]
  });
  const user = (userId: string, role: 'fund_admin' | 'leader'): Actor => ({
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships: [{ fundId, role, unitId: role === 'leader' ? unitId : null, compoundId: null }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  });
  admin = user(adminId, 'fund_admin');
  leader = user(leaderId, 'leader');
});

afterAll(async () => {
  await close();
});

describe('recording an offer', () => {
  it('numbers offers in the fund, and a resent form answers as the first did', async () => {
    const form = offer();
    const first = await recordResource(app, { ...command(), ...form });
    const again = await recordResource(app, { ...command(), ...form });
    const second = await recordResource(app, { ...command(), ...offer() });
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(again).toEqual(first.ok ? { ...first, replayed: true } : null);
    expect(second.ok && first.ok && second.number === first.number + 1).toBe(true);
  });

  it('numbers offers recorded at once without a gap or a repeat', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => recordResource(app, { ...command(), ...offer() }))
    );
    const numbers = results.map((result) => (result.ok ? result.number : -1)).sort((a, b) => a - b);
    expect(numbers.every((number, index) => index === 0 || number === (numbers[index - 1] ?? 0) + 1)).toBe(true);
  });

  it('refuses, each with its code, and writes nothing', async () => {
    const [before] = await owner<{ count: number }[]>`select count(*)::int as count from resources`;
    const cases: [Partial<ResourceInput>, string][] = [
      [{ unitId: null, providerName: ' ' }, 'provider_is_required'],
      [{ description: ' ' }, 'description_is_required'],
      [{ quantity: '0' }, 'quantity_amount_must_be_positive'],
      [{ quantity: 'many' }, 'quantity_amount_must_be_a_number'],
      [{ value: '1.234' }, 'value_amount_must_have_at_most_two_decimals'],
      [{ availableUntil: '2026-01-01' }, 'period_must_end_after_it_starts'],
      [{ unitId: '999999999' }, 'unit_must_belong_to_fund']
    ];
    for (const [overrides, code] of cases) {
      expect(await recordResource(app, { ...command(), ...offer(overrides) })).toEqual({ ok: false, code });
    }
    expect(await recordResource(app, { ...command(leader), ...offer() })).toEqual({ ok: false, code: 'not_allowed' });
    const [after] = await owner<{ count: number }[]>`select count(*)::int as count from resources`;
    expect(after?.count).toBe(before?.count);
  });
});

describe('what an offer gives', () => {
  it('keeps services, expertise and a room out of the books, whatever value is stated', async () => {
    const before = await entriesCount();
    for (const kind of ['volunteer_hours', 'expertise', 'room'] as const) {
      const number = await numberOf(offer({ kind }));
      const result = await recordContribution(app, { ...command(), ...give(number, { value: '300' }) });
      expect(result).toEqual({ ok: true, entrySeq: null, replayed: false });
    }
    expect(await entriesCount()).toBe(before);
  });

  it('recognises goods with a fair value as one balanced entry: 业务活动成本 against 捐赠收入', async () => {
    const number = await numberOf(offer({ kind: 'materials', description: '灭火器', quantity: '20', measure: '件' }));
    const form = give(number, { quantity: '20', value: '1600' });
    const result = await recordContribution(app, { ...command(), ...form });
    if (!result.ok || result.entrySeq === null) throw new Error('not recognised');
    const postings = await owner<{ account: string; side: string; amount: string }[]>`
      select account_code as account, side, amount::text as amount from postings
       where fund_id = ${fundId} and entry_seq = ${result.entrySeq} order by line_no`;
    expect(postings).toEqual([
      { account: '5101', side: 'debit', amount: '1600.00' },
      { account: '4101.02', side: 'credit', amount: '1600.00' }
    ]);
    const [kept] = await owner<{ entry_seq: string }[]>`
      select entry_seq::text from resource_contributions where create_key = ${form.createKey}`;
    expect(kept?.entry_seq).toBe(String(result.entrySeq));
    // The same form again posts nothing more and answers with the same entry.
    const before = await entriesCount();
    expect(await recordContribution(app, { ...command(), ...form })).toEqual({ ...result, replayed: true });
    expect(await entriesCount()).toBe(before);
  });

  it('discloses goods without a fair value, and refuses money, a withdrawn offer and a stranger list item', async () => {
    const goods = await numberOf(offer({ kind: 'materials', measure: '件' }));
    expect(await recordContribution(app, { ...command(), ...give(goods) })).toMatchObject({ ok: true, entrySeq: null });
    const cash = await numberOf(offer({ kind: 'money', measure: '元' }));
    expect(await recordContribution(app, { ...command(), ...give(cash) })).toEqual({
      ok: false,
      code: 'money_comes_in_through_money_in'
    });
    expect(await recordContribution(app, { ...command(), ...give(goods, { listItemId: '999999999' }) })).toEqual({
      ok: false,
      code: 'list_item_must_belong_to_fund'
    });
    expect(await endResource(app, { ...command(), number: goods, end: 'withdrawn' })).toEqual({
      ok: true,
      changed: true
    });
    expect(await endResource(app, { ...command(), number: goods, end: 'withdrawn' })).toEqual({
      ok: true,
      changed: false
    });
    expect(await endResource(app, { ...command(), number: goods, end: 'used_up' })).toEqual({
      ok: false,
      code: 'resource_is_no_longer_offered'
    });
    expect(await recordContribution(app, { ...command(), ...give(goods) })).toEqual({
      ok: false,
      code: 'resource_was_withdrawn'
    });
    expect(await recordContribution(app, { ...command(), ...give(goods, { givenOn: '2026-07-30' }) })).toEqual({
      ok: false,
      code: 'date_must_not_be_in_the_future'
    });
    expect(await recordContribution(app, { ...command(leader), ...give(goods) })).toEqual({
      ok: false,
      code: 'not_allowed'
    });
  });
});

describe('the public read', () => {
  it('names units and organisations, never an individual, and discloses the year', async () => {
    const person = await numberOf(offer({ unitId: null, providerName: '王大爷', providerIsOrganisation: false }));
    const shop = await numberOf(offer({ unitId: null, providerName: '街口五金店', providerIsOrganisation: true }));
    await recordContribution(app, { ...command(), ...give(person, { quantity: '3' }) });
    const list = await publicResources(app, fundId, { kind: null, unit: null, status: null, year: 2026 });
    const byNumber = new Map(list.rows.map((row) => [row.number, row]));
    expect(byNumber.get(person)?.provider).toBeNull();
    expect(byNumber.get(shop)?.provider).toBe('街口五金店');
    expect(JSON.stringify(list)).not.toContain('王大爷');
    expect(list.recognised.map((item) => item.value)).toContain('1600.00');
    const hours = list.disclosure.find((line) => line.kind === 'volunteer_hours' && line.recognition === 'disclose');
    expect(Number(hours?.quantity)).toBeGreaterThanOrEqual(9);
    expect(list.disclosure.some((line) => line.kind === 'money')).toBe(false);
    // The office reads the name.
    expect((await resourceDetail(app, fundId, person))?.resource.provider).toBe('王大爷');
    const volunteers = await publicResources(app, fundId, { kind: 'room', unit: null, status: null, year: null });
    expect(volunteers.rows.every((row) => row.kind === 'room')).toBe(true);
  });
});
