import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OBJECTIONS_PER_FUND_RULE, OBJECTIONS_PER_PROJECT_RULE } from '../../apps/web/src/lib/server/auth/throttle';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { decideObjection, fileObjection, publicNotice } from '../../apps/web/src/lib/server/grants/notices';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { activateEndedNotices, castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { clientsFor } from '../support/books';
import { openPeopleDatabase } from '../support/people-db';
import {
  makeWorld,
  person as personIn,
  submittedApplication,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * Anonymous objections are throttled per client address, per project and across the fund, in
 * PostgreSQL: two app processes (two pools here) share the counts, an address that reached its
 * limit is refused with the moment it may try again while another address still files, and a
 * race for the last place files exactly one. The office can mark an objection as spam, which
 * stops it holding up the grant and keeps it out of the public counts, but not out of the trail.
 */

let owner: Sql;
let app: Sql;
/** A second app pool, standing for a second app process. */
let otherProcess: Sql;
let close = async (): Promise<void> => {};
let world: World;
let admin: Actor;

/** Midday in China on Tuesday 10 March 2026; the notices run to 17 March. */
const NOW = new Date('2026-03-10T04:00:00.000Z');
const MINUTE = 60 * 1000;
const later = (ms: number) => new Date(NOW.getTime() + ms);
const db = (): ReviewDb => ({ owner, app, now: NOW });

/** An application approved by three leaders, so its notice runs from NOW. */
async function onNotice(number: number, leaders: readonly Actor[], committee: Actor, compound: string) {
  const id = await submittedApplication(db(), world, {
    number,
    createdBy: committee,
    compound,
    cost: '1000.00',
    match: '600.00'
  });
  const command = { fundId: world.fundId, number, now: NOW, ip: null };
  await precheck(app, { ...command, actor: admin, outcome: 'pass', comments: '' });
  for (const leader of leaders) await castVote(app, { ...command, actor: leader, choice: 'approve', reason: '' });
  const [row] = await owner<{ status: string }[]>`select status from applications where id = ${id}`;
  if (row?.status !== 'approved') throw new Error(`#${number} is ${row?.status ?? 'missing'}, not approved`);
  return id;
}

let objections = 0;
/** An objection with a contact and text of its own, so no two are one replayed form. */
function objection(pool: Sql, input: { number: number; ip: string | null; now?: Date }) {
  objections += 1;
  return fileObjection(pool, {
    fundId: world.fundId,
    number: input.number,
    name: `居民${objections}`,
    contact: `1380000${String(objections).padStart(4, '0')}`,
    body: `第 ${objections} 条意见`,
    now: input.now ?? NOW,
    ip: input.ip
  });
}

beforeAll(async () => {
  const database = await openPeopleDatabase('objection-throttle');
  ({ owner, app, close } = database);
  otherProcess = clientsFor(database.url, 2).app;
  world = await makeWorld(db(), { slug: 'objection-throttle', pool: '100000.00' });
  const person = (loginName: string, roles: Parameters<typeof personIn>[3]) => personIn(db(), world, loginName, roles);
  admin = await person('ot-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person('ot-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person('ot-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person('ot-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person('ot-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  for (const number of [1, 2, 3, 4]) {
    await onNotice(number, leaders, committee, number % 2 === 0 ? 'compound-2' : 'compound-1');
  }
});

afterAll(async () => {
  await otherProcess?.end();
  await close();
});

describe('the objection throttle', () => {
  it('refuses the fourth objection from one address on one project in every app process, and no other address', async () => {
    expect(OBJECTIONS_PER_PROJECT_RULE).toMatchObject({ hitsMax: 3, windowMs: 60 * MINUTE });
    const address = '198.51.100.20';
    // Three objections, through two app processes in turn: all filed.
    for (const pool of [app, otherProcess, app]) {
      expect(await objection(pool, { number: 1, ip: address })).toMatchObject({ ok: true, replayed: false });
    }
    // The fourth is refused in both processes, with the moment the lock ends.
    for (const pool of [otherProcess, app]) {
      expect(await objection(pool, { number: 1, ip: address, now: later(MINUTE) })).toEqual({
        ok: false,
        code: 'objection_is_throttled',
        retryAt: later(60 * MINUTE)
      });
    }
    // Another address, and the same address on another project, still file.
    expect(await objection(otherProcess, { number: 1, ip: '198.51.100.21' })).toMatchObject({ ok: true });
    expect(await objection(app, { number: 2, ip: address })).toMatchObject({ ok: true });
    // An hour after the third, the address may object again.
    expect(await objection(app, { number: 1, ip: address, now: later(60 * MINUTE + 1000) })).toMatchObject({
      ok: true
    });
    // Nothing was filed for the refused ones, and the trail says an objection was throttled.
    const [counts] = await owner<{ filed: number; throttled: number }[]>`
      select (select count(*) from objections o join applications a on a.id = o.application_id
               where a.fund_id = ${world.fundId} and a.number = 1)::int as filed,
             (select count(*) from events where fund_id = ${world.fundId} and action = 'objection.throttled'
                 and outcome = 'denied' and ip = ${address}::inet)::int as throttled`;
    expect(counts).toEqual({ filed: 5, throttled: 2 });
  });

  it('counts an IPv6 address by its /64, as the sign-in throttle does', async () => {
    for (const ip of ['2001:db8:7:1::1', '2001:db8:7:1::2', '2001:db8:7:1:ffff::3']) {
      expect(await objection(app, { number: 3, ip })).toMatchObject({ ok: true });
    }
    expect(await objection(otherProcess, { number: 3, ip: '2001:db8:7:1:abcd::9' })).toMatchObject({
      code: 'objection_is_throttled'
    });
    expect(await objection(otherProcess, { number: 3, ip: '2001:db8:7:2::1' })).toMatchObject({ ok: true });
  });

  it('files exactly one of two objections sent at once from two processes for the last place', async () => {
    const address = '198.51.100.30';
    for (let n = 0; n < 2; n += 1) expect(await objection(app, { number: 2, ip: address })).toMatchObject({ ok: true });
    const results = await Promise.all([
      objection(app, { number: 2, ip: address }),
      objection(otherProcess, { number: 2, ip: address })
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toMatchObject([{ code: 'objection_is_throttled' }]);
  });

  it('refuses the eleventh objection from one address across the fund within a day', async () => {
    expect(OBJECTIONS_PER_FUND_RULE).toMatchObject({ hitsMax: 10, windowMs: 24 * 60 * MINUTE });
    const address = '198.51.100.40';
    // Three an hour on one project stays under the project's limit; the tenth is at 3 h 3 min.
    const hour = (n: number) => later(n * 61 * MINUTE);
    for (let n = 0; n < 10; n += 1) {
      const result = await objection(n % 2 === 0 ? app : otherProcess, {
        number: 4,
        ip: address,
        now: hour(Math.floor(n / 3))
      });
      expect(result, `objection ${n + 1}`).toMatchObject({ ok: true });
    }
    expect(await objection(app, { number: 1, ip: address, now: hour(4) })).toEqual({
      ok: false,
      code: 'objection_is_throttled',
      retryAt: new Date(hour(3).getTime() + 24 * 60 * MINUTE)
    });
  });

  it('counts nothing without an address, and a form sent twice once', async () => {
    for (let n = 0; n < 5; n += 1) expect(await objection(app, { number: 4, ip: null })).toMatchObject({ ok: true });
    const form = {
      fundId: world.fundId,
      number: 3,
      name: '居民',
      contact: '13900009999',
      body: '同一份表',
      ip: '198.51.100.50'
    };
    for (let n = 0; n < 5; n += 1) {
      expect(await fileObjection(app, { ...form, now: NOW })).toMatchObject({ ok: true, replayed: n > 0 });
    }
    expect(await objection(app, { number: 3, ip: form.ip })).toMatchObject({ ok: true });
  });
});

describe('an objection marked as spam', () => {
  it('stops holding up the grant, leaves the public counts, and stays in the trail as spam', async () => {
    const [application] = await owner<{ id: string }[]>`
      select id::text as id from applications where fund_id = ${world.fundId} and number = 1`;
    const open = await owner<{ id: string }[]>`
      select id::text as id from objections where application_id = ${application?.id ?? '0'} and status = 'open'
       order by id`;
    expect(open.length).toBeGreaterThan(1);
    const [first, ...rest] = open;
    // Past the notice's end, the open objections hold #1 back.
    const today = '2026-03-18';
    await activateEndedNotices(app, { fundId: world.fundId, today });
    const statusOf1 = async () =>
      (await owner<{ status: string }[]>`select status from applications where id = ${application?.id ?? '0'}`)[0]
        ?.status;
    expect(await statusOf1()).toBe('approved');

    const decide = (objectionId: string, outcome: 'dismissed' | 'spam') =>
      decideObjection(app, {
        actor: admin,
        fundId: world.fundId,
        objectionId,
        outcome,
        note: '处理',
        publicReason: '已核实，报价合理。',
        now: NOW,
        ip: null
      });
    expect(await decide(first?.id ?? '0', 'dismissed')).toMatchObject({ ok: true, applicationStatus: 'approved' });
    for (const row of rest) {
      expect(await decide(row.id, 'spam')).toMatchObject({ ok: true, replayed: false, applicationStatus: 'approved' });
    }
    // Marking again is a replay; a spam objection cannot then be dismissed.
    expect(await decide(rest[0]?.id ?? '0', 'spam')).toMatchObject({ ok: true, replayed: true });
    expect(await decide(rest[0]?.id ?? '0', 'dismissed')).toEqual({ ok: false, code: 'objection_already_decided' });

    const notice = await publicNotice(app, { fundId: world.fundId, number: 1, today: '2026-03-12' });
    expect(notice?.objections).toEqual({ open: 0, decided: 1 });
    await activateEndedNotices(app, { fundId: world.fundId, today });
    expect(await statusOf1()).toBe('active');

    const trail = await owner<{ action: string; count: number }[]>`
      select action, count(*)::int as count from events
       where fund_id = ${world.fundId} and action in ('objection.dismissed', 'objection.marked_spam')
       group by action order by action`;
    expect(trail).toEqual([
      { action: 'objection.dismissed', count: 1 },
      { action: 'objection.marked_spam', count: rest.length }
    ]);
    const [kept] = await owner<{ spam: number }[]>`
      select count(*)::int as spam from objections where application_id = ${application?.id ?? '0'} and status = 'spam'`;
    expect(kept?.spam).toBe(rest.length);
  });
});
