import { randomUUID } from 'node:crypto';
import { Money, money } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmAcceptance, recordAcceptance } from '../../apps/web/src/lib/server/projects/acceptance';
import { checkUpload, type Upload } from '../../apps/web/src/lib/server/platform/attachments';
import * as books from '../../apps/web/src/lib/server/books';
import { cancelProject, closeProject, closingPreview } from '../../apps/web/src/lib/server/projects/closing';
import {
  releasableIn,
  writeExpenseIn,
  writePayoutIn,
  writeSelfRaisedPaymentIn
} from '../../apps/web/src/lib/server/demo/closing';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject, type ProjectRow } from '../../apps/web/src/lib/server/projects/project-core';
import { poolAvailable } from '../support/books';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, idOf, makeWorld, person, type ReviewDb, type World } from '../support/review-world';

/*
 * The close of a project against real PostgreSQL: the issue's journey to its last fen (80.00 back
 * to 23 households, 120.00 back to the pool, the project's accounts at zero, the books balanced),
 * every refusal, a double submission, a close racing a payout, the database refusing entries for
 * a closed project whatever the app believes, a failure half-way that leaves nothing behind, a
 * surplus kept as the compound's reserve, and a cancelled grant.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
let db: ReviewDb;
let world: World;
let admin: Actor;
let leaders: Actor[];
let committee: Actor;

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('closing'));
  db = { owner, app, now: NOW };
  world = await makeWorld(db, { slug: 'closing-world', pool: '100000.00' });
  admin = await person(db, world, 'cl-admin', [{ role: 'fund_admin' }]);
  leaders = [
    await person(db, world, 'cl-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await person(db, world, 'cl-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, 'cl-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  committee = await person(db, world, 'cl-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
});

afterAll(async () => {
  await close();
});

const PNG = (seed: number): Upload => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed, seed + 1, seed + 2]);
  const checked = checkUpload(bytes, `photo-${seed}.png`);
  if (!checked.ok || checked.upload === null) throw new Error('not a png');
  return checked.upload;
};

async function projectOf(number: number): Promise<ProjectRow> {
  const project = await loadProject(app, { fundId: world.fundId, number, lock: false });
  if (project === null) throw new Error(`no project ${number}`);
  return project;
}

/** The project's history, written as the other pages would leave it. */
const history = {
  async pay(number: number, householdId: string, amount: string): Promise<void> {
    const project = await projectOf(number);
    await app.begin((t) =>
      writeSelfRaisedPaymentIn(t, {
        fundId: world.fundId,
        project,
        now: NOW,
        key: randomUUID(),
        householdId,
        amount,
        recordedBy: idOf(committee)
      })
    );
  },
  async payout(number: number, amount: string): Promise<void> {
    const project = await projectOf(number);
    await app.begin((t) =>
      writePayoutIn(t, {
        fundId: world.fundId,
        project,
        now: NOW,
        key: randomUUID(),
        amount,
        requestedBy: idOf(admin),
        approvedBy: idOf(leaders[0] ?? admin),
        payeeName: '小区居委会'
      })
    );
  },
  async expense(number: number, amount: string): Promise<void> {
    const project = await projectOf(number);
    await app.begin((t) =>
      writeExpenseIn(t, {
        fundId: world.fundId,
        project,
        now: NOW,
        key: randomUUID(),
        amount,
        supplier: '道闸公司',
        invoiceNo: 'FP-1',
        lineNo: 1,
        recordedBy: idOf(committee)
      })
    );
  },
  async accept(number: number, costFinal: string | null = null): Promise<void> {
    const recorded = await recordAcceptance(app, {
      actor: admin,
      fundId: world.fundId,
      number,
      now: NOW,
      ip: null,
      checkedOn: '2026-03-09',
      note: '已完工',
      costFinal: costFinal === null ? null : money(costFinal),
      photos: [
        { kind: 'before', upload: PNG(number * 2) },
        { kind: 'after', upload: PNG(number * 2 + 1) }
      ]
    });
    expect(recorded).toMatchObject({ ok: true });
    const [row] = await owner<{ at: Date }[]>`
      select a.recorded_at as at from acceptances a join applications p on p.id = a.application_id
       where p.fund_id = ${world.fundId} and p.number = ${number}`;
    const confirmed = await confirmAcceptance(app, {
      actor: leaders[1] ?? admin,
      fundId: world.fundId,
      number,
      now: NOW,
      ip: null,
      seen: String(row?.at.getTime())
    });
    expect(confirmed).toMatchObject({ ok: true });
  }
};

