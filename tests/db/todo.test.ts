import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { fileObjection } from '../../apps/web/src/lib/server/grants/notices';
import { castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { compoundSteps, todoFor, todoForFund } from '../../apps/web/src/lib/server/people/todo';
import type { TodoItem } from '../../apps/web/src/lib/todo-types';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  idOf,
  makeWorld as makeWorldIn,
  person as personIn,
  submittedApplication as submittedIn,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The to-do list's read model against a real PostgreSQL, role by role: what it lists follows the
 * state of the applications and books (no notification is ever written here), a done step leaves
 * the list by itself, and each item links to a page the person may open.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};

/** Midday in China on Tuesday 10 March 2026. */
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });

let world: World;
let admin: Actor;
let admin2: Actor;
let leaders: Actor[];
let recused: Actor;
let committee: Actor;
let otherCommittee: Actor;

/** The list as (kind, number, target) lines, which is what a person reads. */
const lines = (items: readonly TodoItem[]) => items.map((item) => [item.kind, item.number, item.target]);
const listOf = async (actor: Actor, now: Date = NOW) => lines(await todoForFund(app, actor, world.fundId, now));
const command = (actor: Actor, number: number) => ({ actor, fundId: world.fundId, number, now: NOW, ip: null });

beforeAll(async () => {
  const database = await openPeopleDatabase('todo');
  ({ owner, app, close } = database);
  world = await makeWorldIn(db(), {
    slug: 'todo-main',
    pool: '100000.00',
    policy: { ...DEMO_POLICY_JSON, voteWorkingDays: 3 },
    compoundCodes: ['compound-2']
  });
  const person = (login: string, roles: Parameters<typeof personIn>[3]) => personIn(db(), world, login, roles);
  admin = await person('todo-admin', [{ role: 'fund_admin' }]);
  admin2 = await person('todo-admin-2', [{ role: 'fund_admin' }]);
  leaders = [
    await person('todo-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await person('todo-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person('todo-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  recused = await person('todo-leader-4', [
    { role: 'leader', unitCode: 'unit-4' },
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  committee = await person('todo-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  otherCommittee = await person('todo-committee-2', [{ role: 'committee', compoundCode: 'compound-2' }]);
});

afterAll(async () => {
  await close();
});

describe('the to-do list of one application, from submission to approval', () => {
  it('asks the fund office to pre-check a submitted application, and nobody else', async () => {
    await submittedIn(db(), world, {
      number: 1,
      createdBy: committee,
      cost: '5000.00',
      match: '3000.00',
      selfRaiseTarget: '2000.00'
    });
    expect(await listOf(admin)).toEqual([['precheck', 1, 'review']]);
    expect(await listOf(leaders[0]!)).toEqual([]);
    expect(await listOf(committee)).toEqual([]);
    const steps = await compoundSteps(app, {
      actor: committee,
      fundId: world.fundId,
      compoundId: world.compounds['compound-1']!
    });
    expect(steps.map((step) => [step.number, step.step, step.todo, step.target])).toEqual([
      [1, 'waiting_precheck', null, 'application']
    ]);
  });

  it('asks each leader without a conflict for a vote, by the policy deadline, until they voted', async () => {
    expect((await precheck(app, { ...command(admin, 1), outcome: 'pass', comments: '' })).ok).toBe(true);
    expect(await listOf(admin)).toEqual([]);
    const [item] = await todoForFund(app, leaders[0]!, world.fundId, NOW);
    // In review on Tuesday 10 March; three working days: Wednesday 11 to Friday 13 March.
    expect(item).toMatchObject({ kind: 'vote', role: 'leader', number: 1, target: 'review', dueOn: '2026-03-13' });
    expect(item?.since).toEqual(NOW);
    // The leader who also serves on the applying compound's committee sits this vote out.
    expect(await listOf(recused)).toEqual([]);
    expect((await castVote(app, { ...command(leaders[0]!, 1), choice: 'approve', reason: '' })).ok).toBe(true);
    expect(await listOf(leaders[0]!)).toEqual([]);
    expect(await listOf(leaders[1]!)).toEqual([['vote', 1, 'review']]);
    expect(await listOf(committee)).toEqual([]);
  });

  it('asks the committee to raise the residents share once approved, and the office to decide objections', async () => {
    for (const leader of [leaders[1]!, leaders[2]!]) {
      expect((await castVote(app, { ...command(leader, 1), choice: 'approve', reason: '' })).ok).toBe(true);
    }
    expect(await listOf(committee)).toEqual([['raise', 1, 'raise']]);
    expect(await listOf(leaders[1]!)).toEqual([]);
    // The notice ends on 17 March: two days before, the office is reminded of it.
    expect(await listOf(admin)).toEqual([]);
    const soon = new Date('2026-03-15T04:00:00.000Z');
    expect(lines(await todoForFund(app, admin, world.fundId, soon))).toEqual([['notice_ending', 1, 'notice']]);
    const filed = await fileObjection(app, {
      fundId: world.fundId,
      number: 1,
      name: '居民甲',
      contact: '13800000000',
      body: '价格偏高',
      now: NOW,
      ip: null
    });
    expect(filed.ok).toBe(true);
    expect(await listOf(admin)).toEqual([['objection', 1, 'notice']]);
    // The other compound's committee sees nothing of this compound's project.
    expect(await listOf(otherCommittee)).toEqual([]);
  });
});

describe("the committee's next steps", () => {
  it('asks to submit a draft and to revise a returned application, and links to the edit page', async () => {
    const draft = await submittedIn(db(), world, { number: 2, createdBy: committee, cost: '1000.00', match: '600.00' });
    await owner`update applications set status = 'draft', submitted_at = null where id = ${draft}`;
    const returned = await submittedIn(db(), world, {
      number: 3,
      createdBy: committee,
      cost: '1000.00',
      match: '600.00'
    });
    await owner`update applications set status = 'returned' where id = ${returned}`;
    const mine = await listOf(committee);
    expect(mine).toContainEqual(['draft_submit', 2, 'application']);
    expect(mine).toContainEqual(['returned_revise', 3, 'edit']);
    // A draft is the committee's own: the office neither sees it nor is asked about it.
    expect((await listOf(admin)).filter(([, number]) => number === 2 || number === 3)).toEqual([]);
    const steps = await compoundSteps(app, {
      actor: admin,
      fundId: world.fundId,
      compoundId: world.compounds['compound-1']!
    });
    expect(steps.map((step) => step.number)).not.toContain(2);
    expect(steps.find((step) => step.number === 3)).toMatchObject({ step: 'returned_revise', todo: null });
  });
});

let number = 0;

describe('projects', () => {
  it('asks another administrator or a leader to approve a payout, never its requester', async () => {
    const project = await activeProject(db(), world, {
      number: 10,
      admin,
      leaders,
      committee: otherCommittee,
      compound: 'compound-2',
      households: 3
    });
    number = project.number;
    expect(await listOf(otherCommittee)).toEqual([['raise', number, 'raise']]);
    await owner`
      insert into payouts (fund_id, application_id, amount, payee_kind, payee_name, status, requested_by,
                           requested_at, create_key)
      values (${world.fundId}, ${project.applicationId}, 1000.00, 'committee', '住委会', 'waiting', ${idOf(admin)},
              ${NOW}, 'todo-payout-1')`;
    expect((await listOf(admin)).filter(([kind]) => kind === 'payout_approve')).toEqual([]);
    expect((await listOf(admin2)).filter(([kind]) => kind === 'payout_approve')).toEqual([
      ['payout_approve', number, 'payouts']
    ]);
    expect(await listOf(leaders[0]!)).toContainEqual(['payout_approve', number, 'payouts']);
  });

  it('asks to check files for personal data and to confirm an acceptance recorded by someone else', async () => {
    const sha = 'a'.repeat(64);
    await owner`
      insert into attachments (fund_id, sha256, media_type, size_bytes, content, uploaded_at, uploaded_by)
      values (${world.fundId}, ${sha}, 'image/png', 1, '\\x00'::bytea, ${NOW}, ${idOf(admin)})`;
    await owner`
      insert into acceptances (application_id, fund_id, checked_on, recorded_by, recorded_at)
      select id, fund_id, '2026-03-10', ${idOf(admin)}, ${NOW} from applications
       where fund_id = ${world.fundId} and number = ${number}`;
    await owner`
      insert into acceptance_photos (fund_id, application_id, sha256, kind, added_at)
      select fund_id, id, ${sha}, 'after', ${NOW} from applications where fund_id = ${world.fundId} and number = ${number}`;
    const committeeList = await todoForFund(app, otherCommittee, world.fundId, NOW);
    expect(committeeList.find((item) => item.kind === 'file_check')).toMatchObject({ count: 1, role: 'committee' });
    expect(await listOf(admin2)).toContainEqual(['file_check', number, 'files']);
    expect(await listOf(leaders[1]!)).toContainEqual(['acceptance_confirm', number, 'acceptance']);
    expect(await listOf(admin)).not.toContainEqual(['acceptance_confirm', number, 'acceptance']);
    await owner`update attachments set checked_for_personal_data_at = ${NOW}, checked_by = ${idOf(admin)}
                 where fund_id = ${world.fundId} and sha256 = ${sha}`;
    expect((await listOf(admin2)).filter(([kind]) => kind === 'file_check')).toEqual([]);
  });
});

describe('the books', () => {
  it('asks to confirm a correction (not one\u2019s own) and to close an ended month', async () => {
    const [entry] = await owner<
      { seq: string }[]
    >`select min(seq)::text as seq from entries where fund_id = ${world.fundId}`;
    await owner`
      insert into corrections (fund_id, entry_seq, reason, reversal_date, status, requested_by, requested_at, create_key)
      values (${world.fundId}, ${entry!.seq}, '金额有误', '2026-03-10', 'waiting', ${idOf(admin)}, ${NOW}, 'todo-c-1')`;
    expect((await listOf(admin)).filter(([kind]) => kind === 'correction_confirm')).toEqual([]);
    expect(await listOf(admin2)).toContainEqual(['correction_confirm', null, 'corrections']);
    expect(await listOf(leaders[2]!)).toContainEqual(['correction_confirm', null, 'corrections']);
    // March has not ended on 10 March; on 2 April it waits to be closed, for the office only.
    expect((await listOf(admin)).filter(([kind]) => kind === 'month_close')).toEqual([]);
    const april = new Date('2026-04-02T04:00:00.000Z');
    const items = await todoForFund(app, admin, world.fundId, april);
    expect(items.find((item) => item.kind === 'month_close')).toMatchObject({ month: '2026-03', target: 'periods' });
    const leaderItems = await todoForFund(app, leaders[0]!, world.fundId, april);
    expect(leaderItems.filter((item) => item.kind === 'month_close')).toEqual([]);
  });

  it("gives the supervisor a read-only overview of the office's pending work", async () => {
    const supervisor = await personIn(db(), world, 'todo-supervisor', [{ role: 'supervisor' }]);
    const items = await todoForFund(app, supervisor, world.fundId, NOW);
    // Application 1 has an open objection and the payout waits; nothing else is pending.
    expect(items.map((item) => [item.kind, item.role, item.count, item.target])).toEqual([
      ['watch_objections', 'supervisor', 1, 'review_queue'],
      ['watch_payouts', 'supervisor', 1, 'projects']
    ]);
  });

  it('gathers every fund of the person, and nothing for the anonymous', async () => {
    const all = await todoFor(app, admin2, NOW);
    expect(all.map((item) => item.fundSlug)).toEqual(all.map(() => 'todo-main'));
    expect(all.length).toBeGreaterThan(0);
    expect(await todoFor(app, { kind: 'anonymous' }, NOW)).toEqual([]);
  });
});
