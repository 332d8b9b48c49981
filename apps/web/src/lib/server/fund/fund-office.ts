import { ACCOUNTS, Money, money } from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import type { Sql } from '../db/client';
import { can, type Actor, type DenyReason } from '../access/policy';

/**
 * The fund office: the fund's profile and the figures its home page shows. Figures are decimal
 * strings computed in SQL on numeric columns, so no amount ever passes through a JS number.
 */

export interface FundProfile {
  nameZh: string;
  nameEn: string;
  community: string;
  street: string;
  description: string;
  fiscalYear: number;
}

export async function fundProfile(sql: Sql, fundId: string): Promise<FundProfile | null> {
  const [row] = await sql<FundProfile[]>`
    select name_zh as "nameZh", name_en as "nameEn", community, street, description, fiscal_year as "fiscalYear"
      from funds where id = ${fundId}`;
  return row ?? null;
}

export type UpdateProfileResult = { ok: true } | { ok: false; code: 'not_allowed'; reason: DenyReason };

/** Saves the profile. Sending the same form twice writes the same values, so it is its own replay. */
export async function updateFundProfile(
  sql: Sql,
  input: { actor: Actor; fundId: string; profile: FundProfile; now: Date; ip: string | null }
): Promise<UpdateProfileResult> {
  const decision = can(input.actor, 'fund.office.manage', { fundId: input.fundId });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  const profile = input.profile;
  return sql.begin(async (transaction): Promise<UpdateProfileResult> => {
    await transaction`
      update funds set name_zh = ${profile.nameZh}, name_en = ${profile.nameEn}, community = ${profile.community},
             street = ${profile.street}, description = ${profile.description}, fiscal_year = ${profile.fiscalYear}
       where id = ${input.fundId}`;
    await recordEvent(transaction, {
      action: 'fund.profile_updated',
      outcome: 'ok',
      at: input.now,
      actorUserId: input.actor.kind === 'user' ? input.actor.userId : null,
      fundId: input.fundId,
      ip: input.ip,
      resourceType: 'fund',
      resourceId: input.fundId
    });
    return { ok: true };
  });
}

export interface OfficeDashboard {
  /** Whether the fund has opened its books; without them every figure is zero. */
  hasBooks: boolean;
  /** The pool (1002.01) and cash on hand (1001). */
  balance: string;
  /** What open holds (approved grants) have reserved. */
  reserved: string;
  available: string;
  fiscalYear: number;
  pledged: string;
  paid: string;
  /** Pledged but not yet paid this fiscal year, summed over units (overpayments do not offset). */
  pledgedUnpaid: string;
}

export async function officeDashboard(sql: Sql, fundId: string, fiscalYear: number): Promise<OfficeDashboard> {
  const pool = await poolBalances(sql, fundId);
  const statements = await unitStatements(sql, fundId, fiscalYear);
  return {
    ...pool,
    fiscalYear,
    pledged: Money.sum(statements.map((s) => money(s.pledged ?? '0'))).toString(),
    paid: Money.sum(statements.map((s) => money(s.paid))).toString(),
    pledgedUnpaid: Money.sum(statements.map((s) => money(s.outstanding))).toString()
  };
}

export interface PoolBalances {
  /** Whether the fund has opened its books; without them every figure is zero. */
  hasBooks: boolean;
  /** The pool (1002.01) and cash on hand (1001). */
  balance: string;
  /** What open holds (approved grants) have reserved. */
  reserved: string;
  available: string;
}

/**
 * The pool's balance, what open holds reserve on it and what is left, from the maintained
 * balances of two accounts: the office's home page and the public fund page show the same figures.
 */
export async function poolBalances(sql: Sql, fundId: string): Promise<PoolBalances> {
  const [pool] = (await poolBalancesByFund(sql, [fundId])).values();
  return pool ?? poolOf({ hasBooks: false, balance: '0', reserved: '0' });
}

/**
 * The pool balances of many funds in one grouped query, by fund id: the region pages add up their
 * funds' figures from here, so a region's total is the sum of its funds' public pages.
 */
