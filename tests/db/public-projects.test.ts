import { money } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUpload, type Upload } from '../../apps/web/src/lib/server/platform/attachments';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { recordExpense } from '../../apps/web/src/lib/server/projects/expenses';
import { requestPayout } from '../../apps/web/src/lib/server/projects/payouts';
import { recordSelfRaisedPayment } from '../../apps/web/src/lib/server/projects/self-raising';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { checkForPersonalData, projectFilesIn } from '../../apps/web/src/lib/server/projects/privacy-check';
import { seedDemoPrivacyChecks } from '../../apps/web/src/lib/server/demo/privacy-check';
import {
  publicFile,
  publicProject,
  publicProjects,
  type PublicProjectFilters
} from '../../apps/web/src/lib/server/public/projects';
import { journeyAmounts, raiseDirectly } from '../support/pay-world';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  idOf,
  makeWorld,
  person,
  submittedApplication,
  type ActiveProject,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The public projects against real PostgreSQL: only grants from their approval on are listed, the
 * filters narrow the list, a project's page names people by role and unit and households by
 * building–unit and a masked name, and an uploaded file is served only once a committee member of
 * its compound or the fund administrator has checked it for personal data, which is recorded once.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');

interface Scene {
  world: World;
  admin: Actor;
  committee: Actor;
  otherCommittee: Actor;
  leader: Actor;
  made: ActiveProject;
  other: ActiveProject;
  invoice: Upload;
  receipt: Upload;
}

let scene: Scene;

/** A PNG's first bytes and a little more, different for each tag: enough for the sniffing. */
function png(tag: number, name: string): Upload {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, tag, 2, 3, 4, 5]);
  const checked = checkUpload(bytes, name);
  if (!checked.ok || checked.upload === null) throw new Error('the test file is not a PNG');
  return checked.upload;
}

let keys = 0;

/** One household's payment of 10.00 with its receipt, through the committee's own use case. */
async function raiseWithReceipt(actor: Actor, world: World, number: number, householdId: string, receipt: Upload) {
  keys += 1;
  const raised = await recordSelfRaisedPayment(app, {
    actor,
    fundId: world.fundId,
    number,
    now: NOW,
    ip: null,
    householdId,
    amount: '10.00',
    date: '2026-03-09',
    method: 'cash',
    receipt,
    idempotencyKey: `44444444-0000-4000-8000-${String(keys).padStart(12, '0')}`
  });
  if (!raised.ok) throw new Error(`raise: ${raised.code}`);
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('public_projects'));
  const db: ReviewDb = { owner, app, now: NOW };
  const world = await makeWorld(db, { slug: 'public-projects', pool: '100000.00' });
  const admin = await person(db, world, 'pp-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db, world, 'pp-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, 'pp-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db, world, 'pp-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person(db, world, 'pp-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  const otherCommittee = await person(db, world, 'pp-committee-b', [{ role: 'committee', compoundCode: 'compound-2' }]);
  // Marked names and phones, so the test can look for them in what the public pages return.
  await owner`update users set display_name = '秘密姓名' || id::text where login_name like 'pp-%'`;
  const made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 23 });
  const other = await activeProject(db, world, {
    number: 3,
    admin,
    leaders,
    committee: otherCommittee,
    compound: 'compound-2',
    households: 5
  });
  await owner`update households set name = '王秘密' || id::text where fund_id = ${world.fundId}`;
  // Not public: an application still in review.
  await submittedApplication(db, world, { number: 2, createdBy: committee, cost: '1000.00', match: '600.00' });
  // A household's receipt, uploaded with its payment the way the committee records it; the other
  // payments make up the 2,000.00 target.
  const receipt = png(2, 'shouju.png');
  await raiseWithReceipt(committee, world, 1, made.households[0] ?? '0', receipt);
  const amounts = journeyAmounts();
  amounts[22] = money(amounts[22] ?? '0')
    .minus(money('10'))
    .toString();
  await raiseDirectly(app, { world, project: made, amounts, recordedBy: idOf(committee), now: NOW });
  const paid = await requestPayout(app, {
    actor: admin,
    fundId: world.fundId,
    number: 1,
    now: NOW,
    ip: null,
    amount: '1500.00',
    payeeKind: 'committee',
    payeeName: '',
    memo: '私人备注',
    key: 'pp-payout-1'
  });
  if (!paid.ok) throw new Error(`payout: ${paid.code}`);
  const invoice = png(1, '张三的发票.png');
  const recorded = await recordExpense(app, {
    actor: committee,
    fundId: world.fundId,
    number: 1,
    now: NOW,
    ip: null,
    lineNo: 1,
    supplier: '安居道闸公司',
    invoiceNo: 'No.00123',
    invoiceDate: '2026-03-08',
    amount: '3500.00',
    attachment: invoice,
    key: '33333333-0000-4000-8000-000000000001'
  });
  if (!recorded.ok) throw new Error(`expense: ${recorded.code}`);
  scene = { world, admin, committee, otherCommittee, leader: leaders[0] ?? admin, made, other, invoice, receipt };
});