const command = (number: number, actor: Actor = admin, key: string = randomUUID()) => ({
  actor,
  fundId: world.fundId,
  number,
  now: NOW,
  ip: null,
  idempotencyKey: key
});

async function statusOf(number: number): Promise<string> {
  const [row] = await owner<{ status: string }[]>`
    select status from applications where fund_id = ${world.fundId} and number = ${number}`;
  return row?.status ?? '';
}

async function lastSeq(): Promise<number> {
  const [row] = await owner<
    { seq: string }[]
  >`select last_seq::text as seq from chain_heads where fund_id = ${world.fundId}`;
  return Number(row?.seq ?? '0');
}

/** The balance (debits less credits) of each of a project's three accounts. */
async function projectBalances(number: number): Promise<Record<string, string>> {
  const rows = await owner<{ code: string; balance: string }[]>`
    select account_code as code, (debits_posted - credits_posted)::text as balance from account_balances
     where fund_id = ${world.fundId} and account_code like ${`%.P-${number}`}`;
  return Object.fromEntries(rows.map((row) => [row.code.replace(`.P-${number}`, ''), money(row.balance).toString()]));
}

async function trialBalance(): Promise<{ debits: string; credits: string }> {
  const [row] = await owner<{ debits: string; credits: string }[]>`
    select sum(p.amount) filter (where p.side = 'debit')::text as debits,
           sum(p.amount) filter (where p.side = 'credit')::text as credits
      from postings p where p.fund_id = ${world.fundId}`;
  return { debits: row?.debits ?? '0', credits: row?.credits ?? '0' };
}

/** 23 households paying 2,000.00 in unequal amounts, as in the issue's journey. */
function journeyShares(): string[] {
  const shares = Array.from({ length: 22 }, (_, index) => (index % 2 === 0 ? '80.00' : '95.00'));
  const rest = money('2000').minus(Money.sum(shares.map((share) => money(share))));
  return [...shares, rest.toString()];
}

