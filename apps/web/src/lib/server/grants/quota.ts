import { QUOTA_STATES, money, quotaYearBounds, quotaYearOf, type Money } from '@gongjian/ledger';
import type postgres from 'postgres';
import type { Sql, Transaction } from '../db/client';

/*
 * The compound's yearly quota in SQL: the one place that turns the ledger's quota rule (which
 * grants count, QUOTA_STATES; which year, quotaYearOf and quotaYearBounds) into a query. The live
 * match on a draft, the approval that reserves a match, the review page and the public fund page
 * all read it from here.
 */

type Db = Sql | Transaction;

/** The SQL condition on an `applications a` row: its approved match counts in that quota year. */
function countsInYear(db: Db, year: number) {
  const bounds = quotaYearBounds(year);
  return countsBetween(db, db`${bounds.from}::timestamptz`, db`${bounds.until}::timestamptz`);
}

/** The same condition between two instants given as SQL (a year's bounds, or a joined row's columns). */
function countsBetween(db: Db, from: postgres.Fragment, until: postgres.Fragment) {
  return db`a.status = any(${[...QUOTA_STATES]}::text[]) and a.approved_amount is not null
            and a.decided_at >= ${from} and a.decided_at < ${until}`;
}

/**
 * What the compound was granted in the quota year of `at` (the instant of the decision, or now
 * for a preview), one application left out: the one being decided or previewed, so that it never
 * counts against itself.
 */
export async function compoundMatchedThisYear(
  db: Db,
  input: { fundId: string; compoundId: string; exceptApplicationId: string | null; at: Date }
): Promise<Money> {
  const [row] = await db<{ used: string }[]>`
    select coalesce(sum(a.approved_amount), 0)::numeric(18, 2)::text as used
      from applications a
     where a.fund_id = ${input.fundId} and a.compound_id = ${input.compoundId}
       and a.id is distinct from ${input.exceptApplicationId}::bigint
       and ${countsInYear(db, quotaYearOf(input.at))}`;
  return money(row?.used ?? '0.00');
}

/** Each compound of the fund with its match granted in the quota year of `at`, by code. */
export async function quotaUsedByCompound(
  db: Db,
  input: { fundId: string; at: Date }
): Promise<{ compoundId: string; code: string; name: string; used: string }[]> {
  return await db<{ compoundId: string; code: string; name: string; used: string }[]>`
    select c.id::text as "compoundId", c.code, c.name,
           coalesce(sum(a.approved_amount), 0)::numeric(18, 2)::text as used
      from compounds c
      left join applications a
        on a.fund_id = c.fund_id and a.compound_id = c.id and ${countsInYear(db, quotaYearOf(input.at))}
     where c.fund_id = ${input.fundId}
     group by c.id, c.code, c.name
     order by c.code`;
}

/**
 * Takes the compound's row lock, which every approval takes before it reads the quota: two
 * approvals for one compound then read and reserve one after the other, so together they never
 * pass the cap, even when they run in two app processes. (Approvals of one fund also queue on the
 * pool's lock today; this lock states the quota's own rule, so that it holds even if the pool's
 * lock is ever narrowed.)
 */
export async function lockCompoundQuota(
  transaction: Transaction,
  input: { fundId: string; compoundId: string }
): Promise<void> {
  await transaction`
    select 1 from compounds where fund_id = ${input.fundId} and id = ${input.compoundId} for update`;
}

/** One compound's match granted in one quota year (zero rows are left out). */
export interface QuotaYearRow {
  fundId: string;
  compoundId: string;
  year: number;
  used: string;
}

/**
 * What each compound of many funds was granted in each of the given quota years, in one grouped
 * query (the region pages' quota history). A grant counts as `countsInYear` counts it, by the same
 * QUOTA_STATES and the same quotaYearBounds, so a year's row equals what the fund's own page
 * showed for that compound that year.
 */
export async function quotaUsedByCompoundAndYear(
  db: Db,
  input: { fundIds: readonly string[]; years: readonly number[] }
): Promise<QuotaYearRow[]> {
  const bounds = input.years.map((year) => ({ year, ...quotaYearBounds(year) }));
  return await db<QuotaYearRow[]>`
    select a.fund_id::text as "fundId", a.compound_id::text as "compoundId", y.year::int as year,
           sum(a.approved_amount)::numeric(18, 2)::text as used
      from unnest(${bounds.map((b) => b.year)}::int[], ${bounds.map((b) => b.from)}::timestamptz[],
                  ${bounds.map((b) => b.until)}::timestamptz[]) as y (year, from_instant, until_instant)
      join applications a on ${countsBetween(db, db`y.from_instant`, db`y.until_instant`)}
     where a.fund_id = any(${input.fundIds as string[]}::bigint[])
     group by a.fund_id, a.compound_id, y.year`;
}
