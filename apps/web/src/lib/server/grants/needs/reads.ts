import {
  NEED_STATUSES,
  chinaDateOf,
  deliberationStageOf,
  needActionsFrom,
  needAtOffice,
  type DeliberationStage,
  type NeedSource,
  type NeedStatus
} from '@gongjian/ledger';
import type { Sql } from '../../db/client';
import { currentPolicy } from '../../fund/fund-policy';
import { followHash } from './raise';
import { supportsToOffice } from './supports';
import { TRIAGE_ACTIONS, type TriageAction } from './triage';

/*
 * What the needs list shows. The public reads (the list, a need's page, the raiser's follow link)
 * are chosen field by field: never the contact, never who recorded or triaged it, only photos
 * someone checked for personal data, and never a need marked spam (except to its own raiser). The
 * office's reads add the contact and every photo, for the people who triage.
 */

/** The statuses a public reader sees and filters by: every one but spam. */
export const PUBLIC_NEED_STATUSES = NEED_STATUSES.filter((status) => status !== 'spam');

export interface Label {
  zh: string;
  en: string;
}

export interface NeedFilters {
  compound: string | null;
  category: string | null;
  status: NeedStatus | null;
  year: number | null;
}

export interface NeedRow {
  number: number;
  compoundCode: string;
  compoundName: string;
  category: string;
  status: NeedStatus;
  source: NeedSource;
  body: string;
  place: string;
  supports: number;
  publicReason: string;
  feedback: string;
  raisedOn: string;
}

export interface NeedOptions {
  compounds: { code: string; name: string }[];
  categories: { key: string; label: Label | null }[];
  years: number[];
}

interface RawRow extends Omit<NeedRow, 'raisedOn'> {
  raisedAt: Date;
}

function rowOf(raw: RawRow): NeedRow {
  const { raisedAt, ...rest } = raw;
  return { ...rest, raisedOn: chinaDateOf(raisedAt) };
}

/** The categories a need form and filter offer: the policy's, named in both languages, and `other`. */
export async function categoryOptions(sql: Sql, fundId: string): Promise<NeedOptions['categories']> {
  const policy = await currentPolicy(sql, fundId);
  const labels = policy?.policy.categoryLabels ?? {};
  const keys = Object.keys(labels).sort();
  return [
    ...keys.map((key) => {
      const label = labels[key];
      return { key, label: label === undefined ? null : { zh: label.labelZh, en: label.labelEn } };
    }),
    { key: 'other', label: null }
  ];
}

async function needRows(
  sql: Sql,
  fundId: string,
  filters: NeedFilters & { includeSpam: boolean; compoundIds: readonly string[] | null }
): Promise<NeedRow[]> {
  // A year no need can have been raised in filters to nothing, rather than failing.
  const from = filters.year === null ? null : `${String(filters.year)}-01-01T00:00:00+08:00`;
  const until = filters.year === null ? null : `${String(filters.year + 1)}-01-01T00:00:00+08:00`;
  const rows = await sql<RawRow[]>`
    select n.number, c.code as "compoundCode", c.name as "compoundName", n.category, n.status, n.source,
           n.body, n.place, n.public_reason as "publicReason", n.feedback, n.raised_at as "raisedAt",
           (select count(*)::int from need_supports s where s.need_id = n.id) as supports
      from needs n join compounds c on c.id = n.compound_id
     where n.fund_id = ${fundId}
       and (${filters.includeSpam} or n.status <> 'spam')
       and (${filters.compound}::text is null or c.code = ${filters.compound})
       and (${filters.category}::text is null or n.category = ${filters.category})
       and (${filters.status}::text is null or n.status = ${filters.status})
       and (${from}::timestamptz is null or (n.raised_at >= ${from}::timestamptz and n.raised_at < ${until}::timestamptz))
       and (${filters.compoundIds === null} or n.compound_id::text = any(${filters.compoundIds ?? []}::text[]))
     order by n.number desc
     limit 500`;
  return rows.map(rowOf);
}

