import { randomBytes } from 'node:crypto';
import { CHART_MINFEI_2026, money, type Book, type PostCommand } from '@gongjian/ledger';
import { openChartIn } from '../../apps/web/src/lib/server/books/commands';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { APP_ROLE } from '../../apps/web/src/lib/server/db/index';

/**
 * Helpers for the books tests: a fund of its own per test (funds are cheap, databases are not),
 * opened with the 民非 chart, and commands that read like the books.
 */

/** Two pools on one database: the owner (superuser in the tests) and the app's role. */
export function clientsFor(url: string, max = 8): { owner: Sql; app: Sql } {
  return {
    owner: createClient(url, { max: 2, applicationName: 'gongjian-tests' }),
    app: createClient(url, { max, applicationName: 'gongjian-tests-app', role: APP_ROLE })
  };
}

/** Creates a fund with the default chart and returns its ledger id (funds.id as text). */
export async function createFund(owner: Sql, label = 'books'): Promise<string> {
  const slug = `${label}-${randomBytes(5).toString('hex')}`;
  return await owner.begin(async (transaction) => {
    const [fund] = await transaction<{ id: string }[]>`
      insert into funds (slug, name_zh, name_en) values (${slug}, '测试基金', 'Test fund') returning id::text as id`;
    if (fund === undefined) throw new Error('insert into funds returned nothing');
    await openChartIn(transaction, { fundId: fund.id, chart: CHART_MINFEI_2026 });
    return fund.id;
  });
}

/** Money into the pool: Dr 1002.01 / Cr 4101.02 (an unrestricted gift). */
export function contribution(amount: string, idempotencyKey?: string): PostCommand {
  const command: PostCommand = {
    date: '2026-03-01',
    memo: '捐赠',
    postings: [
      { account: '1002.01', side: 'debit', amount: money(amount) },
      { account: '4101.02', side: 'credit', amount: money(amount) }
    ]
  };
  return idempotencyKey === undefined ? command : { ...command, idempotencyKey };
}

/** Money out of the pool into a cost: Dr 5101 / Cr 1002.01. */
export function payout(amount: string, idempotencyKey?: string): PostCommand {
  const command: PostCommand = {
    date: '2026-03-02',
    memo: '支出',
    postings: [
      { account: '5101', side: 'debit', amount: money(amount) },
      { account: '1002.01', side: 'credit', amount: money(amount) }
    ]
  };
  return idempotencyKey === undefined ? command : { ...command, idempotencyKey };
}

export type BalanceRow = { code: string; debits: string; credits: string; held: string };

/** Every account's maintained totals that are not all zero, by code. */
export async function balancesOf(sql: Sql, fundId: string): Promise<BalanceRow[]> {
  return await sql<BalanceRow[]>`
    select account_code as code, debits_posted::text as debits, credits_posted::text as credits, held_total::text as held
    from account_balances
    where fund_id = ${fundId} and (debits_posted <> 0 or credits_posted <> 0 or held_total <> 0)
    order by account_code`;
}

/** The pool's available balance (balance less open holds), as text. */
export async function poolAvailable(sql: Sql, fundId: string): Promise<string> {
  const [row] = await sql<{ available: string }[]>`
    select (debits_posted - credits_posted - held_total)::text as available
    from account_balances where fund_id = ${fundId} and account_code = '1002.01'`;
  if (row === undefined) throw new Error(`fund ${fundId} has no pool account`);
  return row.available;
}

/** The pure Book's totals in the shape of balancesOf, for comparing the two. */
export function bookBalances(book: Book): BalanceRow[] {
  return book
    .trialBalance()
    .rows.map((row) => ({
      code: row.account,
      debits: row.debitsPosted.toString(),
      credits: row.creditsPosted.toString(),
      held: book.balance(row.account).minus(book.available(row.account)).toString()
    }))
    .filter((row) => row.debits !== '0.00' || row.credits !== '0.00' || row.held !== '0.00')
    .sort((first, second) => (first.code < second.code ? -1 : 1));
}
