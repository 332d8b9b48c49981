import {
  deliberationStageOf,
  listItemStatusOf,
  type ApplicationState,
  type DeliberationStage,
  type ListDelivery,
  type ListItemStatus
} from '@gongjian/ledger';
import type { Sql } from '../../db/client';
import type { StoredAttachment } from '../../platform/attachments';
import { RATINGS, type Rating } from '../../projects/evaluation';

/**
 * What the project list's pages read. The office sees everything; the public side (`audience:
 * 'public'`) never sees a person: the follow-up officer by role only, no resident's name or
 * contact, and only photos that passed the personal-data check.
 */

export interface ItemRow {
  number: number;
  title: string;
  compoundCode: string;
  compoundName: string;
  delivery: ListDelivery;
  status: ListItemStatus;
  unitName: string;
  needs: number;
  applicationNumber: number | null;
  placedOn: string;
  deliveredOn: string | null;
}

/** The status shown: the stored one, or where the application already took a grant item. */
function shownStatus(row: { delivery: ListDelivery; status: ListItemStatus; state: ApplicationState | null }) {
  return listItemStatusOf({ delivery: row.delivery, status: row.status, applicationState: row.state });
}

export interface ListFilters {
  compound: string | null;
  category: string | null;
  status: ListItemStatus | null;
  year: number | null;
}

export const NO_FILTERS: ListFilters = { compound: null, category: null, status: null, year: null };

/** The fund's items, newest first, filtered as the GET form says (each filter null for all). */
export async function listItems(sql: Sql, fundId: string, filters: ListFilters = NO_FILTERS): Promise<ItemRow[]> {
  const rows = await sql<(ItemRow & { state: ApplicationState | null })[]>`
    select i.number, i.title, c.code as "compoundCode", c.name as "compoundName", i.delivery, i.status,
           u.name as "unitName", a.number as "applicationNumber", a.status as state,
           (select count(*)::int from list_item_needs l where l.list_item_id = i.id) as needs,
           to_char(i.placed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as "placedOn",
           to_char(i.delivered_on, 'YYYY-MM-DD') as "deliveredOn"
      from list_items i
      join compounds c on c.id = i.compound_id
      join units u on u.id = i.responsible_unit_id
      left join applications a on a.id = i.application_id
     where i.fund_id = ${fundId}
       and (${filters.compound}::text is null or c.code = ${filters.compound})
       and (${filters.year}::int is null
            or extract(year from i.placed_at at time zone 'Asia/Shanghai')::int = ${filters.year})
       and (${filters.category}::text is null or exists (
             select 1 from list_item_needs l join needs n on n.id = l.need_id
              where l.list_item_id = i.id and n.category = ${filters.category}))
     order by i.number desc
     limit 500`;
  return rows
    .map(({ state, ...row }) => ({ ...row, status: shownStatus({ ...row, state }) }))
    .filter((row) => filters.status === null || row.status === filters.status);
}

export interface ListFilterOptions {
  compounds: { code: string; name: string }[];
  categories: string[];
  years: number[];
}

export async function listFilterOptions(sql: Sql, fundId: string): Promise<ListFilterOptions> {
  const [compounds, categories, years] = await Promise.all([
    sql<{ code: string; name: string }[]>`
      select code, name from compounds where fund_id = ${fundId} order by code`,
    sql<{ category: string }[]>`
      select distinct n.category from list_item_needs l join needs n on n.id = l.need_id
       where l.fund_id = ${fundId} order by n.category`,
    sql<{ year: number }[]>`
      select distinct extract(year from placed_at at time zone 'Asia/Shanghai')::int as year
        from list_items where fund_id = ${fundId} order by year desc`
  ]);
  return { compounds, categories: categories.map((row) => row.category), years: years.map((row) => row.year) };
}

export interface ItemStep {
  kind: string;
  note: string;
  at: Date;
  stage: DeliberationStage | null;
}

export interface ItemNeed {
  number: number;
  category: string;
  body: string;
  status: string;
}

export interface ItemResource {
  number: number;
  kind: string;
  description: string;
  quantity: string;
  measure: string;
  provider: string;
}

export interface ItemPhoto {
  sha256: string;
  checked: boolean;
}

export interface ItemEvaluation {
  total: number;
  counts: Record<Rating, number>;
  comments: { rating: Rating; comment: string; day: string }[];
}

export interface ItemDetail extends ItemRow {
  id: string;
  compoundId: string;
  note: string;
  feedback: string;
  applicationStatus: ApplicationState | null;
  officer: { name: string | null; roles: string[] };
  steps: ItemStep[];
  needList: ItemNeed[];
  resources: ItemResource[];
  photos: ItemPhoto[];
  evaluation: ItemEvaluation;
}

type Audience = 'office' | 'public';

