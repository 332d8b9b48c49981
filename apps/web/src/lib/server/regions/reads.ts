import { GRANTED_STATES, Money, concentrationOf, money, quotaLeft, quotaYearOf } from '@gongjian/ledger';
import type { Sql } from '../db/client';
import { poolBalancesByFund, type PoolBalances } from '../fund/fund-office';
import { categoryLabelOf, currentPolicies, type PolicyVersion } from '../fund/fund-policy';
import { quotaUsedByCompoundAndYear } from '../grants/quota';
import { PUBLIC_PROJECT_STATUSES, projectTotalsByFund, type ProjectTotalsRow } from '../public/projects';
import type { RegionKind } from './admin';

/*
 * A region's public page (/r/<slug>): every fund of a street, or of every street of a county, with
 * the figures its own public page shows, added up. Each figure comes from the function the fund's
 * page reads it from, asked for all the region's funds at once (set-based, grouped by fund): the
 * pool from poolBalancesByFund, the projects from projectTotalsByFund, the quota from
 * quotaUsedByCompoundAndYear. So a county of 2,000 funds costs a handful of queries, and a region's
 * total is its funds' public figures added up with Money.
 */

/** How many quota years the history shows, this year included. */
export const QUOTA_HISTORY_YEARS = 5;

export interface RegionRef {
  slug: string;
  kind: RegionKind;
  nameZh: string;
  nameEn: string;
}

export interface MoneyFigures {
  balance: string;
  reserved: string;
  available: string;
  /** The match approved for grants that stand (GRANTED_STATES). */
  matched: string;
  matchPaid: string;
  selfRaised: string;
}

export interface RegionFund extends MoneyFigures {
  slug: string;
  nameZh: string;
  nameEn: string;
  streetSlug: string;
  projects: number;
  compounds: number;
  compoundsServed: number;
}

export interface RegionStreet extends RegionRef, MoneyFigures {
  funds: number;
}

export interface QuotaHistoryRow {
  fundSlug: string;
  compoundName: string;
  cap: string | null;
  /** What was used in each year of `quotaYears`, and what was left of the cap. */
  years: { year: number; used: string; left: string | null }[];
}

export interface RegionPage {
  region: RegionRef;
  parent: RegionRef | null;
  funds: RegionFund[];
  /** A county's streets with their totals; empty for a street. */
  streets: RegionStreet[];
  totals: MoneyFigures;
  byStatus: { status: string; count: number; matched: string }[];
  byCategory: { category: string; labelZh: string; labelEn: string; count: number; matched: string }[];
  compounds: number;
  compoundsServed: number;
  quotaYears: number[];
  /** A street's compounds year by year; a county's page leaves it to its streets' pages. */
  quota: QuotaHistoryRow[];
  fairness: {
    neverServed: { fundSlug: string; compoundName: string }[];
    /** The top fifth's share in percent, one decimal ("62.5"); null when nothing was granted. */
    topFifthPercent: string | null;
    gini: string | null;
    hhi: string | null;
  };
}

interface FundRow {
  id: string;
  slug: string;
  nameZh: string;
  nameEn: string;
  streetSlug: string;
}

interface CompoundRow {
  fundId: string;
  compoundId: string;
  name: string;
}

/** The region, its parent, and its streets when it is a county; null for an unknown slug. */
async function regionOf(sql: Sql, slug: string) {
  const [region] = await sql<(RegionRef & { id: string; parentId: string | null })[]>`
    select id::text as id, parent_id::text as "parentId", slug, kind, name_zh as "nameZh", name_en as "nameEn"
      from regions where slug = ${slug}`;
  if (region === undefined) return null;
  const [parent] = await sql<RegionRef[]>`
    select slug, kind, name_zh as "nameZh", name_en as "nameEn" from regions where id = ${region.parentId}`;
  const streets = await sql<(RegionRef & { id: string })[]>`
    select id::text as id, slug, kind, name_zh as "nameZh", name_en as "nameEn" from regions
     where parent_id = ${region.id} order by slug`;
  return { region, parent: parent ?? null, streets };
}

