import type { Transaction } from '../db/client';

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
