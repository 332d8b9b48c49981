import { money } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptanceView,
  confirmAcceptance,
  findAcceptancePhoto,
  recordAcceptance,
  type AcceptancePhotoUpload
} from '../../apps/web/src/lib/server/projects/acceptance';
import { checkUpload, type Upload } from '../../apps/web/src/lib/server/platform/attachments';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, idOf, makeWorld, person, type ReviewDb, type World } from '../support/review-world';

/*
 * The acceptance check (验收) against real PostgreSQL: the administrator records it with photos
 * before and after, a leadership member without a stake in the compound confirms it, and only then
 * is the project accepted. Every refusal, a double submission of each form, and the database's
 * own rules (two different people, confirmed once) even if the app were wrong.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
let db: ReviewDb;
let world: World;
let admin: Actor;
let adminLeader: Actor;
let leaders: Actor[];
let recused: Actor;
let committee: Actor;

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('acceptance'));
  db = { owner, app, now: NOW };
  world = await makeWorld(db, { slug: 'acceptance-world', pool: '100000.00' });
  admin = await person(db, world, 'ac-admin', [{ role: 'fund_admin' }]);
  // Someone who both keeps the office and sits for a unit: they may record or confirm, never both.
  adminLeader = await person(db, world, 'ac-admin-leader', [
    { role: 'fund_admin' },
    { role: 'leader', unitCode: 'unit-4' }
  ]);
  leaders = [
    await person(db, world, 'ac-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await person(db, world, 'ac-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, 'ac-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  recused = await person(db, world, 'ac-recused', [
    { role: 'leader', unitCode: 'unit-4' },
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  committee = await person(db, world, 'ac-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
});

afterAll(async () => {
  await close();
});

function upload(bytes: number[], name: string): Upload {
  const checked = checkUpload(new Uint8Array(bytes), name);
  if (!checked.ok || checked.upload === null) throw new Error(`${name} is not a file`);
  return checked.upload;
}

const JPEG = (seed: number) => upload([0xff, 0xd8, 0xff, 0xe0, seed, 1, 2, 3], `before-${seed}.jpg`);
const PNG = (seed: number) => upload([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed], `after-${seed}.png`);
const PDF = upload([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31], 'report.pdf');

const photos = (seed: number): AcceptancePhotoUpload[] => [
  { kind: 'before', upload: JPEG(seed) },
  { kind: 'after', upload: PNG(seed) }
];

function record(number: number, overrides: Partial<Parameters<typeof recordAcceptance>[1]> = {}) {
  return recordAcceptance(app, {
    actor: admin,
    fundId: world.fundId,
    number,
    now: NOW,
    ip: '10.0.0.1',
    checkedOn: '2026-03-09',
    note: '道闸已安装，遥控和车牌识别均正常。',
    costFinal: null,
    photos: photos(number),
    ...overrides
  });
}

async function recordedAt(number: number): Promise<string> {
  const [row] = await owner<{ at: Date }[]>`
    select a.recorded_at as at from acceptances a join applications p on p.id = a.application_id
     where p.fund_id = ${world.fundId} and p.number = ${number}`;
  return String(row?.at.getTime() ?? 0);
}

function confirm(number: number, actor: Actor, seen: string) {
  return confirmAcceptance(app, { actor, fundId: world.fundId, number, now: NOW, ip: null, seen });
}

async function statusOf(number: number): Promise<string> {
  const [row] = await owner<{ status: string }[]>`
    select status from applications where fund_id = ${world.fundId} and number = ${number}`;
  return row?.status ?? '';
}

describe('recording the acceptance check', () => {
  beforeAll(async () => {
    await activeProject(db, world, { number: 1, admin, leaders, committee, households: 3 });
  });

  it('refuses what it cannot record, each with its own reason', async () => {
    expect(await record(1, { checkedOn: '2026-02-30' })).toEqual({ ok: false, code: 'acceptance_date_must_be_valid' });
    expect(await record(1, { checkedOn: '2026-03-11' })).toEqual({
      ok: false,
      code: 'acceptance_date_must_not_be_in_the_future'
    });
    expect(await record(1, { note: 'x'.repeat(2001) })).toEqual({ ok: false, code: 'acceptance_note_must_be_short' });
    expect(await record(1, { costFinal: money('0') })).toEqual({ ok: false, code: 'acceptance_cost_must_be_positive' });
    expect(await record(1, { photos: [{ kind: 'before', upload: PDF }, ...photos(1)] })).toEqual({
      ok: false,
      code: 'acceptance_photo_must_be_jpeg_or_png'
    });
    expect(
      await record(1, {
        photos: Array.from({ length: 7 }, (_, index) => ({ kind: 'after' as const, upload: PNG(index) }))
      })
    ).toEqual({ ok: false, code: 'acceptance_photos_must_not_exceed_limit' });
    expect(await record(1, { photos: [{ kind: 'after', upload: PNG(9) }] })).toEqual({
      ok: false,
      code: 'acceptance_needs_before_and_after_photos'
    });
    expect(await record(1, { actor: committee })).toEqual({ ok: false, code: 'not_allowed' });
    expect(await record(1, { actor: leaders[0] ?? admin })).toEqual({ ok: false, code: 'not_allowed' });
    expect(await record(99)).toEqual({ ok: false, code: 'project_not_found' });
    const [row] = await owner`select 1 from acceptances`;
    expect(row).toBeUndefined();
  });

  it('refuses one photo chosen as both the before and the after photo, saying so', async () => {
    const same = JPEG(42);
    expect(
      await record(1, {
        photos: [
          { kind: 'before', upload: same },
          { kind: 'after', upload: same }
        ]
      })
    ).toEqual({ ok: false, code: 'acceptance_before_and_after_photos_must_differ' });
    // With other photos besides it, too: the photo itself is the problem, not a missing kind.
    expect(
      await record(1, {
        photos: [{ kind: 'before', upload: same }, { kind: 'after', upload: same }, ...photos(43)]
      })
    ).toEqual({ ok: false, code: 'acceptance_before_and_after_photos_must_differ' });
    const [row] = await owner`select 1 from acceptances`;
    expect(row).toBeUndefined();
  });

  it('records it once, with its photos, and a second submission changes nothing', async () => {
    expect(await record(1)).toEqual({ ok: true, replayed: false });
    const seen = await recordedAt(1);
    expect(await record(1)).toEqual({ ok: true, replayed: true });
    expect(await recordedAt(1)).toBe(seen);
    // A photo recorded as the before photo cannot come back as an after photo either.
    expect(await record(1, { photos: [{ kind: 'after', upload: JPEG(1) }] })).toEqual({
      ok: false,
      code: 'acceptance_before_and_after_photos_must_differ'
    });
    expect(await recordedAt(1)).toBe(seen);
    const [project] = await owner<{ id: string }[]>`
      select id::text as id from applications where fund_id = ${world.fundId} and number = 1`;
    const view = await acceptanceView(app, { fundId: world.fundId, applicationId: project?.id ?? '0' });
    expect(view).toMatchObject({
      checkedOn: '2026-03-09',
      recordedBy: { role: 'fund_admin', placeName: null },
      confirmedBy: null
    });
    expect(view?.photos.map((photo) => [photo.kind, photo.mediaType])).toEqual([
      ['before', 'image/jpeg'],
      ['after', 'image/png']
    ]);
    const photo = await findAcceptancePhoto(app, {
      fundId: world.fundId,
      applicationId: project?.id ?? '0',
      sha256: JPEG(1).sha256
    });
    expect(photo?.mediaType).toBe('image/jpeg');
    expect(await statusOf(1)).toBe('active');
    // The leaders without a stake in the compound are told a check waits for them; the recused one is not.
    const told = await owner<{ userId: string }[]>`
      select user_id::text as "userId" from notifications where kind = 'acceptance.recorded' order by user_id`;
    const ids = told.map((row) => row.userId);
    for (const leader of leaders) expect(ids).toContain(idOf(leader));
    expect(ids).not.toContain(idOf(recused));
    expect(ids).not.toContain(idOf(admin));
  });
});

describe('confirming it', () => {
  it('needs a leader with no stake, who did not record it, and who saw the last version', async () => {
    const seen = await recordedAt(1);
    expect(await confirm(1, admin, seen)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await confirm(1, committee, seen)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await confirm(1, recused, seen)).toEqual({ ok: false, code: 'confirmer_is_recused' });
    expect(await confirm(1, leaders[0] ?? admin, '12345')).toEqual({ ok: false, code: 'acceptance_has_changed' });
    expect(await statusOf(1)).toBe('active');
  });

  it('accepts the project, once', async () => {
    const leader = leaders[0] ?? admin;
    expect(await confirm(1, leader, await recordedAt(1))).toEqual({ ok: true, replayed: false });
    expect(await statusOf(1)).toBe('accepted');
    expect(await confirm(1, leader, await recordedAt(1))).toEqual({ ok: true, replayed: true });
    expect(await confirm(1, leaders[1] ?? admin, await recordedAt(1))).toEqual({
      ok: false,
      code: 'acceptance_is_confirmed'
    });
    const transitions = await owner<{ event: string; from: string; to: string }[]>`
      select event, from_status as from, to_status as to from application_transitions t
        join applications a on a.id = t.application_id
       where a.fund_id = ${world.fundId} and a.number = 1 and t.event = 'accept'`;
    expect(transitions).toEqual([{ event: 'accept', from: 'active', to: 'accepted' }]);
    // The administrator's second submission is still a replay; a changed one is too late.
    expect(await record(1)).toEqual({ ok: true, replayed: true });
    expect(await record(1, { note: '补充说明' })).toEqual({ ok: false, code: 'acceptance_is_confirmed' });
    const [event] = await owner<{ count: number }[]>`
      select count(*)::int as count from events where action = 'application.accept'`;
    expect(event?.count).toBe(1);
  });

  it('refuses a confirmation before anything was recorded, and by the person who recorded it', async () => {
    await activeProject(db, world, { number: 2, admin, leaders, committee, households: 2 });
    expect(await confirm(2, leaders[0] ?? admin, '0')).toEqual({ ok: false, code: 'acceptance_is_not_recorded' });
    expect(await record(2, { actor: adminLeader })).toEqual({ ok: true, replayed: false });
    expect(await confirm(2, adminLeader, await recordedAt(2))).toEqual({
      ok: false,
      code: 'acceptance_needs_two_people'
    });
    // Recorded again before its confirmation (a corrected note, one more photo): the old version is stale.
    const before = await recordedAt(2);
    const later = new Date(NOW.getTime() + 60_000);
    expect(
      await recordAcceptance(app, {
        actor: admin,
        fundId: world.fundId,
        number: 2,
        now: later,
        ip: null,
        checkedOn: '2026-03-10',
        note: '补拍一张完工照片。',
        costFinal: money('4800'),
        photos: [{ kind: 'after', upload: PNG(77) }]
      })
    ).toEqual({ ok: true, replayed: false });
    expect(await confirm(2, leaders[2] ?? admin, before)).toEqual({ ok: false, code: 'acceptance_has_changed' });
    expect(await confirm(2, leaders[2] ?? admin, await recordedAt(2))).toEqual({ ok: true, replayed: false });
    const [count] = await owner<{ count: number }[]>`
      select count(*)::int as count from acceptance_photos p join applications a on a.id = p.application_id
       where a.fund_id = ${world.fundId} and a.number = 2`;
    expect(count?.count).toBe(3);
    const [cost] = await owner<{ cost: string }[]>`
      select c.cost_final::text as cost from acceptances c join applications a on a.id = c.application_id
       where a.fund_id = ${world.fundId} and a.number = 2`;
    expect(cost?.cost).toBe('4800.00');
  });
});

describe('the database', () => {
  it('refuses a confirmation by the recorder, a second confirmation and a removed photo, whatever the app does', async () => {
    await activeProject(db, world, { number: 3, admin, leaders, committee, households: 2 });
    expect(await record(3)).toEqual({ ok: true, replayed: false });
    const [project] = await owner<{ id: string }[]>`
      select id::text as id from applications where fund_id = ${world.fundId} and number = 3`;
    const id = project?.id ?? '0';
    await expect(
      app`update acceptances set confirmed_by = recorded_by, confirmed_at = now() where application_id = ${id}`
    ).rejects.toMatchObject({ constraint_name: 'acceptance_has_two_people' });
    await expect(
      app`update acceptances set confirmed_by = ${idOf(leaders[0] ?? admin)} where application_id = ${id}`
    ).rejects.toMatchObject({ constraint_name: 'confirmation_has_a_time' });
    await app`update acceptances set confirmed_by = ${idOf(leaders[0] ?? admin)}, confirmed_at = now()
               where application_id = ${id}`;
    await expect(
      app`update acceptances set confirmed_by = ${idOf(leaders[1] ?? admin)} where application_id = ${id}`
    ).rejects.toMatchObject({ code: 'GJ015' });
    await expect(app`delete from acceptance_photos where application_id = ${id}`).rejects.toMatchObject({
      code: '42501'
    });
  });
});