describe('closing the journey', () => {
  let households: string[] = [];
  const NUMBER = 1;

  beforeAll(async () => {
    ({ households } = await activeProject(db, world, { number: NUMBER, admin, leaders, committee, households: 23 }));
    const shares = journeyShares();
    for (const [index, householdId] of households.entries())
      await history.pay(NUMBER, householdId, shares[index] ?? '0');
    await history.payout(NUMBER, '1500.00');
    await history.expense(NUMBER, '3500.00');
  });

  it('refuses to close an active project, to cancel one that spent, and lets only the administrator close', async () => {
    expect(await closeProject(app, command(NUMBER))).toEqual({
      ok: false,
      code: 'transition_not_allowed',
      figure: null
    });
    expect(await cancelProject(app, { ...command(NUMBER), reason: '不做了' })).toEqual({
      ok: false,
      code: 'project_has_spending',
      figure: '3500.00'
    });
    expect(await cancelProject(app, { ...command(NUMBER), reason: '  ' })).toMatchObject({
      code: 'cancel_needs_a_reason'
    });
    expect(await closeProject(app, command(NUMBER, committee))).toEqual({ ok: false, code: 'not_allowed' });
    expect(await closeProject(app, command(NUMBER, leaders[0] ?? admin))).toEqual({ ok: false, code: 'not_allowed' });
    expect(await statusOf(NUMBER)).toBe('active');
  });

  it('refuses to close before every invoice the acceptance found is recorded, and while a payout waits', async () => {
    // The check found the supplier's invoices come to 4,800.00, of which 3,500.00 is recorded.
    await history.accept(NUMBER, '4800.00');
    expect(await statusOf(NUMBER)).toBe('accepted');
    expect(await closeProject(app, command(NUMBER))).toEqual({
      ok: false,
      code: 'expenses_are_short_of_the_accepted_cost',
      figure: '1300.00'
    });
    const project = await projectOf(NUMBER);
    const [waiting] = await owner<{ id: string }[]>`
      insert into payouts (fund_id, application_id, amount, payee_kind, payee_name, status, requested_by, requested_at,
                           create_key)
      values (${world.fundId}, ${project.id}, 80, 'committee', '居委会', 'waiting', ${idOf(admin)}, ${NOW}, 'waiting-1')
      returning id::text as id`;
    expect(await closingPreview(app, { fundId: world.fundId, number: NUMBER, kind: 'close' })).toEqual({
      ok: false,
      code: 'payouts_are_waiting',
      figure: '1'
    });
    expect(await closeProject(app, command(NUMBER))).toMatchObject({ code: 'payouts_are_waiting' });
    await owner`update payouts set status = 'cancelled' where id = ${waiting?.id ?? '0'}`;
    // The second tranche of 1,380.00 (60% of the 4,800.00 found, less the 1,500.00 paid) is what
    // the policy releases now, and pays the remaining 1,300.00 to the supplier.
    const project1 = await projectOf(NUMBER);
    expect((await app.begin((t) => releasableIn(t, world.fundId, project1))).toString()).toBe('1380.00');
    await history.payout(NUMBER, '1380.00');
    await history.expense(NUMBER, '1300.00');
  });

  it('shows the plan first: 2,880 final, 120 released, 80 to refund to 23 households', async () => {
    const preview = await closingPreview(app, { fundId: world.fundId, number: NUMBER, kind: 'close' });
    if (!preview.ok) throw new Error(preview.code);
    expect(preview.plan).toMatchObject({
      matchFinal: '2880.00',
      matchPaid: '2880.00',
      holdReleased: '120.00',
      matchReturned: '0.00',
      surplus: '80.00',
      surplusMode: 'refund',
      costActual: '4800.00',
      // The true-up and 23 refunds. The world's pool is an unrestricted gift (4101.02), so there is
      // no restriction to lift: the close no longer posts Dr 3102 / Cr 3101 for money never restricted.
      entries: 24
    });
    expect(preview.plan.refunds).toHaveLength(23);
    expect(Money.sum(preview.plan.refunds.map((row) => money(row.refund))).toString()).toBe('80.00');
    expect(preview.plan.refunds[0]?.label).toMatch(/^1-1-101-1 住\*$/);
  });

  it('closes to the fen, once, and then the database takes no more entries for it', async () => {
    const availableBefore = money(await poolAvailable(owner, world.fundId));
    const seqBefore = await lastSeq();
    const key = randomUUID();
    const closed = await closeProject(app, command(NUMBER, admin, key));
    if (!closed.ok) throw new Error(closed.code);
    expect(closed.closing).toMatchObject({
      kind: 'closed',
      matchFinal: '2880.00',
      holdReleased: '120.00',
      surplus: '80.00'
    });
    expect(closed.closing.entrySeqs).toHaveLength(24);
    expect(await statusOf(NUMBER)).toBe('closed');
    expect(await lastSeq()).toBe(seqBefore + 24);
    // Nothing restricted was held, so 3102 took no debit (it would have shown a debit balance).
    const [restricted] = await owner<{ count: number }[]>`
      select count(*)::int as count from postings where fund_id = ${world.fundId} and account_code = '3102'`;
    expect(restricted?.count).toBe(0);

    // 23 refunds, one per household, adding up to 80.00 exactly, each with its voucher number.
    const refunds = await owner<{ amount: string; memo: string; voucher: string }[]>`
      select p.amount::text as amount, p.memo, e.voucher_number as voucher
        from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
       where e.fund_id = ${world.fundId} and e.seq > ${seqBefore} and e.memo like '自筹结余退还%'
         and p.side = 'debit'`;
    expect(refunds).toHaveLength(23);
    expect(new Set(refunds.map((row) => row.memo)).size).toBe(23);
    expect(Money.sum(refunds.map((row) => money(row.amount))).toString()).toBe('80.00');
    expect(refunds.every((row) => /^记字第\d+号$/.test(row.voucher))).toBe(true);

    // The project's bank account and its payable to the households are at zero; its cost is the final match.
    expect(await projectBalances(NUMBER)).toEqual({ '1002.02': '0.00', '2209': '0.00', '5101': '2880.00' });
    // The pool's available balance rose by exactly the released reservation.
    expect(
      money(await poolAvailable(owner, world.fundId))
        .minus(availableBefore)
        .toString()
    ).toBe('120.00');
    const trial = await trialBalance();
    expect(trial.debits).toBe(trial.credits);
    const [hold] = await owner<{ status: string }[]>`
      select h.status from holds h join applications a on a.hold_id = h.id and a.fund_id = h.fund_id
       where a.fund_id = ${world.fundId} and a.number = ${NUMBER}`;
    expect(hold?.status).toBe('released');

    // The same confirmation again changes nothing and answers as the first did.
    const again = await closeProject(app, command(NUMBER, admin, key));
    expect(again).toMatchObject({ ok: true, replayed: true, closing: { kind: 'closed', surplus: '80.00' } });
    expect(await lastSeq()).toBe(seqBefore + 24);
    expect(await closeProject(app, command(NUMBER))).toMatchObject({ ok: true, replayed: true });
    expect(await cancelProject(app, { ...command(NUMBER), reason: '晚了' })).toMatchObject({
      code: 'project_is_already_ended'
    });

    // GJ016: whatever the app believed, an entry naming the closed project is refused.
    await expect(
      books.post(app, {
        fundId: world.fundId,
        command: {
          date: '2026-03-10',
          memo: '结项后补记',
          postings: [
            { account: '1002.02.P-1', side: 'debit', amount: money('1') },
            { account: '1002.01', side: 'credit', amount: money('1') }
          ],
          references: { applicationId: String(NUMBER) }
        }
      })
    ).rejects.toMatchObject({ code: 'GJ016' });
  });
});

