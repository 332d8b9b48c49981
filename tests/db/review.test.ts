import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { DEMO_POLICY_JSON, type FundPolicyJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import { inboxFor, markRead, unreadCount } from '../../apps/web/src/lib/server/people/inbox';
import { decideObjection, fileObjection, publicNotice } from '../../apps/web/src/lib/server/grants/notices';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import {
  activateEndedNotices,
  castVote,
  holdIdOf,
  poolFigures,
  precheck,
  reviewQueue,
  reviewView
} from '../../apps/web/src/lib/server/grants/review';
import { openPeopleDatabase } from '../support/people-db';
import {
  idOf,
  makeWorld as makeWorldIn,
  person as personIn,
  submittedApplication as submittedIn,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The review against a real PostgreSQL: the pre-check moves an application; the vote settles by
 * itself at quorum and majority and reserves the match on the pool in the same transaction; two
 * approvals racing for a pool that covers one leave exactly one approved and nothing of the
 * other; an upheld objection releases the hold and sends the application back for a new vote;
 * the notice ends into an active grant.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};

/** Midday in China on Tuesday 10 March 2026. */
const NOW = new Date('2026-03-10T04:00:00.000Z');

const db = (): ReviewDb => ({ owner, app, now: NOW });
const makeWorld = (slug: string, pool: string, policy?: FundPolicyJson): Promise<World> =>
  makeWorldIn(db(), { slug, pool, ...(policy === undefined ? {} : { policy }) });
const person = (world: World, loginName: string, roles: Parameters<typeof personIn>[3]): Promise<Actor> =>
  personIn(db(), world, loginName, roles);
const submittedApplication = (world: World, input: Parameters<typeof submittedIn>[2]): Promise<string> =>
  submittedIn(db(), world, input);

async function statusOf(applicationId: string) {
  const [row] = await owner<
    {
      status: string;
      revision: number;
      holdId: string | null;
      approvedAmount: string | null;
      noticeStartsOn: string | null;
      noticeEndsOn: string | null;
    }[]
  >`
    select status, revision, hold_id as "holdId", approved_amount::text as "approvedAmount",
           to_char(notice_starts_on, 'YYYY-MM-DD') as "noticeStartsOn",
           to_char(notice_ends_on, 'YYYY-MM-DD') as "noticeEndsOn"
      from applications where id = ${applicationId}`;
  if (row === undefined) throw new Error('no application');
  return row;
}

async function countsOf(applicationId: string) {
  const [row] = await owner<{ votes: number; transitions: number; holds: number; events: number }[]>`
    select (select count(*) from votes where application_id = ${applicationId})::int as votes,
           (select count(*) from application_transitions where application_id = ${applicationId})::int as transitions,
           (select count(*) from holds h join applications a on a.fund_id = h.fund_id
             where a.id = ${applicationId} and h.reference = 'application:' || a.number)::int as holds,
           (select count(*) from events where resource_type = 'application' and resource_id = ${applicationId})::int
             as events`;
  if (row === undefined) throw new Error('no counts');
  return row;
}

let main: World;
let admin: Actor;
let leaders: Actor[];
let recusedLeader: Actor;
let committee: Actor;

const command = (world: World, actor: Actor, number: number) => ({
  actor,
  fundId: world.fundId,
  number,
  now: NOW,
  ip: null
});

beforeAll(async () => {
  const database = await openPeopleDatabase('review');
  ({ owner, app, close } = database);
  main = await makeWorld('review-main', '100000.00');
  admin = await person(main, 'review-admin', [{ role: 'fund_admin' }]);
  leaders = [
    await person(main, 'review-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await person(main, 'review-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(main, 'review-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  // The fourth leader also serves on compound-1's committee, so sits out its applications.
  recusedLeader = await person(main, 'review-leader-4', [
    { role: 'leader', unitCode: 'unit-4' },
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  committee = await person(main, 'review-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
});

afterAll(async () => {
  await close();
});

describe('the pre-check', () => {
  it('passes, returns with comments and rejects with a reason, each once', async () => {
    const passed = await submittedApplication(main, {
      number: 11,
      createdBy: committee,
      cost: '1000.00',
      match: '600.00'
    });
    const returned = await submittedApplication(main, {
      number: 12,
      createdBy: committee,
      cost: '1000.00',
      match: '600.00'
    });
    const rejected = await submittedApplication(main, {
      number: 13,
      createdBy: committee,
      cost: '1000.00',
      match: '600.00'
    });

    expect(await precheck(app, { ...command(main, leaders[0] as Actor, 11), outcome: 'pass', comments: '' })).toEqual({
      ok: false,
      code: 'not_allowed'
    });
    expect(await precheck(app, { ...command(main, admin, 11), outcome: 'pass', comments: '' })).toEqual({
      ok: true,
      status: 'in_review',
      replayed: false
    });
    expect(await precheck(app, { ...command(main, admin, 11), outcome: 'pass', comments: '' })).toMatchObject({
      ok: true,
      replayed: true
    });
    expect(await precheck(app, { ...command(main, admin, 12), outcome: 'return', comments: '  ' })).toEqual({
      ok: false,
      code: 'return_needs_comments'
    });
    expect(
      await precheck(app, { ...command(main, admin, 12), outcome: 'return', comments: '请补充报价单' })
    ).toMatchObject({ ok: true, status: 'returned' });
    expect(
      await precheck(app, { ...command(main, admin, 13), outcome: 'reject', comments: '不属于资助范围' })
    ).toMatchObject({ ok: true, status: 'rejected' });

    expect((await statusOf(passed)).status).toBe('in_review');
    expect((await statusOf(returned)).status).toBe('returned');
    expect((await statusOf(rejected)).status).toBe('rejected');
    expect(await countsOf(passed)).toMatchObject({ transitions: 1, events: 1 });
    const [comment] = await owner<{ comments: string }[]>`
      select comments from application_transitions where application_id = ${returned}`;
    expect(comment?.comments).toBe('请补充报价单');
    // The committee and every leader hear that #11 is in review; the admin who acted does not.
    const told = await owner<{ userId: string }[]>`
      select user_id::text as "userId" from notifications where application_id = ${passed} order by user_id`;
    expect(told.map((row) => row.userId).sort()).toEqual([committee, ...leaders, recusedLeader].map(idOf).sort());
  });
});

describe('the vote', () => {
  it('refuses a recused leader, settles at quorum and majority, and holds the match in the same transaction', async () => {
    const applicationId = await submittedApplication(main, {
      number: 1,
      createdBy: committee,
      cost: '5000.00',
      match: '3000.00'
    });
    await precheck(app, { ...command(main, admin, 1), outcome: 'pass', comments: '' });
    const before = await poolFigures(app, main.fundId);

    const vote = (actor: Actor, choice: 'approve' | 'reject' | 'return' = 'approve', reason = '') =>
      castVote(app, { ...command(main, actor, 1), choice, reason });

    expect(await vote(recusedLeader)).toEqual({ ok: false, code: 'voter_is_recused' });
    expect(await vote(admin)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await vote(leaders[0] as Actor)).toMatchObject({ ok: true, status: 'in_review', replayed: false });
    // The same vote again is a replay; a different one from the same seat is refused.
    expect(await vote(leaders[0] as Actor)).toMatchObject({ ok: true, replayed: true });
    expect(await vote(leaders[0] as Actor, 'reject', '太贵')).toEqual({ ok: false, code: 'vote_already_cast' });
    expect(await vote(leaders[1] as Actor, 'reject', '')).toEqual({ ok: false, code: 'reject_needs_a_reason' });
    expect(await vote(leaders[1] as Actor)).toMatchObject({ ok: true, status: 'in_review' });
    expect((await poolFigures(app, main.fundId)).available).toBe(before.available);

    const queue = await reviewQueue(app, { actor: leaders[2] as Actor, fundId: main.fundId });
    expect(queue.voting?.find((item) => item.number === 1)).toMatchObject({ voted: false, recused: false });
    const recusedQueue = await reviewQueue(app, { actor: recusedLeader, fundId: main.fundId });
    expect(recusedQueue.voting?.find((item) => item.number === 1)).toMatchObject({ recused: true });

    expect(await vote(leaders[2] as Actor)).toEqual({
      ok: true,
      replayed: false,
      status: 'approved',
      approvedAmount: '3000.00'
    });
    const after = await poolFigures(app, main.fundId);
    expect(after.balance).toBe(before.balance);
    expect(after.reserved).toBe('3000.00');
    expect(after.available).toBe('97000.00');

    const state = await statusOf(applicationId);
    expect(state).toMatchObject({
      status: 'approved',
      approvedAmount: '3000.00',
      holdId: holdIdOf(main.fundId, 1, 1),
      noticeStartsOn: '2026-03-10',
      // Five working days after Tuesday 10 March 2026.
      noticeEndsOn: '2026-03-17'
    });
    const [hold] = await owner<{ account: string; amount: string; status: string }[]>`
      select account_code as account, amount::text as amount, status from holds
       where fund_id = ${main.fundId} and id = ${holdIdOf(main.fundId, 1, 1)}`;
    expect(hold).toEqual({ account: '1002.01', amount: '3000.00', status: 'open' });
    expect(await countsOf(applicationId)).toMatchObject({ votes: 3, transitions: 2 });
    // A fourth vote after the decision is refused.
    expect(await castVote(app, { ...command(main, recusedLeader, 1), choice: 'approve', reason: '' })).toMatchObject({
      ok: false
    });

    const view = await reviewView(app, { actor: admin, fundId: main.fundId, number: 1 });
    expect(view?.counts).toEqual({ approve: 3, reject: 0, return: 0 });
    expect(view?.recusals).toHaveLength(1);
    expect(view?.eligibleSeats).toBe(3);
    expect(view?.budgetTotal).toBe('5000.00');

    const notice = await publicNotice(app, { fundId: main.fundId, number: 1, today: '2026-03-11' });
    expect(notice).toMatchObject({
      approvedAmount: '3000.00',
      selfRaised: '2000.00',
      budgetTotal: '5000.00',
      open: true,
      votes: { approve: 3, reject: 0, return: 0 }
    });
    expect(notice?.approvingUnits).toHaveLength(3);
  });

  it('approves with the override ratio the approvers settle on, recomputed under the policy', async () => {
    await submittedApplication(main, { number: 2, createdBy: committee, cost: '10000.00', match: '6000.00' });
    await precheck(app, { ...command(main, admin, 2), outcome: 'pass', comments: '' });
    const override = (actor: Actor) =>
      castVote(app, { ...command(main, actor, 2), choice: 'approve', overrideRatio: '0.4', reason: '自筹能力强' });
    expect(
      await castVote(app, {
        ...command(main, leaders[0] as Actor, 2),
        choice: 'approve',
        overrideRatio: '0.9',
        reason: 'x'
      })
    ).toEqual({ ok: false, code: 'override_outside_band' });
    await override(leaders[0] as Actor);
    await override(leaders[1] as Actor);
    expect(await override(leaders[2] as Actor)).toMatchObject({ status: 'approved', approvedAmount: '4000.00' });
  });

  it('returns a deadlocked vote to the committee with the voters’ comments', async () => {
    await submittedApplication(main, { number: 3, createdBy: committee, cost: '1000.00', match: '600.00' });
    await precheck(app, { ...command(main, admin, 3), outcome: 'pass', comments: '' });
    await castVote(app, { ...command(main, leaders[0] as Actor, 3), choice: 'reject', reason: '不合规' });
    await castVote(app, { ...command(main, leaders[1] as Actor, 3), choice: 'return', reason: '补充材料' });
    expect(
      await castVote(app, { ...command(main, leaders[2] as Actor, 3), choice: 'approve', reason: '' })
    ).toMatchObject({ status: 'returned' });
  });
});

describe('two approvals racing for a pool that covers one', () => {
  it('approves exactly one; the other is refused and leaves nothing behind', async () => {
    const policy = { ...DEMO_POLICY_JSON, vote: { quorum: 1, majority: '0.5' } };
    const race = await makeWorld('review-race', '5000.00', policy);
    const raceAdmin = await person(race, 'race-admin', [{ role: 'fund_admin' }]);
    const raceLeader = await person(race, 'race-leader', [{ role: 'leader', unitCode: 'unit-1' }]);
    const raceCommittee = await person(race, 'race-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
    const ids = [
      await submittedApplication(race, { number: 1, createdBy: raceCommittee, cost: '5000.00', match: '3000.00' }),
      await submittedApplication(race, {
        number: 2,
        createdBy: raceCommittee,
        compound: 'compound-2',
        cost: '5000.00',
        match: '3000.00'
      })
    ];
    for (const number of [1, 2]) {
      await precheck(app, { ...command(race, raceAdmin, number), outcome: 'pass', comments: '' });
    }
    const results = await Promise.all(
      [1, 2].map((number) => castVote(app, { ...command(race, raceLeader, number), choice: 'approve', reason: '' }))
    );
    const approved = results.filter((result) => result.ok);
    const refused = results.filter((result) => !result.ok);
    expect(approved).toHaveLength(1);
    expect(refused).toEqual([{ ok: false, code: 'pool_cannot_cover_the_match', available: '2000.00' }]);
    const loser = ids[results.findIndex((result) => !result.ok)] as string;
    expect(await statusOf(loser)).toMatchObject({ status: 'in_review', holdId: null });
    expect(await countsOf(loser)).toMatchObject({ votes: 0, holds: 0, transitions: 1 });
    const [votesCast] = await owner<{ count: number }[]>`
      select count(*)::int as count from events where action = 'vote.cast' and resource_id = ${loser}`;
    expect(votesCast?.count).toBe(0);
    expect(await poolFigures(app, race.fundId)).toEqual({
      balance: '5000.00',
      reserved: '3000.00',
      available: '2000.00'
    });
  });
});

describe('objections and the end of the notice', () => {
  it('takes objections only while the notice runs, and limits one contact', async () => {
    const base = { fundId: main.fundId, number: 1, name: '居民甲', contact: '13800000000', ip: null };
    expect(await fileObjection(app, { ...base, body: '  ', now: NOW })).toMatchObject({ code: 'body_is_required' });
    const first = await fileObjection(app, { ...base, body: '价格偏高', now: NOW });
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(await fileObjection(app, { ...base, body: '价格偏高', now: NOW })).toMatchObject({
      ok: true,
      replayed: true
    });
    for (const n of [2, 3, 4, 5]) await fileObjection(app, { ...base, body: `意见 ${n}`, now: NOW });
    expect(await fileObjection(app, { ...base, body: '第六条', now: NOW })).toEqual({
      ok: false,
      code: 'too_many_open_objections'
    });
    // After the last notice day (17 March) nobody can object.
    expect(
      await fileObjection(app, { ...base, contact: 'x', body: '晚了', now: new Date('2026-03-18T04:00:00Z') })
    ).toEqual({ ok: false, code: 'notice_is_not_open' });
    // #2 (approved) is not public for objections on #3, which was returned.
    expect(await fileObjection(app, { ...base, number: 3, body: '?', now: NOW })).toEqual({
      ok: false,
      code: 'notice_is_not_open'
    });
  });

  it('keeps an application with open objections approved after its notice, and activates it once they are decided', async () => {
    expect(await activateEndedNotices(app, { fundId: main.fundId, today: '2026-03-17' })).toBe(0);
    // #2 has no objection and becomes active; #1 waits for its objections to be decided.
    expect(await activateEndedNotices(app, { fundId: main.fundId, today: '2026-03-18' })).toBe(1);
    const open = await owner<{ id: string }[]>`
      select o.id::text as id from objections o join applications a on a.id = o.application_id
       where a.fund_id = ${main.fundId} and a.number = 1 and o.status = 'open'`;
    expect(
      await decideObjection(app, {
        actor: leaders[0] as Actor,
        fundId: main.fundId,
        objectionId: open[0]?.id ?? '',
        outcome: 'dismissed',
        note: 'x',
        publicReason: '已核实，报价合理。',
        now: NOW,
        ip: null
      })
    ).toEqual({ ok: false, code: 'not_allowed' });
    for (const objection of open) {
      expect(
        await decideObjection(app, {
          actor: admin,
          fundId: main.fundId,
          objectionId: objection.id,
          outcome: 'dismissed',
          note: '价格符合市场',
          publicReason: '已核实，报价合理。',
          now: NOW,
          ip: null
        })
      ).toMatchObject({ ok: true, replayed: false, applicationStatus: 'approved' });
    }
    expect(
      await decideObjection(app, {
        actor: admin,
        fundId: main.fundId,
        objectionId: open[0]?.id ?? '',
        outcome: 'dismissed',
        note: '价格符合市场',
        publicReason: '已核实，报价合理。',
        now: NOW,
        ip: null
      })
    ).toMatchObject({ ok: true, replayed: true });
    expect(await activateEndedNotices(app, { fundId: main.fundId, today: '2026-03-18' })).toBe(1);
    const [state] = await owner<{ status: string }[]>`
      select status from applications where fund_id = ${main.fundId} and number = 1`;
    expect(state?.status).toBe('active');
    // The hold stays: the grant is active and will be paid from it.
    expect((await poolFigures(app, main.fundId)).reserved).toBe('7000.00');
  });

  it('releases the hold on an upheld objection and sends the application back to a new vote', async () => {
    const applicationId = await submittedApplication(main, {
      number: 4,
      createdBy: committee,
      compound: 'compound-2',
      cost: '2000.00',
      match: '1200.00'
    });
    await precheck(app, { ...command(main, admin, 4), outcome: 'pass', comments: '' });
    for (const leader of [...leaders, recusedLeader].slice(0, 3)) {
      await castVote(app, { ...command(main, leader, 4), choice: 'approve', reason: '' });
    }
    expect((await statusOf(applicationId)).status).toBe('approved');
    const reservedBefore = (await poolFigures(app, main.fundId)).reserved;
    const filed = await fileObjection(app, {
      fundId: main.fundId,
      number: 4,
      name: '居民乙',
      contact: '13900000000',
      body: '预算有误',
      now: NOW,
      ip: null
    });
    if (!filed.ok) throw new Error(filed.code);
    expect(
      await decideObjection(app, {
        actor: admin,
        fundId: main.fundId,
        objectionId: filed.objectionId,
        outcome: 'upheld',
        note: '预算重复计算',
        publicReason: '预算中有一项重复计算，退回重新表决。',
        now: NOW,
        ip: null
      })
    ).toEqual({ ok: true, replayed: false, applicationStatus: 'in_review' });
    expect(await statusOf(applicationId)).toEqual({
      status: 'in_review',
      revision: 2,
      holdId: null,
      approvedAmount: null,
      noticeStartsOn: null,
      noticeEndsOn: null
    });
    const [hold] = await owner<{ status: string }[]>`
      select status from holds where fund_id = ${main.fundId} and id = ${holdIdOf(main.fundId, 4, 1)}`;
    expect(hold?.status).toBe('released');
    const reservedAfter = (await poolFigures(app, main.fundId)).reserved;
    expect(Number(reservedBefore) - Number(reservedAfter)).toBe(1200);
    // The leaders vote again on revision 2: the earlier votes do not count.
    expect(
      await castVote(app, { ...command(main, leaders[0] as Actor, 4), choice: 'approve', reason: '' })
    ).toMatchObject({ ok: true, status: 'in_review', replayed: false });
  });
});

describe('the inbox', () => {
  it('lists one’s own notifications, unread first, and marks them read', async () => {
    const userId = idOf(committee);
    const items = await inboxFor(app, committee);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => item.fundSlug === 'review-main')).toBe(true);
    // The review is the office's and the leaders' page: a committee's links lead where it may look.
    expect(items.filter((item) => item.target === 'review')).toEqual([]);
    expect(items.some((item) => item.target === 'application')).toBe(true);
    const unread = await unreadCount(app, userId);
    expect(unread).toBe(items.filter((item) => !item.read).length);
    expect(await markRead(app, { userId: idOf(admin), notificationId: items[0]?.id ?? '', now: NOW })).toBe(0);
    expect(await markRead(app, { userId, notificationId: items[0]?.id ?? '', now: NOW })).toBe(1);
    expect(await unreadCount(app, userId)).toBe(unread - 1);
    await markRead(app, { userId, notificationId: 'all', now: NOW });
    expect(await unreadCount(app, userId)).toBe(0);
  });
});
