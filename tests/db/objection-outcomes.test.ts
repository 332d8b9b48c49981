import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import {
  decideObjection,
  fileObjection,
  objectionOutcomesOf,
  publicNotice
} from '../../apps/web/src/lib/server/grants/notices';
import { castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { publicProject } from '../../apps/web/src/lib/server/public/projects';
import { openPeopleDatabase } from '../support/people-db';
import { makeWorld, person, submittedApplication, type ReviewDb, type World } from '../support/review-world';

/*
 * Objection outcomes in public (issue 17): the office decides an objection with a public reason,
 * which the public notice and project page show beside the outcome, and never the objector's name,
 * contact or words, nor the office's own note. Spam needs no reason and is not shown. The database
 * refuses a dismissal or an upholding without a public reason on its own (GJ024).
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};

/** Midday in China on Tuesday 10 March 2026. */
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });

let world: World;
let admin: Actor;
let applicationId: string;

const OBJECTORS = [
  { name: '周先生', contact: '13900001111', body: '报价是否偏高？' },
  { name: '吴女士', contact: 'wu@example.com', body: '施工时间影响出行。' },
  { name: '广告', contact: 'ad@example.com', body: '专业安装道闸。' }
];

const decide = (objectionId: string, outcome: 'dismissed' | 'upheld' | 'spam', publicReason: string) =>
  decideObjection(app, {
    actor: admin,
    fundId: world.fundId,
    objectionId,
    outcome,
    note: '已电话答复周先生（13900001111）',
    publicReason,
    now: NOW,
    ip: null
  });

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('objection-outcomes'));
  world = await makeWorld(db(), { slug: 'objection-outcomes', pool: '100000.00' });
  admin = await person(db(), world, 'outcomes-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db(), world, 'outcomes-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await person(db(), world, 'outcomes-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db(), world, 'outcomes-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  const committee = await person(db(), world, 'outcomes-committee', [
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  applicationId = await submittedApplication(db(), world, {
    number: 1,
    createdBy: committee,
    cost: '10000.00',
    match: '6000.00'
  });
  const command = (actor: Actor) => ({ actor, fundId: world.fundId, number: 1, now: NOW, ip: null });
  await precheck(app, { ...command(admin), outcome: 'pass', comments: '' });
  for (const leader of leaders) await castVote(app, { ...command(leader), choice: 'approve', reason: '' });
});

afterAll(async () => {
  await close();
});

async function fileAll(): Promise<string[]> {
  const ids: string[] = [];
  for (const objector of OBJECTORS) {
    const filed = await fileObjection(app, { fundId: world.fundId, number: 1, ...objector, now: NOW, ip: null });
    if (!filed.ok) throw new Error(filed.code);
    ids.push(filed.objectionId);
  }
  return ids;
}

describe('an objection decided with a public reason', () => {
  it('needs a public reason to dismiss or uphold, none for spam, and publishes only outcome, day and reason', async () => {
    const [first, second, spam] = await fileAll();
    expect(await decide(first ?? '', 'dismissed', '   ')).toEqual({ ok: false, code: 'public_reason_is_required' });
    expect(await decide(first ?? '', 'dismissed', 'x'.repeat(501))).toEqual({
      ok: false,
      code: 'public_reason_is_required'
    });
    const [still] = await owner<{ status: string }[]>`select status from objections where id = ${first ?? ''}`;
    expect(still?.status).toBe('open');

    expect(await decide(first ?? '', 'dismissed', ' 已比较三家报价，所选最低。 ')).toMatchObject({
      ok: true,
      replayed: false
    });
    expect(await decide(first ?? '', 'dismissed', '已比较三家报价，所选最低。')).toMatchObject({
      ok: true,
      replayed: true
    });
    expect(await decide(spam ?? '', 'spam', '')).toMatchObject({ ok: true, replayed: false });
    expect(await decide(second ?? '', 'dismissed', '施工安排在白天，并提前三天张贴通知。')).toMatchObject({
      ok: true
    });

    const outcomes = [
      { outcome: 'dismissed', decidedOn: '2026-03-10', publicReason: '已比较三家报价，所选最低。' },
      { outcome: 'dismissed', decidedOn: '2026-03-10', publicReason: '施工安排在白天，并提前三天张贴通知。' }
    ];
    expect(await objectionOutcomesOf(app, applicationId)).toEqual(outcomes);
    const notice = await publicNotice(app, { fundId: world.fundId, number: 1, today: '2026-03-10' });
    expect(notice?.outcomes).toEqual(outcomes);
    const project = await publicProject(app, world.fundId, 1, NOW);
    expect(project?.objectionOutcomes).toEqual(outcomes);

    // Nothing the objectors gave, nor the office's own note, reaches the public views.
    const published = JSON.stringify([notice, project]);
    for (const objector of OBJECTORS) {
      expect(published).not.toContain(objector.name);
      expect(published).not.toContain(objector.contact);
      expect(published).not.toContain(objector.body);
    }
    expect(published).not.toContain('已电话答复');
  });

  it('is refused by the database without a public reason, with SQLSTATE GJ024', async () => {
    const filed = await fileObjection(app, {
      fundId: world.fundId,
      number: 1,
      name: '郑先生',
      contact: '13700000000',
      body: '请公开合同。',
      now: NOW,
      ip: null
    });
    if (!filed.ok) throw new Error(filed.code);
    const refused = await app`
      update objections set status = 'upheld', decided_at = ${NOW} where id = ${filed.objectionId}`.then(
      () => null,
      (error: unknown) => error as { code?: string; message?: string }
    );
    expect(refused?.code).toBe('GJ024');
    expect(refused?.message).toContain('objection_decision_needs_a_public_reason');
    // Spam needs none.
    await app`update objections set status = 'spam', decided_at = ${NOW} where id = ${filed.objectionId}`;
  });
});
