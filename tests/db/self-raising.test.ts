import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUpload, type Upload } from '../../apps/web/src/lib/server/platform/attachments';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { DEMO_FUND_SLUG, seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import {
  householdOptionsOf,
  maskedHouseholdOf,
  paymentsOf,
  raiseProgressOf,
  receiptOf,
  recordSelfRaisedPayment,
  type SelfRaiseInput
} from '../../apps/web/src/lib/server/projects/self-raising';
import { seedDemoSelfRaising } from '../../apps/web/src/lib/server/demo/self-raising';
import { voucherOf } from '../../apps/web/src/lib/server/fund/vouchers';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  makeWorld,
  person,
  type ActiveProject,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * Self-raising against a real PostgreSQL: a household's payment is one entry (Dr 1002.02.P-n /
 * Cr 2209.P-n) with a voucher number, the masked household in its memo and the receipt's hash;
 * the progress and the participation rate follow; every refusal comes back as its code (the
 * target's with the figure left); a form sent twice records once; two payments racing for the
 * last of the target leave exactly one; and the database refuses what the app should never write.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};

/** Midday in China on Tuesday 10 March 2026. */
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });

let world: World;
let admin: Actor;
let committee: Actor;
let committeeB: Actor;
let leader: Actor;
let project: ActiveProject;

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

function receipt(): Upload {
  const checked = checkUpload(PNG, '收据.png');
  if (!checked.ok || checked.upload === null) throw new Error('the test receipt does not pass');
  return checked.upload;
}

function payment(overrides: Partial<SelfRaiseInput> & { actor?: Actor; number?: number } = {}) {
  return {
    actor: committee,
    fundId: world.fundId,
    number: project.number,
    now: NOW,
    ip: '10.1.2.3',
    householdId: project.households[0] ?? '',
    amount: '100.00',
    date: '2026-03-09',
    method: 'cash' as const,
    receipt: null,
    idempotencyKey: randomUUID(),
    ...overrides
  };
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('self_raising'));
  world = await makeWorld(db(), {
    slug: 'self-raising',
    pool: '100000.00',
    compoundCodes: ['compound-2'],
    policy: { ...DEMO_POLICY_JSON, participationMin: '0.6' }
  });
  admin = await person(db(), world, 'sr-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db(), world, 'sr-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db(), world, 'sr-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db(), world, 'sr-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  [leader] = leaders as [Actor];
  committee = await person(db(), world, 'sr-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  committeeB = await person(db(), world, 'sr-committee-b', [{ role: 'committee', compoundCode: 'compound-2' }]);
  project = await activeProject(db(), world, { number: 1, admin, leaders, committee, households: 5 });
});

afterAll(async () => {
  await close();
});

async function entryOf(seq: number) {
  const [entry] = await owner<
    { memo: string; voucherNumber: string; applicationId: string; hashes: string[]; date: string }[]
  >`
    select memo, voucher_number as "voucherNumber", application_id as "applicationId",
           attachment_hashes as hashes, to_char(effective_date, 'YYYY-MM-DD') as date
      from entries where fund_id = ${world.fundId} and seq = ${seq}`;
  const postings = await owner<{ account: string; side: string; amount: string }[]>`
    select account_code as account, side, amount::text as amount from postings
     where fund_id = ${world.fundId} and entry_seq = ${seq} order by line_no`;
  return { entry, postings };
}

async function loaded() {
  const row = await loadProject(app, { fundId: world.fundId, number: project.number, lock: false });
  if (row === null) throw new Error('no project');
  return row;
}

describe('maskedHouseholdOf', () => {
  it('shows the door and the first character of the name', () => {
    expect(maskedHouseholdOf({ building: '3', unitNo: '2', room: '401', name: '王建国' })).toBe('3-2-401 王*');
    expect(maskedHouseholdOf({ building: '3', unitNo: '', room: '401', name: '' })).toBe('3-401');
  });
});

