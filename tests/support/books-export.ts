import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportNameOf, money, toHledger } from '@gongjian/ledger';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import {
  accountColumns,
  accountStateOfRow,
  entryColumns,
  entryOfRow,
  type AccountRow,
  type EntryRow
} from '../../apps/web/src/lib/server/books/rows';

/*
 * One fund's books read back from PostgreSQL and handed to hledger, so that a test can check that
 * an independent tool adds the entries up to the balances the database maintains.
 */

export interface BooksAgreement {
  /** Account (in hledger's name) → balance, debits positive, from the maintained balances. */
  ours: Record<string, string>;
  /** The same from `hledger balance` on the exported journal. */
  hledger: Record<string, string>;
  /** The exit status of `hledger check --strict`. */
  checkStatus: number;
}

export async function hledgerAgreement(sql: Sql, fundId: string): Promise<BooksAgreement> {
  // The column lists are written for a transaction; one read-only transaction reads both at once.
  const { accountRows, entryRows } = await sql.begin(async (transaction) => ({
    accountRows: await transaction<
      AccountRow[]
    >`${accountColumns(transaction)} where b.fund_id = ${fundId} order by a.code`,
    entryRows: await transaction<EntryRow[]>`${entryColumns(transaction)} where e.fund_id = ${fundId} order by e.seq`
  }));
  const accounts = accountRows.map((row) => accountStateOfRow(row).account);
  const journal = toHledger({ fundId, accounts, entries: entryRows.map(entryOfRow) });
  const path = join(mkdtempSync(join(tmpdir(), 'gj-hledger-')), 'fund.journal');
  writeFileSync(path, journal);
  let checkStatus = 0;
  try {
    execFileSync('hledger', ['-f', path, 'check', '--strict'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    checkStatus = (error as { status?: number }).status ?? 1;
  }
  const csv = execFileSync('hledger', ['-f', path, 'balance', '--flat', '--no-total', '-O', 'csv'], {
    encoding: 'utf8'
  });
  const hledger = Object.fromEntries(
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('","').map((cell) => cell.replace(/"/g, '')))
      .map(([account = '', amount = '']) => [account, amount.replace(/ CNY$/, '')])
  );
  const ours: Record<string, string> = {};
  for (const row of accountRows) {
    const balance = money(row.debits_posted).minus(money(row.credits_posted));
    if (!balance.isZero()) ours[exportNameOf(accountStateOfRow(row).account)] = balance.toString();
  }
  return { ours, hledger, checkStatus };
}