async function needOptions(sql: Sql, fundId: string): Promise<NeedOptions> {
  const [compounds, years, categories] = await Promise.all([
    sql<{ code: string; name: string }[]>`select code, name from compounds where fund_id = ${fundId} order by code`,
    sql<{ year: number }[]>`
      select distinct extract(year from raised_at at time zone 'Asia/Shanghai')::int as year
        from needs where fund_id = ${fundId} order by year desc`,
    categoryOptions(sql, fundId)
  ]);
  return { compounds, categories, years: years.map((row) => row.year) };
}

/** The public needs list: every need but spam, newest first, with what the filters can choose. */
export async function publicNeeds(
  sql: Sql,
  fundId: string,
  filters: NeedFilters
): Promise<{ rows: NeedRow[]; options: NeedOptions }> {
  const status = filters.status === 'spam' ? null : filters.status;
  const [rows, options] = await Promise.all([
    needRows(sql, fundId, { ...filters, status, includeSpam: false, compoundIds: null }),
    needOptions(sql, fundId)
  ]);
  return { rows, options };
}

export interface NeedStep {
  kind: string;
  note: string;
  on: string;
  stage: DeliberationStage | null;
  listItem: { number: number; title: string } | null;
}

export interface NeedView extends NeedRow {
  id: string;
  steps: NeedStep[];
  /** Photos a reader may see: for the public, checked ones only. */
  photos: { sha256: string; checked: boolean }[];
  mergedIntoNumber: number | null;
  listItems: { number: number; title: string }[];
}

async function needView(
  sql: Sql,
  fundId: string,
  where: { number: number } | { followHash: string },
  options: { includeSpam: boolean; uncheckedPhotos: boolean }
): Promise<NeedView | null> {
  const number = 'number' in where ? where.number : null;
  const hash = 'followHash' in where ? where.followHash : null;
  const [raw] = await sql<(RawRow & { id: string; mergedIntoNumber: number | null })[]>`
    select n.id::text as id, n.number, c.code as "compoundCode", c.name as "compoundName", n.category, n.status,
           n.source, n.body, n.place, n.public_reason as "publicReason", n.feedback, n.raised_at as "raisedAt",
           (select count(*)::int from need_supports s where s.need_id = n.id) as supports,
           (select m.number from needs m where m.id = n.merged_into) as "mergedIntoNumber"
      from needs n join compounds c on c.id = n.compound_id
     where n.fund_id = ${fundId}
       and (${number}::int is null or n.number = ${number})
       and (${hash}::text is null or n.follow_hash = ${hash})
       and (${options.includeSpam} or n.status <> 'spam')`;
  if (raw === undefined) return null;
  const [steps, photos, listItems] = await Promise.all([
    sql<{ kind: string; note: string; at: Date; itemNumber: number | null; itemTitle: string | null }[]>`
      select s.kind, s.note, s.at, i.number as "itemNumber", i.title as "itemTitle"
        from need_steps s left join list_items i on i.id = s.list_item_id
       where s.need_id = ${raw.id} order by s.at, s.id`,
    sql<{ sha256: string; checked: boolean }[]>`
      select p.sha256, a.checked_for_personal_data_at is not null as checked
        from need_photos p join attachments a on a.fund_id = p.fund_id and a.sha256 = p.sha256
       where p.need_id = ${raw.id}
         and (${options.uncheckedPhotos} or a.checked_for_personal_data_at is not null)
       order by p.added_at, p.sha256`,
    sql<{ number: number; title: string }[]>`
      select i.number, i.title from list_item_needs l join list_items i on i.id = l.list_item_id
       where l.need_id = ${raw.id} order by i.number`
  ]);
  return {
    ...rowOf(raw),
    id: raw.id,
    mergedIntoNumber: raw.mergedIntoNumber,
    steps: steps.map((step) => ({
      kind: step.kind,
      note: step.note,
      on: chinaDateOf(step.at),
      stage: deliberationStageOf({ of: 'need', kind: step.kind }),
      listItem: step.itemNumber === null ? null : { number: step.itemNumber, title: step.itemTitle ?? '' }
    })),
    photos,
    listItems
  };
}

/** One need's public page: null for an unknown number or a need marked spam. */
export function publicNeed(sql: Sql, fundId: string, number: number): Promise<NeedView | null> {
  return needView(sql, fundId, { number }, { includeSpam: false, uncheckedPhotos: false });
}

