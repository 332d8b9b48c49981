import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOpenPeriod } from '@gongjian/ledger';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import {
  correctionsOverview,
  decideCorrection,
  entryCorrectionOf,
  requestCorrection
} from '../../apps/web/src/lib/server/fund/corrections';
import { DEMO_POLICY_JSON, type FundPolicyJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import { moneyInOverview, recordMoneyIn } from '../../apps/web/src/lib/server/fund/money-in';
import { closeMonth } from '../../apps/web/src/lib/server/fund/period-close';
import { approvePayout, payoutsOverview, requestPayout } from '../../apps/web/src/lib/server/projects/payouts';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { paymentsOf } from '../../apps/web/src/lib/server/projects/self-raising';
import { ledgerEntry } from '../../apps/web/src/lib/server/public/ledger';
import { inboxFor } from '../../apps/web/src/lib/server/people/inbox';
import { journeyAmounts, raiseDirectly } from '../support/pay-world';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, idOf, makeWorld, person, type ActiveProject, type World } from '../support/review-world';

/*
 * Corrections against real PostgreSQL: a household's payment, a payout and a unit's payment
 * reversed; four eyes above the policy's threshold (in the use case and in the database); resends
 * answered as the first; the reversal's day; and every domain figure after the reversal.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
const POLICY: FundPolicyJson = { ...DEMO_POLICY_JSON, secondApproverAbove: '1000.00' };

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('corrections'));
});

afterAll(async () => {
  await close();
});

interface Scene {
  world: World;
  admin: Actor;
  admin2: Actor;
  leader: Actor;
  made: ActiveProject;
}

let scenes = 0;

async function scene(): Promise<Scene> {
  scenes += 1;
  const tag = `cor${scenes}`;
  const db = { owner, app, now: NOW };
  const world = await makeWorld(db, { slug: `corrections-${scenes}`, pool: '100000.00', policy: POLICY });
  const admin = await person(db, world, `${tag}-admin`, [{ role: 'fund_admin' }]);
  const admin2 = await person(db, world, `${tag}-admin2`, [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db, world, `${tag}-leader-1`, [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, `${tag}-leader-2`, [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db, world, `${tag}-leader-3`, [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person(db, world, `${tag}-committee`, [{ role: 'committee', compoundCode: 'compound-1' }]);
  const made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 23 });
  await raiseDirectly(app, { world, project: made, amounts: journeyAmounts(), recordedBy: idOf(committee), now: NOW });
  return { world, admin, admin2, leader: leaders[0] as Actor, made };
}

let keys = 0;
const nextKey = () => `00000000-0000-4000-9000-${String((keys += 1)).padStart(12, '0')}`;

function correct(s: Scene, actor: Actor, seq: number, options: { reason?: string; date?: string; key?: string } = {}) {
  return requestCorrection(app, {
    actor,
    fundId: s.world.fundId,
    now: NOW,
    ip: null,
    seq,
    reason: options.reason ?? '金额录错',
    date: options.date ?? '',
    key: options.key ?? nextKey()
  });
}

function decide(s: Scene, actor: Actor, correctionId: string, decision: 'confirm' | 'decline') {
  return decideCorrection(app, { actor, fundId: s.world.fundId, now: NOW, ip: null, correctionId, decision });
}

async function figures(s: Scene) {
  const project = await loadProject(app, { fundId: s.world.fundId, number: s.made.number, lock: false });
  if (project === null) throw new Error('no project');
  const overview = await payoutsOverview(app, s.world.fundId, project);
  const [pool] = await owner<{ balance: string; held: string }[]>`
    select (debits_posted - credits_posted)::text as balance, held_total::text as held from account_balances
     where fund_id = ${s.world.fundId} and account_code = '1002.01'`;
  return { ...overview, payouts: undefined, pool };
}

async function householdPaymentSeq(s: Scene): Promise<number> {
  const [row] = await owner<{ seq: string }[]>`
    select entry_seq::text as seq from self_raised_payments where fund_id = ${s.world.fundId} order by id limit 1`;
  return Number(row?.seq);
}

async function entryOf(s: Scene, seq: number | null) {
  const [row] = await owner<{ memo: string; voucher: string; date: string }[]>`
    select memo, voucher_number as voucher, to_char(effective_date, 'YYYY-MM-DD') as date from entries
     where fund_id = ${s.world.fundId} and seq = ${seq ?? 0}`;
  return row;
}

describe('a household payment reversed', () => {
  it('no longer counts as paid: raised, participation and the releasable tranche follow', async () => {
    const s = await scene();
    const before = await figures(s);
    expect(before).toMatchObject({ selfRaisedReceived: '2000.00', householdsPaid: 23, releasable: '1500.00' });
    const seq = await householdPaymentSeq(s);
    const done = await correct(s, s.admin, seq, { reason: '重复登记' });
    expect(done).toMatchObject({ ok: true, status: 'done', entrySeq: seq, replayed: false });
    if (!done.ok || done.reversalSeq === null) throw new Error('not reversed');
    expect(await entryOf(s, done.reversalSeq)).toEqual({
      memo: `冲销 记字第${seq}号：重复登记`,
      voucher: `记字第${done.reversalSeq}号`,
      date: '2026-03-10'
    });
    const after = await figures(s);
    expect(Number(after.selfRaisedReceived)).toBeLessThan(2000);
    expect(after.householdsPaid).toBe(22);
    // The committee's list keeps the payment, as the books do, and marks it reversed.
    const project = await loadProject(app, { fundId: s.world.fundId, number: s.made.number, lock: false });
    if (project === null) throw new Error('no project');
    const listed = await paymentsOf(app, project);
    expect(listed.filter((payment) => payment.reversed).map((payment) => payment.seq)).toEqual([seq]);
    // The tranche is bounded by the hold-back share until less than half the target stands.
    const rest = await owner<{ seq: string }[]>`
      select entry_seq::text as seq from self_raised_payments where fund_id = ${s.world.fundId} order by id offset 1 limit 13`;
    for (const row of rest) expect(await correct(s, s.admin, Number(row.seq))).toMatchObject({ status: 'done' });
    const later = await figures(s);
    expect(later.householdsPaid).toBe(9);
    expect(Number(later.releasable)).toBeLessThan(1500);
    // Released in proportion: 3,000 of match for 2,000 raised.
    expect(later.releasable).toBe((Number(later.selfRaisedReceived) * 1.5).toFixed(2));
    const entry = await entryCorrectionOf(app, { fundId: s.world.fundId, seq, now: NOW });
    expect(entry).toMatchObject({ reversedBy: done.reversalSeq, reason: '重复登记', followUp: { kind: 'raise' } });
    // The public ledger links both ways and gives the reason on both entries.
    expect(await ledgerEntry(app, s.world.fundId, seq)).toMatchObject({
      reversedBy: done.reversalSeq,
      correctionReason: '重复登记'
    });
    expect(await ledgerEntry(app, s.world.fundId, done.reversalSeq)).toMatchObject({
      reverses: seq,
      correctionReason: '重复登记'
    });
  });

  it('answers a resend as the first, refuses the form for another entry, and reverses an entry once', async () => {
    const s = await scene();
    const seq = await householdPaymentSeq(s);
    const key = nextKey();
    const first = await correct(s, s.admin, seq, { key });
    const again = await correct(s, s.admin, seq, { key });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await correct(s, s.admin, seq + 1, { key })).toEqual({
      ok: false,
      code: 'form_was_already_used_for_something_else'
    });
    expect(await correct(s, s.admin, seq)).toEqual({ ok: false, code: 'entry_already_reversed' });
    if (!first.ok || first.reversalSeq === null) throw new Error('not reversed');
    expect(await correct(s, s.admin, first.reversalSeq)).toEqual({ ok: false, code: 'reversal_must_not_be_reversed' });
  });

  it('refuses a missing reason, a day before the original or after today, and a closed period', async () => {
    const s = await scene();
    const seq = await householdPaymentSeq(s);
    expect(await correct(s, s.admin, seq, { reason: '  ' })).toEqual({ ok: false, code: 'reason_is_required' });
    expect(await correct(s, s.admin, seq, { date: '2026-02-28' })).toEqual({
      ok: false,
      code: 'date_must_not_be_before_the_original'
    });
    expect(await correct(s, s.admin, seq, { date: '2026-03-11' })).toEqual({
      ok: false,
      code: 'date_must_not_be_in_the_future'
    });
    expect(await correct(s, s.admin, seq, { date: '2026-02-30' })).toEqual({ ok: false, code: 'date_must_be_valid' });
    expect(checkOpenPeriod('2026-03-10', '2026-03-31')).toMatchObject({ ok: false });
    expect(checkOpenPeriod('2026-04-01', '2026-03-31')).toMatchObject({ ok: true });
    expect(await correct(s, s.leader, seq)).toEqual({ ok: false, code: 'not_allowed' });
  });

  it('of a closed month goes into the open period, dated in it and naming the original', async () => {
    const s = await scene();
    const seq = await householdPaymentSeq(s);
    const later = new Date('2026-04-06T04:00:00.000Z');
    const closed = await closeMonth(app, {
      actor: s.admin,
      fundId: s.world.fundId,
      month: '2026-03',
      createKey: nextKey(),
      now: later
    });
    expect(closed).toMatchObject({ ok: true, periodEnd: '2026-03-31' });
    const inClosed = await requestCorrection(app, {
      actor: s.admin,
      fundId: s.world.fundId,
      now: later,
      ip: null,
      seq,
      reason: '金额录错',
      date: '2026-03-20',
      key: nextKey()
    });
    expect(inClosed).toEqual({ ok: false, code: 'entry_date_must_be_in_open_period' });
    const reversed = await requestCorrection(app, {
      actor: s.admin,
      fundId: s.world.fundId,
      now: later,
      ip: null,
      seq,
      reason: '金额录错',
      date: '',
      key: nextKey()
    });
    if (!reversed.ok || reversed.reversalSeq === null) throw new Error(`not reversed: ${JSON.stringify(reversed)}`);
    const reversal = await entryOf(s, reversed.reversalSeq);
    expect(reversal?.date).toBe('2026-04-06');
    expect(reversal?.memo).toContain(`记字第${seq}号`);
  });
});

describe('a payout reversed, above the four-eyes threshold', () => {
  it('waits for a second person, who is never the requester; confirmed, the money is reserved again', async () => {
    const s = await scene();
    const start = await figures(s);
    const command = { fundId: s.world.fundId, number: 1, now: NOW, ip: null };
    const asked = await requestPayout(app, {
      ...command,
      actor: s.admin,
      amount: '1500.00',
      payeeKind: 'committee',
      payeeName: '',
      memo: '',
      key: nextKey()
    });
    if (!asked.ok) throw new Error(asked.code);
    const paid = await approvePayout(app, { ...command, actor: s.admin2, payoutId: asked.payoutId });
    if (!paid.ok || paid.seq === null) throw new Error('not paid');
    expect(await figures(s)).toMatchObject({ matchPaid: '1500.00', matchHeld: '1500.00' });

    const waiting = await correct(s, s.admin, paid.seq, { reason: '收款账户错误' });
    expect(waiting).toMatchObject({ ok: true, status: 'waiting', reversalSeq: null });
    if (!waiting.ok) throw new Error('refused');
    expect(await correct(s, s.admin2, paid.seq)).toEqual({ ok: false, code: 'entry_is_being_corrected' });
    // The second people hear of it in their inbox, which leads to the corrections page; the requester does not.
    expect((await inboxFor(app, s.leader)).filter((item) => item.kind === 'correction.waiting')).toMatchObject([
      { target: 'corrections' }
    ]);
    expect((await inboxFor(app, s.admin)).filter((item) => item.kind === 'correction.waiting')).toEqual([]);
    expect(await decide(s, s.admin, waiting.correctionId, 'confirm')).toEqual({
      ok: false,
      code: 'confirmer_must_differ'
    });
    const done = await decide(s, s.leader, waiting.correctionId, 'confirm');
    expect(done).toMatchObject({ ok: true, status: 'done', replayed: false });
    expect(await decide(s, s.leader, waiting.correctionId, 'confirm')).toEqual({ ...done, replayed: true });
    expect(await decide(s, s.admin2, waiting.correctionId, 'decline')).toEqual({
      ok: false,
      code: 'correction_is_not_waiting'
    });

    const after = await figures(s);
    expect(after).toMatchObject({ matchPaid: '0.00', matchHeld: '3000.00', releasable: start.releasable });
    expect(after.pool).toEqual(start.pool);
    const [hold] = await owner<{ status: string; settled: string }[]>`
      select status, amount_settled::text as settled from holds where fund_id = ${s.world.fundId}`;
    expect(hold).toEqual({ status: 'open', settled: '0.00' });
    // The payouts page keeps the payout, as the books do, and marks it reversed.
    const project = await loadProject(app, { fundId: s.world.fundId, number: s.made.number, lock: false });
    if (project === null) throw new Error('no project');
    const listed = (await payoutsOverview(app, s.world.fundId, project)).payouts;
    expect(listed.map((payout) => [payout.seq, payout.reversed])).toEqual([[paid.seq, true]]);
    const overview = await correctionsOverview(app, s.world.fundId);
    expect(overview.waiting).toEqual([]);
    expect(overview.history[0]).toMatchObject({ status: 'done', reason: '收款账户错误', amount: '1500.00' });
  });

  it('a declined correction leaves the entry standing, and may be asked again', async () => {
    const s = await scene();
    const [big] = await owner<{ seq: string }[]>`
      select seq::text as seq from entries where fund_id = ${s.world.fundId} order by seq limit 1`;
    const seq = Number(big?.seq);
    const waiting = await correct(s, s.admin, seq);
    if (!waiting.ok) throw new Error(waiting.code);
    const declined = await decide(s, s.leader, waiting.correctionId, 'decline');
    expect(declined).toMatchObject({ ok: true, status: 'cancelled', reversalSeq: null });
    expect(await decide(s, s.leader, waiting.correctionId, 'decline')).toEqual({ ...declined, replayed: true });
    expect(await correct(s, s.admin, seq)).toMatchObject({ ok: true, status: 'waiting' });
  });
});

describe('a unit payment reversed', () => {
  it('lowers what the unit has paid', async () => {
    const s = await scene();
    const paid = await recordMoneyIn(app, {
      actor: s.admin,
      fundId: s.world.fundId,
      now: NOW,
      ip: null,
      source: 'unit',
      date: '2026-03-02',
      amount: '800',
      method: 'bank',
      memo: '',
      unitId: s.world.units['unit-2'] ?? null,
      payer: '',
      restricted: false,
      attachment: null,
      idempotencyKey: nextKey()
    });
    if (!paid.ok) throw new Error(paid.code);
    const unitPaid = async () =>
      (await moneyInOverview(app, { fundId: s.world.fundId, before: null })).units.find((unit) =>
        unit.name.endsWith('unit-2')
      )?.paid;
    expect(await unitPaid()).toBe('800.00');
    expect(await correct(s, s.admin, paid.seq, { reason: '单位记错' })).toMatchObject({ ok: true, status: 'done' });
    expect(await unitPaid()).toBe('0.00');
    const entry = await entryCorrectionOf(app, { fundId: s.world.fundId, seq: paid.seq, now: NOW });
    expect(entry?.followUp).toEqual({ kind: 'money' });
  });
});

describe('the database', () => {
  it('holds four eyes, one open correction per entry, and a reason', async () => {
    const s = await scene();
    const seq = await householdPaymentSeq(s);
    const waiting = await correct(s, s.admin, 1);
    if (!waiting.ok) throw new Error(waiting.code);
    await expect(
      owner`update corrections set status = 'cancelled', decided_by = requested_by, decided_at = now()
             where id = ${waiting.correctionId}`
    ).rejects.toMatchObject({ constraint_name: 'correction_has_four_eyes' });
    await expect(
      owner`insert into corrections (fund_id, entry_seq, reason, reversal_date, status, requested_by, requested_at,
                                     create_key)
            values (${s.world.fundId}, 1, 'again', '2026-03-10', 'waiting', ${idOf(s.admin)}, now(), 'k-dup')`
    ).rejects.toMatchObject({ constraint_name: 'correction_once_per_entry' });
    await expect(
      owner`insert into corrections (fund_id, entry_seq, reason, reversal_date, status, requested_by, requested_at,
                                     create_key)
            values (${s.world.fundId}, ${seq}, ' ', '2026-03-10', 'waiting', ${idOf(s.admin)}, now(), 'k-blank')`
    ).rejects.toMatchObject({ constraint_name: 'correction_reason_is_given' });
    await expect(owner`delete from corrections where id = ${waiting.correctionId}`).rejects.toMatchObject({
      code: 'GJ019'
    });
  });

  it('lets a hold reserve again only what a reversed settlement paid', async () => {
    const s = await scene();
    const paid = await requestPayout(app, {
      fundId: s.world.fundId,
      number: 1,
      now: NOW,
      ip: null,
      actor: s.admin,
      amount: '900.00',
      payeeKind: 'committee',
      payeeName: '',
      memo: '',
      key: nextKey()
    });
    expect(paid).toMatchObject({ ok: true, status: 'paid' });
    await expect(owner`update holds set amount_settled = 0 where fund_id = ${s.world.fundId}`).rejects.toMatchObject({
      code: 'GJ006'
    });
  });
});
