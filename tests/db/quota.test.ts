import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { reviewView } from '../../apps/web/src/lib/server/review';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, makeWorld, person, submittedApplication, type ReviewDb } from '../support/review-world';

/*
 * A compound's yearly quota counts every grant decided that year and not cancelled. It once
 * counted only approved and active grants, so a grant stopped counting the day it was accepted
 * and the compound got its room back.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('quota'));
});

afterAll(async () => {
  await close();
});

describe('the quota a compound used this year', () => {
  it('keeps counting a grant once it is accepted or closed, and stops when it is cancelled', async () => {
    const db: ReviewDb = { owner, app, now: NOW };
    const world = await makeWorld(db, { slug: 'quota-world', pool: '100000.00' });
    const admin = await person(db, world, 'qt-admin', [{ role: 'fund_admin' }]);
    const leaders = [
      await person(db, world, 'qt-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
      await person(db, world, 'qt-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
      await person(db, world, 'qt-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
    ];
    const committee = await person(db, world, 'qt-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
    await activeProject(db, world, { number: 1, admin, leaders, committee, households: 3 });
    await submittedApplication(db, world, { number: 2, createdBy: committee, cost: '1000.00', match: '600.00' });

    const usedWhen = async (status: string): Promise<string | undefined> => {
      // The state machine's own paths to these states are tested elsewhere; here only the count
      // matters, so the status is set directly, with the triggers that guard it switched off.
      await owner.begin(async (transaction) => {
        await transaction`set local session_replication_role = replica`;
        await transaction`update applications set status = ${status} where fund_id = ${world.fundId} and number = 1`;
      });
      const view = await reviewView(app, { actor: admin, fundId: world.fundId, number: 2 });
      return view?.quota.used;
    };
    expect(await usedWhen('active')).toBe('3000.00');
    expect(await usedWhen('accepted')).toBe('3000.00');
    expect(await usedWhen('closed')).toBe('3000.00');
    expect(await usedWhen('cancelled')).toBe('0.00');
  });
});
