import { ACCOUNTS, Money, money, type RestrictedBalances } from '@gongjian/ledger';
import type { Sql, Transaction } from '../db/client';

/**
 * The last day of the fund's closed periods, or null while none is closed. Every use case that
 * dates an entry asks this (and the ledger's `checkOpenPeriod`) so that a refusal reads as a
 * sentence; PostgreSQL refuses the same entry on its own (GJ020, sql/017_period_close.sql).
 *
 * A caller that must be sure no close lands between this answer and its entry holds the fund's
 * chain-head lock first, as the posting path and the period close do.
 */
export async function closedThroughIn(transaction: Transaction | Sql, fundId: string): Promise<string | null> {
  const rows = await transaction<{ closedThrough: string | null }[]>`
    select to_char(max(period_end), 'YYYY-MM-DD') as "closedThrough"
      from period_closes where fund_id = ${fundId} and kind = 'month'`;
  return rows[0]?.closedThrough ?? null;
}

/**
 * The ids of the fund's closing entries (结账 carrying income and expenses into net assets). The
 * statement of activities and the cash flow statement leave them out, since they move nothing but
 * the books' own balances; the balance sheet keeps them.
 */
export async function closingEntryIdsIn(sql: Sql | Transaction, fundId: string): Promise<ReadonlySet<string>> {
  const rows = await sql<{ entryId: string }[]>`
    select entry_id::text as "entryId" from closing_entries where fund_id = ${fundId}`;
  return new Set(rows.map((row) => row.entryId));
}

/**
 * The restricted money the books hold now: 3102's credit balance (restricted income a close
 * carried there) and each restricted income account's credit balance (received in the open
 * period). The project close lifts a restriction from these (the ledger's
 * planRestrictionRelease), under the chain-head lock, so that they cannot move meanwhile.
 */
export async function restrictedBalancesIn(db: Sql | Transaction, fundId: string): Promise<RestrictedBalances> {
  const rows = await db<{ code: string; kind: string; balance: string }[]>`
    select a.code, a.kind, (b.credits_posted - b.debits_posted)::text as balance
      from accounts a join account_balances b on b.fund_id = a.fund_id and b.account_code = a.code
     where a.fund_id = ${fundId}
       and (a.code = ${ACCOUNTS.netAssetsRestricted} or (a.kind = 'income' and a.restriction = 'restricted'))
     order by a.code`;
  const netAssets = rows.find((row) => row.code === ACCOUNTS.netAssetsRestricted);
  return {
    netAssets: netAssets === undefined ? Money.zero() : money(netAssets.balance),
    income: rows
      .filter((row) => row.code !== ACCOUNTS.netAssetsRestricted)
      .map((row) => ({ account: row.code, balance: money(row.balance) }))
  };
}