/** The public page of a street or county, or null when no region has this slug. */
export async function regionPage(sql: Sql, slug: string, now: Date): Promise<RegionPage | null> {
  const found = await regionOf(sql, slug);
  if (found === null) return null;
  const { region, parent, streets } = found;
  const funds = await sql<FundRow[]>`
    select f.id::text as id, f.slug, f.name_zh as "nameZh", f.name_en as "nameEn", s.slug as "streetSlug"
      from funds f join regions s on s.id = f.region_id
     where s.id = ${region.id} or s.parent_id = ${region.id}
     order by f.slug`;
  const ids = funds.map((fund) => fund.id);
  const thisYear = quotaYearOf(now);
  const quotaYears = Array.from({ length: QUOTA_HISTORY_YEARS }, (_, index) => thisYear - index);
  const [pools, projects, compounds, policies, quotaRows] = await Promise.all([
    poolBalancesByFund(sql, ids),
    projectTotalsByFund(sql, ids),
    sql<CompoundRow[]>`
      select fund_id::text as "fundId", id::text as "compoundId", name from compounds
       where fund_id = any(${ids}::bigint[]) order by fund_id, code`,
    currentPolicies(sql, ids),
    region.kind === 'street' ? quotaUsedByCompoundAndYear(sql, { fundIds: ids, years: quotaYears }) : []
  ]);
  const served = await servedCompounds(sql, ids);
  // Grouped by fund first: a county holds thousands of funds, so nothing scans every row per fund.
  const projectsOf = groupBy(projects, (row) => row.fundId);
  const compoundsOf = groupBy(compounds, (row) => row.fundId);
  const fundRows = funds.map((fund) =>
    regionFundOf(fund, pools.get(fund.id), projectsOf.get(fund.id) ?? [], compoundsOf.get(fund.id) ?? [], served)
  );
  const fundsOf = groupBy(fundRows, (row) => row.streetSlug);
  return {
    region: { slug: region.slug, kind: region.kind, nameZh: region.nameZh, nameEn: region.nameEn },
    parent,
    funds: fundRows,
    streets: streets.map((street) => ({
      slug: street.slug,
      kind: street.kind,
      nameZh: street.nameZh,
      nameEn: street.nameEn,
      funds: fundsOf.get(street.slug)?.length ?? 0,
      ...sumFigures(fundsOf.get(street.slug) ?? [])
    })),
    totals: sumFigures(fundRows),
    ...projectBreakdown(projects, policies),
    compounds: compounds.length,
    compoundsServed: served.size,
    quotaYears,
    quota: region.kind === 'street' ? quotaHistory({ funds, compounds, policies, quotaRows, quotaYears }) : [],
    fairness: fairnessOf(funds, compounds, served)
  };
}

/**
 * Each compound that has a grant that stands, with the match it was granted over all years (the
 * amounts the fairness view measures). A compound absent from the map was never served.
 */
async function servedCompounds(sql: Sql, fundIds: string[]): Promise<Map<string, Money>> {
  const rows = await sql<{ compoundId: string; matched: string }[]>`
    select compound_id::text as "compoundId", sum(coalesce(approved_amount, 0))::numeric(18, 2)::text as matched
      from applications
     where fund_id = any(${fundIds}::bigint[]) and status = any(${[...GRANTED_STATES]}::text[])
     group by compound_id`;
  return new Map(rows.map((row) => [row.compoundId, money(row.matched)]));
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return groups;
}

/** One fund's row: its own projects and compounds only. */
function regionFundOf(
  fund: FundRow,
  pool: PoolBalances | undefined,
  own: ProjectTotalsRow[],
  ownCompounds: CompoundRow[],
  served: Map<string, Money>
): RegionFund {
  const granted = own.filter((row) => (GRANTED_STATES as readonly string[]).includes(row.status));
  const sum = (rows: ProjectTotalsRow[], pick: (row: ProjectTotalsRow) => string) =>
    Money.sum(rows.map((row) => money(pick(row)))).toString();
  return {
    slug: fund.slug,
    nameZh: fund.nameZh,
    nameEn: fund.nameEn,
    streetSlug: fund.streetSlug,
    balance: pool?.balance ?? '0.00',
    reserved: pool?.reserved ?? '0.00',
    available: pool?.available ?? '0.00',
    matched: sum(granted, (row) => row.matchApproved),
    matchPaid: sum(own, (row) => row.matchPaid),
    selfRaised: sum(own, (row) => row.selfRaisedReceived),
    projects: own.reduce((count, row) => count + row.count, 0),
    compounds: ownCompounds.length,
    compoundsServed: ownCompounds.filter((compound) => served.has(compound.compoundId)).length
  };
}

