import { CHINA_OFFSET_MS, isDate } from '@gongjian/ledger';
import type { Sql } from '../db/client';
import { can, type Actor, type ApplicationStatus, type FundRole } from '../access/policy';

/**
 * The audit trail on screen: a fund's events (platform/audit.ts writes them, append-only), newest
 * first, filtered by person, kind (action), resource and China-time dates, a page at a time.
 * Pages are keyset pages: each names the last id it showed and the next one starts below it, so
 * a page costs the same at a million events as at a hundred, and events recorded meanwhile never
 * shift a row onto two pages. The CSV download walks the same query batch by batch.
 */

export const TRAIL_PAGE_SIZE = 50;
/** Rows per batch of the CSV download: large enough to keep round trips few, small enough to stream. */
export const TRAIL_CSV_BATCH = 1000;

const ID = /^[1-9][0-9]{0,18}$/;
const ACTION = /^[a-z][a-z_.]{1,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESOURCE_TYPE = /^[a-z][a-z_]{0,39}$/;
const RESOURCE_ID_LENGTH_MAX = 100;

// The dates are named since/until, not from/to: on the audit page from/to ask for the auditor's package.
export const TRAIL_FIELDS = ['person', 'kind', 'type', 'resource', 'since', 'until', 'before'] as const;
export type TrailField = (typeof TRAIL_FIELDS)[number];

export interface TrailFilter {
  actorUserId: string | null;
  action: string | null;
  resourceType: string | null;
  resourceId: string | null;
  /** China days, inclusive, YYYY-MM-DD. */
  from: string | null;
  to: string | null;
}

export interface TrailQuery extends TrailFilter {
  /** Show events below this id (the last id of the page before). */
  before: string | null;
}

export interface TrailParsed {
  query: TrailQuery;
  /** The fields as typed, to refill the form. */
  values: Record<TrailField, string>;
  invalid: TrailField[];
}

/**
 * Reads the filter from a URL's query. A value that is not well formed is reported and left out
 * of the query, so the page still shows the trail with the other filters.
 */
export function parseTrailQuery(params: URLSearchParams): TrailParsed {
  const raw = (name: TrailField) => (params.get(name) ?? '').trim().slice(0, RESOURCE_ID_LENGTH_MAX + 1);
  const values = Object.fromEntries(TRAIL_FIELDS.map((name) => [name, raw(name)])) as Record<TrailField, string>;
  const invalid: TrailField[] = [];
  const checked = (name: TrailField, ok: (value: string) => boolean): string | null => {
    const value = values[name];
    if (value === '') return null;
    if (ok(value)) return value;
    invalid.push(name);
    return null;
  };
  const query: TrailQuery = {
    actorUserId: checked('person', (value) => ID.test(value)),
    action: checked('kind', (value) => ACTION.test(value)),
    resourceType: checked('type', (value) => RESOURCE_TYPE.test(value)),
    resourceId: checked('resource', (value) => value.length <= RESOURCE_ID_LENGTH_MAX),
    from: checked('since', isDate),
    to: checked('until', isDate),
    before: checked('before', (value) => ID.test(value))
  };
  if (query.from !== null && query.to !== null && query.from > query.to) {
    invalid.push('until');
    query.to = null;
  }
  return { query, values, invalid };
}

/** The instant a China day starts, and the start of the day after one. */
function chinaDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS);
}
function chinaDayEnd(day: string): Date {
  return new Date(chinaDayStart(day).getTime() + 24 * 60 * 60 * 1000);
}

export interface TrailRow {
  id: string;
  at: Date;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  actorUserId: string | null;
  actorName: string | null;
}

/** The widest date range read through the date index first; see trailRows. */
const DATE_WINDOW_DAYS_MAX = 31;

/**
 * One keyset page of a fund's events, newest first: at most `limit` rows with ids below
 * `before`. Every condition is a plain comparison on an indexed column (sql/021_audit_trail.sql),
 * so PostgreSQL walks an index backwards and stops after the page; there is never an OFFSET.
 *
 * A date range is the exception: the planner assumes matching rows are spread evenly over the
 * ids, and would walk the fund's whole trail back to a day long ago. A range of at most a month
 * is therefore read first through the date index (a month of a busy fund is a few thousand ids),
 * and the page is cut from those; a wider range matches enough rows that the walk by id is short.
 */
