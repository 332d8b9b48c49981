import {
  inKindDisclosure,
  money,
  recognitionOf,
  type DisclosureLine,
  type Recognition,
  type ResourceKind
} from '@gongjian/ledger';
import type { Sql } from '../../db/client';

/**
 * The resources list as the office reads it (every field, who offered it by name) and as the
 * public reads it: an individual is never named there ("an individual"), and the year's in-kind
 * and service contributions are disclosed beside the ones the books recognised.
 */

export type ResourceStatus = 'offered' | 'withdrawn' | 'used_up';
export const RESOURCE_STATUSES: readonly ResourceStatus[] = ['offered', 'withdrawn', 'used_up'];

export interface ResourceRow {
  number: number;
  kind: ResourceKind;
  description: string;
  /** The unit's name, the organisation's name, or (office only) the individual's name. */
  provider: string | null;
  providerIsUnit: boolean;
  quantity: string;
  measure: string;
  value: string | null;
  availableFrom: string;
  availableUntil: string | null;
  conditions: string;
  status: ResourceStatus;
  /** What it has given so far: how many times, how much in its measure, the stated values. */
  givenCount: number;
  givenQuantity: string;
  givenValue: string;
}

interface RawRow extends Omit<ResourceRow, 'provider' | 'providerIsUnit'> {
  unitName: string | null;
  providerName: string;
  providerIsOrganisation: boolean;
}

async function resourceRows(
  sql: Sql,
  fundId: string,
  where: {
    kind: ResourceKind | null;
    unitCode: string | null;
    status: ResourceStatus | null;
    year: number | null;
    number?: number;
  }
): Promise<RawRow[]> {
  return sql<RawRow[]>`
    select r.number, r.kind, r.description, u.name as "unitName", r.provider_name as "providerName",
           r.provider_is_organisation as "providerIsOrganisation", r.quantity::text as quantity, r.measure,
           r.value::text as value, to_char(r.available_from, 'YYYY-MM-DD') as "availableFrom",
           to_char(r.available_until, 'YYYY-MM-DD') as "availableUntil", r.conditions, r.status,
           count(c.id)::int as "givenCount", coalesce(sum(c.quantity), 0)::numeric(18, 2)::text as "givenQuantity",
           coalesce(sum(c.value), 0)::numeric(18, 2)::text as "givenValue"
      from resources r
      left join units u on u.fund_id = r.fund_id and u.id = r.unit_id
      left join resource_contributions c on c.resource_id = r.id
     where r.fund_id = ${fundId}
       and (${where.number ?? null}::int is null or r.number = ${where.number ?? null})
       and (${where.kind}::text is null or r.kind = ${where.kind})
       and (${where.unitCode}::text is null or u.code = ${where.unitCode})
       and (${where.status}::text is null or r.status = ${where.status})
       and (${where.year}::int is null
            or extract(year from r.available_from) <= ${where.year}
               and (r.available_until is null or extract(year from r.available_until) >= ${where.year}))
     group by r.id, u.name
     order by r.number desc`;
}

function withProvider(row: RawRow, { public: isPublic }: { public: boolean }): ResourceRow {
  const { unitName, providerName, providerIsOrganisation, ...rest } = row;
  // An individual is named to the office only; the public reads "an individual".
  const provider = unitName ?? (providerIsOrganisation || !isPublic ? providerName : null);
  return { ...rest, provider, providerIsUnit: unitName !== null };
}

export interface Option {
  id: string;
  code: string;
  name: string;
}

/** The office's list: every offer, newest first, and the units the add form offers. */
export async function officeResources(sql: Sql, fundId: string): Promise<{ rows: ResourceRow[]; units: Option[] }> {
  const rows = await resourceRows(sql, fundId, { kind: null, unitCode: null, status: null, year: null });
  const units = await sql<Option[]>`
    select id::text as id, code, name from units where fund_id = ${fundId} order by code`;
  return { rows: rows.map((row) => withProvider(row, { public: false })), units };
}

export interface ContributionRow {
  givenOn: string;
  quantity: string;
  value: string | null;
  note: string;
  listItem: { number: number; title: string } | null;
  entrySeq: number | null;
}

/** The contributions of one offer, or (number null) of every offer of the fund, newest first. */
async function contributionsOf(
  sql: Sql,
  fundId: string,
  number: number | null
): Promise<(ContributionRow & { resourceNumber: number })[]> {
  const rows = await sql<
    (Omit<ContributionRow, 'listItem' | 'entrySeq'> & {
      resourceNumber: number;
      itemNumber: number | null;
      itemTitle: string | null;
      entrySeq: string | null;
    })[]
  >`
    select to_char(c.given_on, 'YYYY-MM-DD') as "givenOn", c.quantity::text as quantity, c.value::text as value,
           c.note, i.number as "itemNumber", i.title as "itemTitle", c.entry_seq::text as "entrySeq",
           r.number as "resourceNumber"
      from resource_contributions c
      join resources r on r.id = c.resource_id
      left join list_items i on i.id = c.list_item_id
     where r.fund_id = ${fundId} and (${number}::int is null or r.number = ${number})
     order by c.given_on desc, c.id desc`;
  return rows.map(({ itemNumber, itemTitle, entrySeq, ...row }) => ({
    ...row,
    listItem: itemNumber === null || itemTitle === null ? null : { number: itemNumber, title: itemTitle },
    entrySeq: entrySeq === null ? null : Number(entrySeq)
  }));
}