afterAll(async () => {
  await close();
});

const noFilter: PublicProjectFilters = { status: null, compound: null, category: null, year: null };

describe('the list of public projects', () => {
  it('lists grants from their approval on, never an application in review', async () => {
    const list = await publicProjects(app, scene.world.fundId, noFilter);
    expect(list.rows.map((row) => row.number)).toEqual([3, 1]);
    const first = list.rows.find((row) => row.number === 1);
    expect(first).toMatchObject({
      status: 'active',
      budget: '5000.00',
      matchApproved: '3000.00',
      selfRaisedReceived: '2000.00',
      selfRaisedTarget: '2000.00',
      matchPaid: '1500.00',
      spent: '3500.00',
      year: 2026
    });
    expect(list.options.compounds.map((compound) => compound.code)).toEqual(['compound-1', 'compound-2']);
    expect(list.options.years).toEqual([2026]);
  });

  it('filters by status, compound, category and year', async () => {
    const numbers = async (filters: Partial<PublicProjectFilters>) =>
      (await publicProjects(app, scene.world.fundId, { ...noFilter, ...filters })).rows.map((row) => row.number);
    expect(await numbers({ compound: 'compound-2' })).toEqual([3]);
    expect(await numbers({ compound: 'compound-1' })).toEqual([1]);
    expect(await numbers({ status: 'closed' })).toEqual([]);
    expect(await numbers({ status: 'active' })).toEqual([3, 1]);
    expect(await numbers({ category: 'repairs' })).toEqual([3, 1]);
    expect(await numbers({ category: 'greening' })).toEqual([]);
    expect(await numbers({ year: 2026, compound: 'compound-1' })).toEqual([1]);
    expect(await numbers({ year: 2025 })).toEqual([]);
  });
});

describe('one public project', () => {
  it('is null before approval and for a number that names nothing', async () => {
    expect(await publicProject(app, scene.world.fundId, 2, NOW)).toBeNull();
    expect(await publicProject(app, scene.world.fundId, 99, NOW)).toBeNull();
  });

  it('names people by role and unit, households by building–unit and a masked name, and nothing private', async () => {
    const project = await publicProject(app, scene.world.fundId, 1, NOW);
    if (project === null) throw new Error('no project');
    const kinds = project.timeline.map((item) => (item.kind === 'transition' ? item.event : item.kind));
    expect(kinds).toEqual(expect.arrayContaining(['precheck_pass', 'vote', 'approve', 'notice_ended', 'payout_paid']));
    const vote = project.timeline.find((item) => item.kind === 'vote');
    expect(vote?.who).toEqual({ kind: 'person', role: 'leader', placeName: '单位 unit-2' });
    const precheck = project.timeline.find((item) => item.event === 'precheck_pass');
    expect(precheck?.who).toEqual({ kind: 'person', role: 'fund_admin', placeName: null });
    expect(project.selfRaising.payments).toHaveLength(24);
    for (const payment of project.selfRaising.payments) expect(payment.household).toMatch(/^1-1 王\*$/);
    expect(project.selfRaising).toMatchObject({
      received: '2000.00',
      householdsPaid: 23,
      householdsExpected: 23,
      participationPercent: '100'
    });
    expect(project.payouts.lines).toEqual([
      expect.objectContaining({ amount: '1500.00', supplier: null, status: 'paid' })
    ]);
    // The test world writes submissions straight into the tables, without the snapshot that keeps the working.
    expect(project.match).toMatchObject({ approved: '3000.00', selfRaisedShare: '2000.00', working: null });
    const text = JSON.stringify(project);
    for (const secret of ['秘密', 'pp-', '私人备注', '张三', '101-1', 'shouju']) {
      expect(text).not.toContain(secret);
    }
  });

  it('names an invoice or a receipt only once it was checked, and serves only checked files of the project', async () => {
    const { world, invoice, receipt } = scene;
    const before = await publicProject(app, world.fundId, 1, NOW);
    expect(before?.expenses[0]).toMatchObject({ receipt: null, receiptWaiting: true, supplier: '安居道闸公司' });
    expect(before?.selfRaising.payments.some((payment) => payment.receipt !== null)).toBe(false);
    expect(await publicFile(app, world.fundId, 1, invoice.sha256)).toBeNull();
    const checked = await checkForPersonalData(app, {
      actor: scene.committee,
      fundId: world.fundId,
      number: 1,
      sha256: invoice.sha256,
      now: NOW,
      ip: '10.0.0.7'
    });
    expect(checked).toMatchObject({ ok: true, replayed: false });
    const served = await publicFile(app, world.fundId, 1, invoice.sha256);
    expect(served?.mediaType).toBe('image/png');
    expect(served === null ? null : Buffer.from(served.content).equals(Buffer.from(invoice.bytes))).toBe(true);
    // The same file is not reached through another project, nor an unchecked receipt.
    expect(await publicFile(app, world.fundId, 3, invoice.sha256)).toBeNull();
    expect(await publicFile(app, world.fundId, 1, receipt.sha256)).toBeNull();
    const after = await publicProject(app, world.fundId, 1, NOW);
    expect(after?.expenses[0]).toMatchObject({ receipt: invoice.sha256, receiptWaiting: false });
  });
});

