import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE_FAILURES_MAX } from '../../apps/web/src/lib/server/auth/throttle';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { DEMO_FUND_SLUG, seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import {
  CODE_ALPHABET,
  checkEvaluationCode,
  codeFiguresOf,
  evaluationCommentsOf,
  evaluationResultsOf,
  formatCode,
  issueEvaluationCodes,
  newCode,
  normalizeCode,
  publicResultsOf,
  submitEvaluation,
  type IssueMode
} from '../../apps/web/src/lib/server/projects/evaluation';
import { seedDemoEvaluation } from '../../apps/web/src/lib/server/demo/evaluation';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  makeWorld,
  person,
  type ActiveProject,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The residents' evaluation against a real PostgreSQL: codes are issued once an accepted project
 * exists, one per household, and only their SHA-256 is kept; a code rates once, even when it is
 * sent twice at the same moment; wrong codes are throttled per address; the results add up; the
 * database refuses what the app should never write.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};

/** Midday in China on Tuesday 10 March 2026. */
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });

let world: World;
let admin: Actor;
let committee: Actor;
let committeeB: Actor;
let leader: Actor;
let project: ActiveProject;
/** The codes of the first issue, as printed. */
let slips: { door: string; code: string }[] = [];

const issue = (actor: Actor, mode: IssueMode = 'new', idempotencyKey = randomUUID()) =>
  issueEvaluationCodes(app, {
    actor,
    fundId: world.fundId,
    number: project.number,
    now: NOW,
    ip: null,
    mode,
    idempotencyKey
  });

const submit = (code: string, rating = 'satisfied', comment = '', ip = '10.20.0.1') =>
  submitEvaluation(app, { code, rating, comment, ip, now: NOW });

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('evaluation'));
  world = await makeWorld(db(), { slug: 'evaluation', pool: '100000.00' });
  admin = await person(db(), world, 'ev-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db(), world, 'ev-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db(), world, 'ev-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db(), world, 'ev-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  [leader] = leaders as [Actor];
  committee = await person(db(), world, 'ev-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  committeeB = await person(db(), world, 'ev-committee-b', [{ role: 'committee', compoundCode: 'compound-2' }]);
  project = await activeProject(db(), world, { number: 1, admin, leaders, committee, households: 6 });
});

afterAll(async () => {
  await close();
});

describe('codes', () => {
  it('are 8 characters of the unambiguous alphabet, typed in any case and with or without the dash', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(formatCode('ABCD2345')).toBe('ABCD-2345');
    expect(normalizeCode(' abcd-2345 ')).toBe('ABCD2345');
    expect(normalizeCode('ABCD 2345')).toBe('ABCD2345');
    expect(normalizeCode('ABCD0123')).toBeNull();
    expect(normalizeCode('ABC')).toBeNull();
  });
});

describe('issueEvaluationCodes', () => {
  it('waits for the acceptance', async () => {
    expect(await issue(committee)).toEqual({ ok: false, code: 'not_allowed', reason: 'state_does_not_allow_it' });
    await owner`update applications set status = 'accepted' where id = ${project.applicationId}`;
  });

  it('issues one code per household to the committee, keeping only the hashes', async () => {
    const key = randomUUID();
    const result = await issue(committee, 'new', key);
    expect(result).toMatchObject({ ok: true, replayed: false });
    if (!result.ok) return;
    slips = result.slips;
    expect(slips.map((slip) => slip.door)).toEqual([
      '1-1-101-1',
      '1-1-102-1',
      '1-1-103-1',
      '1-1-104-1',
      '1-1-105-1',
      '1-1-106-1'
    ]);
    const hashes = await owner<{ hash: string }[]>`
      select code_hash as hash from evaluation_codes where application_id = ${project.applicationId} order by id`;
    expect(hashes.map((row) => row.hash)).toEqual(
      slips.map((slip) => createHash('sha256').update(slip.code.replace('-', '')).digest('hex'))
    );
    // The same form again: nothing new, and the answer says so.
    expect(await issue(committee, 'new', key)).toEqual({ ok: true, replayed: true, slips: [] });
    // Another form: every household has its code already.
    expect(await issue(admin)).toEqual({ ok: true, replayed: false, slips: [] });
    const row = await loadProject(app, { fundId: world.fundId, number: 1, lock: false });
    if (row === null) throw new Error('no project');
    expect(await codeFiguresOf(app, row)).toEqual({ households: 6, issued: 6, used: 0 });
  });

  it('refuses people the policy does not allow', async () => {
    expect(await issue(committeeB)).toEqual({ ok: false, code: 'not_allowed', reason: 'role_required' });
    expect(await issue(leader)).toEqual({ ok: false, code: 'not_allowed', reason: 'role_required' });
    expect(
      await issueEvaluationCodes(app, {
        actor: committee,
        fundId: world.fundId,
        number: 99,
        now: NOW,
        ip: null,
        mode: 'new',
        idempotencyKey: randomUUID()
      })
    ).toEqual({ ok: false, code: 'project_not_found' });
  });
});

