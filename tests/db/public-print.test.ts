import { randomUUID } from 'node:crypto';
import { money } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmAcceptance, recordAcceptance } from '../../apps/web/src/lib/server/projects/acceptance';
import { checkUpload, type Upload } from '../../apps/web/src/lib/server/platform/attachments';
import * as books from '../../apps/web/src/lib/server/books';
import { closeProject } from '../../apps/web/src/lib/server/projects/closing';
import { writeExpenseIn, writePayoutIn, writeSelfRaisedPaymentIn } from '../../apps/web/src/lib/server/demo/closing';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject, type ProjectRow } from '../../apps/web/src/lib/server/projects/project-core';
import {
  finalAccount,
  parsePeriod,
  periodReport,
  printNotice,
  printStamp
} from '../../apps/web/src/lib/server/public/print';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  idOf,
  makeWorld,
  person,
  submittedApplication,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The figures of the printable public documents against real PostgreSQL: the period report's
 * sources, uses and balances (start + in − out = end, a period that leaves entries out, a reversal
 * that nets out), and the final account of a project taken from approval to its close, with each
 * household's refund under a masked name.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
let db: ReviewDb;

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('public_print'));
  db = { owner, app, now: NOW };
});

afterAll(async () => {
  await close();
});

const sum = (amounts: readonly string[]): string =>
  amounts.reduce((total, amount) => total.plus(money(amount)), money('0')).toString();

describe('the period (query) of a report', () => {
  it('defaults to this year so far and refuses what is not a period', () => {
    expect(parsePeriod(new URLSearchParams(''), '2026-07-04')).toEqual({
      ok: true,
      from: '2026-01-01',
      to: '2026-07-04'
    });
    expect(parsePeriod(new URLSearchParams('from=2026-02-01&to=2026-02-28'), '2026-07-04')).toMatchObject({
      ok: true,
      from: '2026-02-01',
      to: '2026-02-28'
    });
    expect(parsePeriod(new URLSearchParams('from=2026-02-30'), '2026-07-04')).toMatchObject({
      ok: false,
      code: 'from_is_not_a_date',
      from: '2026-02-30'
    });
    expect(parsePeriod(new URLSearchParams('to=yesterday'), '2026-07-04')).toMatchObject({
      ok: false,
      code: 'to_is_not_a_date'
    });
    expect(parsePeriod(new URLSearchParams('from=2026-05-01&to=2026-04-30'), '2026-07-04')).toMatchObject({
      ok: false,
      code: 'from_is_after_to'
    });
  });

  it('stamps a sheet with its URL, a QR code and the ledger head', () => {
    const head = { seq: 7, hash: 'a'.repeat(64) };
    const stamp = printStamp({ origin: 'https://example.org', slug: 'x', path: '/projects/3', head, now: NOW });
    expect(stamp).toMatchObject({
      url: 'https://example.org/f/x/projects/3',
      verifyUrl: 'https://example.org/f/x/verify',
      printedOn: '2026-03-10',
      head
    });
    expect(stamp.qr).toMatch(/^data:image\/svg\+xml;base64,/);
  });
});

