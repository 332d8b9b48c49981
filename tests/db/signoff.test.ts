import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { issueHouseholdCodes } from '../../apps/web/src/lib/server/fund/household-codes';
import { codeHouseholdsOf, setRepresentatives } from '../../apps/web/src/lib/server/fund/representatives';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { payoutsOverview } from '../../apps/web/src/lib/server/projects/payouts';
import { signOff, signoffsView } from '../../apps/web/src/lib/server/projects/signoffs';
import { todoForFund } from '../../apps/web/src/lib/server/people/todo';
import { openPeopleDatabase } from '../support/people-db';
import { journeyAmounts, raiseDirectly } from '../support/pay-world';
import { activeProject, idOf, makeWorld, person, type ActiveProject, type World } from '../support/review-world';

/*
 * Residents sign off the work against a real PostgreSQL: only a representative household of the
 * project's compound, only once the acceptance is recorded, once per household even when two
 * presses race; the final tranche waits for the policy's number of sign-offs; the code slips are
 * issued once per form; and the database refuses a sign-off by any other household (GJ029).
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
let world: World;
let admin: Actor;
let committee: Actor;
let committeeOther: Actor;
let leaders: Actor[];
let made: ActiveProject;
/** The code of each household of compound-1 by its id, and one of compound-2's representative. */
const codes = new Map<string, string>();
let otherCode = '';

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('signoff'));
  const db = { owner, app, now: NOW };
  world = await makeWorld(db, {
    slug: 'signoff-world',
    pool: '100000.00',
    policy: { ...DEMO_POLICY_JSON, residentSignoffs: 2 }
  });
  admin = await person(db, world, 'so-admin', [{ role: 'fund_admin' }]);
  leaders = [
    await person(db, world, 'so-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, 'so-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db, world, 'so-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  committee = await person(db, world, 'so-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  committeeOther = await person(db, world, 'so-committee-2', [{ role: 'committee', compoundCode: 'compound-2' }]);
  made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 23 });
  const compoundId = world.compounds['compound-1'] ?? '';
  const issued = await issueHouseholdCodes(app, {
    actor: committee,
    fundId: world.fundId,
    compoundId,
    mode: 'new',
    idempotencyKey: randomUUID(),
    now: NOW,
    ip: null
  });
  if (!issued.ok) throw new Error('codes');
  const households = await codeHouseholdsOf(app, { fundId: world.fundId, compoundId });
  for (const slip of issued.slips) {
    const household = households?.households.find((row) => row.door === slip.door);
    if (household !== undefined) codes.set(household.id, slip.code);
  }
  otherCode = await otherRepresentativeCode();
});

afterAll(async () => {
  await close();
});

/** A representative household of compound-2 with its code: not one of the project's compound. */
async function otherRepresentativeCode(): Promise<string> {
  const compoundId = world.compounds['compound-2'] ?? '';
  const [household] = await owner<{ id: string }[]>`
    insert into households (fund_id, compound_id, building, room) values (${world.fundId}, ${compoundId}, '9', '901')
    returning id::text as id`;
  const chosen = await setRepresentatives(app, {
    actor: committeeOther,
    fundId: world.fundId,
    compoundId,
    householdIds: [household?.id ?? ''],
    now: NOW,
    ip: null
  });
  if (!chosen.ok) throw new Error('representatives');
  const issued = await issueHouseholdCodes(app, {
    actor: committeeOther,
    fundId: world.fundId,
    compoundId,
    mode: 'new',
    idempotencyKey: randomUUID(),
    now: NOW,
    ip: null
  });
  if (!issued.ok) throw new Error('codes');
  return issued.slips[0]?.code ?? '';
}

const household = (index: number): string => made.households[index] ?? '';
const codeOf = (index: number): string => codes.get(household(index)) ?? '';
const sign = (code: string, ip = '10.7.0.1') =>
  signOff(app, { fundId: world.fundId, number: made.number, code, ip, now: NOW });

async function project() {
  const row = await loadProject(app, { fundId: world.fundId, number: made.number, lock: false });
  if (row === null) throw new Error('no project');
  return row;
}

