import type { Sql, Transaction } from '../db/client';

/**
 * The last day of the fund's closed periods, or null while none is closed. Every use case that
 * dates an entry asks this (and the ledger's `checkOpenPeriod`) so that a refusal reads as a
 * sentence; PostgreSQL refuses the same entry on its own.
 *
 * Until the period close lands this answers null: no period is ever closed.
 */
export async function closedThroughIn(transaction: Transaction, fundId: string): Promise<string | null> {
  void transaction;
  void fundId;
  return null;
}

/**
 * The ids of the fund's closing entries (结账 carrying income and expenses into net assets). The
 * statement of activities and the cash flow statement leave them out, since they move nothing but
 * the books' own balances; the balance sheet keeps them.
 *
 * Until the period close lands there are none.
 */
export async function closingEntryIdsIn(sql: Sql | Transaction, fundId: string): Promise<ReadonlySet<string>> {
  void sql;
  void fundId;
  return new Set();
}