export async function poolBalancesByFund(sql: Sql, fundIds: readonly string[]): Promise<Map<string, PoolBalances>> {
  const rows = await sql<{ fundId: string; hasBooks: boolean; balance: string; reserved: string }[]>`
    select f.id::text as "fundId",
           exists (select 1 from accounts a where a.fund_id = f.id) as "hasBooks",
           coalesce(sum(b.debits_posted - b.credits_posted), 0)::numeric(18, 2)::text as balance,
           coalesce(sum(b.held_total), 0)::numeric(18, 2)::text as reserved
      from funds f
      left join account_balances b on b.fund_id = f.id and b.account_code in (${ACCOUNTS.pool}, ${ACCOUNTS.cash})
     where f.id = any(${fundIds as string[]}::bigint[])
     group by f.id`;
  return new Map(rows.map((row) => [row.fundId, poolOf(row)]));
}

function poolOf(row: { hasBooks: boolean; balance: string; reserved: string }): PoolBalances {
  const balance = money(row.balance);
  const reserved = money(row.reserved);
  return {
    hasBooks: row.hasBooks,
    balance: balance.toString(),
    reserved: reserved.toString(),
    available: balance.minus(reserved).toString()
  };
}

export interface UnitStatement {
  unitId: string;
  code: string;
  name: string;
  /** The unit's pledge for the fiscal year, or null when it pledged nothing. */
  pledged: string | null;
  /** Net contributions credited to the unit's sub-accounts of 4101 and 4201 that year. */
  paid: string;
  /** Pledged less paid, never below zero. */
  outstanding: string;
}

/**
 * Each unit's pledge, what it paid and what is still open for one fiscal year (a calendar year).
 * A payment is a credit to an income sub-account named for the unit, `4101.01.U-<code>` or any
 * other sub-account of 4101 or 4201 ending in `.U-<code>`; a reversal's debit takes it back out.
 */
export async function unitStatements(sql: Sql, fundId: string, fiscalYear: number): Promise<UnitStatement[]> {
  const from = `${fiscalYear}-01-01`;
  const until = `${fiscalYear + 1}-01-01`;
  return await sql<UnitStatement[]>`
    -- Materialized: inlined into the lateral join below, the planner pushes each unit's pattern
    -- down to the postings and scans them all once per unit.
    with paid as materialized (
      select p.account_code,
             sum(case when p.side = 'credit' then p.amount else -p.amount end) as amount
        from accounts a
        join postings p on p.fund_id = a.fund_id and p.account_code = a.code
        -- Each payment's date by its entry's key: a fund of 100,000 entries has a few hundred unit
        -- payments, and reading the year's entries by date instead would read them all.
        cross join lateral (
          select e.effective_date, e.id from entries e where e.fund_id = p.fund_id and e.seq = p.entry_seq limit 1
        ) e
       where a.fund_id = ${fundId}
         and (a.code like ${`${ACCOUNTS.donationsRestricted.slice(0, 4)}.%`}
              or a.code like ${`${ACCOUNTS.duesMembership}.%`})
         and a.code like '%.U-%'
         and e.effective_date >= ${from}::date and e.effective_date < ${until}::date
         -- The period close carries income into net assets; it takes no payment back.
         and not exists (select 1 from closing_entries c where c.fund_id = p.fund_id and c.entry_id = e.id)
       group by p.account_code
    )
    select u.id::text as "unitId", u.code, u.name,
           pl.amount::text as pledged,
           coalesce(paid.amount, 0)::numeric(18, 2)::text as paid,
           greatest(coalesce(pl.amount, 0) - coalesce(paid.amount, 0), 0)::numeric(18, 2)::text as outstanding
      from units u
      left join pledges pl on pl.fund_id = u.fund_id and pl.unit_id = u.id and pl.fiscal_year = ${fiscalYear}
      left join lateral (
        select sum(amount) as amount from paid where paid.account_code like '%.U-' || u.code
      ) paid on true
     where u.fund_id = ${fundId}
     order by u.code`;
}
