import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { can, type Actor } from '../../apps/web/src/lib/server/access/policy';
import { issueHouseholdCodes } from '../../apps/web/src/lib/server/fund/household-codes';
import { saveDraft, withdrawApplication } from '../../apps/web/src/lib/server/grants/applications';
import {
  cancelItem,
  deliverItem,
  evaluateItem,
  followApplicationIn,
  itemDetail,
  placeOrder,
  startWork,
  type PlaceOrderInput
} from '../../apps/web/src/lib/server/grants/project-list';
import { openPeopleDatabase } from '../support/people-db';
import { idOf, makeWorld, person, type ReviewDb, type World } from '../support/review-world';

/*
 * The project list against a real PostgreSQL: placing an order moves its needs into the list in
 * one transaction and answers a resend as the first; its refusals are typed; a grant order opens a
 * pre-filled draft the committee edits, and the item follows the application; a direct delivery
 * finishes the needs with its feedback, a cancellation reopens them; residents rate a delivery
 * once per household, also when two submits race.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-05-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });
let world: World;
let admin: Actor;
let committee: Actor;
let leader: Actor;
let compoundId: string;
let otherCompoundId: string;
let resourceId: string;
let needNumber = 0;

/** A need of the compound, accepted the way triage leaves it. */
async function acceptedNeed(compound = compoundId, status = 'accepted'): Promise<string> {
  needNumber += 1;
  const [row] = await owner<{ id: string }[]>`
    insert into needs (fund_id, number, compound_id, category, body, place, source, status, public_reason,
                       create_key, raised_at, updated_at)
    values (${world.fundId}, ${needNumber}, ${compound}, 'repairs', ${`楼道灯坏了 ${needNumber}`}, '3 号楼',
            'meeting', ${status}, ${status === 'raised' ? '' : '居民普遍反映'}, ${randomUUID()}, ${NOW}, ${NOW})
    returning id::text as id`;
  return row?.id ?? '0';
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('project_list'));
  world = await makeWorld(db(), { slug: 'project-list', pool: '1000.00', compoundCodes: ['c-1', 'c-2'] });
  compoundId = world.compounds['c-1'] ?? '';
  otherCompoundId = world.compounds['c-2'] ?? '';
  admin = await person(db(), world, 'pl-admin', [{ role: 'fund_admin' }]);
  committee = await person(db(), world, 'pl-committee', [{ role: 'committee', compoundCode: 'c-1' }]);
  leader = await person(db(), world, 'pl-leader', [{ role: 'leader', unitCode: 'unit-2' }]);
  const [resource] = await owner<{ id: string }[]>`
    insert into resources (fund_id, number, unit_id, kind, description, quantity, measure, available_from,
                           create_key, recorded_at)
    values (${world.fundId}, 1, ${world.units['unit-2'] ?? ''}, 'volunteer_hours', '电工志愿服务', 20, '小时',
            '2026-01-01', 'r-1', ${NOW})
    returning id::text as id`;
  resourceId = resource?.id ?? '';
  for (const room of ['101', '102', '103']) {
    await owner`
      insert into households (fund_id, compound_id, building, room) values (${world.fundId}, ${compoundId}, '1', ${room})`;
  }
});

afterAll(async () => {
  await close();
});

function order(needIds: string[], overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    actor: admin,
    fundId: world.fundId,
    now: NOW,
    ip: null,
    compoundId,
    title: '更换楼道灯',
    needIds,
    resourceIds: [resourceId],
    unitId: world.units['unit-2'] ?? '',
    followUpUserId: idOf(leader),
    delivery: 'direct',
    note: '',
    createKey: randomUUID(),
    ...overrides
  };
}

const needStatus = async (id: string) =>
  (await owner<{ status: string; feedback: string }[]>`select status, feedback from needs where id = ${id}`)[0];