describe('the public evaluation', () => {
  const code = (index: number) => slips[index]?.code ?? '';

  it('shows the project a code is for, and rates it once', async () => {
    const checked = await checkEvaluationCode(app, { code: code(0).toLowerCase(), ip: '10.20.0.1', now: NOW });
    expect(checked).toMatchObject({ ok: true, project: { number: 1, title: '项目 1', compoundName: '测试小区' } });
    expect(await submit(code(0), 'satisfied', '  修得很好。\u0007 ')).toMatchObject({ ok: true });
    const [evaluation] = await owner<{ rating: string; comment: string; at: Date }[]>`
      select rating, comment, at from evaluations where application_id = ${project.applicationId}`;
    // The day in China, not the moment: the order of use cannot tie a rating to a door.
    expect(evaluation).toEqual({
      rating: 'satisfied',
      comment: '修得很好。',
      at: new Date('2026-03-09T16:00:00.000Z')
    });
    const [used] = await owner<{ usedAt: Date }[]>`
      select used_at as "usedAt" from evaluation_codes where used_at is not null`;
    expect(used?.usedAt).toEqual(new Date('2026-03-09T16:00:00.000Z'));
    expect(await submit(code(0))).toMatchObject({ ok: false, code: 'code_was_used', project: { number: 1 } });
    expect(await checkEvaluationCode(app, { code: code(0), ip: '10.20.0.1', now: NOW })).toMatchObject({
      ok: false,
      code: 'code_was_used'
    });
  });

  it('counts a code once when it is sent twice at the same moment', async () => {
    const raced = await Promise.all([submit(code(1), 'mostly_satisfied'), submit(code(1), 'not_satisfied')]);
    expect(raced.filter((result) => result.ok)).toHaveLength(1);
    expect(raced.filter((result) => !result.ok && result.code === 'code_was_used')).toHaveLength(1);
    const [count] = await owner<{ count: number }[]>`
      select count(*)::int as count from evaluations where application_id = ${project.applicationId}`;
    expect(count?.count).toBe(2);
  });

  it('refuses a bad rating or a long comment without using the code', async () => {
    expect(await submit(code(2), 'great')).toEqual({ ok: false, code: 'rating_is_unknown' });
    expect(await submit(code(2), 'satisfied', '长'.repeat(501))).toEqual({ ok: false, code: 'comment_is_too_long' });
    expect(await submit(code(2), 'not_satisfied', '长'.repeat(500))).toMatchObject({ ok: true });
  });

  it('throttles an address that keeps guessing, and no other', async () => {
    const ip = '10.20.9.9';
    for (let attempt = 0; attempt < THROTTLE_FAILURES_MAX; attempt += 1) {
      const guess = attempt % 2 === 0 ? 'ZZZZ-ZZZZ' : 'not a code';
      const result =
        attempt % 3 === 0
          ? await checkEvaluationCode(app, { code: guess, ip, now: NOW })
          : await submit(guess, 'satisfied', '', ip);
      expect(result).toEqual({ ok: false, code: 'code_is_unknown' });
    }
    // Even the right code waits now, from this address.
    expect(await submit(code(3), 'satisfied', '', ip)).toMatchObject({ ok: false, code: 'evaluation_is_throttled' });
    expect(await checkEvaluationCode(app, { code: code(3), ip, now: NOW })).toMatchObject({
      ok: false,
      code: 'evaluation_is_throttled'
    });
    expect(await submit(code(3), 'satisfied', '', '10.20.9.10')).toMatchObject({ ok: true });
  });

  it('adds up the results, shares to exactly 100, with the comments and in public', async () => {
    const results = await evaluationResultsOf(app, project.applicationId);
    expect(results).toEqual({
      total: 4,
      counts: {
        satisfied: 2,
        mostly_satisfied: expect.any(Number) as number,
        not_satisfied: expect.any(Number) as number
      },
      percents: expect.any(Object) as object
    });
    expect(results.counts.mostly_satisfied + results.counts.not_satisfied).toBe(2);
    const percents = Object.values(results.percents);
    expect(percents.reduce((sum, share) => sum + share, 0)).toBe(100);
    const comments = await evaluationCommentsOf(app, project.applicationId);
    expect(comments.map((comment) => comment.comment)).toEqual(['长'.repeat(500), '修得很好。']);
    expect(comments[1]).toEqual({ rating: 'satisfied', comment: '修得很好。', date: '2026-03-10' });
    const published = await publicResultsOf(app, { slug: 'evaluation', number: 1 });
    expect(published?.results).toEqual(results);
    expect(await publicResultsOf(app, { slug: 'evaluation', number: 2 })).toBeNull();
  });

  it('reissues the unused codes for a lost sheet: the old ones stop working, the used ones stay', async () => {
    const result = await issue(committee, 'unused');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.slips.map((slip) => slip.door)).toEqual(['1-1-105-1', '1-1-106-1']);
    expect(await submit(code(4))).toEqual({ ok: false, code: 'code_is_unknown' });
    expect(await submit(result.slips[0]?.code ?? '', 'satisfied', '', '10.20.0.2')).toMatchObject({ ok: true });
    const [events] = await owner<{ count: number }[]>`
      select count(*)::int as count from events where action = 'evaluation.submitted' and ip is null`;
    expect(events?.count).toBe(5);
  });
});