/** A project taken to acceptance with its final tranche paid: 3 households, 2,000 raised, 3,500 spent. */
async function acceptedProject(number: number): Promise<string[]> {
  const { households } = await activeProject(db, world, { number, admin, leaders, committee, households: 3 });
  for (const [index, householdId] of households.entries()) {
    await history.pay(number, householdId, ['700.00', '700.00', '600.00'][index] ?? '0');
  }
  await history.payout(number, '1500.00');
  await history.expense(number, '3500.00');
  await history.accept(number);
  // 60% of the actual 3,500.00 is 2,100.00, of which 1,500.00 is paid: the final tranche of 600.00 is outstanding.
  expect(await closeProject(app, command(number))).toEqual({
    ok: false,
    code: 'final_tranche_is_not_paid',
    figure: '600.00'
  });
  await history.payout(number, '600.00');
  return households;
}

describe('a close that cannot finish', () => {
  it('leaves the project, the books and the hold exactly as they were', async () => {
    const NUMBER = 2;
    const households = await acceptedProject(NUMBER);
    const project = await projectOf(NUMBER);
    // The tables now say a household paid 50.00 more than the books hold: the refunds cannot all be paid.
    const [first] = await owner<{ seq: string }[]>`
      select entry_seq::text as seq from self_raised_payments where application_id = ${project.id} order by id limit 1`;
    await owner`
      insert into self_raised_payments (fund_id, application_id, household_id, amount, paid_on, method, entry_seq,
                                        recorded_by, recorded_at, create_key)
      values (${world.fundId}, ${project.id}, ${households[0] ?? '0'}, 50, '2026-03-09', 'cash', ${first?.seq ?? '0'},
              ${idOf(committee)}, ${NOW}, 'bogus-50')`;
    const seqBefore = await lastSeq();
    const balancesBefore = await projectBalances(NUMBER);
    const availableBefore = await poolAvailable(owner, world.fundId);
    const refused = await closeProject(app, command(NUMBER));
    expect(refused).toMatchObject({ ok: false, code: 'closing_entry_was_refused' });
    expect(await lastSeq()).toBe(seqBefore);
    expect(await statusOf(NUMBER)).toBe('accepted');
    expect(await projectBalances(NUMBER)).toEqual(balancesBefore);
    expect(await poolAvailable(owner, world.fundId)).toBe(availableBefore);
    const [closing] = await owner`select 1 from project_closings where application_id = ${project.id}`;
    expect(closing).toBeUndefined();
    const [transition] = await owner`
      select 1 from application_transitions where application_id = ${project.id} and event = 'close'`;
    expect(transition).toBeUndefined();
  });
});

describe('a close racing a payout', () => {
  it('either pays first and the close returns it, or refuses the payout: the accounts end at zero', async () => {
    const NUMBER = 3;
    await acceptedProject(NUMBER);
    const project = await projectOf(NUMBER);
    const availableBefore = money(await poolAvailable(owner, world.fundId));
    const settle = books
      .settle(app, {
        fundId: world.fundId,
        command: {
          holdId: project.holdId ?? '',
          amount: money('100'),
          entry: {
            date: '2026-03-10',
            memo: '迟到的拨付',
            postings: [
              { account: '1002.02.P-3', side: 'debit', amount: money('100') },
              { account: '1002.01', side: 'credit', amount: money('100') }
            ],
            references: { applicationId: String(NUMBER) },
            idempotencyKey: randomUUID()
          }
        }
      })
      .then(
        (outcome) => (outcome.ok ? 'paid' : `refused ${outcome.code}`),
        (error: unknown) => `refused ${(error as { code?: string }).code ?? String(error)}`
      );
    const [closed, paid] = await Promise.all([closeProject(app, command(NUMBER)), settle]);
    if (!closed.ok) throw new Error(closed.code);
    expect(await projectBalances(NUMBER)).toMatchObject({ '1002.02': '0.00', '2209': '0.00', '5101': '2100.00' });
    const released = money(closed.closing.holdReleased).plus(money(closed.closing.matchReturned));
    if (paid === 'paid') {
      expect(closed.closing).toMatchObject({ matchReturned: '100.00', holdReleased: '800.00' });
    } else {
      expect(paid).toMatch(/^refused /);
      expect(closed.closing).toMatchObject({ matchReturned: '0.00', holdReleased: '900.00' });
    }
    // Either way the pool got back all of the match beyond the final 2,100.00.
    expect(released.toString()).toBe('900.00');
    expect(
      money(await poolAvailable(owner, world.fundId))
        .minus(availableBefore)
        .toString()
    ).toBe('900.00');
  });
});