describe('placing an order', () => {
  it('moves its needs into the list in one transaction, and a resend answers as the first', async () => {
    const needs = [await acceptedNeed(), await acceptedNeed()];
    const input = order(needs);
    const placed = await placeOrder(app, input);
    expect(placed).toMatchObject({ ok: true, replayed: false, applicationNumber: null });
    expect(await placeOrder(app, input)).toEqual({ ...placed, replayed: true });
    for (const need of needs) expect(await needStatus(need)).toMatchObject({ status: 'in_list' });
    const steps = await owner`select 1 from need_steps where need_id = any(${needs}::bigint[]) and kind = 'in_list'`;
    expect(steps).toHaveLength(2);
    const [count] = await owner<{ count: number }[]>`
      select count(*)::int as count from list_items where fund_id = ${world.fundId} and create_key = ${input.createKey}`;
    expect(count?.count).toBe(1);
  });

  it('refuses what does not fit, and leaves everything as it was', async () => {
    const raised = await acceptedNeed(compoundId, 'raised');
    const other = await acceptedNeed(otherCompoundId);
    const fine = await acceptedNeed();
    const refusals: [PlaceOrderInput, string][] = [
      [order([fine, raised]), 'need_is_not_accepted'],
      [order([fine, other]), 'need_of_another_compound'],
      [order([fine, '999999']), 'need_not_found'],
      [order([]), 'needs_are_required'],
      [order([fine], { title: '  ' }), 'title_is_required'],
      [order([fine], { followUpUserId: '999999' }), 'follow_up_officer_has_no_role'],
      [order([fine], { unitId: '999999' }), 'unit_not_in_fund'],
      [order([fine], { resourceIds: ['999999'] }), 'resource_is_not_offered']
    ];
    for (const [input, code] of refusals) expect(await placeOrder(app, input)).toMatchObject({ ok: false, code });
    expect(await placeOrder(app, order([fine], { actor: committee }))).toMatchObject({ code: 'not_allowed' });
    expect(await needStatus(fine)).toMatchObject({ status: 'accepted' });
  });
});

describe('a grant order', () => {
  it('opens a draft pre-filled for the committee, which edits it; withdrawn, the order ends', async () => {
    const need = await acceptedNeed();
    const placed = await placeOrder(app, order([need], { delivery: 'grant', title: '楼道灯改造' }));
    if (!placed.ok || placed.applicationNumber === null) throw new Error('no draft');
    const [draft] = await owner<
      {
        id: string;
        status: string;
        title: string;
        category: string;
        description: string;
        location: string;
        compoundId: string;
      }[]
    >`
      select id::text as id, status, title, category, description, location, compound_id::text as "compoundId"
        from applications where fund_id = ${world.fundId} and number = ${placed.applicationNumber}`;
    expect(draft).toMatchObject({
      status: 'draft',
      title: '楼道灯改造',
      category: 'repairs',
      location: '3 号楼',
      compoundId
    });
    expect(draft?.description).toContain('楼道灯坏了');
    expect(draft?.description).toContain('电工志愿服务');
    const ref = {
      fundId: world.fundId,
      compoundId,
      status: 'draft' as const,
      applicantUnitId: null,
      number: placed.applicationNumber
    };
    expect(can(committee, 'application.edit', ref)).toEqual({ allowed: true });
    const command = { actor: committee, fundId: world.fundId, now: NOW, ip: null, number: placed.applicationNumber };
    const saved = await saveDraft(app, {
      ...command,
      draft: { step: 'basics', title: '楼道灯改造工程', category: 'repairs', description: '说明', location: '3 号楼' }
    });
    expect(saved).toEqual({ ok: true });
    const item = await itemDetail(app, { fundId: world.fundId, number: placed.number, audience: 'office' });
    expect(item).toMatchObject({ status: 'in_progress', delivery: 'grant' });
    expect(item?.steps.map((step) => [step.kind, step.stage])).toEqual([
      ['placed', 'resolve'],
      ['draft_opened', 'propose']
    ]);
    // The office may not cancel it: the committee withdraws the draft, which ends the order.
    expect(
      await cancelItem(app, {
        actor: admin,
        fundId: world.fundId,
        now: NOW,
        ip: null,
        number: placed.number,
        reason: ''
      })
    ).toMatchObject({
      code: 'grant_item_follows_its_application'
    });
    expect(await withdrawApplication(app, command)).toMatchObject({ ok: true });
    expect(await itemDetail(app, { fundId: world.fundId, number: placed.number, audience: 'office' })).toMatchObject({
      status: 'cancelled'
    });
    expect(await needStatus(need)).toMatchObject({ status: 'accepted' });
  });

  it('is delivered when its project is accepted, which finishes its needs with the project named', async () => {
    const need = await acceptedNeed();
    const placed = await placeOrder(app, order([need], { delivery: 'grant' }));
    if (!placed.ok) throw new Error('not placed');
    const [application] = await owner<{ id: string }[]>`
      update applications set status = 'accepted', policy_version = 1, match_amount = 0 where fund_id = ${world.fundId} and number = ${placed.applicationNumber}
      returning id::text as id`;
    await app.begin((transaction) =>
      followApplicationIn(transaction, {
        fundId: world.fundId,
        applicationId: application?.id ?? '',
        now: NOW,
        ip: null,
        actorUserId: null
      })
    );
    const item = await itemDetail(app, { fundId: world.fundId, number: placed.number, audience: 'public' });
    expect(item).toMatchObject({ status: 'delivered', deliveredOn: '2026-05-10' });
    expect(item?.officer).toEqual({ name: null, roles: ['leader'] });
    const done = await needStatus(need);
    expect(done?.status).toBe('done');
    expect(done?.feedback).toContain(`#${placed.applicationNumber}`);
  });
});

