import { workingCalendar } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALENDAR_2026 } from '../../packages/ledger/test/support/calendar-2026';
import {
  calendarGapOf,
  calendarYears,
  loadCalendar,
  saveCalendarYear,
  type SaveCalendarYearInput
} from '../../apps/web/src/lib/server/fund/calendar';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { migrate } from '../../apps/web/src/lib/server/db/migrate';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { readMigrationDirectory } from '../../apps/web/src/lib/server/db/migration-files';
import { fileObjection, publicNotice } from '../../apps/web/src/lib/server/grants/notices';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { activateEndedNotices, castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { openPeopleDatabase } from '../support/people-db';
import { createTestFund, createTestUser } from '../support/people';
import { createDatabase, dropDatabase, sqlDirectory } from '../support/postgres';
import {
  makeWorld as makeWorldIn,
  person as personIn,
  submittedApplication as submittedIn,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The working-day calendar against a real PostgreSQL: the migration brings 2026; a notice that
 * runs into 2027 before anyone entered 2027 gets a provisional end, which the office and the
 * public notice show as such and which never makes the grant active; once the platform
 * administrator enters 2027, the running notice gets its true end in the same transaction, and
 * the grant becomes active only after that. Every date is passed in: nothing reads today's date.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};

/** Midday in China on Monday 28 December 2026: a 5-working-day notice runs into 2027. */
const DECEMBER = new Date('2026-12-28T04:00:00.000Z');
const db = (now: Date): ReviewDb => ({ owner, app, now });

/**
 * 2027 as a test enters it. These are test data, not the official 2027 list (which this project
 * does not claim to know): New Year's Day on Friday 1 January with the weekend after it, and one
 * make-up Saturday.
 */
const YEAR_2027 = {
  year: 2027,
  holidaysText: '2027-01-01..2027-01-03 元旦\n2027-02-06..2027-02-12 春节',
  makeupWorkdaysText: '2027-02-20',
  source: '测试数据'
};

let world: World;
let admin: Actor;
let leaders: Actor[];
let committee: Actor;
let platform: Actor;
let fundAdminOnly: Actor;

async function approved(number: number, now: Date): Promise<void> {
  await submittedIn(db(now), world, { number, createdBy: committee, cost: '1000.00', match: '600.00' });
  const command = { fundId: world.fundId, number, now, ip: null };
  expect(await precheck(app, { ...command, actor: admin, outcome: 'pass', comments: '' })).toMatchObject({ ok: true });
  for (const leader of leaders) {
    expect(await castVote(app, { ...command, actor: leader, choice: 'approve', reason: '' })).toMatchObject({
      ok: true
    });
  }
}

async function noticeOf(number: number) {
  const [row] = await owner<{ status: string; startsOn: string; endsOn: string; provisional: boolean }[]>`
    select status, notice_starts_on::text as "startsOn", notice_ends_on::text as "endsOn",
           notice_ends_provisional as provisional
      from applications where fund_id = ${world.fundId} and number = ${number}`;
  if (row === undefined) throw new Error(`no application ${number}`);
  return row;
}

const save = (input: Partial<SaveCalendarYearInput> = {}) =>
  saveCalendarYear(app, {
    actor: platform,
    ...YEAR_2027,
    idempotencyKey: crypto.randomUUID(),
    now: new Date('2027-01-06T02:00:00.000Z'),
    ip: '192.0.2.7',
    ...input
  });

beforeAll(async () => {
  const database = await openPeopleDatabase('calendar');
  ({ owner, app, close } = database);
  world = await makeWorldIn(db(DECEMBER), { slug: 'calendar-fund', pool: '100000.00' });
  const person = (loginName: string, roles: Parameters<typeof personIn>[3]) =>
    personIn(db(DECEMBER), world, loginName, roles);
  admin = await person('cal-admin', [{ role: 'fund_admin' }]);
  leaders = [
    await person('cal-leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await person('cal-leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person('cal-leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  committee = await person('cal-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  fundAdminOnly = admin;
  const platformId = await createTestUser(owner, { loginName: 'cal-platform', platformAdmin: true });
  platform = {
    kind: 'user',
    userId: platformId,
    platformAdmin: true,
    memberships: [],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
});

afterAll(async () => {
  await close();
});

describe('the calendar the migration brings', () => {
  it('is 2026 exactly as the State Council listed it, and nothing else', async () => {
    expect(await loadCalendar(app)).toEqual(workingCalendar([CALENDAR_2026]));
    const [year] = await calendarYears(app);
    expect(year).toMatchObject({ year: 2026, enteredBy: null, source: '国务院办公厅关于2026年部分节假日安排的通知' });
  });

  it('refuses, in the database, days the app would never write', async () => {
    await expect(owner`insert into calendar_years (year, entered_at) values (1999, now())`).rejects.toThrow(
      /calendar_year_must_be_plausible/
    );
    await expect(
      owner`insert into calendar_days (day, year, kind) values ('2027-01-01', 2026, 'holiday')`
    ).rejects.toThrow(/calendar_day_must_be_in_its_year/);
    // Monday 9 March 2026 is no weekend day.
    await expect(
      owner`insert into calendar_days (day, year, kind) values ('2026-03-09', 2026, 'makeup_workday')`
    ).rejects.toThrow(/makeup_day_must_be_a_weekend_day/);
    // Saturday 3 January 2026 is already a holiday: a day has one kind.
    await expect(
      owner`insert into calendar_days (day, year, kind) values ('2026-01-03', 2026, 'makeup_workday')`
    ).rejects.toThrow(/calendar_days_pkey/);
    await expect(app`delete from calendar_years where year = 2026`).rejects.toThrow(/permission denied/);
  });
});

describe('notices approved before the calendar came', () => {
  it('are provisional where they ran out of 2026, and only there', async () => {
    const adminUrl = inject('adminUrl');
    const database = await createDatabase(adminUrl, 'calendar_upgrade');
    const before = createClient(database.url, { max: 1 });
    try {
      const files = await readMigrationDirectory(sqlDirectory);
      await migrate(
        before,
        files.filter((file) => file.version < 13)
      );
      const fundId = await createTestFund(before, 'upgrade-fund');
      const userId = await createTestUser(before, { loginName: 'upgrade-user' });
      await before`
        insert into fund_policies (fund_id, version, policy, adopted_at, note)
        values (${fundId}, 1, ${before.json(JSON.parse(JSON.stringify(DEMO_POLICY_JSON)) as Record<string, never>)},
                now(), 'test')`;
      // Ends as the ledger counted them before: 2026's holidays, weekends only in other years.
      const notices = [
        { number: 1, status: 'approved', startsOn: '2026-12-28', endsOn: '2027-01-04' },
        { number: 2, status: 'approved', startsOn: '2026-03-06', endsOn: '2026-03-13' },
        { number: 3, status: 'approved', startsOn: '2025-12-30', endsOn: '2026-01-06' },
        { number: 4, status: 'active', startsOn: '2026-12-28', endsOn: '2027-01-04' }
      ];
      for (const notice of notices) {
        await before`
          insert into applications (fund_id, number, compound_id, status, title, category, description, location,
                                    created_by, created_at, updated_at, policy_version, notice_starts_on, notice_ends_on)
          values (${fundId}, ${notice.number}, (select id from compounds where fund_id = ${fundId}), ${notice.status},
                  '项目', 'repairs', '', '', ${userId}, now(), now(), 1, ${notice.startsOn}, ${notice.endsOn})`;
      }
      await migrate(before, files);
      const rows = await before<{ number: number; provisional: boolean }[]>`
        select number, notice_ends_provisional as provisional from applications order by number`;
      expect(rows).toEqual([
        { number: 1, provisional: true },
        { number: 2, provisional: false },
        { number: 3, provisional: true },
        // A grant past its notice has nothing left to count.
        { number: 4, provisional: false }
      ]);
    } finally {
      await before.end();
      await dropDatabase(adminUrl, database.name);
    }
  });
});

describe('a notice that runs into a year with no calendar', () => {
  it('ends provisionally, is shown so, keeps taking objections, and never activates early', async () => {
    await approved(1, DECEMBER);
    // 29, 30, 31 December, then 1 and 4 January counted as if 2027 had no holidays.
    expect(await noticeOf(1)).toEqual({
      status: 'approved',
      startsOn: '2026-12-28',
      endsOn: '2027-01-04',
      provisional: true
    });
    expect(await calendarGapOf(app, { fundId: world.fundId })).toEqual({
      years: [2027],
      notices: [{ number: 1, endsOn: '2027-01-04' }]
    });
    expect(await publicNotice(app, { fundId: world.fundId, number: 1, today: '2027-01-05' })).toMatchObject({
      noticeEndsOn: '2027-01-04',
      noticeEndsProvisional: true,
      noticeYearsMissing: [2027],
      open: true
    });
    // Past the provisional end, and long after it, the grant stays on notice.
    expect(await activateEndedNotices(app, { fundId: world.fundId, today: '2027-01-05' })).toBe(0);
    expect(await activateEndedNotices(app, { fundId: world.fundId, today: '2027-06-30' })).toBe(0);
    expect((await noticeOf(1)).status).toBe('approved');

    // A second notice, to object to after its provisional end: the true end may be later.
    await approved(2, DECEMBER);
    const objected = await fileObjection(app, {
      fundId: world.fundId,
      number: 2,
      name: '周先生',
      contact: '13900000000',
      body: '报价偏高',
      now: new Date('2027-01-05T02:00:00.000Z'),
      ip: null
    });
    expect(objected).toMatchObject({ ok: true, replayed: false });
  });

  it('gets its true end when 2027 is entered, and becomes active only after that end', async () => {
    const saved = await save();
    expect(saved).toEqual({ ok: true, year: 2027, replayed: false, noticesRecomputed: 2 });
    // 29, 30, 31 December, then 1–3 January off, then Monday 4 and Tuesday 5 January.
    expect(await noticeOf(1)).toMatchObject({ status: 'approved', endsOn: '2027-01-05', provisional: false });
    expect(await calendarGapOf(app, { fundId: world.fundId })).toEqual({ years: [], notices: [] });
    expect(await publicNotice(app, { fundId: world.fundId, number: 1, today: '2027-01-05' })).toMatchObject({
      noticeEndsOn: '2027-01-05',
      noticeEndsProvisional: false,
      noticeYearsMissing: [],
      open: true
    });
    // The day after the provisional end was the true end's last day: not yet.
    expect(await activateEndedNotices(app, { fundId: world.fundId, today: '2027-01-05' })).toBe(0);
    expect(await activateEndedNotices(app, { fundId: world.fundId, today: '2027-01-06' })).toBe(1);
    expect((await noticeOf(1)).status).toBe('active');
    // #2 has an open objection: it waits for the office's decision, as before.
    expect((await noticeOf(2)).status).toBe('approved');

    const events = await owner<{ action: string; fundId: string | null; year: number | null }[]>`
      select action, fund_id::text as "fundId", (detail ->> 'year')::int as year from events
       where action in ('calendar.year_saved', 'application.notice_end_recomputed') order by id`;
    expect(events).toEqual([
      { action: 'application.notice_end_recomputed', fundId: world.fundId, year: null },
      { action: 'application.notice_end_recomputed', fundId: world.fundId, year: null },
      { action: 'calendar.year_saved', fundId: null, year: 2027 }
    ]);
  });

  it('counts a notice approved after 2027 was entered with 2027 at once', async () => {
    await approved(3, DECEMBER);
    expect(await noticeOf(3)).toMatchObject({ endsOn: '2027-01-05', provisional: false });
  });
});

describe('saving a year', () => {
  it('answers a resend of the same form as the first time, and writes once', async () => {
    const key = crypto.randomUUID();
    const first = await save({ idempotencyKey: key, source: '重发测试' });
    const again = await save({ idempotencyKey: key, source: '重发测试' });
    expect(first).toMatchObject({ ok: true, year: 2027, replayed: false });
    expect(again).toMatchObject({ ok: true, year: 2027, replayed: true });
    const [count] = await owner<{ count: number }[]>`
      select count(*)::int as count from events where detail ->> 'idempotencyKey' = ${key}`;
    expect(count?.count).toBe(1);
  });

  it('corrects a year: its days are replaced, not added to', async () => {
    expect(await save({ holidaysText: '2027-01-01', makeupWorkdaysText: '' })).toMatchObject({ ok: true });
    const with2027 = await loadCalendar(app);
    expect([...with2027.holidays].filter((day) => day.startsWith('2027-'))).toEqual(['2027-01-01']);
    expect([...with2027.makeupWorkdays].filter((day) => day.startsWith('2027-'))).toEqual([]);
    // Put the test's 2027 back for the tests after this one.
    expect(await save()).toMatchObject({ ok: true });
  });

  it('refuses bad input with every problem, and writes nothing', async () => {
    const before = await owner<{ count: number }[]>`select count(*)::int as count from calendar_days`;
    const refused = await save({
      year: 2028,
      holidaysText: '2028-01-01\n2028-02-30\n2027-12-31',
      makeupWorkdaysText: '2028-01-01\n2028-01-03',
      source: '来'.repeat(201)
    });
    expect(refused).toEqual({
      ok: false,
      code: 'date_must_be_real',
      problems: [
        { field: 'holidays', code: 'date_must_be_real', line: 2, text: '2028-02-30' },
        { field: 'holidays', code: 'date_must_be_in_the_year', line: 3, text: '2027-12-31' },
        { field: 'source', code: 'source_must_be_short' }
      ]
    });
    expect(
      await save({ year: 2028, holidaysText: '2028-01-01', makeupWorkdaysText: '2028-01-01\n2028-01-03' })
    ).toMatchObject({
      ok: false,
      problems: [
        { field: 'makeupWorkdays', code: 'day_must_not_be_holiday_and_makeup_day', line: 1 },
        { field: 'makeupWorkdays', code: 'makeup_day_must_be_a_weekend_day', line: 2, text: '2028-01-03' }
      ]
    });
    expect(await save({ year: Number.NaN })).toMatchObject({ ok: false, code: 'year_must_be_plausible' });
    const after = await owner<{ count: number }[]>`select count(*)::int as count from calendar_days`;
    expect(after).toEqual(before);
  });

  it('is the platform administrator’s alone', async () => {
    expect(await save({ actor: fundAdminOnly, year: 2028, holidaysText: '2028-01-01' })).toMatchObject({
      ok: false,
      code: 'not_allowed'
    });
    expect(await save({ actor: { kind: 'anonymous' }, year: 2028, holidaysText: '2028-01-01' })).toMatchObject({
      ok: false,
      code: 'not_allowed'
    });
    const [count] = await owner<
      { count: number }[]
    >`select count(*)::int as count from calendar_years where year = 2028`;
    expect(count?.count).toBe(0);
  });
});

describe('an approval and a save at the same moment', () => {
  it('waits for the save, and counts with the year it saved', async () => {
    const now = new Date('2028-12-27T04:00:00.000Z');
    await submittedIn(db(now), world, { number: 4, createdBy: committee, cost: '1000.00', match: '600.00' });
    const command = { fundId: world.fundId, number: 4, now, ip: null };
    expect(await precheck(app, { ...command, actor: admin, outcome: 'pass', comments: '' })).toMatchObject({
      ok: true
    });
    for (const leader of leaders.slice(0, 2)) {
      expect(await castVote(app, { ...command, actor: leader, choice: 'approve', reason: '' })).toMatchObject({
        ok: true
      });
    }
    // A save of 2029 holds the calendar lock, as saveCalendarYear does, while the deciding vote comes in.
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = (): void => {};
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const saving = owner.begin(async (transaction) => {
      await transaction`select pg_advisory_xact_lock(hashtextextended('gongjian.calendar', 0))`;
      locked();
      await released;
      await transaction`insert into calendar_years (year, entered_at) values (2028, now()), (2029, now())`;
      await transaction`insert into calendar_days (day, year, kind) values ('2029-01-01', 2029, 'holiday')`;
    });
    await holding;
    const deciding = castVote(app, { ...command, actor: leaders[2] ?? admin, choice: 'approve', reason: '' });
    await waitForAdvisoryLockWaiter();
    release();
    await saving;
    expect(await deciding).toMatchObject({ ok: true, status: 'approved' });
    // 28, 29 December 2028 (Thu, Fri), 1 January 2029 off, then 2, 3, 4 January.
    expect(await noticeOf(4)).toMatchObject({ startsOn: '2028-12-27', endsOn: '2029-01-04', provisional: false });
  });
});

/** Resolves once some session waits for an advisory lock: the condition, not a fixed sleep. */
async function waitForAdvisoryLockWaiter(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const [row] = await owner<{ waiting: number }[]>`
      select count(*)::int as waiting from pg_locks
       where locktype = 'advisory' and not granted
         and database = (select oid from pg_database where datname = current_database())`;
    if ((row?.waiting ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no session came to wait for the calendar lock');
}