export interface ResourceDetail {
  resource: ResourceRow;
  contributions: ContributionRow[];
  /** The fund's list items a contribution may go to. */
  listItems: { id: string; number: number; title: string }[];
  /** What the books make of a contribution with a stated value, and of one without. */
  recognition: { withValue: Recognition; withoutValue: Recognition };
}

/** One offer for the office, with what it gave; null when the fund has no offer of that number. */
export async function resourceDetail(sql: Sql, fundId: string, number: number): Promise<ResourceDetail | null> {
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const [row] = await resourceRows(sql, fundId, { kind: null, unitCode: null, status: null, year: null, number });
  if (row === undefined) return null;
  const listItems = await sql<{ id: string; number: number; title: string }[]>`
    select id::text as id, number, title from list_items where fund_id = ${fundId} order by number desc limit 200`;
  return {
    resource: withProvider(row, { public: false }),
    contributions: await contributionsOf(sql, fundId, number),
    listItems,
    recognition: {
      withValue: recognitionOf(row.kind, { valueReliable: true }),
      withoutValue: recognitionOf(row.kind, { valueReliable: false })
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The public page

export interface PublicResourceFilters {
  kind: ResourceKind | null;
  unit: string | null;
  status: ResourceStatus | null;
  year: number | null;
}

export interface PublicContribution {
  number: number;
  kind: ResourceKind;
  givenOn: string;
  quantity: string;
  measure: string;
  value: string | null;
  entrySeq: number | null;
}

export interface PublicResources {
  rows: (ResourceRow & { contributions: ContributionRow[] })[];
  options: { units: { code: string; name: string }[]; years: number[] };
  /** The year the disclosure covers: the filter's, or the fund's fiscal year. */
  year: number;
  /** The ledger's disclosure lines, with the value as a decimal string for the page. */
  disclosure: (Omit<DisclosureLine, 'value'> & { value: string })[];
  /** The contributions of the year the books recognised, each with its entry. */
  recognised: PublicContribution[];
}

/** The public resources list, filtered, with the year's disclosure of in-kind and service gifts. */
export async function publicResources(
  sql: Sql,
  fundId: string,
  filters: PublicResourceFilters
): Promise<PublicResources> {
  const raw = await resourceRows(sql, fundId, {
    kind: filters.kind,
    unitCode: filters.unit,
    status: filters.status,
    year: filters.year
  });
  // One query for every offer's contributions, grouped here, rather than one query per offer.
  const byNumber = new Map<number, ContributionRow[]>();
  for (const { resourceNumber, ...item } of await contributionsOf(sql, fundId, null)) {
    // The note is the office's own words; the public reads the day, quantity, value and entry.
    byNumber.set(resourceNumber, [...(byNumber.get(resourceNumber) ?? []), { ...item, note: '' }]);
  }
  const rows = raw.map((row) => ({
    ...withProvider(row, { public: true }),
    contributions: byNumber.get(row.number) ?? []
  }));
  const units = await sql<{ code: string; name: string }[]>`
    select code, name from units where fund_id = ${fundId} order by code`;
  const [fund] = await sql<{ fiscal_year: number; years: number[] }[]>`
    select f.fiscal_year,
           coalesce((select array_agg(distinct extract(year from r.available_from)::int order by extract(year from r.available_from)::int desc)
                       from resources r where r.fund_id = f.id), '{}') as years
      from funds f where f.id = ${fundId}`;
  const year = filters.year ?? fund?.fiscal_year ?? new Date().getUTCFullYear();
  const given = await sql<PublicContribution[]>`
    select r.number, r.kind, to_char(c.given_on, 'YYYY-MM-DD') as "givenOn", c.quantity::text as quantity,
           r.measure, c.value::text as value, c.entry_seq::int as "entrySeq"
      from resource_contributions c join resources r on r.id = c.resource_id
     where r.fund_id = ${fundId} and extract(year from c.given_on) = ${year}
     order by c.given_on, c.id`;
  const disclosure = inKindDisclosure(
    given.map((item) => ({
      kind: item.kind,
      quantity: item.quantity,
      measure: item.measure,
      value: item.value === null ? null : money(item.value)
    }))
  );
  return {
    rows,
    options: { units, years: fund?.years ?? [] },
    year,
    disclosure: disclosure.map((line) => ({ ...line, value: line.value.toString() })),
    recognised: given.filter((item) => item.entrySeq !== null)
  };
}

/** Whether the fund has an offer of this number (a form posted to none is 404 before it is read). */
export async function resourceExists(sql: Sql, fundId: string, number: number): Promise<boolean> {
  const [row] = await sql`select 1 from resources where fund_id = ${fundId} and number = ${number}`;
  return row !== undefined;
}