describe('the period report', () => {
  let world: World;

  async function post(date: string, debit: string, credit: string, amount: string, memo: string): Promise<string> {
    const posted = await books.post(app, {
      fundId: world.fundId,
      command: {
        date,
        memo,
        postings: [
          { account: debit, side: 'debit', amount: money(amount) },
          { account: credit, side: 'credit', amount: money(amount) }
        ]
      }
    });
    if (!posted.ok) throw new Error(posted.code);
    return posted.value.id;
  }

  beforeAll(async () => {
    // The world's pool: 100,000.00 donated on 2026-03-01 (4101.02, a donation).
    world = await makeWorld(db, { slug: 'print-report', pool: '100000.00' });
    await post('2026-04-15', '1002.01', '4401.02', '2000.00', '政府补助');
    await post('2026-06-30', '1002.01', '4601', '12.34', '利息');
    const mistaken = await post('2026-05-01', '1002.01', '4401.02', '500.00', '误记的补助');
    const reversed = await books.reverse(app, {
      fundId: world.fundId,
      command: { entryId: mistaken, date: '2026-05-02', memo: '冲销误记' }
    });
    if (!reversed.ok) throw new Error(reversed.code);
    await post('2026-08-01', '5201', '1002.01', '300.00', '办公费用');
  });

  it('adds up: start + sources − uses = end over the whole year', async () => {
    const report = await periodReport(app, { fundId: world.fundId, from: '2026-01-01', to: '2026-12-31' });
    expect(Object.fromEntries(report.sources.map((row) => [row.kind, row.amount]))).toEqual({
      units: '0.00',
      government: '2000.00',
      charity: '100000.00',
      self_raised: '0.00',
      other: '12.34'
    });
    expect(report.sourcesTotal).toEqual({ amount: '102012.34', words: '人民币壹拾万贰仟零壹拾贰元叁角肆分' });
    expect(report.uses).toEqual([
      { number: null, title: '', category: '', amount: { amount: '300.00', words: '人民币叁佰元整' } }
    ]);
    expect(report.usesTotal.amount).toBe('300.00');
    expect(report.refunds.amount).toBe('0.00');
    expect(report.start.total.amount).toBe('0.00');
    expect(report.end).toMatchObject({
      pool: '101712.34',
      reserved: '0.00',
      available: '101712.34',
      projects: '0.00',
      payables: '0.00'
    });
    expect(report.end.total.amount).toBe('101712.34');
    expect(report.end.netAssets.amount).toBe('101712.34');
    expect(report.balanced).toBe(true);
  });

  it('leaves out what lies outside the period, and starts from what came before it', async () => {
    const april = await periodReport(app, { fundId: world.fundId, from: '2026-04-01', to: '2026-04-30' });
    expect(april.sources.find((row) => row.kind === 'government')?.amount).toBe('2000.00');
    expect(april.sources.find((row) => row.kind === 'charity')?.amount).toBe('0.00');
    expect(april.sources.find((row) => row.kind === 'other')?.amount).toBe('0.00');
    expect(april.uses).toEqual([]);
    expect(april.start.total.amount).toBe('100000.00');
    expect(april.end.total.amount).toBe('102000.00');
    expect(april.balanced).toBe(true);
  });

  it('nets a reversal out against the entry it reverses', async () => {
    const first = await periodReport(app, { fundId: world.fundId, from: '2026-05-01', to: '2026-05-01' });
    expect(first.sources.find((row) => row.kind === 'government')?.amount).toBe('500.00');
    const second = await periodReport(app, { fundId: world.fundId, from: '2026-05-02', to: '2026-05-02' });
    expect(second.sources.find((row) => row.kind === 'government')?.amount).toBe('-500.00');
    expect(second.balanced).toBe(true);
    const both = await periodReport(app, { fundId: world.fundId, from: '2026-05-01', to: '2026-05-02' });
    expect(both.sourcesTotal.amount).toBe('0.00');
    expect(both.start.total.amount).toBe(both.end.total.amount);
    expect(both.balanced).toBe(true);
  });
});