describe('recordSelfRaisedPayment', () => {
  it('posts Dr 1002.02.P-n / Cr 2209.P-n with a voucher number, the masked household and the receipt', async () => {
    const upload = receipt();
    const result = await recordSelfRaisedPayment(app, payment({ amount: '120.50', method: 'wechat', receipt: upload }));
    expect(result).toMatchObject({ ok: true, replayed: false });
    if (!result.ok) return;
    const { entry, postings } = await entryOf(result.seq);
    expect(entry).toMatchObject({
      voucherNumber: `记字第${result.seq}号`,
      applicationId: '1',
      hashes: [upload.sha256],
      date: '2026-03-09'
    });
    expect(entry?.memo).toContain('1-1-101-1 住*');
    expect(entry?.memo).toContain('微信');
    expect(entry?.memo).not.toContain('住户1');
    expect(postings).toEqual([
      { account: '1002.02.P-1', side: 'debit', amount: '120.50' },
      { account: '2209.P-1', side: 'credit', amount: '120.50' }
    ]);
    const [row] = await owner<{ amount: string; method: string; receipt: string; recordedBy: string }[]>`
      select amount::text as amount, method, receipt_sha256 as receipt, recorded_by::text as "recordedBy"
        from self_raised_payments where id = ${result.paymentId}`;
    expect(row).toEqual({
      amount: '120.50',
      method: 'wechat',
      receipt: upload.sha256,
      recordedBy: committee.kind === 'user' ? committee.userId : ''
    });
    const [event] = await owner<{ detail: Record<string, unknown> }[]>`
      select detail from events where action = 'project.self_raised' and resource_id = ${result.paymentId}`;
    expect(event?.detail).toMatchObject({ applicationNumber: 1, amount: '120.50', entrySeq: result.seq });
    // The 记账凭证 names its preparer from that event.
    const voucher = await voucherOf(app, { fundId: world.fundId, seq: result.seq });
    expect(voucher?.preparer).toBe('sr-committee');
  });

  it('lets the fund administrator record a payment handed in at the office', async () => {
    const result = await recordSelfRaisedPayment(
      app,
      payment({ actor: admin, householdId: project.households[1] ?? '', amount: '80.00', method: 'bank' })
    );
    expect(result.ok).toBe(true);
  });

  it('shows the progress, the participation against the policy minimum, the list and the receipt', async () => {
    const row = await loaded();
    const progress = await raiseProgressOf(app, world.fundId, row);
    expect(progress).toEqual({
      target: '2000.00',
      received: '200.50',
      remaining: '1799.50',
      householdsPaid: 2,
      householdsExpected: 5,
      participationPercent: '40',
      participationMinPercent: '60',
      participationMet: false
    });
    const payments = await paymentsOf(app, row);
    expect(payments.map((listed) => listed.amount)).toEqual(['80.00', '120.50']);
    expect(payments[1]?.household).toBe('1-1-101-1 住*');
    const options = await householdOptionsOf(app, row);
    expect(options).toHaveLength(5);
    expect(options[0]).toMatchObject({ door: '1-1-101-1', name: '住户1', paid: '120.50' });
    const printed = await receiptOf(app, { project: row, paymentId: payments[1]?.id ?? '' });
    expect(printed).toMatchObject({
      householdName: '住户1',
      door: '1-1-101-1',
      amount: '120.50',
      amountInWords: '人民币壹佰贰拾元伍角',
      method: 'wechat',
      projectTitle: '项目 1',
      compoundName: '测试小区'
    });
    expect(await receiptOf(app, { project: row, paymentId: '987654321' })).toBeNull();
    expect(await receiptOf(app, { project: row, paymentId: 'x' })).toBeNull();

    await recordSelfRaisedPayment(app, payment({ householdId: project.households[2] ?? '', amount: '10.00' }));
    const met = await raiseProgressOf(app, world.fundId, await loaded());
    expect(met).toMatchObject({ householdsPaid: 3, participationPercent: '60', participationMet: true });
  });

  it('records a form sent twice once, and refuses its key for another payment', async () => {
    const key = randomUUID();
    const first = await recordSelfRaisedPayment(app, payment({ idempotencyKey: key, amount: '30.00' }));
    const again = await recordSelfRaisedPayment(app, payment({ idempotencyKey: key, amount: '30.00' }));
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again).toEqual({ ok: true, paymentId: first.paymentId, seq: first.seq, replayed: true });
    const [count] = await owner<{ rows: number; entries: number }[]>`
      select (select count(*)::int from self_raised_payments where create_key = ${key}) as rows,
             (select count(*)::int from entries where idempotency_key = ${`raise:${key}`}) as entries`;
    expect(count).toEqual({ rows: 1, entries: 1 });
    const other = await recordSelfRaisedPayment(app, payment({ idempotencyKey: key, amount: '31.00' }));
    expect(other).toEqual({ ok: false, code: 'form_was_already_used_for_something_else' });
  });

  it('refuses each bad input with its code', async () => {
    const cases: [Parameters<typeof payment>[0], string][] = [
      [{ amount: 'abc' }, 'amount_must_be_a_number'],
      [{ amount: '0' }, 'amount_must_be_positive'],
      [{ amount: '1.234' }, 'amount_must_have_at_most_two_decimals'],
      [{ amount: '100000000' }, 'amount_must_not_exceed_limit'],
      [{ date: '2026-02-30' }, 'date_must_be_valid'],
      [{ date: '2026-03-11' }, 'date_must_not_be_in_the_future'],
      [{ date: '2024-12-31' }, 'date_must_be_in_the_fiscal_year'],
      [{ householdId: '987654321' }, 'household_must_be_in_compound'],
      [{ householdId: 'x' }, 'household_must_be_in_compound'],
      [{ number: 99 }, 'project_not_found']
    ];
    for (const [input, code] of cases) {
      expect(await recordSelfRaisedPayment(app, payment(input)), code).toEqual({ ok: false, code });
    }
    const [otherHousehold] = await owner<{ id: string }[]>`
      insert into households (fund_id, compound_id, building, room, name)
      values (${world.fundId}, ${world.compounds['compound-2'] ?? ''}, '9', '901', '外人') returning id::text as id`;
    expect(await recordSelfRaisedPayment(app, payment({ householdId: otherHousehold?.id ?? '' }))).toEqual({
      ok: false,
      code: 'household_must_be_in_compound'
    });
  });

  it('refuses people the policy does not allow, and a project no longer raising', async () => {
    expect(await recordSelfRaisedPayment(app, payment({ actor: committeeB }))).toEqual({
      ok: false,
      code: 'not_allowed',
      reason: 'role_required'
    });
    expect(await recordSelfRaisedPayment(app, payment({ actor: leader }))).toEqual({
      ok: false,
      code: 'not_allowed',
      reason: 'role_required'
    });
  });

  it('refuses a payment past the target with what is left, also when two race for the last of it', async () => {
    const row = await loaded();
    const { remaining } = await raiseProgressOf(app, world.fundId, row);
    expect(remaining).toBe('1759.50');
    expect(await recordSelfRaisedPayment(app, payment({ amount: '1759.51' }))).toEqual({
      ok: false,
      code: 'payment_exceeds_target',
      remaining: '1759.50'
    });
    expect((await recordSelfRaisedPayment(app, payment({ amount: '1739.50' }))).ok).toBe(true);
    // 20.00 left: two payments of 15.00 at once; the project's lock lets one through.
    const raced = await Promise.all([
      recordSelfRaisedPayment(app, payment({ householdId: project.households[3] ?? '', amount: '15.00' })),
      recordSelfRaisedPayment(app, payment({ householdId: project.households[4] ?? '', amount: '15.00' }))
    ]);
    expect(raced.filter((result) => result.ok)).toHaveLength(1);
    expect(raced.find((result) => !result.ok)).toEqual({
      ok: false,
      code: 'payment_exceeds_target',
      remaining: '5.00'
    });
    const [total] = await owner<{ sum: string }[]>`
      select sum(amount)::text as sum from self_raised_payments where application_id = ${project.applicationId}`;
    expect(total?.sum).toBe('1995.00');
    const [balance] = await owner<{ balance: string }[]>`
      select (credits_posted - debits_posted)::text as balance from account_balances
       where fund_id = ${world.fundId} and account_code = '2209.P-1'`;
    expect(balance?.balance).toBe('1995.00');
  });

  it('refuses payments once the project is closed', async () => {
    await owner`update applications set status = 'closed' where id = ${project.applicationId}`;
    try {
      expect(await recordSelfRaisedPayment(app, payment({ amount: '1.00' }))).toEqual({
        ok: false,
        code: 'not_allowed',
        reason: 'state_does_not_allow_it'
      });
    } finally {
      await owner`update applications set status = 'active' where id = ${project.applicationId}`;
    }
  });
});