export async function trailRows(
  sql: Sql,
  input: { fundId: string; query: TrailQuery; limit: number }
): Promise<TrailRow[]> {
  const q = input.query;
  const start = q.from === null ? null : chinaDayStart(q.from);
  const end = q.to === null ? null : chinaDayEnd(q.to);
  const narrow =
    start !== null && end !== null && end.getTime() - start.getTime() <= DATE_WINDOW_DAYS_MAX * 24 * 60 * 60 * 1000;
  const before = q.before === null ? sql`` : sql`and e.id < ${q.before}`;
  // A narrow range: the range's ids from the date index (id is in it, so the heap is not read),
  // then the events by primary key, newest first, until a page passes the other filters.
  // Materialized, so that the planner cannot fold it back into a walk of the fund's trail by id.
  const window = narrow
    ? sql`with in_window as materialized (
            select w.id from events w
             where w.fund_id = ${input.fundId} and w.at >= ${start} and w.at < ${end}
               ${q.before === null ? sql`` : sql`and w.id < ${q.before}`}
             order by w.id desc)`
    : sql``;
  const source = narrow ? sql`in_window d join events e on e.id = d.id` : sql`events e`;
  return sql<TrailRow[]>`
    ${window}
    select e.id::text as id, e.at, e.action, e.resource_type as "resourceType", e.resource_id as "resourceId",
           e.outcome, e.actor_user_id::text as "actorUserId", u.display_name as "actorName"
      from ${source} left join users u on u.id = e.actor_user_id
     where e.fund_id = ${input.fundId}
       ${q.actorUserId === null ? sql`` : sql`and e.actor_user_id = ${q.actorUserId}`}
       ${q.action === null ? sql`` : sql`and e.action = ${q.action}`}
       ${q.resourceType === null ? sql`` : sql`and e.resource_type = ${q.resourceType}`}
       ${q.resourceId === null ? sql`` : sql`and e.resource_id = ${q.resourceId}`}
       ${start === null ? sql`` : sql`and e.at >= ${start}`}
       ${end === null ? sql`` : sql`and e.at < ${end}`}
       ${before}
     order by ${narrow ? sql`d.id` : sql`e.id`} desc
     limit ${input.limit}`;
}

/** A person's roles in the fund as the trail names them: the role, and the unit or compound it is for. */
export interface TrailRole {
  role: FundRole;
  place: string | null;
}

/** The roles each of these people holds in the fund now (a removed member has none). */
export async function trailRoles(
  sql: Sql,
  input: { fundId: string; userIds: readonly string[] }
): Promise<Map<string, TrailRole[]>> {
  const roles = new Map<string, TrailRole[]>();
  if (input.userIds.length === 0) return roles;
  const rows = await sql<{ userId: string; role: FundRole; place: string | null }[]>`
    select m.user_id::text as "userId", m.role, coalesce(un.name, c.name) as place
      from memberships m
      left join units un on un.id = m.unit_id
      left join compounds c on c.id = m.compound_id
     where m.fund_id = ${input.fundId} and m.user_id = any(${[...input.userIds]}::bigint[])
     order by m.id`;
  for (const row of rows) {
    const list = roles.get(row.userId) ?? [];
    list.push({ role: row.role, place: row.place });
    roles.set(row.userId, list);
  }
  return roles;
}

/** The people the person filter offers: the fund's members, and whoever the filter names now. */
export async function trailPeople(
  sql: Sql,
  input: { fundId: string; selected: string | null }
): Promise<{ id: string; name: string }[]> {
  return sql<{ id: string; name: string }[]>`
    select u.id::text as id, u.display_name as name from users u
     where u.id in (select m.user_id from memberships m where m.fund_id = ${input.fundId})
        or u.id = ${input.selected ?? '0'}
     order by u.display_name, u.id`;
}

/**
 * Where each row's resource can be opened, for this reader: a path, or no entry when the
 * resource has no page or the reader may not open it. Applications are named by number and
 * entries by their voucher's seq, so both are looked up for the page's rows only.
 */
export async function trailLinks(
  sql: Sql,
  input: { fundId: string; fundSlug: string; actor: Actor; rows: readonly TrailRow[] }
): Promise<Map<string, string>> {
  const idsOf = (type: string, pattern: RegExp) =>
    input.rows.filter((row) => row.resourceType === type && row.resourceId !== null && pattern.test(row.resourceId));
  const [applications, entries] = await Promise.all([
    applicationsOf(
      sql,
      input.fundId,
      idsOf('application', ID).map((row) => row.resourceId ?? '')
    ),
    entrySeqsOf(
      sql,
      input.fundId,
      idsOf('entry', UUID).map((row) => row.resourceId ?? '')
    )
  ]);
  const base = `/funds/${encodeURIComponent(input.fundSlug)}`;
  const fundRef = { fundId: input.fundId };
  const may = (action: 'fund.office.read' | 'books.read' | 'fund.members.read' | 'books.correct.confirm') =>
    can(input.actor, action, fundRef).allowed;
  const links = new Map<string, string>();
  for (const row of input.rows) {
    const id = row.resourceId ?? '';
    const link = linkOf(row.resourceType ?? '', id, {
      fundId: input.fundId,
      base,
      may,
      applications,
      entries,
      actor: input.actor
    });
    if (link !== null) links.set(row.id, link);
  }
  return links;
}

interface LinkContext {
  fundId: string;
  base: string;
  actor: Actor;
  may: (action: 'fund.office.read' | 'books.read' | 'fund.members.read' | 'books.correct.confirm') => boolean;
  applications: Map<string, ApplicationLinkRow>;
  entries: Map<string, number>;
}