describe('keeping the surplus', () => {
  it("moves it to the compound's reserve accounts instead of refunding it", async () => {
    const NUMBER = 4;
    await activeProject(db, world, { number: NUMBER, admin, leaders, committee, households: 3 });
    // The owners' meeting decided to keep a surplus; resolutions are frozen after submission, so the
    // owner writes it with triggers off, as the application form would have before.
    await owner.begin(async (transaction) => {
      await transaction`set local session_replication_role = replica`;
      await transaction`
        update resolutions set surplus_mode = 'keep'
         where application_id = (select id from applications where fund_id = ${world.fundId} and number = ${NUMBER})`;
    });
    const project = await projectOf(NUMBER);
    expect(project.surplusMode).toBe('keep');
    const [one, two, three] = await owner<{ id: string }[]>`
      select id::text as id from households where room like ${`%-${NUMBER}`} order by id`;
    await history.pay(NUMBER, one?.id ?? '0', '700.00');
    await history.pay(NUMBER, two?.id ?? '0', '700.00');
    await history.pay(NUMBER, three?.id ?? '0', '600.00');
    await history.payout(NUMBER, '1500.00');
    await history.expense(NUMBER, '3500.00');
    await history.accept(NUMBER);
    await history.payout(NUMBER, '600.00');
    const closed = await closeProject(app, command(NUMBER));
    if (!closed.ok) throw new Error(closed.code);
    expect(closed.closing).toMatchObject({ surplusMode: 'keep', surplus: '600.00' });
    expect(await projectBalances(NUMBER)).toMatchObject({ '1002.02': '0.00', '2209': '0.00' });
    const reserve = await owner<{ code: string; balance: string }[]>`
      select account_code as code, (debits_posted - credits_posted)::text as balance from account_balances
       where fund_id = ${world.fundId} and account_code like '%.C-compound-1' order by account_code`;
    expect(reserve.map((row) => [row.code, money(row.balance).toString()])).toEqual([
      ['1002.02.C-compound-1', '600.00'],
      ['2209.C-compound-1', '-600.00']
    ]);
  });
});

describe('cancelling a grant', () => {
  it('returns the match paid, refunds every household and releases the reservation', async () => {
    const NUMBER = 5;
    const availableBefore = money(await poolAvailable(owner, world.fundId));
    const { households } = await activeProject(db, world, { number: NUMBER, admin, leaders, committee, households: 2 });
    await history.pay(NUMBER, households[0] ?? '0', '300.00');
    await history.pay(NUMBER, households[1] ?? '0', '200.00');
    await history.payout(NUMBER, '750.00');
    const preview = await closingPreview(app, { fundId: world.fundId, number: NUMBER, kind: 'cancel' });
    if (!preview.ok) throw new Error(preview.code);
    expect(preview.plan).toMatchObject({ matchFinal: '0.00', matchReturned: '750.00', holdReleased: '2250.00' });
    expect(preview.plan.refunds.map((row) => row.refund)).toEqual(['300.00', '200.00']);
    expect(await cancelProject(app, { ...command(NUMBER), reason: '' })).toMatchObject({
      code: 'cancel_needs_a_reason'
    });
    const cancelled = await cancelProject(app, { ...command(NUMBER), reason: '施工方案被街道否决' });
    if (!cancelled.ok) throw new Error(cancelled.code);
    expect(cancelled.closing).toMatchObject({ kind: 'cancelled', reason: '施工方案被街道否决' });
    expect(await statusOf(NUMBER)).toBe('cancelled');
    expect(await projectBalances(NUMBER)).toMatchObject({ '1002.02': '0.00', '2209': '0.00' });
    // The pool is back where it was before the grant was approved.
    expect(
      money(await poolAvailable(owner, world.fundId))
        .minus(availableBefore)
        .toString()
    ).toBe('0.00');
    expect(await closeProject(app, command(NUMBER))).toMatchObject({ code: 'project_is_already_ended' });
  });
});