describe('the final account of a closed project', () => {
  let world: World;
  let admin: Actor;
  let leaders: Actor[];
  let committee: Actor;
  let households: string[] = [];
  const NUMBER = 1;
  const PAID = ['400.00', '500.00', '500.00', '600.00'];

  const PNG = (seed: number): Upload => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed, seed + 1, seed + 2]);
    const checked = checkUpload(bytes, `photo-${seed}.png`);
    if (!checked.ok || checked.upload === null) throw new Error('not a png');
    return checked.upload;
  };

  async function projectOf(): Promise<ProjectRow> {
    const project = await loadProject(app, { fundId: world.fundId, number: NUMBER, lock: false });
    if (project === null) throw new Error('no project');
    return project;
  }

  async function payout(amount: string): Promise<void> {
    const project = await projectOf();
    await app.begin((t) =>
      writePayoutIn(t, {
        fundId: world.fundId,
        project,
        now: NOW,
        key: randomUUID(),
        amount,
        requestedBy: idOf(admin),
        approvedBy: idOf(leaders[0] ?? admin),
        payeeName: '私人收款方甲'
      })
    );
  }

  async function expense(amount: string): Promise<void> {
    const project = await projectOf();
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
  }

  beforeAll(async () => {
    world = await makeWorld(db, { slug: 'print-account', pool: '100000.00' });
    admin = await person(db, world, 'pp-admin', [{ role: 'fund_admin' }]);
    leaders = [
      await person(db, world, 'pp-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
      await person(db, world, 'pp-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
      await person(db, world, 'pp-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
    ];
    committee = await person(db, world, 'pp-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
    ({ households } = await activeProject(db, world, { number: NUMBER, admin, leaders, committee, households: 4 }));
    for (const [index, householdId] of households.entries()) {
      const project = await projectOf();
      await app.begin((t) =>
        writeSelfRaisedPaymentIn(t, {
          fundId: world.fundId,
          project,
          now: NOW,
          key: randomUUID(),
          householdId,
          amount: PAID[index] ?? '0',
          recordedBy: idOf(committee)
        })
      );
    }
    await payout('1500.00');
    await expense('3500.00');
  });

  it('prints the notice of the approval, and nothing for an application that was never approved', async () => {
    const printed = await printNotice(app, { fundId: world.fundId, number: NUMBER, today: '2026-12-01' });
    expect(printed).not.toBeNull();
    expect(printed?.notice).toMatchObject({
      budgetTotal: '5000.00',
      approvedAmount: '3000.00',
      selfRaised: '2000.00',
      votes: { approve: 3, reject: 0, return: 0 },
      words: { budgetTotal: '人民币伍仟元整', approvedAmount: '人民币叁仟元整', selfRaised: '人民币贰仟元整' }
    });
    expect(printed?.shares).toEqual({ match: '60.0', selfRaised: '40.0' });
    expect(printed?.precheckOn).toBe('2026-03-10');
    await submittedApplication(db, world, { number: 2, createdBy: committee, cost: '1000.00', match: '600.00' });
    expect(await printNotice(app, { fundId: world.fundId, number: 2, today: '2026-12-01' })).toBeNull();
    expect(await finalAccount(app, { fundId: world.fundId, number: 2, today: '2026-12-01' })).toBeNull();
  });

  it('is an interim account while the project runs', async () => {
    const account = await finalAccount(app, { fundId: world.fundId, number: NUMBER, today: '2026-03-10' });
    expect(account).toMatchObject({
      status: 'active',
      final: false,
      asOf: '2026-03-10',
      closing: null,
      acceptance: null,
      refunds: []
    });
    expect(account?.match.paid.amount).toBe('1500.00');
    expect(account?.selfRaised.received.amount).toBe('2000.00');
    expect(account?.actualTotal.amount).toBe('3500.00');
    // Money in (1,500 + 2,000) less what was spent (3,500) is what the project's account holds.
    expect(account?.held.amount).toBe('0.00');
    // The pool still reserves the approved 3,000.00 less the 1,500.00 paid out of it.
    const report = await periodReport(app, { fundId: world.fundId, from: '2026-03-01', to: '2026-03-10' });
    expect(report.end.reserved).toBe('1500.00');
    expect(report.start.reserved).toBe('0.00');
    expect(report.end.available).toBe(money(report.end.pool).minus(money('1500.00')).toString());
  });

  it('is final after the close, to the fen, with each household refunded under a masked name', async () => {
    const recorded = await recordAcceptance(app, {
      actor: admin,
      fundId: world.fundId,
      number: NUMBER,
      now: NOW,
      ip: null,
      checkedOn: '2026-03-09',
      note: '已完工',
      costFinal: money('4800.00'),
      photos: [
        { kind: 'before', upload: PNG(2) },
        { kind: 'after', upload: PNG(3) }
      ]
    });
    expect(recorded).toMatchObject({ ok: true });
    const [row] = await owner<{ at: Date }[]>`
      select a.recorded_at as at from acceptances a join applications p on p.id = a.application_id
       where p.fund_id = ${world.fundId} and p.number = ${NUMBER}`;
    const confirmed = await confirmAcceptance(app, {
      actor: leaders[1] ?? admin,
      fundId: world.fundId,
      number: NUMBER,
      now: NOW,
      ip: null,
      seen: String(row?.at.getTime())
    });
    expect(confirmed).toMatchObject({ ok: true });
    await payout('1380.00');
    await expense('1300.00');
    const closed = await closeProject(app, {
      actor: admin,
      fundId: world.fundId,
      number: NUMBER,
      now: NOW,
      ip: null,
      idempotencyKey: randomUUID()
    });
    if (!closed.ok) throw new Error(closed.code);

    const account = await finalAccount(app, { fundId: world.fundId, number: NUMBER, today: '2026-12-01' });
    if (account === null) throw new Error('no account');
    expect(account).toMatchObject({
      status: 'closed',
      final: true,
      asOf: '2026-03-10',
      acceptance: { checkedOn: '2026-03-09', cost: { amount: '4800.00', words: '人民币肆仟捌佰元整' } },
      closing: { on: '2026-03-10', kind: 'closed', surplusMode: 'refund' }
    });
    expect(account.budget.lines).toEqual([
      { item: '道闸', budget: '5000.00', actual: '4800.00', difference: '200.00' }
    ]);
    expect(account.budgetTotal).toEqual({ amount: '5000.00', words: '人民币伍仟元整' });
    expect(account.actualTotal.amount).toBe('4800.00');
    expect({
      approved: account.match.approved.amount,
      paid: account.match.paid.amount,
      spent: account.match.spent.amount,
      returned: account.match.returned.amount,
      released: account.match.released
    }).toEqual({ approved: '3000.00', paid: '2880.00', spent: '2880.00', returned: '0.00', released: '120.00' });
    expect({
      received: account.selfRaised.received.amount,
      households: account.selfRaised.households,
      spent: account.selfRaised.spent.amount,
      refunded: account.selfRaised.refunded.amount,
      kept: account.selfRaised.kept.amount
    }).toEqual({ received: '2000.00', households: 4, spent: '1920.00', refunded: '80.00', kept: '0.00' });
    expect(account.selfRaised.refunded.words).toBe('人民币捌拾元整');
    // 80.00 divided in proportion to 400 / 500 / 500 / 600.
    expect(account.refunds).toEqual([
      { label: '1-1-101-1 住*', paid: '400.00', refund: '16.00' },
      { label: '1-1-102-1 住*', paid: '500.00', refund: '20.00' },
      { label: '1-1-103-1 住*', paid: '500.00', refund: '20.00' },
      { label: '1-1-104-1 住*', paid: '600.00', refund: '24.00' }
    ]);
    expect(sum(account.refunds.map((line) => line.refund))).toBe(account.selfRaised.refunded.amount);
    // The refunds are the books' own: the same amounts left the project's account in the close's entries.
    const booked = await owner<{ amount: string; memo: string }[]>`
      select p.amount::text as amount, p.memo from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
       where e.fund_id = ${world.fundId} and e.memo like '自筹结余退还%' and p.side = 'debit' order by e.seq`;
    expect(booked.map((line) => [line.memo, money(line.amount).toString()])).toEqual(
      account.refunds.map((line) => [line.label, line.refund])
    );
    expect(account.held.amount).toBe('0.00');
    // Nothing private is printed: no full name, no payee, no supplier, no invoice number, no note.
    const text = JSON.stringify(account);
    for (const secret of ['住户1', '住户2', '私人收款方甲', '道闸公司', 'FP-1', '已完工'])
      expect(text).not.toContain(secret);

    // The fund's report for the year counts the project: the households' money in, the spending
    // out, the refunds apart, and the reservation gone.
    const report = await periodReport(app, { fundId: world.fundId, from: '2026-01-01', to: '2026-12-31' });
    expect(report.sources.find((line) => line.kind === 'self_raised')?.amount).toBe('2000.00');
    expect(report.uses.map((line) => [line.number, line.category, line.amount.amount])).toEqual([
      [1, 'repairs', '4800.00']
    ]);
    expect(report.usesByCategory).toEqual([{ category: 'repairs', amount: '4800.00' }]);
    expect(report.refunds.amount).toBe('80.00');
    expect(report.end).toMatchObject({ pool: '97120.00', reserved: '0.00', projects: '0.00', payables: '0.00' });
    expect(report.end.total.amount).toBe('97120.00');
    expect(report.balanced).toBe(true);
    // The day before the approval nothing was reserved on the pool.
    const day = await periodReport(app, { fundId: world.fundId, from: '2026-03-10', to: '2026-03-10' });
    expect(day.start.reserved).toBe('0.00');
    expect(day.balanced).toBe(true);
  });
});
