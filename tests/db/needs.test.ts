import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEED_PER_ADDRESS_RULE, NEED_PER_COMPOUND_RULE } from '../../apps/web/src/lib/server/auth/throttle';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { issueHouseholdCodes } from '../../apps/web/src/lib/server/fund/household-codes';
import { checkUpload, type Upload } from '../../apps/web/src/lib/server/platform/attachments';
import {
  newFollowToken,
  raiseNeed,
  recordNeed,
  type NeedFields
} from '../../apps/web/src/lib/server/grants/needs/raise';
import {
  followedNeed,
  needsWaitingForTriage,
  officeNeed,
  officeNeeds,
  publicNeed,
  publicNeeds
} from '../../apps/web/src/lib/server/grants/needs/reads';
import { supportNeed } from '../../apps/web/src/lib/server/grants/needs/supports';
import { checkNeedPhoto, triageNeed } from '../../apps/web/src/lib/server/grants/needs/triage';
import { todoForFund } from '../../apps/web/src/lib/server/people/todo';
import { openPeopleDatabase } from '../support/people-db';
import { makeWorld, person, type ReviewDb, type World } from '../support/review-world';

/*
 * The needs list against a real PostgreSQL: a resident raises a need without an account (a resend
 * answers as the first time; throttled per address and per compound), households support it once
 * each (also when two supports race), enough supports bring it before the office once, triage
 * needs a public reason and goes through moveNeedIn, spam is the office's, the follow link shows
 * the need, and the public reads never carry the contact or an unchecked photo.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });
let world: World;
let admin: Actor;
let committee: Actor;
let committeeOther: Actor;
let compoundId: string;
let otherCompoundId: string;
const codes: string[] = [];
let otherCode = '';
const SUPPORTS_TO_OFFICE = 3;

const PHOTO = (() => {
  const read = checkUpload(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]), 'IMG_张三家门口.jpg');
  if (!read.ok || read.upload === null) throw new Error('photo');
  return read.upload;
})();

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('needs'));
  world = await makeWorld(db(), {
    slug: 'needs',
    pool: '1000.00',
    compoundCodes: ['c-1', 'c-2'],
    policy: { ...DEMO_POLICY_JSON, needSupportsToOffice: SUPPORTS_TO_OFFICE }
  });
  compoundId = world.compounds['c-1'] ?? '';
  otherCompoundId = world.compounds['c-2'] ?? '';
  admin = await person(db(), world, 'needs-admin', [{ role: 'fund_admin' }]);
  committee = await person(db(), world, 'needs-committee', [{ role: 'committee', compoundCode: 'c-1' }]);
  committeeOther = await person(db(), world, 'needs-committee-2', [{ role: 'committee', compoundCode: 'c-2' }]);
  for (const [compound, rooms] of [
    [compoundId, ['101', '102', '103', '104', '105']],
    [otherCompoundId, ['201']]
  ] as const) {
    for (const room of rooms) {
      await owner`insert into households (fund_id, compound_id, building, room) values (${world.fundId}, ${compound}, '1', ${room})`;
    }
  }
  const issue = async (actor: Actor, compound: string) => {
    const issued = await issueHouseholdCodes(app, {
      actor,
      fundId: world.fundId,
      compoundId: compound,
      mode: 'new',
      idempotencyKey: randomUUID(),
      now: NOW,
      ip: null
    });
    if (!issued.ok) throw new Error('codes');
    return issued.slips.map((slip) => slip.code);
  };
  codes.push(...(await issue(committee, compoundId)));
  otherCode = (await issue(committeeOther, otherCompoundId))[0] ?? '';
});

afterAll(async () => {
  await close();
});

function fields(overrides: Partial<NeedFields> = {}): NeedFields {
  return {
    compoundId,
    category: 'repairs',
    body: '3号楼门口路灯坏了',
    place: '3号楼门口',
    contact: '13800000000',
    photos: [],
    createKey: randomUUID(),
    ...overrides
  };
}

// Each raise comes from an address of its own unless the test names one, so that only the
// throttle test meets the throttle.
let addresses = 0;
const raise = (input: Partial<NeedFields> & { ip?: string | null; token?: string; now?: Date } = {}) => {
  addresses += 1;
  const { ip = `10.1.${String(addresses)}.1`, token = newFollowToken(), now = NOW, ...rest } = input;
  return raiseNeed(app, { ...fields(rest), fundId: world.fundId, followToken: token, ip, now });
};

async function raised(input: Parameters<typeof raise>[0] = {}): Promise<{ number: number; token: string }> {
  const token = newFollowToken();
  const result = await raise({ ...input, token });
  if (!result.ok) throw new Error(`raise: ${result.code}`);
  return { number: result.number, token };
}

const support = (number: number, code: string, ip: string | null = '10.2.0.1') =>
  supportNeed(app, { fundId: world.fundId, number, code, ip, now: NOW });

describe('raising a need', () => {
  it('numbers needs per fund, answers a resend as the first time and keeps only the token’s hash', async () => {
    const token = newFollowToken();
    const createKey = randomUUID();
    const first = await raise({ token, createKey, photos: [PHOTO] });
    expect(first).toMatchObject({ ok: true, replayed: false });
    if (!first.ok) return;
    expect(await raise({ token, createKey, photos: [PHOTO] })).toEqual({
      ok: true,
      number: first.number,
      replayed: true
    });
    expect(await raise({ token: newFollowToken(), createKey })).toEqual({
      ok: false,
      code: 'form_was_already_used_for_something_else'
    });
    const [row] = await owner<{ followHash: string; count: number }[]>`
      select follow_hash as "followHash", (select count(*)::int from needs where fund_id = ${world.fundId}) as count
        from needs where fund_id = ${world.fundId} and number = ${first.number}`;
    expect(row?.count).toBe(1);
    expect(row?.followHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.followHash).not.toContain(token);
    const second = await raised();
    expect(second.number).toBe(first.number + 1);
  });

  it('refuses a category the policy does not name, a PDF as a photo and a compound of another fund', async () => {
    expect(await raise({ category: 'rockets' })).toEqual({ ok: false, code: 'category_is_unknown' });
    expect(await raise({ category: 'other' })).toMatchObject({ ok: true });
    const pdf = checkUpload(new TextEncoder().encode('%PDF-1.4 x'), 'a.pdf');
    const upload = pdf.ok ? pdf.upload : null;
    expect(await raise({ photos: [upload as Upload] })).toEqual({ ok: false, code: 'photo_must_be_jpeg_or_png' });
    expect(await raise({ compoundId: '999999' })).toEqual({ ok: false, code: 'compound_not_found' });
  });

  it('throttles one address, and one compound, in PostgreSQL', async () => {
    const later = new Date(NOW.getTime() + 24 * 3600 * 1000);
    for (let index = 0; index < NEED_PER_ADDRESS_RULE.hitsMax - 1; index += 1) {
      expect(await raise({ ip: '10.3.0.1', now: later, compoundId: otherCompoundId })).toMatchObject({ ok: true });
    }
    const over = await raise({ ip: '10.3.0.1', now: later, compoundId: otherCompoundId });
    expect(over).toMatchObject({ ok: true });
    expect(await raise({ ip: '10.3.0.1', now: later, compoundId: otherCompoundId })).toMatchObject({
      ok: false,
      code: 'need_is_throttled'
    });
    // Another address may still raise for the compound, until the compound's own limit.
    const evenLater = new Date(later.getTime() + 24 * 3600 * 1000);
    let refused = 0;
    for (let index = 0; index <= NEED_PER_COMPOUND_RULE.hitsMax; index += 1) {
      const result = await raise({ ip: `10.4.${String(index)}.1`, now: evenLater, compoundId: otherCompoundId });
      if (!result.ok) refused += 1;
    }
    expect(refused).toBe(1);
    expect(await raise({ ip: '10.5.0.1', now: evenLater, compoundId })).toMatchObject({ ok: true });
  });

  it('lets the committee record a need from a residents’ meeting, and nobody else', async () => {
    const input = { ...fields(), fundId: world.fundId, source: 'meeting' as const, ip: null, now: NOW };
    expect(await recordNeed(app, { ...input, actor: committeeOther })).toEqual({ ok: false, code: 'not_allowed' });
    const result = await recordNeed(app, { ...input, actor: committee });
    expect(result).toMatchObject({ ok: true, replayed: false });
    if (!result.ok) return;
    const need = await officeNeed(app, world.fundId, result.number);
    expect(need).toMatchObject({ source: 'meeting', atOffice: true, status: 'raised' });
  });
});

describe('supports', () => {
  it('count once per household, only from the compound, and bring an online need to the office once', async () => {
    const { number } = await raised();
    expect(await support(number, otherCode)).toEqual({ ok: false, code: 'household_is_not_of_the_compound' });
    expect(await support(number, 'ZZZZ-ZZZZ')).toEqual({ ok: false, code: 'code_is_unknown' });
    for (const [index, code] of codes.slice(0, SUPPORTS_TO_OFFICE).entries()) {
      const result = await support(number, code);
      expect(result).toMatchObject({ ok: true, already: false, reachedOffice: index === SUPPORTS_TO_OFFICE - 1 });
    }
    expect(await support(number, codes[0] ?? '')).toMatchObject({ ok: true, already: true });
    expect(await support(number, codes[3] ?? '')).toMatchObject({ ok: true, reachedOffice: false });
    const [steps] = await owner<{ count: number }[]>`
      select count(*)::int as count from need_steps s join needs n on n.id = s.need_id
       where n.fund_id = ${world.fundId} and n.number = ${number} and s.kind = 'reached_office'`;
    expect(steps?.count).toBe(1);
    const waiting = await needsWaitingForTriage(app, world.fundId);
    expect(waiting?.count).toBeGreaterThanOrEqual(2);
    const todo = await todoForFund(app, admin, world.fundId, NOW);
    expect(todo.find((item) => item.kind === 'need_triage')).toMatchObject({ count: waiting?.count, target: 'needs' });
    expect((await todoForFund(app, committee, world.fundId, NOW)).some((item) => item.kind === 'need_triage')).toBe(
      false
    );
    const list = await officeNeeds(app, world.fundId, {
      compound: null,
      category: null,
      status: null,
      year: null,
      compoundIds: null
    });
    expect(list.rows[0]?.atOffice).toBe(true);
    expect(list.rows.find((row) => row.number === number)).toMatchObject({ supports: 4, atOffice: true });
  });

  it('counts two racing supports with one code once', async () => {
    const { number } = await raised();
    const code = codes[4] ?? '';
    const results = await Promise.all([support(number, code), support(number, code), support(number, code)]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.filter((result) => result.ok && !result.already)).toHaveLength(1);
    const [row] = await owner<{ count: number }[]>`
      select count(*)::int as count from need_supports s join needs n on n.id = s.need_id
       where n.fund_id = ${world.fundId} and n.number = ${number}`;
    expect(row?.count).toBe(1);
  });

  it('is refused by the database for a household of another compound (GJ026)', async () => {
    const { number } = await raised();
    const [household] = await owner<{ id: string }[]>`
      select id::text as id from households where compound_id = ${otherCompoundId} limit 1`;
    await expect(
      owner`insert into need_supports (need_id, household_id, on_day)
            select id, ${household?.id ?? '0'}, '2026-03-10' from needs where fund_id = ${world.fundId} and number = ${number}`
    ).rejects.toMatchObject({ code: 'GJ026' });
  });
});

describe('triage', () => {
  it('needs a public reason, moves through moveNeedIn, and answers a resend as the first time', async () => {
    const { number, token } = await raised();
    const triage = (action: 'accept' | 'merge' | 'decline' | 'spam', reason: string, actor = committee) =>
      triageNeed(app, { actor, fundId: world.fundId, number, action, reason, mergeInto: null, now: NOW, ip: null });
    expect(await triage('accept', '  ')).toEqual({ ok: false, code: 'reason_is_required' });
    expect(await triage('accept', '路灯属于小区公共设施', committeeOther)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await triage('accept', '路灯属于小区公共设施')).toEqual({ ok: true, replayed: false });
    expect(await triage('accept', '路灯属于小区公共设施')).toEqual({ ok: true, replayed: true });
    expect(await triage('spam', '', admin)).toEqual({ ok: false, code: 'need_state_does_not_allow_it' });
    const followed = await followedNeed(app, world.fundId, token);
    expect(followed?.status).toBe('accepted');
    expect(followed?.steps.map((step) => [step.kind, step.stage])).toEqual([
      ['raised', 'propose'],
      ['accepted', 'consult']
    ]);
    expect(followed?.steps[1]?.note).toBe('路灯属于小区公共设施');
    await expect(
      owner`update needs set status = 'declined', public_reason = '' where fund_id = ${world.fundId} and number = ${number}`
    ).rejects.toMatchObject({ code: 'GJ025' });
  });

  it('merges into another need of the fund by number, and only the office marks spam', async () => {
    const target = await raised();
    const { number } = await raised();
    const merge = (mergeInto: number | null) =>
      triageNeed(app, {
        actor: admin,
        fundId: world.fundId,
        number,
        action: 'merge',
        reason: '与另一条需求相同',
        mergeInto,
        now: NOW,
        ip: null
      });
    expect(await merge(number)).toEqual({ ok: false, code: 'need_cannot_merge_into_itself' });
    expect(await merge(99999)).toEqual({ ok: false, code: 'merge_target_not_found' });
    expect(await merge(target.number)).toEqual({ ok: true, replayed: false });
    expect((await publicNeed(app, world.fundId, number))?.mergedIntoNumber).toBe(target.number);
    const spam = await raised();
    const spamBy = (actor: Actor) =>
      triageNeed(app, {
        actor,
        fundId: world.fundId,
        number: spam.number,
        action: 'spam',
        reason: '',
        mergeInto: null,
        now: NOW,
        ip: null
      });
    expect(await spamBy(committee)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await spamBy(admin)).toEqual({ ok: true, replayed: false });
    expect(await publicNeed(app, world.fundId, spam.number)).toBeNull();
    expect((await followedNeed(app, world.fundId, spam.token))?.status).toBe('spam');
  });
});

describe('the public reads', () => {
  it('never carry the contact, a spam need or an unchecked photo', async () => {
    const token = newFollowToken();
    const result = await raise({ token, photos: [PHOTO], contact: 'secret-13911112222' });
    if (!result.ok) throw new Error(result.code);
    const list = await publicNeeds(app, world.fundId, { compound: null, category: null, status: null, year: null });
    expect(JSON.stringify(list)).not.toContain('secret-13911112222');
    expect(list.rows.some((row) => row.status === 'spam')).toBe(false);
    const page = await publicNeed(app, world.fundId, result.number);
    expect(JSON.stringify(page)).not.toContain('secret-13911112222');
    expect(page?.photos).toEqual([]);
    expect(JSON.stringify(await followedNeed(app, world.fundId, token))).not.toContain('secret-13911112222');
    expect(await followedNeed(app, world.fundId, newFollowToken())).toBeNull();
    const check = (actor: Actor) =>
      checkNeedPhoto(app, {
        actor,
        fundId: world.fundId,
        number: result.number,
        sha256: PHOTO.sha256,
        now: NOW,
        ip: null
      });
    expect(await check(committeeOther)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await check(committee)).toEqual({ ok: true, replayed: false });
    expect(await check(committee)).toEqual({ ok: true, replayed: true });
    expect((await publicNeed(app, world.fundId, result.number))?.photos).toEqual([
      { sha256: PHOTO.sha256, checked: true }
    ]);
    const filtered = await publicNeeds(app, world.fundId, {
      compound: 'c-2',
      category: null,
      status: null,
      year: 2026
    });
    expect(filtered.rows.every((row) => row.compoundCode === 'c-2')).toBe(true);
    expect(
      (await publicNeeds(app, world.fundId, { compound: null, category: null, status: null, year: 1999 })).rows
    ).toEqual([]);
  });
});