describe('the database', () => {
  it('refuses what the app should never write, even from the app role', async () => {
    await expect(app`delete from evaluation_codes where application_id = ${project.applicationId}`).rejects.toThrow();
    await expect(app`update evaluations set rating = 'satisfied'`).rejects.toThrow();
    await expect(app`delete from evaluations`).rejects.toThrow();
    const insert = (rating: string, comment: string) => app`
      insert into evaluations (fund_id, application_id, rating, comment, at)
      values (${world.fundId}, ${project.applicationId}, ${rating}, ${comment}, now())`;
    await expect(insert('great', '')).rejects.toMatchObject({ constraint_name: 'rating_is_known' });
    await expect(insert('satisfied', 'x'.repeat(501))).rejects.toMatchObject({
      constraint_name: 'evaluation_comment_is_short'
    });
    await expect(
      app`insert into evaluation_codes (fund_id, application_id, household_id, code_hash, issued_at)
          values (${world.fundId}, ${project.applicationId}, ${project.households[0] ?? ''}, 'ABCD2345', now())`
    ).rejects.toMatchObject({ constraint_name: 'evaluation_code_hash_is_hex' });
    await expect(
      app`insert into evaluation_codes (fund_id, application_id, household_id, code_hash, issued_at)
          values (${world.fundId}, ${project.applicationId}, ${project.households[0] ?? ''}, ${'0'.repeat(64)}, now())`
    ).rejects.toMatchObject({ code: '23505' });
  });
});

describe('seedDemoEvaluation', () => {
  it('rates the accepted entrance-door repair by 20 households, once', async () => {
    const { app: demoApp, close: closeDemo } = await openPeopleDatabase('evaluation_demo');
    try {
      // The demo seed accepts the repair and runs this step; a second run adds nothing.
      await seedDemo(demoApp);
      const [fund] = await demoApp<{ id: string }[]>`select id::text as id from funds where slug = ${DEMO_FUND_SLUG}`;
      const fundId = fund?.id ?? '';
      await demoApp.begin((transaction) => seedDemoEvaluation(transaction, fundId, new Date()));
      const rows = await demoApp<{ rating: string; count: number }[]>`
        select e.rating, count(*)::int as count from evaluations e join applications a on a.id = e.application_id
         where e.fund_id = ${fundId} and a.title = '单元门禁维修' group by e.rating order by e.rating`;
      expect(rows).toEqual([
        { rating: 'mostly_satisfied', count: 4 },
        { rating: 'not_satisfied', count: 2 },
        { rating: 'satisfied', count: 14 }
      ]);
      const [codes] = await demoApp<{ issued: number; used: number }[]>`
        select count(*)::int as issued, count(c.used_at)::int as used from evaluation_codes c
          join applications a on a.id = c.application_id where c.fund_id = ${fundId} and a.title = '单元门禁维修'`;
      expect(codes).toEqual({ issued: 20, used: 20 });
    } finally {
      await closeDemo();
    }
  });
});