const FIGURES = ['balance', 'reserved', 'available', 'matched', 'matchPaid', 'selfRaised'] as const;

/** The funds' figures added up, exactly, with Money. */
export function sumFigures(funds: readonly MoneyFigures[]): MoneyFigures {
  const totals = {} as Record<(typeof FIGURES)[number], string>;
  for (const figure of FIGURES) totals[figure] = Money.sum(funds.map((fund) => money(fund[figure]))).toString();
  return totals;
}

/** Projects by status (in the order of a grant's life) and by category, with the match of each. */
function projectBreakdown(
  projects: ProjectTotalsRow[],
  policies: Map<string, PolicyVersion>
): Pick<RegionPage, 'byStatus' | 'byCategory'> {
  const byStatus = PUBLIC_PROJECT_STATUSES.map((status) => {
    const rows = projects.filter((row) => row.status === status);
    return {
      status,
      count: rows.reduce((count, row) => count + row.count, 0),
      matched: Money.sum(rows.map((row) => money(row.matchApproved))).toString()
    };
  }).filter((row) => row.count > 0);
  const categories = new Map<string, { labelZh: string; labelEn: string; count: number; matched: Money }>();
  for (const row of projects) {
    const policy = policies.get(row.fundId)?.policy;
    const label = policy === undefined ? undefined : categoryLabelOf(policy, row.category);
    const entry = categories.get(row.category) ?? {
      labelZh: label?.labelZh ?? row.category,
      labelEn: label?.labelEn ?? row.category,
      count: 0,
      matched: Money.zero()
    };
    entry.count += row.count;
    if ((GRANTED_STATES as readonly string[]).includes(row.status))
      entry.matched = entry.matched.plus(money(row.matchApproved));
    categories.set(row.category, entry);
  }
  const byCategory = [...categories.entries()]
    .map(([category, entry]) => ({ category, ...entry, matched: entry.matched.toString() }))
    .sort((a, b) => a.category.localeCompare(b.category));
  return { byStatus, byCategory };
}

/** Each compound's quota used, year by year, against the cap of its fund's current policy. */
function quotaHistory(input: {
  funds: FundRow[];
  compounds: CompoundRow[];
  policies: Map<string, PolicyVersion>;
  quotaRows: Awaited<ReturnType<typeof quotaUsedByCompoundAndYear>>;
  quotaYears: number[];
}): QuotaHistoryRow[] {
  const used = new Map(input.quotaRows.map((row) => [`${row.compoundId}|${row.year}`, money(row.used)]));
  const slugOf = new Map(input.funds.map((fund) => [fund.id, fund.slug]));
  return input.compounds.map((compound) => {
    const match = input.policies.get(compound.fundId)?.policy.match;
    return {
      fundSlug: slugOf.get(compound.fundId) ?? '',
      compoundName: compound.name,
      cap: match?.capPerCompoundPerYear?.toString() ?? null,
      years: input.quotaYears.map((year) => {
        const amount = used.get(`${compound.compoundId}|${year}`) ?? Money.zero();
        const left = match === undefined ? null : quotaLeft(match, amount);
        return { year, used: amount.toString(), left: left?.toString() ?? null };
      })
    };
  });
}

function fairnessOf(funds: FundRow[], compounds: CompoundRow[], served: Map<string, Money>): RegionPage['fairness'] {
  const slugOf = new Map(funds.map((fund) => [fund.id, fund.slug]));
  const figures = concentrationOf(compounds.map((compound) => served.get(compound.compoundId) ?? Money.zero()));
  return {
    neverServed: compounds
      .filter((compound) => !served.has(compound.compoundId))
      .map((compound) => ({ fundSlug: slugOf.get(compound.fundId) ?? '', compoundName: compound.name })),
    // Shown as people read them: the share in percent with one decimal, the indices with three.
    topFifthPercent: figures.topFifthShare?.times(100).toFixed(1) ?? null,
    gini: figures.gini?.toFixed(3) ?? null,
    hhi: figures.hhi?.toFixed(3) ?? null
  };
}

/** The street a fund belongs to, for the link on its public page; null when it belongs to none. */
export async function streetOfFund(sql: Sql, fundId: string): Promise<RegionRef | null> {
  const [street] = await sql<RegionRef[]>`
    select r.slug, r.kind, r.name_zh as "nameZh", r.name_en as "nameEn"
      from funds f join regions r on r.id = f.region_id
     where f.id = ${fundId}`;
  return street ?? null;
}