describe('a direct order', () => {
  const command = () => ({ actor: admin, fundId: world.fundId, now: NOW, ip: null });

  it('is started, then delivered with feedback that finishes its needs; a resend answers as once', async () => {
    const needs = [await acceptedNeed(), await acceptedNeed()];
    const placed = await placeOrder(app, order(needs));
    if (!placed.ok) throw new Error('not placed');
    expect(await startWork(app, { ...command(), number: placed.number })).toEqual({ ok: true, replayed: false });
    expect(await startWork(app, { ...command(), number: placed.number })).toEqual({ ok: true, replayed: true });
    const delivery = {
      ...command(),
      number: placed.number,
      deliveredOn: '2026-05-09',
      feedback: '已更换 12 盏灯。',
      photos: []
    };
    expect(await deliverItem(app, { ...delivery, feedback: ' ' })).toMatchObject({ code: 'feedback_is_required' });
    expect(await deliverItem(app, delivery)).toEqual({ ok: true, replayed: false });
    expect(await deliverItem(app, delivery)).toEqual({ ok: true, replayed: true });
    for (const need of needs) expect(await needStatus(need)).toEqual({ status: 'done', feedback: '已更换 12 盏灯。' });
    expect(await cancelItem(app, { ...command(), number: placed.number, reason: '' })).toMatchObject({
      code: 'list_item_state_does_not_allow_it'
    });
  });

  it('cancelled, reopens its needs', async () => {
    const need = await acceptedNeed();
    const placed = await placeOrder(app, order([need]));
    if (!placed.ok) throw new Error('not placed');
    expect(await cancelItem(app, { ...command(), number: placed.number, reason: '单位无法安排' })).toEqual({
      ok: true,
      replayed: false
    });
    expect(await needStatus(need)).toMatchObject({ status: 'accepted' });
    const steps = await owner<{ kind: string }[]>`select kind from need_steps where need_id = ${need} order by id`;
    expect(steps.map((step) => step.kind)).toEqual(['in_list', 'reopened']);
  });

  it('is rated once per household with its code, also when two submits race, and unlinked from it', async () => {
    const placed = await placeOrder(app, order([await acceptedNeed()]));
    if (!placed.ok) throw new Error('not placed');
    const rate = (code: string, rating = 'satisfied', ip = '10.1.0.1') =>
      evaluateItem(app, { fundId: world.fundId, number: placed.number, code, rating, comment: '灯很亮', ip, now: NOW });
    const slips = await issueHouseholdCodes(app, {
      actor: committee,
      fundId: world.fundId,
      compoundId,
      mode: 'new',
      idempotencyKey: randomUUID(),
      now: NOW,
      ip: null
    });
    if (!slips.ok || slips.slips.length < 2) throw new Error('no slips');
    const [first, second] = slips.slips;
    expect(await rate(first?.code ?? '')).toMatchObject({ code: 'list_item_is_not_evaluable' });
    await deliverItem(app, {
      ...command(),
      number: placed.number,
      deliveredOn: '2026-05-10',
      feedback: '完成',
      photos: []
    });
    expect(await rate(first?.code ?? '', 'great')).toMatchObject({ code: 'rating_is_unknown' });
    expect(await rate('ZZZZ-ZZZZ')).toMatchObject({ code: 'code_is_unknown' });
    const raced = await Promise.all([rate(first?.code ?? ''), rate(first?.code ?? '', 'not_satisfied')]);
    expect(raced.filter((result) => result.ok)).toHaveLength(1);
    expect(raced.filter((result) => !result.ok)).toEqual([{ ok: false, code: 'household_has_evaluated' }]);
    expect(await rate(second?.code ?? '', 'mostly_satisfied')).toEqual({ ok: true });
    const item = await itemDetail(app, { fundId: world.fundId, number: placed.number, audience: 'public' });
    expect(item?.evaluation.total).toBe(2);
    const columns = await owner<{ column_name: string }[]>`
      select column_name from information_schema.columns where table_name = 'list_item_evaluations'`;
    expect(columns.map((column) => column.column_name)).not.toContain('household_id');
  });

  it('refuses an evaluation of an item not delivered in the database too (GJ028)', async () => {
    const placed = await placeOrder(app, order([await acceptedNeed()]));
    if (!placed.ok) throw new Error('not placed');
    await expect(
      owner`
        insert into list_item_evaluations (fund_id, list_item_id, rating, on_day)
        select fund_id, id, 'satisfied', '2026-05-10' from list_items where fund_id = ${world.fundId} and number = ${placed.number}`
    ).rejects.toMatchObject({ code: 'GJ028' });
  });
});