/** One item with everything its page shows, or null when the fund has no such number. */
export async function itemDetail(
  sql: Sql,
  input: { fundId: string; number: number; audience: Audience }
): Promise<ItemDetail | null> {
  const [row] = await sql<
    (Omit<ItemDetail, 'steps' | 'needList' | 'resources' | 'photos' | 'evaluation' | 'officer'> & {
      officerId: string;
      officerName: string;
    })[]
  >`
    select i.id::text as id, i.compound_id::text as "compoundId", i.number, i.title, c.code as "compoundCode", c.name as "compoundName", i.delivery,
           i.status, u.name as "unitName", a.number as "applicationNumber", a.status as "applicationStatus",
           (select count(*)::int from list_item_needs l where l.list_item_id = i.id) as needs,
           to_char(i.placed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as "placedOn",
           to_char(i.delivered_on, 'YYYY-MM-DD') as "deliveredOn", i.note, i.feedback,
           i.follow_up_user_id::text as "officerId", p.display_name as "officerName"
      from list_items i
      join compounds c on c.id = i.compound_id
      join units u on u.id = i.responsible_unit_id
      join users p on p.id = i.follow_up_user_id
      left join applications a on a.id = i.application_id
     where i.fund_id = ${input.fundId} and i.number = ${input.number}`;
  if (row === undefined) return null;
  const [steps, needList, resources, photos, evaluation, roles] = await Promise.all([
    stepsOf(sql, row.id),
    needsOf(sql, row.id),
    resourcesOf(sql, row.id),
    photosOf(sql, row.id, input.audience),
    evaluationOf(sql, row.id),
    sql<{ role: string }[]>`
      select distinct role from memberships where fund_id = ${input.fundId} and user_id = ${row.officerId} order by role`
  ]);
  const { officerId: _officerId, officerName, ...item } = row;
  return {
    ...item,
    status: shownStatus({ ...item, state: item.applicationStatus }),
    // The public sees the follow-up officer's role, never the person's name.
    officer: { name: input.audience === 'office' ? officerName : null, roles: roles.map((r) => r.role) },
    steps,
    needList,
    resources,
    photos,
    evaluation
  };
}

async function stepsOf(sql: Sql, itemId: string): Promise<ItemStep[]> {
  const rows = await sql<Omit<ItemStep, 'stage'>[]>`
    select kind, note, at from list_item_steps where list_item_id = ${itemId} order by at, id`;
  return rows.map((step) => ({ ...step, stage: deliberationStageOf({ of: 'list_item', kind: step.kind }) }));
}

function needsOf(sql: Sql, itemId: string): Promise<ItemNeed[]> {
  return sql<ItemNeed[]>`
    select n.number, n.category, n.body, n.status from list_item_needs l join needs n on n.id = l.need_id
     where l.list_item_id = ${itemId} order by n.number`;
}

function resourcesOf(sql: Sql, itemId: string): Promise<ItemResource[]> {
  // A private person's name is not shown: only a unit's, or an organisation's the office recorded.
  return sql<ItemResource[]>`
    select r.number, r.kind, r.description, r.quantity::text as quantity, r.measure,
           coalesce(u.name, case when r.provider_is_organisation then r.provider_name else '' end) as provider
      from list_item_resources l join resources r on r.id = l.resource_id
      left join units u on u.id = r.unit_id
     where l.list_item_id = ${itemId} order by r.number`;
}

async function photosOf(sql: Sql, itemId: string, audience: Audience): Promise<ItemPhoto[]> {
  const rows = await sql<ItemPhoto[]>`
    select p.sha256, a.checked_for_personal_data_at is not null as checked
      from list_item_photos p join attachments a on a.fund_id = p.fund_id and a.sha256 = p.sha256
     where p.list_item_id = ${itemId} order by p.added_at, p.sha256`;
  return audience === 'office' ? rows : rows.filter((photo) => photo.checked);
}

async function evaluationOf(sql: Sql, itemId: string): Promise<ItemEvaluation> {
  const rows = await sql<{ rating: Rating; comment: string; day: string }[]>`
    select rating, comment, to_char(on_day, 'YYYY-MM-DD') as day from list_item_evaluations
     where list_item_id = ${itemId} order by on_day desc, id desc`;
  const counts: Record<Rating, number> = { satisfied: 0, mostly_satisfied: 0, not_satisfied: 0 };
  for (const row of rows) counts[row.rating] += 1;
  return {
    total: RATINGS.reduce((sum, rating) => sum + counts[rating], 0),
    counts,
    comments: rows.filter((row) => row.comment.trim() !== '')
  };
}

/** A delivery photo the public may see: of this item, and checked for personal data. */
export async function publicPhoto(
  sql: Sql,
  input: { fundId: string; number: number; sha256: string }
): Promise<StoredAttachment | null> {
  if (!/^[0-9a-f]{64}$/.test(input.sha256)) return null;
  const [row] = await sql<StoredAttachment[]>`
    select a.sha256, a.media_type as "mediaType", a.original_name as "originalName", a.content
      from list_items i
      join list_item_photos p on p.list_item_id = i.id
      join attachments a on a.fund_id = p.fund_id and a.sha256 = p.sha256
     where i.fund_id = ${input.fundId} and i.number = ${input.number} and p.sha256 = ${input.sha256}
       and a.checked_for_personal_data_at is not null`;
  return row ?? null;
}
