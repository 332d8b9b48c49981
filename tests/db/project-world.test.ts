import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { loadProject, projectMoneyIn } from '../../apps/web/src/lib/server/projects/project-core';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, makeWorld, person, type ReviewDb } from '../support/review-world';

/*
 * The project fixture the payout, spending and closing tests start from: an active grant made
 * through the real pre-check, vote and notice path, with 3,000.00 held on the pool.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('project_world'));
});

afterAll(async () => {
  await close();
});

describe('activeProject', () => {
  it('makes an active grant with its match held, its plan and its households', async () => {
    const db: ReviewDb = { owner, app, now: NOW };
    const world = await makeWorld(db, { slug: 'project-world', pool: '100000.00' });
    const admin = await person(db, world, 'pw-admin', [{ role: 'fund_admin' }]);
    const leaders = [
      await person(db, world, 'pw-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
      await person(db, world, 'pw-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
      await person(db, world, 'pw-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
    ];
    const committee = await person(db, world, 'pw-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
    const made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: 23 });
    expect(made.households).toHaveLength(23);
    const project = await loadProject(app, { fundId: world.fundId, number: 1, lock: false });
    expect(project).toMatchObject({
      status: 'active',
      approvedAmount: '3000.00',
      approvedRatio: '0.6',
      selfRaiseTarget: '2000.00',
      householdsExpected: 23,
      surplusMode: 'refund'
    });
    if (project === null) throw new Error('no project');
    const money = await projectMoneyIn(app, world.fundId, project);
    expect(money.matchHeld.toString()).toBe('3000.00');
    expect(money.accepted).toBe(false);
    expect(money.selfRaisedReceived.isZero()).toBe(true);
  });
});