describe('checking a file for personal data', () => {
  it('is for the committee of the compound and the fund administrator only', async () => {
    const { world, receipt } = scene;
    const ask = (actor: Actor, number = 1, sha256 = receipt.sha256) =>
      checkForPersonalData(app, { actor, fundId: world.fundId, number, sha256, now: NOW, ip: null });
    expect(await ask(scene.otherCommittee)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await ask(scene.leader)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await ask({ kind: 'anonymous' })).toEqual({ ok: false, code: 'not_allowed' });
    // A file of another project, and a number that names no project.
    expect(await ask(scene.otherCommittee, 3)).toEqual({ ok: false, code: 'attachment_is_not_in_project' });
    expect(await ask(scene.admin, 2)).toEqual({ ok: false, code: 'project_not_found' });
    const files = await projectFilesIn(app, { fundId: world.fundId, applicationId: scene.made.applicationId });
    expect(files.map((file) => [file.kind, file.checkedAt === null])).toEqual([
      ['invoice', false],
      ['receipt', true]
    ]);
    expect(await ask(scene.admin)).toMatchObject({ ok: true, replayed: false });
  });

  it('is recorded once: a replay changes nothing, and the database refuses a change', async () => {
    const { world, receipt } = scene;
    const again = await checkForPersonalData(app, {
      actor: scene.committee,
      fundId: world.fundId,
      number: 1,
      sha256: receipt.sha256,
      now: new Date(NOW.getTime() + 60_000),
      ip: null
    });
    expect(again).toMatchObject({ ok: true, replayed: true });
    const events = await owner<{ count: number }[]>`
      select count(*)::int as count from events
       where fund_id = ${world.fundId} and action = 'attachment.checked' and resource_id = ${receipt.sha256}`;
    expect(events[0]?.count).toBe(1);
    await expect(
      app`update attachments set checked_by = ${idOf(scene.committee)}
           where fund_id = ${world.fundId} and sha256 = ${receipt.sha256}`
    ).rejects.toMatchObject({ code: 'GJ017' });
    await expect(
      app`update attachments set checked_for_personal_data_at = null, checked_by = null
           where fund_id = ${world.fundId} and sha256 = ${receipt.sha256}`
    ).rejects.toMatchObject({ code: 'GJ017' });
  });

  it('the demo marks every project file checked but one', async () => {
    const db: ReviewDb = { owner, app, now: NOW };
    const world = await makeWorld(db, { slug: 'public-projects-demo', pool: '100000.00' });
    const admin = await person(db, world, 'ppd-admin', [{ role: 'fund_admin' }]);
    const leaders = [
      await person(db, world, 'ppd-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
      await person(db, world, 'ppd-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
      await person(db, world, 'ppd-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
    ];
    const committee = await person(db, world, 'ppd-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
    const made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 3 });
    for (const [index, tag] of [7, 8, 9].entries()) {
      await raiseWithReceipt(committee, world, 1, made.households[index] ?? '0', png(tag, `r${tag}.png`));
    }
    await app.begin((transaction) => seedDemoPrivacyChecks(transaction, world.fundId, NOW));
    const after = await projectFilesIn(app, { fundId: world.fundId, applicationId: made.applicationId });
    expect(after.filter((file) => file.checkedAt === null)).toHaveLength(1);
    expect(after.filter((file) => file.checkedAt !== null)).toHaveLength(2);
  });
});
