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

export const TRAIL_FIELDS = ['person', 'kind', 'type', 'resource', 'from', 'to', 'before'] as const;
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
    from: checked('from', isDate),
    to: checked('to', isDate),
    before: checked('before', (value) => ID.test(value))
  };
  if (query.from !== null && query.to !== null && query.from > query.to) {
    invalid.push('to');
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

/**
 * One keyset page of a fund's events, newest first: at most `limit` rows with ids below
 * `before`. Every condition is a plain comparison on an indexed column (sql/021_audit_trail.sql),
 * so PostgreSQL walks an index backwards and stops after the page; there is never an OFFSET.
 */
export async function trailRows(
  sql: Sql,
  input: { fundId: string; query: TrailQuery; limit: number }
): Promise<TrailRow[]> {
  const q = input.query;
  return sql<TrailRow[]>`
    select e.id::text as id, e.at, e.action, e.resource_type as "resourceType", e.resource_id as "resourceId",
           e.outcome, e.actor_user_id::text as "actorUserId", u.display_name as "actorName"
      from events e left join users u on u.id = e.actor_user_id
     where e.fund_id = ${input.fundId}
       ${q.actorUserId === null ? sql`` : sql`and e.actor_user_id = ${q.actorUserId}`}
       ${q.action === null ? sql`` : sql`and e.action = ${q.action}`}
       ${q.resourceType === null ? sql`` : sql`and e.resource_type = ${q.resourceType}`}
       ${q.resourceId === null ? sql`` : sql`and e.resource_id = ${q.resourceId}`}
       ${q.from === null ? sql`` : sql`and e.at >= ${chinaDayStart(q.from)}`}
       ${q.to === null ? sql`` : sql`and e.at < ${chinaDayEnd(q.to)}`}
       ${q.before === null ? sql`` : sql`and e.id < ${q.before}`}
     order by e.id desc
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
