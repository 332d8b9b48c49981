import {
  addWorkingDays,
  checkCalendarYear,
  workingCalendar,
  yearsUncoveredBetween,
  type CalendarYear,
  type CalendarYearCode,
  type CalendarYearProblem,
  type WorkingCalendar,
  type WorkingDaysEnd
} from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import * as books from '../books';
import type { Sql, Transaction } from '../db/client';
import { parseFundPolicy } from './fund-policy';
import { can, type Actor, type DenyReason } from '../access/policy';

/**
 * The working-day calendar (sql/013_calendar.sql): each year's public holidays and make-up working
 * days as the State Council's notice lists them, entered by the platform administrator, and the
 * one place that turns them into a notice's end date.
 *
 * A notice's end is computed once, at approval (noticeEndIn, from review.ts), and stored with
 * whether it is provisional. When a year is saved, the end of every notice still running is
 * recomputed from its first day and its policy's working days, in the same transaction, so a
 * stored end is always the one the calendar as committed gives; a provisional end is never the
 * day a grant becomes active (the ledger's `notice_end_is_provisional`). The two take the calendar
 * lock in opposite modes, so an approval never computes with a calendar a save is replacing and
 * a save never misses an approval committing meanwhile.
 */

const CALENDAR_LOCK = 'gongjian.calendar';
/** As the database allows (calendar_source_must_be_short). */
export const CALENDAR_SOURCE_LENGTH_MAX = 200;

export type CalendarField = CalendarYearProblem['field'] | 'source';
export type CalendarCode = CalendarYearCode | 'source_must_be_short';

/** One thing wrong with the form: the ledger's problems of the dates, and the source's length. */
export interface CalendarProblem {
  field: CalendarField;
  code: CalendarCode;
  line?: number;
  text?: string;
}

/** The calendar as the ledger takes it, as committed when the caller reads it. */
export async function loadCalendar(db: Sql | Transaction): Promise<WorkingCalendar> {
  const rows = await db<{ year: number; holidays: string[]; makeupWorkdays: string[] }[]>`
    select y.year,
           coalesce(array_agg(to_char(d.day, 'YYYY-MM-DD') order by d.day) filter (where d.kind = 'holiday'),
                    '{}') as holidays,
           coalesce(array_agg(to_char(d.day, 'YYYY-MM-DD') order by d.day) filter (where d.kind = 'makeup_workday'),
                    '{}') as "makeupWorkdays"
      from calendar_years y left join calendar_days d on d.year = y.year
     group by y.year order by y.year`;
  return workingCalendar(rows);
}

/**
 * The end of a notice posted on `startsOn` for `workingDays` working days, and whether it is
 * certain. It waits for a calendar save that is under way (and holds one off until the caller
 * commits), so what it returns is what saveCalendarYear would recompute.
 */
export async function noticeEndIn(
  transaction: Transaction,
  input: { startsOn: string; workingDays: number }
): Promise<WorkingDaysEnd> {
  await transaction`select pg_advisory_xact_lock_shared(hashtextextended(${CALENDAR_LOCK}, 0))`;
  return addWorkingDays(input.startsOn, input.workingDays, await loadCalendar(transaction));
}

/** The years a notice from `startsOn` to `endsOn` crosses that have no calendar yet, in order. */
export async function yearsMissingFor(
  db: Sql | Transaction,
  notice: { startsOn: string; endsOn: string }
): Promise<number[]> {
  const rows = await db<{ year: number }[]>`select year from calendar_years`;
  const years = new Set(rows.map((row) => row.year));
  return yearsUncoveredBetween({ years }, { after: notice.startsOn, through: notice.endsOn });
}

/** What the fund office is told: the years to enter, and the notices whose end waits for them. */
export interface CalendarGap {
  years: number[];
  notices: { number: number; endsOn: string }[];
}

/**
 * The fund's running notices whose end is provisional (one application's, when `number` is
 * given), and the years they wait for; both empty when there are none.
 */