/** The raiser's follow link: the need its token names (spam too: the raiser may see what became of it). */
export function followedNeed(sql: Sql, fundId: string, token: string): Promise<NeedView | null> {
  return needView(sql, fundId, { followHash: followHash(token) }, { includeSpam: true, uncheckedPhotos: false });
}

/** A checked photo of a public need, for its public page; null for anything else. */
export async function publicNeedPhoto(
  sql: Sql,
  input: { fundId: string; number: number; sha256: string; checkedOnly: boolean }
): Promise<{ mediaType: 'image/jpeg' | 'image/png'; content: Buffer } | null> {
  const [row] = await sql<{ mediaType: 'image/jpeg' | 'image/png'; content: Buffer }[]>`
    select a.media_type as "mediaType", a.content
      from needs n
      join need_photos p on p.need_id = n.id
      join attachments a on a.fund_id = p.fund_id and a.sha256 = p.sha256
     where n.fund_id = ${input.fundId} and n.number = ${input.number} and p.sha256 = ${input.sha256}
       and (not ${input.checkedOnly} or (a.checked_for_personal_data_at is not null and n.status <> 'spam'))
       and a.media_type in ('image/jpeg', 'image/png')`;
  return row ?? null;
}

export interface OfficeNeedRow extends NeedRow {
  atOffice: boolean;
}

/**
 * The office's (or a committee's) list: `compoundIds` null for every compound. The needs before the
 * office come first (the ledger's needAtOffice), the rest after, each part newest first.
 */
export async function officeNeeds(
  sql: Sql,
  fundId: string,
  filters: NeedFilters & { compoundIds: readonly string[] | null }
): Promise<{ rows: OfficeNeedRow[]; options: NeedOptions; supportsToOffice: number }> {
  const [rows, options, threshold] = await Promise.all([
    needRows(sql, fundId, { ...filters, includeSpam: true }),
    needOptions(sql, fundId),
    supportsToOffice(sql, fundId)
  ]);
  const marked = rows.map((row) => ({ ...row, atOffice: needAtOffice(row, threshold) }));
  return {
    rows: [...marked.filter((row) => row.atOffice), ...marked.filter((row) => !row.atOffice)],
    options,
    supportsToOffice: threshold
  };
}

export interface OfficeNeedView extends NeedView {
  compoundId: string;
  contact: string;
  atOffice: boolean;
  actions: TriageAction[];
}

/** One need for the people who triage it: its contact, every photo, and the triage actions its status allows. */
export async function officeNeed(sql: Sql, fundId: string, number: number): Promise<OfficeNeedView | null> {
  const view = await needView(sql, fundId, { number }, { includeSpam: true, uncheckedPhotos: true });
  if (view === null) return null;
  const [row] = await sql<{ compoundId: string; contact: string }[]>`
    select compound_id::text as "compoundId", contact from needs where id = ${view.id}`;
  const threshold = await supportsToOffice(sql, fundId);
  const allowed = needActionsFrom(view.status);
  return {
    ...view,
    compoundId: row?.compoundId ?? '',
    contact: row?.contact ?? '',
    atOffice: needAtOffice(view, threshold),
    actions: TRIAGE_ACTIONS.filter((action) => allowed.includes(action))
  };
}

/** The raised needs before the office, for its to-do list: how many, and since when. */
export async function needsWaitingForTriage(sql: Sql, fundId: string): Promise<{ count: number; since: Date } | null> {
  const [rows, threshold] = await Promise.all([
    sql<{ source: NeedSource; supports: number; raisedAt: Date }[]>`
      select n.source, n.raised_at as "raisedAt",
             (select count(*)::int from need_supports s where s.need_id = n.id) as supports
        from needs n where n.fund_id = ${fundId} and n.status = 'raised'`,
    supportsToOffice(sql, fundId)
  ]);
  const waiting = rows.filter((row) => needAtOffice(row, threshold));
  if (waiting.length === 0) return null;
  return { count: waiting.length, since: new Date(Math.min(...waiting.map((row) => row.raisedAt.getTime()))) };
}
