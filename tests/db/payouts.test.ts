import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { DEMO_POLICY_JSON, type FundPolicyJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import {
  approvePayout,
  cancelPayout,
  payoutsOverview,
  requestPayout,
  type PayeeKind
} from '../../apps/web/src/lib/server/projects/payouts';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject, projectMoneyIn } from '../../apps/web/src/lib/server/projects/project-core';
import { acceptDirectly, journeyAmounts, raiseDirectly } from '../support/pay-world';
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
 * Paying out a project's match against real PostgreSQL: the journey's first tranche (2,000 raised
 * by 23 households releases 1,500 of the 3,000 match, which needs a second approver above 1,000),
 * every refusal, replays, four eyes in the use case and in the database, and the races for the
 * last releasable money and against the acceptance check.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
/** The journey's policy: 60%, hold-back 50%, four eyes above 1,000. */
const POLICY: FundPolicyJson = { ...DEMO_POLICY_JSON, secondApproverAbove: '1000.00' };

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('payouts'));
});

afterAll(async () => {
  await close();
});

interface Scene {
  db: ReviewDb;
  world: World;
  admin: Actor;
  admin2: Actor;
  leaders: Actor[];
  committee: Actor;
  made: ActiveProject;
}

let scenes = 0;

/** A fresh fund with an active grant of 3,000 held, 23 households, and its people. */
async function scene(policy: FundPolicyJson = POLICY): Promise<Scene> {
  scenes += 1;
  const tag = `pay${scenes}`;
  const db: ReviewDb = { owner, app, now: NOW };
  const world = await makeWorld(db, { slug: `payouts-${scenes}`, pool: '100000.00', policy });
  const admin = await person(db, world, `${tag}-admin`, [{ role: 'fund_admin' }]);
  const admin2 = await person(db, world, `${tag}-admin2`, [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db, world, `${tag}-leader-1`, [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, `${tag}-leader-2`, [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db, world, `${tag}-leader-3`, [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person(db, world, `${tag}-committee`, [{ role: 'committee', compoundCode: 'compound-1' }]);
  const made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 23 });
  return { db, world, admin, admin2, leaders, committee, made };
}

async function raise(s: Scene, amounts: readonly string[] = journeyAmounts()): Promise<void> {
  await raiseDirectly(app, { world: s.world, project: s.made, amounts, recordedBy: idOf(s.committee), now: NOW });
}

function command(s: Scene, actor: Actor) {
  return { actor, fundId: s.world.fundId, number: s.made.number, now: NOW, ip: '10.0.0.1' };
}

let keys = 0;
function request(
  s: Scene,
  actor: Actor,
  amount: string,
  options: { payeeKind?: PayeeKind; payeeName?: string; memo?: string; key?: string } = {}
) {
  keys += 1;
  return requestPayout(app, {
    ...command(s, actor),
    amount,
    payeeKind: options.payeeKind ?? 'committee',
    payeeName: options.payeeName ?? '',
    memo: options.memo ?? '',
    key: options.key ?? `00000000-0000-4000-8000-${String(keys).padStart(12, '0')}`
  });
}

async function overview(s: Scene) {
  const project = await loadProject(app, { fundId: s.world.fundId, number: s.made.number, lock: false });
  if (project === null) throw new Error('no project');
  return payoutsOverview(app, s.world.fundId, project);
}

async function postingsOf(s: Scene, seq: number | null) {
  return owner<{ account: string; side: string; amount: string }[]>`
    select account_code as account, side, amount::text as amount from postings
     where fund_id = ${s.world.fundId} and entry_seq = ${seq ?? 0} order by line_no`;
}

describe('the journey: the first tranche with four eyes', () => {
  it('releases 1,500 of 3,000 once 23 households paid 2,000, waits for a second approver, then pays', async () => {
    const s = await scene();
    const before = await overview(s);
    expect(before).toMatchObject({ releasable: '0.00', limit: 'self_raised_target_not_met', matchHeld: '3000.00' });

    await raise(s);
    const raised = await overview(s);
    expect(raised).toMatchObject({
      releasable: '1500.00',
      limit: 'hold_back_until_acceptance',
      selfRaisedReceived: '2000.00',
      householdsPaid: 23,
      holdBackPercent: '50',
      secondApproverAbove: '1000.00'
    });

    const asked = await request(s, s.admin, '1500.00', { memo: '首期' });
    expect(asked).toMatchObject({ ok: true, status: 'waiting', seq: null, replayed: false });
    if (!asked.ok) throw new Error('refused');
    const waiting = await overview(s);
    expect(waiting).toMatchObject({ releasable: '0.00', matchWaiting: '1500.00', matchPaid: '0.00' });
    // The other administrator and the three leaders hear of it; the requester does not.
    const told = await owner<{ userId: string }[]>`
      select user_id::text as "userId" from notifications
       where fund_id = ${s.world.fundId} and kind = 'payout.waiting' order by user_id`;
    expect(told.map((row) => row.userId).sort()).toEqual([s.admin2, ...s.leaders].map(idOf).sort());

    expect(await approvePayout(app, { ...command(s, s.admin), payoutId: asked.payoutId })).toEqual({
      ok: false,
      code: 'second_approver_must_differ'
    });
    const [leader] = s.leaders;
    if (leader === undefined) throw new Error('no leader');
    const paid = await approvePayout(app, { ...command(s, leader), payoutId: asked.payoutId });
    expect(paid).toMatchObject({ ok: true, status: 'paid', replayed: false });
    if (!paid.ok) throw new Error('refused');
    expect(await postingsOf(s, paid.seq)).toEqual([
      { account: '1002.02.P-1', side: 'debit', amount: '1500.00' },
      { account: '1002.01', side: 'credit', amount: '1500.00' }
    ]);
    const [entry] = await owner<{ voucher: string; application: string; hold: string; settled: string }[]>`
      select voucher_number as voucher, application_id as application, settles_hold_id as hold,
             settles_amount::text as settled
        from entries where fund_id = ${s.world.fundId} and seq = ${paid.seq ?? 0}`;
    expect(entry).toMatchObject({ voucher: `记字第${paid.seq}号`, application: '1', settled: '1500.00' });
    const [row] = await owner<{ status: string; approvedBy: string; requestedBy: string }[]>`
      select status, approved_by::text as "approvedBy", requested_by::text as "requestedBy"
        from payouts where id = ${asked.payoutId}`;
    expect(row).toEqual({ status: 'paid', approvedBy: idOf(leader), requestedBy: idOf(s.admin) });
    expect(await overview(s)).toMatchObject({
      releasable: '0.00',
      matchPaid: '1500.00',
      matchWaiting: '0.00',
      matchHeld: '1500.00',
      limit: 'hold_back_until_acceptance'
    });
    const events = await owner<{ action: string }[]>`
      select action from events where fund_id = ${s.world.fundId} and action like 'payout.%' order by id`;
    expect(events.map((event) => event.action)).toEqual(['payout.requested', 'payout.paid']);
  });

  it('pays at once up to the threshold, to a supplier by name, with the supplier in the entry', async () => {
    const s = await scene();
    await raise(s);
    const paid = await request(s, s.admin, '1000.00', { payeeKind: 'supplier', payeeName: '  安居道闸公司 ' });
    expect(paid).toMatchObject({ ok: true, status: 'paid', replayed: false });
    if (!paid.ok) throw new Error('refused');
    const [row] = await owner<{ payeeName: string; approvedBy: string | null; memo: string }[]>`
      select p.payee_name as "payeeName", p.approved_by::text as "approvedBy", e.memo
        from payouts p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq where p.id = ${paid.payoutId}`;
    expect(row).toMatchObject({ payeeName: '安居道闸公司', approvedBy: null });
    expect(row?.memo).toContain('安居道闸公司');
    expect(await overview(s)).toMatchObject({ releasable: '500.00', matchPaid: '1000.00' });
  });

  it('pays the committee under its compound name, in proportion while the target is not met', async () => {
    const s = await scene();
    // 1,000 of the 2,000 target received releases half of the 3,000 match: 1,500, all of it
    // allowed before acceptance (the hold-back keeps the other 1,500).
    await raise(s, ['600.00', '400.00']);
    expect(await overview(s)).toMatchObject({ releasable: '1500.00', limit: 'self_raised_received' });
    await raise(s, ['', '', '200.00']);
    expect(await overview(s)).toMatchObject({ releasable: '1500.00', limit: 'hold_back_until_acceptance' });
    const paid = await request(s, s.admin, '800.00');
    if (!paid.ok) throw new Error(`refused: ${paid.code}`);
    const [row] = await owner<
      { payeeName: string }[]
    >`select payee_name as "payeeName" from payouts where id = ${paid.payoutId}`;
    expect(row?.payeeName).toBe('测试小区');
  });
});

describe('refusals', () => {
  it('refuses each bad request with a code that reads as a sentence, and the figure that limits it', async () => {
    const s = await scene();
    expect(await request(s, s.admin, '10.00')).toEqual({
      ok: false,
      code: 'payout_exceeds_releasable',
      releasable: '0.00',
      limit: 'self_raised_target_not_met'
    });
    await raise(s);
    expect(await request(s, s.admin, '1500.01')).toEqual({
      ok: false,
      code: 'payout_exceeds_releasable',
      releasable: '1500.00',
      limit: 'hold_back_until_acceptance'
    });
    expect(await request(s, s.admin, 'abc')).toEqual({ ok: false, code: 'amount_must_be_a_number' });
    expect(await request(s, s.admin, '0')).toEqual({ ok: false, code: 'amount_must_be_positive' });
    expect(await request(s, s.admin, '-5')).toEqual({ ok: false, code: 'amount_must_be_positive' });
    expect(await request(s, s.admin, '1.001')).toEqual({ ok: false, code: 'amount_must_have_at_most_two_decimals' });
    expect(await request(s, s.admin, '100000000')).toEqual({ ok: false, code: 'amount_must_not_exceed_limit' });
    expect(await request(s, s.admin, '10', { payeeKind: 'supplier', payeeName: ' ' })).toEqual({
      ok: false,
      code: 'payee_name_is_required'
    });
    expect(await request(s, s.admin, '10', { payeeKind: 'supplier', payeeName: '供'.repeat(81) })).toEqual({
      ok: false,
      code: 'payee_name_must_be_short'
    });
    expect(await request(s, s.admin, '10', { memo: '备'.repeat(201) })).toEqual({
      ok: false,
      code: 'memo_must_be_short'
    });
    // The committee, a leader and the supervisor do not ask for payouts; the fund administrator does.
    expect(await request(s, s.committee, '10')).toEqual({ ok: false, code: 'not_allowed' });
    expect(await request(s, s.leaders[0] ?? s.committee, '10')).toEqual({ ok: false, code: 'not_allowed' });
    expect(
      await requestPayout(app, {
        ...command(s, s.admin),
        number: 99,
        amount: '10',
        payeeKind: 'committee',
        payeeName: '',
        memo: '',
        key: '00000000-0000-4000-8000-999999999999'
      })
    ).toEqual({ ok: false, code: 'project_not_found' });
    const [counted] = await owner<{ count: number }[]>`
      select count(*)::int as count from payouts where fund_id = ${s.world.fundId}`;
    expect(counted?.count).toBe(0);
  });

  it('pays nothing while fewer households than the minimum participation have paid', async () => {
    const s = await scene({ ...POLICY, participationMin: '0.6' });
    // 13 of 23 households is 56.5%, below 60%, although their 2,000 meets the target.
    await raise(s, [...Array.from({ length: 12 }, () => '150.00'), '200.00']);
    expect(await overview(s)).toMatchObject({
      releasable: '0.00',
      limit: 'participation_below_minimum',
      participationMinPercent: '60',
      householdsPaid: 13
    });
    expect(await request(s, s.admin, '100.00')).toEqual({
      ok: false,
      code: 'payout_exceeds_releasable',
      releasable: '0.00',
      limit: 'participation_below_minimum'
    });
    await raise(s, [...Array.from({ length: 13 }, () => ''), '1.00']);
    expect(await overview(s)).toMatchObject({ releasable: '1500.00', householdsPaid: 14 });
  });

  it('refuses approvals and cancellations that do not apply', async () => {
    const s = await scene();
    await raise(s);
    const [leader, leader2] = s.leaders;
    if (leader === undefined || leader2 === undefined) throw new Error('no leaders');
    const asked = await request(s, s.admin, '1200.00');
    if (!asked.ok) throw new Error('refused');
    expect(await approvePayout(app, { ...command(s, s.committee), payoutId: asked.payoutId })).toEqual({
      ok: false,
      code: 'not_allowed'
    });
    expect(await approvePayout(app, { ...command(s, leader), payoutId: '987654321' })).toEqual({
      ok: false,
      code: 'payout_not_found'
    });
    expect(await approvePayout(app, { ...command(s, leader), payoutId: 'x' })).toEqual({
      ok: false,
      code: 'payout_not_found'
    });
    // Only the requester or a fund administrator withdraws a waiting payout.
    expect(await cancelPayout(app, { ...command(s, leader), payoutId: asked.payoutId })).toEqual({
      ok: false,
      code: 'not_allowed'
    });
    expect(await cancelPayout(app, { ...command(s, s.committee), payoutId: asked.payoutId })).toEqual({
      ok: false,
      code: 'not_allowed'
    });
    expect(await cancelPayout(app, { ...command(s, s.admin), payoutId: asked.payoutId })).toMatchObject({
      ok: true,
      status: 'cancelled',
      replayed: false
    });
    expect(await approvePayout(app, { ...command(s, leader), payoutId: asked.payoutId })).toEqual({
      ok: false,
      code: 'payout_is_not_waiting',
      status: 'cancelled'
    });
    expect(await overview(s)).toMatchObject({ releasable: '1500.00', matchWaiting: '0.00' });

    const again = await request(s, s.admin, '1200.00');
    if (!again.ok) throw new Error('refused');
    const paid = await approvePayout(app, { ...command(s, leader), payoutId: again.payoutId });
    expect(paid).toMatchObject({ ok: true, status: 'paid' });
    // Someone else's approval of a payout already paid is no replay of theirs.
    expect(await approvePayout(app, { ...command(s, leader2), payoutId: again.payoutId })).toEqual({
      ok: false,
      code: 'payout_is_not_waiting',
      status: 'paid'
    });
    expect(await cancelPayout(app, { ...command(s, s.admin), payoutId: again.payoutId })).toEqual({
      ok: false,
      code: 'payout_is_not_waiting',
      status: 'paid'
    });
  });

  it('tells a role that may act that the project state does not allow it, and still lets a waiting payout go', async () => {
    const s = await scene();
    await raise(s);
    const asked = await request(s, s.admin, '1500.00');
    if (!asked.ok) throw new Error('refused');
    await owner`update applications set status = 'closed' where id = ${s.made.applicationId}`;
    expect(await request(s, s.admin, '10.00')).toEqual({
      ok: false,
      code: 'project_state_does_not_allow_it',
      status: 'closed'
    });
    expect(await approvePayout(app, { ...command(s, s.admin2), payoutId: asked.payoutId })).toEqual({
      ok: false,
      code: 'project_state_does_not_allow_it',
      status: 'closed'
    });
    expect(await request(s, s.committee, '10.00')).toEqual({ ok: false, code: 'not_allowed' });
    expect(await cancelPayout(app, { ...command(s, s.admin2), payoutId: asked.payoutId })).toMatchObject({
      ok: true,
      status: 'cancelled'
    });
  });

  it('checks the releasable again at approval: an acceptance on a lower cost leaves less to pay', async () => {
    const s = await scene();
    await raise(s);
    const asked = await request(s, s.admin, '1500.00');
    if (!asked.ok) throw new Error('refused');
    // The work cost 1,000 in the end (as the expenses record it): the final match is 600.
    await owner`
      insert into expenses (fund_id, application_id, supplier, invoice_date, amount, match_part, self_raised_part,
                            entry_seq, recorded_by, recorded_at, create_key)
      select ${s.world.fundId}, ${s.made.applicationId}, '测试', '2026-03-05', 1000, 0, 1000, max(seq),
             ${idOf(s.committee)}, ${NOW}, 'test-expense' from entries where fund_id = ${s.world.fundId}`;
    await acceptDirectly(owner, {
      world: s.world,
      project: s.made,
      recordedBy: idOf(s.admin),
      confirmedBy: idOf(s.leaders[0] ?? s.admin),
      now: NOW
    });
    expect(await approvePayout(app, { ...command(s, s.admin2), payoutId: asked.payoutId })).toEqual({
      ok: false,
      code: 'payout_exceeds_releasable',
      releasable: '600.00',
      limit: 'final_match'
    });
    const [row] = await owner<{ status: string }[]>`select status from payouts where id = ${asked.payoutId}`;
    expect(row?.status).toBe('waiting');
  });
});

describe('replays', () => {
  it('does nothing twice: the same request, approval or cancellation returns the first outcome', async () => {
    const s = await scene();
    await raise(s);
    const key = '11111111-0000-4000-8000-000000000001';
    const first = await request(s, s.admin, '300.00', { key });
    const second = await request(s, s.admin, '300.00', { key });
    expect(first).toMatchObject({ ok: true, status: 'paid', replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await request(s, s.admin, '301.00', { key })).toEqual({
      ok: false,
      code: 'form_was_already_used_for_something_else'
    });

    const waiting = await request(s, s.admin, '1100.00');
    if (!waiting.ok) throw new Error('refused');
    const [leader] = s.leaders;
    if (leader === undefined) throw new Error('no leader');
    const approved = await approvePayout(app, { ...command(s, leader), payoutId: waiting.payoutId });
    const approvedAgain = await approvePayout(app, { ...command(s, leader), payoutId: waiting.payoutId });
    expect(approved).toMatchObject({ ok: true, status: 'paid', replayed: false });
    expect(approvedAgain).toEqual({ ...approved, replayed: true });

    const [counted] = await owner<{ payouts: number; entries: number }[]>`
      select (select count(*)::int from payouts where fund_id = ${s.world.fundId}) as payouts,
             (select count(*)::int from entries where fund_id = ${s.world.fundId} and idempotency_key like 'payout:%')
               as entries`;
    expect(counted).toEqual({ payouts: 2, entries: 2 });
    expect(await overview(s)).toMatchObject({ matchPaid: '1400.00', releasable: '100.00' });

    const asked = await request(s, s.admin2, '100.00', { key: '11111111-0000-4000-8000-000000000002' });
    expect(asked).toMatchObject({ ok: true, status: 'paid' });
  });

  it('withdraws a waiting payout once', async () => {
    const s = await scene();
    await raise(s);
    const asked = await request(s, s.admin, '1500.00');
    if (!asked.ok) throw new Error('refused');
    const first = await cancelPayout(app, { ...command(s, s.admin), payoutId: asked.payoutId });
    const second = await cancelPayout(app, { ...command(s, s.admin), payoutId: asked.payoutId });
    expect(first).toMatchObject({ ok: true, status: 'cancelled', replayed: false });
    expect(second).toMatchObject({ ok: true, status: 'cancelled', replayed: true });
    const events = await owner<{ action: string }[]>`
      select action from events where fund_id = ${s.world.fundId} and action = 'payout.cancelled'`;
    expect(events).toHaveLength(1);
  });
});

describe('four eyes in the database', () => {
  it('refuses a payout approved by its requester even if the app were wrong', async () => {
    const s = await scene();
    await raise(s);
    const asked = await request(s, s.admin, '1500.00');
    if (!asked.ok) throw new Error('refused');
    await expect(
      app`update payouts set approved_by = requested_by, approved_at = ${NOW} where id = ${asked.payoutId}`
    ).rejects.toMatchObject({ constraint_name: 'payout_has_four_eyes' });
    await expect(
      app`
        insert into payouts (fund_id, application_id, amount, payee_kind, payee_name, status, requested_by,
                             requested_at, approved_by, approved_at, create_key)
        values (${s.world.fundId}, ${s.made.applicationId}, 10, 'committee', '小区', 'waiting', ${idOf(s.admin)},
                ${NOW}, ${idOf(s.admin)}, ${NOW}, 'four-eyes-insert')`
    ).rejects.toMatchObject({ constraint_name: 'payout_has_four_eyes' });
    // A paid payout never changes again, not even by the app's own role.
    const [leader] = s.leaders;
    if (leader === undefined) throw new Error('no leader');
    const paid = await approvePayout(app, { ...command(s, leader), payoutId: asked.payoutId });
    expect(paid.ok).toBe(true);
    await expect(app`update payouts set status = 'cancelled' where id = ${asked.payoutId}`).rejects.toMatchObject({
      code: 'GJ015'
    });
    await expect(app`delete from payouts where id = ${asked.payoutId}`).rejects.toMatchObject({ code: '42501' });
  });
});

describe('races', () => {
  it('gives the last releasable money to exactly one of two payouts racing for it', async () => {
    const s = await scene();
    await raise(s);
    const results = await Promise.all([request(s, s.admin, '1000.00'), request(s, s.admin2, '1000.00')]);
    const won = results.filter((result) => result.ok);
    const lost = results.filter((result) => !result.ok);
    expect(won).toHaveLength(1);
    expect(lost).toEqual([
      { ok: false, code: 'payout_exceeds_releasable', releasable: '500.00', limit: 'hold_back_until_acceptance' }
    ]);
    const project = await loadProject(app, { fundId: s.world.fundId, number: 1, lock: false });
    if (project === null) throw new Error('no project');
    const money = await projectMoneyIn(app, s.world.fundId, project);
    expect(money.matchPaid.toString()).toBe('1000.00');
    expect(money.matchHeld.toString()).toBe('2000.00');
  });

  it('decides a payout racing the acceptance on the figures the acceptance left', async () => {
    const s = await scene();
    await raise(s);
    const first = await request(s, s.admin, '1500.00');
    if (!first.ok) throw new Error('refused');
    const [leader] = s.leaders;
    if (leader === undefined) throw new Error('no leader');
    expect((await approvePayout(app, { ...command(s, leader), payoutId: first.payoutId })).ok).toBe(true);
    // 3,500 spent: accepted, the final match is 2,100, so 600 more is due; before it, nothing.
    await owner`
      insert into expenses (fund_id, application_id, supplier, invoice_date, amount, match_part, self_raised_part,
                            entry_seq, recorded_by, recorded_at, create_key)
      select ${s.world.fundId}, ${s.made.applicationId}, '测试', '2026-03-05', 3500, 1500, 2000, max(seq),
             ${idOf(s.committee)}, ${NOW}, 'test-expense' from entries where fund_id = ${s.world.fundId}`;
    expect(await request(s, s.admin, '600.00')).toMatchObject({ ok: false, releasable: '0.00' });

    // The acceptance holds the project row; the payout asked for meanwhile waits for it and then
    // decides on the accepted figures, not on the ones it could have read before the lock.
    const started: { payout?: ReturnType<typeof request> } = {};
    await acceptDirectly(owner, {
      world: s.world,
      project: s.made,
      recordedBy: idOf(s.admin),
      confirmedBy: idOf(leader),
      now: NOW,
      whileLocked: async () => {
        started.payout = request(s, s.admin2, '600.00');
        // Not a fixed pause: on a loaded machine 300 ms may pass before the request reaches the
        // lock, and the test would no longer be about a payout racing the acceptance.
        await untilSomeoneWaitsForALock(owner);
      }
    });
    expect(await started.payout).toMatchObject({ ok: true, status: 'paid' });
    expect(await overview(s)).toMatchObject({
      accepted: true,
      matchDue: '2100.00',
      matchPaid: '2100.00',
      releasable: '0.00',
      limit: 'match_paid_out',
      matchHeld: '900.00'
    });
  });
});

/** Resolves once another session of this database waits for a row lock (bounded: 30 s). */
async function untilSomeoneWaitsForALock(sql: Sql): Promise<void> {
  for (let attempt = 0; attempt < 3000; attempt += 1) {
    const [row] = await sql<{ waiting: number }[]>`
      select count(*)::int as waiting from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`;
    if ((row?.waiting ?? 0) > 0) return;
    await sleep(10);
  }
  throw new Error('no session came to wait for the lock within 30 s');
}