function linkOf(type: string, id: string, context: LinkContext): string | null {
  const { base, may } = context;
  switch (type) {
    case 'application': {
      const found = context.applications.get(id);
      if (found === undefined || !can(context.actor, 'application.read', found.ref).allowed) return null;
      return `${base}/applications/${found.number}`;
    }
    case 'entry': {
      const seq = context.entries.get(id);
      return seq !== undefined && may('fund.office.read') ? `${base}/vouchers/${seq}` : null;
    }
    case 'compound':
      return ID.test(id) && can(context.actor, 'compound.read', { fundId: context.fundId, compoundId: id }).allowed
        ? `${base}/compounds/${id}`
        : null;
    case 'unit':
    case 'household':
      return may('fund.office.read') ? `${base}/registers` : null;
    case 'fund':
    case 'fund_policy':
      return may('fund.office.read') ? base : null;
    case 'user':
    case 'invitation':
      return may('fund.members.read') ? `${base}/members` : null;
    case 'period':
      return may('books.read') ? `${base}/periods` : null;
    case 'bank_account':
    case 'bank_file':
    case 'bank_line':
      return may('books.read') ? `${base}/bank` : null;
    case 'correction':
      return may('books.correct.confirm') ? `${base}/corrections` : null;
    default:
      return null;
  }
}

interface ApplicationLinkRow {
  number: number;
  ref: { fundId: string; compoundId: string; applicantUnitId: string | null; status: ApplicationStatus };
}

async function applicationsOf(sql: Sql, fundId: string, ids: string[]): Promise<Map<string, ApplicationLinkRow>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<
    { id: string; number: number; compoundId: string; applicantUnitId: string | null; status: ApplicationStatus }[]
  >`
    select id::text as id, number, compound_id::text as "compoundId", applicant_unit_id::text as "applicantUnitId",
           status
      from applications where fund_id = ${fundId} and id = any(${ids}::bigint[])`;
  return new Map(
    rows.map((row) => [
      row.id,
      {
        number: row.number,
        ref: { fundId, compoundId: row.compoundId, applicantUnitId: row.applicantUnitId, status: row.status }
      }
    ])
  );
}

async function entrySeqsOf(sql: Sql, fundId: string, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; seq: number }[]>`
    select id::text as id, seq from entries where fund_id = ${fundId} and id = any(${ids}::uuid[])`;
  return new Map(rows.map((row) => [row.id, Number(row.seq)]));
}

/** An instant as China's wall clock to the second, 2026-03-02 08:00:05, for the page and the CSV. */
export function chinaTimeText(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export interface TrailEntry {
  id: string;
  when: string;
  actorName: string | null;
  roles: TrailRole[];
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: TrailRow['outcome'];
  /** The resource's page, when it has one and the reader may open it. */
  link: string | null;
}

export interface TrailPage {
  entries: TrailEntry[];
  /** The id the next page starts below, or null on the last page. */
  nextBefore: string | null;
}

/** One page of the trail as the page shows it: each event with its person's roles and its link. */
export async function trailPage(
  sql: Sql,
  input: { fundId: string; fundSlug: string; actor: Actor; query: TrailQuery }
): Promise<TrailPage> {
  // One row more than a page tells whether a next page exists without counting.
  const fetched = await trailRows(sql, { fundId: input.fundId, query: input.query, limit: TRAIL_PAGE_SIZE + 1 });
  const rows = fetched.slice(0, TRAIL_PAGE_SIZE);
  const [roles, links] = await Promise.all([
    trailRoles(sql, { fundId: input.fundId, userIds: actorIdsOf(rows) }),
    trailLinks(sql, { fundId: input.fundId, fundSlug: input.fundSlug, actor: input.actor, rows })
  ]);
  return {
    entries: rows.map((row) => entryOf(row, roles, links)),
    nextBefore: fetched.length > TRAIL_PAGE_SIZE ? (rows.at(-1)?.id ?? null) : null
  };
}

function actorIdsOf(rows: readonly TrailRow[]): string[] {
  return [...new Set(rows.flatMap((row) => (row.actorUserId === null ? [] : [row.actorUserId])))];
}

function entryOf(row: TrailRow, roles: Map<string, TrailRole[]>, links: Map<string, string>): TrailEntry {
  return {
    id: row.id,
    when: chinaTimeText(row.at),
    actorName: row.actorName,
    roles: row.actorUserId === null ? [] : (roles.get(row.actorUserId) ?? []),
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    outcome: row.outcome,
    link: links.get(row.id) ?? null
  };
}

/**
 * The filtered trail, every page of it, as batches of entries for the CSV download: the same
 * keyset walk as the pages, so a download of a million events never holds more than one batch.
 */
export async function* trailBatches(
  sql: Sql,
  input: { fundId: string; query: TrailQuery }
): AsyncGenerator<{ entries: TrailEntry[] }> {
  let before = input.query.before;
  for (;;) {
    const rows = await trailRows(sql, {
      fundId: input.fundId,
      query: { ...input.query, before },
      limit: TRAIL_CSV_BATCH
    });
    if (rows.length === 0) return;
    const roles = await trailRoles(sql, { fundId: input.fundId, userIds: actorIdsOf(rows) });
    yield { entries: rows.map((row) => entryOf(row, roles, new Map())) };
    if (rows.length < TRAIL_CSV_BATCH) return;
    before = rows.at(-1)?.id ?? null;
  }
}
