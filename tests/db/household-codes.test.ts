import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE_FAILURES_MAX } from '../../apps/web/src/lib/server/auth/throttle';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { householdOfCode, issueHouseholdCodes } from '../../apps/web/src/lib/server/fund/household-codes';
import { openPeopleDatabase } from '../support/people-db';
import { makeWorld, person, type ReviewDb, type World } from '../support/review-world';

/*
 * Household codes against a real PostgreSQL: the committee issues one standing code per household
 * of its compound, a form sent twice issues once, a lost slip is replaced, a code finds its
 * household within its fund only, and wrong codes are throttled per address.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });
let world: World;
let committee: Actor;
let committeeOther: Actor;
let compoundId: string;

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('household_codes'));
  world = await makeWorld(db(), { slug: 'household-codes', pool: '1000.00', compoundCodes: ['c-1', 'c-2'] });
  compoundId = world.compounds['c-1'] ?? '';
  committee = await person(db(), world, 'hc-committee', [{ role: 'committee', compoundCode: 'c-1' }]);
  committeeOther = await person(db(), world, 'hc-committee-2', [{ role: 'committee', compoundCode: 'c-2' }]);
  for (const room of ['101', '102', '103']) {
    await owner`
      insert into households (fund_id, compound_id, building, room) values (${world.fundId}, ${compoundId}, '1', ${room})`;
  }
});

afterAll(async () => {
  await close();
});

const issue = (actor: Actor, mode: 'new' | 'all', idempotencyKey = randomUUID(), householdIds?: string[]) =>
  issueHouseholdCodes(app, {
    actor,
    fundId: world.fundId,
    compoundId,
    mode,
    idempotencyKey,
    now: NOW,
    ip: null,
    ...(householdIds === undefined ? {} : { householdIds })
  });

const lookUp = (code: string, ip: string | null = '10.9.0.1', fundId = world.fundId) =>
  householdOfCode(app, { fundId, code, ip, now: NOW });

describe('household codes', () => {
  it('are issued once per household by the compound’s committee, and a resend issues nothing', async () => {
    expect(await issue(committeeOther, 'new')).toEqual({ ok: false, code: 'not_allowed', reason: 'role_required' });
    const key = randomUUID();
    const first = await issue(committee, 'new', key);
    expect(first).toMatchObject({ ok: true, replayed: false });
    if (!first.ok) return;
    expect(first.slips).toHaveLength(3);
    expect(await issue(committee, 'new', key)).toEqual({ ok: true, replayed: true, slips: [] });
    expect(await issue(committee, 'new')).toEqual({ ok: true, replayed: false, slips: [] });
    const found = await lookUp(first.slips[0]?.code.toLowerCase() ?? '');
    expect(found).toMatchObject({ ok: true, household: { compoundId, representative: false } });
    expect(await lookUp(first.slips[0]?.code ?? '', null, '999999')).toEqual({ ok: false, code: 'code_is_unknown' });
  });

  it('replaces a lost slip: the old code stops working', async () => {
    const [household] = await owner<{ id: string }[]>`
      select id::text as id from households where compound_id = ${compoundId} order by room limit 1`;
    const before = await issue(committee, 'all');
    if (!before.ok) throw new Error('issue');
    const again = await issue(committee, 'new', randomUUID(), [household?.id ?? '']);
    expect(again).toMatchObject({ ok: true, slips: [] });
    const replaced = await issue(committee, 'all', randomUUID(), [household?.id ?? '']);
    if (!replaced.ok) throw new Error('issue');
    expect(replaced.slips).toHaveLength(1);
    expect(await lookUp(before.slips[0]?.code ?? '')).toEqual({ ok: false, code: 'code_is_unknown' });
    expect(await lookUp(replaced.slips[0]?.code ?? '')).toMatchObject({ ok: true });
  });

  it('throttles an address that guesses', async () => {
    for (let index = 0; index < THROTTLE_FAILURES_MAX; index += 1) await lookUp('ZZZZ-ZZZZ', '10.9.9.9');
    expect(await lookUp('ZZZZ-ZZZZ', '10.9.9.9')).toMatchObject({ ok: false, code: 'code_is_throttled' });
  });
});