describe('residents sign off the work', () => {
  it('lets the committee choose its own compound’s representatives only', async () => {
    const compoundId = world.compounds['compound-1'] ?? '';
    const input = { fundId: world.fundId, compoundId, now: NOW, ip: null };
    const chosen = [household(0), household(1), household(2)];
    expect(await setRepresentatives(app, { ...input, actor: committeeOther, householdIds: chosen })).toMatchObject({
      ok: false,
      code: 'not_allowed'
    });
    expect(await setRepresentatives(app, { ...input, actor: committee, householdIds: chosen })).toEqual({
      ok: true,
      changed: 3
    });
    // The same form again changes nothing, and is not audited twice.
    expect(await setRepresentatives(app, { ...input, actor: committee, householdIds: chosen })).toEqual({
      ok: true,
      changed: 0
    });
    const [events] = await owner<{ count: number }[]>`
      select count(*)::int as count from events
       where fund_id = ${world.fundId} and action = 'household.representatives_set' and resource_id = ${compoundId}`;
    expect(events?.count).toBe(1);
  });

  it('waits for the acceptance to be recorded', async () => {
    expect(await sign(codeOf(0))).toEqual({ ok: false, code: 'acceptance_is_not_recorded' });
  });

  it('counts a representative of the compound once, even when two presses race', async () => {
    await raiseDirectly(app, {
      world,
      project: made,
      amounts: journeyAmounts(),
      recordedBy: idOf(committee),
      now: NOW
    });
    const confirmedBy = idOf(leaders[0] ?? admin);
    // The check found the budgeted cost: the final match is 3,000.00, 1,500.00 more than before acceptance.
    await owner`
      insert into acceptances (application_id, fund_id, checked_on, note, recorded_by, recorded_at, confirmed_by,
                               confirmed_at, cost_final)
      values (${made.applicationId}, ${world.fundId}, '2026-03-09', '验收合格', ${idOf(admin)}, ${NOW},
              ${confirmedBy}, ${NOW}, 5000.00)`;
    await owner`update applications set status = 'accepted' where id = ${made.applicationId}`;
    const [first, second] = await Promise.all([sign(codeOf(0)), sign(codeOf(0).toLowerCase())]);
    expect([first, second].map((result) => result.ok)).toEqual([true, true]);
    expect([first, second].filter((result) => result.ok && !result.replayed)).toHaveLength(1);
    expect(await sign(codeOf(0))).toEqual({ ok: true, replayed: true, given: 1, required: 2 });
    const [rows] = await owner<{ count: number }[]>`
      select count(*)::int as count from acceptance_signoffs where application_id = ${made.applicationId}`;
    expect(rows?.count).toBe(1);
  });

  it('refuses a household that is not a representative, or is one of another compound', async () => {
    expect(await sign(codeOf(5))).toEqual({ ok: false, code: 'household_is_not_a_representative' });
    expect(await sign(otherCode)).toEqual({ ok: false, code: 'household_is_not_a_representative' });
    expect(await sign('ZZZZ-ZZZZ')).toEqual({ ok: false, code: 'code_is_unknown' });
  });

  it('holds the final tranche back until enough representatives signed off', async () => {
    const waiting = await payoutsOverview(app, world.fundId, await project());
    expect(waiting.limit).toBe('resident_signoffs_missing');
    const view = await signoffsView(app, { fundId: world.fundId, project: await project(), confirmed: true });
    expect(view).toMatchObject({ required: 2, given: 1, doors: ['1-1-*'], completion: { complete: false } });
    // The compound's committee is asked to fetch the missing sign-off; another compound's is not.
    const asks = async (actor: Actor) =>
      (await todoForFund(app, actor, world.fundId, NOW)).filter((item) => item.kind === 'signoff_ask');
    expect(await asks(committee)).toMatchObject([{ number: 1, role: 'committee', count: 1, target: 'project' }]);
    expect(await asks(committeeOther)).toEqual([]);
    expect(await sign(codeOf(1))).toEqual({ ok: true, replayed: false, given: 2, required: 2 });
    expect(await asks(committee)).toEqual([]);
    const released = await payoutsOverview(app, world.fundId, await project());
    expect(released.limit).not.toBe('resident_signoffs_missing');
    expect(waiting.releasable).toBe('1500.00');
    expect(released.releasable).toBe('3000.00');
  });

  it('is refused by the database for any other household (GJ029)', async () => {
    await expect(
      owner`insert into acceptance_signoffs (application_id, household_id, on_day)
            values (${made.applicationId}, ${household(6)}, '2026-03-10')`
    ).rejects.toMatchObject({ code: 'GJ029' });
  });

  it('issues code slips once per form, and one fresh code for a lost slip', async () => {
    const compoundId = world.compounds['compound-1'] ?? '';
    const key = randomUUID();
    const input = { actor: committee, fundId: world.fundId, compoundId, now: NOW, ip: null };
    const lost = await issueHouseholdCodes(app, {
      ...input,
      mode: 'all',
      householdIds: [household(2)],
      idempotencyKey: key
    });
    expect(lost).toMatchObject({ ok: true, replayed: false, slips: [{ door: expect.stringMatching(/^1-1-/) }] });
    expect(
      await issueHouseholdCodes(app, { ...input, mode: 'all', householdIds: [household(2)], idempotencyKey: key })
    ).toEqual({ ok: true, replayed: true, slips: [] });
    // The old slip stopped working; the new one signs off.
    expect(await sign(codeOf(2), '10.7.0.2')).toEqual({ ok: false, code: 'code_is_unknown' });
    const fresh = lost.ok ? (lost.slips[0]?.code ?? '') : '';
    expect(await sign(fresh)).toEqual({ ok: true, replayed: false, given: 3, required: 2 });
  });

  it('is closed once the project is closed', async () => {
    await owner`update applications set status = 'closed' where id = ${made.applicationId}`;
    expect(await sign(codeOf(0))).toEqual({ ok: false, code: 'project_is_closed' });
  });
});
