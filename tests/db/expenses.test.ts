import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUpload, type Upload } from '../../apps/web/src/lib/server/platform/attachments';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { expensesOverview, recordExpense, type ExpenseInput } from '../../apps/web/src/lib/server/projects/expenses';
import { DEMO_POLICY_JSON, type FundPolicyJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import { requestPayout } from '../../apps/web/src/lib/server/projects/payouts';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { journeyAmounts, raiseDirectly } from '../support/pay-world';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  idOf,
  makeWorld,
  person,
  type ActiveProject,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * A project's spending against real PostgreSQL: the journey's 3,500 deposit against a 4,800
 * invoice splits as 1,500 of match and 2,000 of the households' money, with the invoice's hash in
 * the entry; spending beyond the money received is refused with what is available; a replay
 * records nothing twice; and the database keeps the split and the record even if the app erred.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
/** Four eyes above 10,000 here, so the tests' payouts are paid at once. */
const POLICY: FundPolicyJson = { ...DEMO_POLICY_JSON };

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('expenses'));
});

afterAll(async () => {
  await close();
});

interface Scene {
  world: World;
  admin: Actor;
  committee: Actor;
  otherCommittee: Actor;
  leader: Actor;
  made: ActiveProject;
}

let scenes = 0;

async function scene(): Promise<Scene> {
  scenes += 1;
  const tag = `exp${scenes}`;
  const db: ReviewDb = { owner, app, now: NOW };
  const world = await makeWorld(db, { slug: `expenses-${scenes}`, pool: '100000.00', policy: POLICY });
  const admin = await person(db, world, `${tag}-admin`, [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db, world, `${tag}-leader-1`, [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, `${tag}-leader-2`, [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db, world, `${tag}-leader-3`, [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person(db, world, `${tag}-committee`, [{ role: 'committee', compoundCode: 'compound-1' }]);
  const otherCommittee = await person(db, world, `${tag}-committee-b`, [
    { role: 'committee', compoundCode: 'compound-2' }
  ]);
  const made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 23 });
  return { world, admin, committee, otherCommittee, leader: leaders[0] ?? admin, made };
}

/** 2,000 raised by the 23 households and the first tranche of 1,500 paid: 3,500 in the project account. */
async function funded(s: Scene): Promise<void> {
  await raiseDirectly(app, {
    world: s.world,
    project: s.made,
    amounts: journeyAmounts(),
    recordedBy: idOf(s.committee),
    now: NOW
  });
  const paid = await requestPayout(app, {
    actor: s.admin,
    fundId: s.world.fundId,
    number: 1,
    now: NOW,
    ip: null,
    amount: '1500.00',
    payeeKind: 'committee',
    payeeName: '',
    memo: '',
    key: `funded-${s.world.fundId}`
  });
  if (!paid.ok || paid.status !== 'paid') throw new Error(`funded: ${paid.ok ? paid.status : paid.code}`);
}

/** A PNG's first bytes and a little more: enough for the sniffing to call it a PNG. */
function invoice(): Upload {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);
  const checked = checkUpload(bytes, 'fapiao.png');
  if (!checked.ok || checked.upload === null) throw new Error('the test invoice is not a PNG');
  return checked.upload;
}

let keys = 0;
function record(s: Scene, actor: Actor, input: Partial<ExpenseInput> = {}) {
  keys += 1;
  return recordExpense(app, {
    actor,
    fundId: s.world.fundId,
    number: s.made.number,
    now: NOW,
    ip: '10.0.0.2',
    lineNo: 1,
    supplier: '安居道闸公司',
    invoiceNo: 'No.00123',
    invoiceDate: '2026-03-08',
    amount: '3500.00',
    attachment: null,
    key: `22222222-0000-4000-8000-${String(keys).padStart(12, '0')}`,
    ...input
  });
}

async function overview(s: Scene) {
  const project = await loadProject(app, { fundId: s.world.fundId, number: s.made.number, lock: false });
  if (project === null) throw new Error('no project');
  return expensesOverview(app, s.world.fundId, project);
}

describe('the journey: the deposit', () => {
  it('books 3,500 against a 4,800 invoice as 1,500 match and 2,000 self-raised, with the invoice hash', async () => {
    const s = await scene();
    await funded(s);
    const upload = invoice();
    const recorded = await record(s, s.committee, { attachment: upload });
    expect(recorded).toMatchObject({ ok: true, matchPart: '1500.00', selfRaisedPart: '2000.00', replayed: false });
    if (!recorded.ok) throw new Error('refused');
    const postings = await owner<{ account: string; side: string; amount: string }[]>`
      select account_code as account, side, amount::text as amount from postings
       where fund_id = ${s.world.fundId} and entry_seq = ${recorded.seq} order by line_no`;
    expect(postings).toEqual([
      { account: '5101.P-1', side: 'debit', amount: '1500.00' },
      { account: '2209.P-1', side: 'debit', amount: '2000.00' },
      { account: '1002.02.P-1', side: 'credit', amount: '3500.00' }
    ]);
    const [entry] = await owner<{ hashes: string[]; voucher: string; application: string; date: string }[]>`
      select attachment_hashes as hashes, voucher_number as voucher, application_id as application,
             to_char(effective_date, 'YYYY-MM-DD') as date
        from entries where fund_id = ${s.world.fundId} and seq = ${recorded.seq}`;
    expect(entry).toEqual({
      hashes: [upload.sha256],
      voucher: `记字第${recorded.seq}号`,
      application: '1',
      date: '2026-03-08'
    });
    const [stored] = await owner<{ sha: string }[]>`
      select sha256 as sha from attachments where fund_id = ${s.world.fundId} and sha256 = ${upload.sha256}`;
    expect(stored?.sha).toBe(upload.sha256);

    expect(await overview(s)).toMatchObject({
      lines: [{ lineNo: 1, item: '道闸', budget: '5000.00', actual: '3500.00', left: '1500.00' }],
      unplanned: '0.00',
      budgetTotal: '5000.00',
      actualTotal: '3500.00',
      matchPaid: '1500.00',
      selfRaisedReceived: '2000.00',
      matchSpent: '1500.00',
      selfRaisedSpent: '2000.00',
      accountBalance: '0.00',
      available: '0.00'
    });
    // Nothing is left in the project account, so the next fen is refused with what is available.
    expect(await record(s, s.committee, { amount: '0.01' })).toEqual({
      ok: false,
      code: 'expense_exceeds_money_received',
      available: '0.00'
    });
    const events = await owner<{ action: string }[]>`
      select action from events where fund_id = ${s.world.fundId} and action = 'expense.recorded'`;
    expect(events).toHaveLength(1);
  });

  it('splits by the approved ratio while both sources have money, and takes an expense outside the budget', async () => {
    const s = await scene();
    await funded(s);
    // 1,000 at 60%: 600 of match and 400 of the households' money.
    expect(await record(s, s.admin, { amount: '1000.00', lineNo: null })).toMatchObject({
      ok: true,
      matchPart: '600.00',
      selfRaisedPart: '400.00'
    });
    expect(await overview(s)).toMatchObject({
      lines: [{ actual: '0.00' }],
      unplanned: '1000.00',
      actualTotal: '1000.00',
      accountBalance: '2500.00',
      available: '2500.00'
    });
  });
});

describe('refusals', () => {
  it('refuses each bad expense with a code that reads as a sentence', async () => {
    const s = await scene();
    expect(await record(s, s.committee, { amount: '10.00' })).toEqual({
      ok: false,
      code: 'expense_exceeds_money_received',
      available: '0.00'
    });
    await funded(s);
    expect(await record(s, s.committee, { amount: '3500.01' })).toEqual({
      ok: false,
      code: 'expense_exceeds_money_received',
      available: '3500.00'
    });
    expect(await record(s, s.committee, { amount: 'x' })).toEqual({ ok: false, code: 'amount_must_be_a_number' });
    expect(await record(s, s.committee, { amount: '0.00' })).toEqual({ ok: false, code: 'amount_must_be_positive' });
    expect(await record(s, s.committee, { amount: '1.234' })).toEqual({
      ok: false,
      code: 'amount_must_have_at_most_two_decimals'
    });
    expect(await record(s, s.committee, { amount: '123456789' })).toEqual({
      ok: false,
      code: 'amount_must_not_exceed_limit'
    });
    expect(await record(s, s.committee, { supplier: '  ' })).toEqual({ ok: false, code: 'supplier_is_required' });
    expect(await record(s, s.committee, { supplier: '商'.repeat(81) })).toEqual({
      ok: false,
      code: 'supplier_must_be_short'
    });
    expect(await record(s, s.committee, { invoiceNo: '9'.repeat(41) })).toEqual({
      ok: false,
      code: 'invoice_no_must_be_short'
    });
    expect(await record(s, s.committee, { lineNo: 7 })).toEqual({ ok: false, code: 'budget_line_not_found' });
    expect(await record(s, s.committee, { invoiceDate: '2026-02-30' })).toEqual({
      ok: false,
      code: 'date_must_be_valid'
    });
    expect(await record(s, s.committee, { invoiceDate: '2026-03-11' })).toEqual({
      ok: false,
      code: 'date_must_not_be_in_the_future'
    });
    expect(await record(s, s.committee, { invoiceDate: '2024-12-31' })).toEqual({
      ok: false,
      code: 'date_must_be_in_the_fiscal_year'
    });
    // Another compound's committee and the leadership do not record this project's spending.
    expect(await record(s, s.otherCommittee)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await record(s, s.leader)).toEqual({ ok: false, code: 'not_allowed' });
    expect(
      await recordExpense(app, {
        actor: s.admin,
        fundId: s.world.fundId,
        number: 42,
        now: NOW,
        ip: null,
        lineNo: 1,
        supplier: '商',
        invoiceNo: '',
        invoiceDate: '2026-03-08',
        amount: '1.00',
        attachment: null,
        key: '22222222-0000-4000-8000-999999999999'
      })
    ).toEqual({ ok: false, code: 'project_not_found' });
    const [counted] = await owner<{ count: number }[]>`
      select count(*)::int as count from expenses where fund_id = ${s.world.fundId}`;
    expect(counted?.count).toBe(0);
  });
});

describe('the project state', () => {
  it('tells the committee that a closed project takes no more spending', async () => {
    const s = await scene();
    await funded(s);
    await owner`update applications set status = 'closed' where id = ${s.made.applicationId}`;
    expect(await record(s, s.committee, { amount: '10.00' })).toEqual({
      ok: false,
      code: 'project_state_does_not_allow_it',
      status: 'closed'
    });
    expect(await record(s, s.otherCommittee, { amount: '10.00' })).toEqual({ ok: false, code: 'not_allowed' });
  });
});

describe('replays', () => {
  it('records the same form once, and refuses its key for a different expense', async () => {
    const s = await scene();
    await funded(s);
    const key = '33333333-0000-4000-8000-000000000001';
    const upload = invoice();
    const first = await record(s, s.committee, { amount: '800.00', key, attachment: upload });
    const second = await record(s, s.committee, { amount: '800.00', key, attachment: upload });
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await record(s, s.committee, { amount: '801.00', key })).toEqual({
      ok: false,
      code: 'form_was_already_used_for_something_else'
    });
    const [counted] = await owner<{ expenses: number; entries: number }[]>`
      select (select count(*)::int from expenses where fund_id = ${s.world.fundId}) as expenses,
             (select count(*)::int from entries where fund_id = ${s.world.fundId} and idempotency_key like 'expense:%')
               as entries`;
    expect(counted).toEqual({ expenses: 1, entries: 1 });
  });
});

describe('the database', () => {
  it('keeps the split adding up and the records unchanged even if the app were wrong', async () => {
    const s = await scene();
    await funded(s);
    const recorded = await record(s, s.committee, { amount: '100.00' });
    if (!recorded.ok) throw new Error('refused');
    await expect(
      app`
        insert into expenses (fund_id, application_id, supplier, invoice_date, amount, match_part, self_raised_part,
                              entry_seq, recorded_by, recorded_at, create_key)
        values (${s.world.fundId}, ${s.made.applicationId}, '商', '2026-03-08', 100, 60, 30, ${recorded.seq},
                ${idOf(s.committee)}, ${NOW}, 'parts-do-not-add-up')`
    ).rejects.toMatchObject({ constraint_name: 'expense_parts_add_up' });
    await expect(app`update expenses set amount = 1 where id = ${recorded.expenseId}`).rejects.toMatchObject({
      code: '42501'
    });
    await expect(owner`update expenses set supplier = '改' where id = ${recorded.expenseId}`).rejects.toMatchObject({
      code: 'GJ015'
    });
  });
});