describe('the database', () => {
  it('refuses what the app should never write, even from the app role', async () => {
    const [entry] = await owner<{ seq: string }[]>`
      select entry_seq::text as seq from self_raised_payments where application_id = ${project.applicationId} limit 1`;
    const insert = (amount: string, method: string) => app`
      insert into self_raised_payments (fund_id, application_id, household_id, amount, paid_on, method, entry_seq,
                                        recorded_by, recorded_at, create_key)
      values (${world.fundId}, ${project.applicationId}, ${project.households[0] ?? ''}, ${amount}, '2026-03-09',
              ${method}, ${entry?.seq ?? '0'}, ${committee.kind === 'user' ? committee.userId : ''}, now(),
              ${randomUUID()})`;
    await expect(insert('0.00', 'cash')).rejects.toMatchObject({ constraint_name: 'self_raised_amount_is_positive' });
    await expect(insert('1.00', 'alipay')).rejects.toMatchObject({ constraint_name: 'self_raised_method_is_known' });
    await expect(
      app`update self_raised_payments set amount = 1 where application_id = ${project.applicationId}`
    ).rejects.toThrow();
    await expect(
      app`delete from self_raised_payments where application_id = ${project.applicationId}`
    ).rejects.toThrow();
  });
});

describe('seedDemoSelfRaising', () => {
  it('records 740.00 from 18 households of 桂花井3号院 on the entrance-door repair', async () => {
    const { app: demoApp, close: closeDemo } = await openPeopleDatabase('self_raising_demo');
    try {
      await seedDemo(demoApp);
      const [fund] = await demoApp<{ id: string }[]>`select id::text as id from funds where slug = ${DEMO_FUND_SLUG}`;
      const fundId = fund?.id ?? '';
      // The demo seed ran it already; a second run adds nothing.
      await demoApp.begin((transaction) => seedDemoSelfRaising(transaction, fundId, new Date()));
      const [figures] = await demoApp<{ count: number; households: number; total: string; title: string }[]>`
        select count(*)::int as count, count(distinct p.household_id)::int as households,
               sum(p.amount)::text as total, min(a.title) as title
          from self_raised_payments p join applications a on a.id = p.application_id
         where p.fund_id = ${fundId} and a.title = '单元门禁维修'`;
      expect(figures).toEqual({ count: 18, households: 18, total: '740.00', title: '单元门禁维修' });
    } finally {
      await closeDemo();
    }
  });
});