export async function calendarGapOf(sql: Sql, input: { fundId: string | null; number?: number }): Promise<CalendarGap> {
  const rows = await sql<{ number: number; startsOn: string; endsOn: string }[]>`
    select number, to_char(notice_starts_on, 'YYYY-MM-DD') as "startsOn",
           to_char(notice_ends_on, 'YYYY-MM-DD') as "endsOn"
      from applications
     where status = 'approved' and notice_ends_provisional and notice_ends_on is not null
       and (${input.fundId}::bigint is null or fund_id = ${input.fundId}::bigint)
       and (${input.number ?? null}::int is null or number = ${input.number ?? null}::int)
     order by number`;
  if (rows.length === 0) return { years: [], notices: [] };
  const covered = await sql<{ year: number }[]>`select year from calendar_years`;
  const calendar = { years: new Set(covered.map((row) => row.year)) };
  const years = new Set<number>();
  for (const row of rows) {
    for (const year of yearsUncoveredBetween(calendar, { after: row.startsOn, through: row.endsOn })) years.add(year);
  }
  return {
    years: [...years].sort((a, b) => a - b),
    notices: rows.map((row) => ({ number: row.number, endsOn: row.endsOn }))
  };
}

/** One entered year, as the calendar page lists it. */
export interface CalendarYearView extends CalendarYear {
  source: string;
  enteredAt: Date;
  /** Null for the year the migration seeded. */
  enteredBy: string | null;
}

/** Every entered year, newest first. */
export async function calendarYears(sql: Sql): Promise<CalendarYearView[]> {
  const rows = await sql<(Omit<CalendarYearView, 'holidays' | 'makeupWorkdays'> & { days: DayRow[] })[]>`
    select y.year, y.source, y.entered_at as "enteredAt", u.display_name as "enteredBy",
           coalesce((select json_agg(json_build_object('day', to_char(d.day, 'YYYY-MM-DD'), 'kind', d.kind)
                                     order by d.day)
                       from calendar_days d where d.year = y.year), '[]'::json) as days
      from calendar_years y left join users u on u.id = y.entered_by
     order by y.year desc`;
  return rows.map(({ days, ...year }) => ({
    ...year,
    holidays: days.filter((day) => day.kind === 'holiday').map((day) => day.day),
    makeupWorkdays: days.filter((day) => day.kind === 'makeup_workday').map((day) => day.day)
  }));
}

interface DayRow {
  day: string;
  kind: 'holiday' | 'makeup_workday';
}

export type SaveCalendarYearResult =
  | { ok: true; year: number; replayed: boolean; noticesRecomputed: number }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: CalendarCode; problems: CalendarProblem[] };

export interface SaveCalendarYearInput {
  actor: Actor;
  /** NaN when the form's text was not a year at all; the check reports it like any bad year. */
  year: number;
  holidaysText: string;
  makeupWorkdaysText: string;
  source: string;
  /** The form's key (a UUID made when the page was loaded): the same form sent twice saves once. */
  idempotencyKey: string;
  now: Date;
  ip: string | null;
}

/**
 * Enters or corrects one year: its days replace what the year had, and every notice still
 * running gets the end the new calendar gives it, in one transaction. A resend of the same form
 * finds the first one's `calendar.year_saved` event and answers as it did.
 */
export async function saveCalendarYear(sql: Sql, input: SaveCalendarYearInput): Promise<SaveCalendarYearResult> {
  const decision = can(input.actor, 'platform.calendar.manage', null);
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  // The policy lets only a signed-in platform administrator through, so this only narrows the type.
  if (input.actor.kind !== 'user') throw new Error('saveCalendarYear: the policy allowed an anonymous actor');
  const actorUserId = input.actor.userId;
  const checked = checkCalendarYear(input);
  const problems: CalendarProblem[] = checked.ok ? [] : [...((checked['problems'] ?? []) as CalendarYearProblem[])];
  const source = input.source.trim();
  if ([...source].length > CALENDAR_SOURCE_LENGTH_MAX) problems.push({ field: 'source', code: 'source_must_be_short' });
  const [first] = problems;
  if (first !== undefined || !checked.ok) return { ok: false, code: first?.code ?? 'year_must_be_plausible', problems };
  const year = checked.value;
  return (await books.transact(sql, async (transaction): Promise<SaveCalendarYearResult> => {
    await transaction`select pg_advisory_xact_lock(hashtextextended(${CALENDAR_LOCK}, 0))`;
    const [earlier] = await transaction<{ year: number }[]>`
      select (detail ->> 'year')::int as year from events
       where actor_user_id = ${actorUserId} and action = 'calendar.year_saved'
         and detail ->> 'idempotencyKey' = ${input.idempotencyKey}
       limit 1`;
    if (earlier !== undefined) return { ok: true, year: earlier.year, replayed: true, noticesRecomputed: 0 };
    await writeYearIn(transaction, { year, source, actorUserId, now: input.now });
    const noticesRecomputed = await recomputeRunningNoticesIn(transaction, {
      calendar: await loadCalendar(transaction),
      now: input.now
    });
    await recordEvent(transaction, {
      action: 'calendar.year_saved',
      outcome: 'ok',
      at: input.now,
      actorUserId,
      ip: input.ip,
      resourceType: 'calendar_year',
      resourceId: String(year.year),
      detail: { year: year.year, count: noticesRecomputed, idempotencyKey: input.idempotencyKey }
    });
    return { ok: true, year: year.year, replayed: false, noticesRecomputed };
  })) as SaveCalendarYearResult;
}

async function writeYearIn(
  transaction: Transaction,
  input: { year: CalendarYear; source: string; actorUserId: string; now: Date }
): Promise<void> {
  const { year } = input;
  await transaction`
    insert into calendar_years (year, source, entered_at, entered_by)
    values (${year.year}, ${input.source}, ${input.now}, ${input.actorUserId})
    on conflict (year) do update
      set source = excluded.source, entered_at = excluded.entered_at, entered_by = excluded.entered_by`;
  await transaction`delete from calendar_days where year = ${year.year}`;
  const days = [...year.holidays, ...year.makeupWorkdays];
  const kinds = [...year.holidays.map(() => 'holiday'), ...year.makeupWorkdays.map(() => 'makeup_workday')];
  await transaction`
    insert into calendar_days (day, year, kind)
    select day, ${year.year}, kind from unnest(${days}::date[], ${kinds}::text[]) as t (day, kind)`;
}

/**
 * Every approved application's notice end, recomputed from its first day and its policy's
 * working days under `calendar`; where the end or its certainty moved, the row is updated and an
 * event recorded in its fund (which also tells the public pages' caches that the notice changed).
 * Returns how many moved.
 */
async function recomputeRunningNoticesIn(
  transaction: Transaction,
  input: { calendar: WorkingCalendar; now: Date }
): Promise<number> {
  const rows = await transaction<
    {
      id: string;
      fundId: string;
      number: number;
      startsOn: string;
      endsOn: string;
      provisional: boolean;
      policy: unknown;
    }[]
  >`
    select a.id::text as id, a.fund_id::text as "fundId", a.number,
           to_char(a.notice_starts_on, 'YYYY-MM-DD') as "startsOn", to_char(a.notice_ends_on, 'YYYY-MM-DD') as "endsOn",
           a.notice_ends_provisional as provisional, p.policy
      from applications a join fund_policies p on p.fund_id = a.fund_id and p.version = a.policy_version
     where a.status = 'approved' and a.notice_starts_on is not null and a.notice_ends_on is not null
     order by a.id
       for update of a`;
  let moved = 0;
  for (const row of rows) {
    const policy = parseFundPolicy(row.policy);
    // Only adoptPolicy writes versions, after parsing; one that no longer parses is a bug to fix.
    if (!policy.ok) throw new Error(`recompute: policy of application ${row.id} does not parse (${policy.code})`);
    const end = addWorkingDays(row.startsOn, policy.value.noticeWorkingDays, input.calendar);
    if (end.endsOn === row.endsOn && end.certain === !row.provisional) continue;
    await transaction`
      update applications set notice_ends_on = ${end.endsOn}, notice_ends_provisional = ${!end.certain}
       where id = ${row.id}`;
    await recordEvent(transaction, {
      action: 'application.notice_end_recomputed',
      outcome: 'ok',
      at: input.now,
      fundId: row.fundId,
      resourceType: 'application',
      resourceId: row.id,
      detail: { applicationNumber: row.number, reason: end.certain ? 'certain' : 'provisional' }
    });
    moved += 1;
  }
  return moved;
}
