import { HASH_GENESIS, Money, verifyChain, type ChainCode, type ChainHead, type Entry } from '@gongjian/ledger';
import type { Sql, Transaction } from '../db/client';
import { entryColumns, entryOfRow, sha256Native, type EntryRow } from './rows';

/**
 * Verification of the books, for `npm run verify` and (later) an admin page: every fund's chain is
 * re-hashed entry by entry with the ledger's own canonical form, every entry's postings are summed,
 * and every maintained total is recomputed from the postings and holds. It reads one snapshot, so
 * postings committed meanwhile cannot look like a mismatch.
 */

export type BooksFinding =
  | {
      readonly fundId: string;
      readonly seq: number;
      readonly code: ChainCode | 'entry_must_balance' | 'chain_head_must_match_last_entry';
    }
  | {
      readonly fundId: string;
      readonly account: string;
      readonly code: 'balance_must_equal_postings' | 'held_total_must_equal_open_holds';
      readonly maintained: string;
      readonly recomputed: string;
    };

export type BooksReport = {
  readonly ok: boolean;
  readonly funds: number;
  readonly entries: number;
  /** Ordered by fund, then entries by seq before accounts by code. Per fund, only the first bad entry. */
  readonly findings: readonly BooksFinding[];
};

const CHUNK_ENTRIES = 2_000;

export async function verifyBooks(sql: Sql): Promise<BooksReport> {
  return (await sql.begin('isolation level repeatable read read only', async (transaction) => {
    const funds = await transaction<{ fund_id: string }[]>`select id::text as fund_id from funds order by id`;
    return await verifyIn(
      transaction,
      funds.map((fund) => fund.fund_id),
      sql.CLOSE
    );
  })) as BooksReport;
}

/**
 * Verifies the named funds only (a sample, for the scale benchmark or a spot check), with exactly
 * the checks verifyBooks runs on every fund, in one read-only snapshot.
 */
export async function verifyFunds(sql: Sql, fundIds: readonly string[]): Promise<BooksReport> {
  return (await sql.begin('isolation level repeatable read read only', (transaction) =>
    verifyIn(transaction, fundIds, sql.CLOSE)
  )) as BooksReport;
}

async function verifyIn(
  transaction: Transaction,
  fundIds: readonly string[],
  close: Sql['CLOSE']
): Promise<BooksReport> {
  const findings: BooksFinding[] = [];
  let entries = 0;
  for (const fundId of fundIds) {
    const fund = await verifyFundChain(transaction, fundId, close);
    entries += fund.entries;
    if (fund.finding !== null) findings.push(fund.finding);
    findings.push(...(await verifyFundTotals(transaction, fundId)));
  }
  return { ok: findings.length === 0, funds: fundIds.length, entries, findings };
}

async function verifyFundChain(
  sql: Transaction,
  fundId: string,
  close: Sql['CLOSE']
): Promise<{ entries: number; finding: BooksFinding | null }> {
  let head: ChainHead | null = null;
  let finding: BooksFinding | null = null;
  let count = 0;
  await sql<EntryRow[]>`${entryColumns(sql)} where e.fund_id = ${fundId} order by e.seq`.cursor(
    CHUNK_ENTRIES,
    (rows) => {
      const chunk = rows.map(entryOfRow);
      count += chunk.length;
      finding = firstBadEntry(fundId, chunk, head);
      const last = chunk.at(-1);
      if (last !== undefined) head = { seq: last.seq, hash: last.hash };
      // The first bad entry is what matters; everything after it follows a broken link anyway.
      return finding === null ? undefined : close;
    }
  );
  if (finding !== null) return { entries: count, finding };
  const [stored] = await sql<{ last_seq: string; last_hash: string }[]>`
    select last_seq::text, last_hash from chain_heads where fund_id = ${fundId}`;
  // The callback above assigns head, which TypeScript's narrowing cannot see.
  const last = head as ChainHead | null;
  const seqLast = last?.seq ?? 0;
  if (
    stored === undefined ||
    Number(stored.last_seq) !== seqLast ||
    stored.last_hash !== (last?.hash ?? HASH_GENESIS)
  ) {
    return { entries: count, finding: { fundId, seq: seqLast, code: 'chain_head_must_match_last_entry' } };
  }
  return { entries: count, finding: null };
}

function firstBadEntry(fundId: string, chunk: readonly Entry[], head: ChainHead | null): BooksFinding | null {
  const verdict = verifyChain(chunk, { hash: sha256Native, head });
  const unbalanced = chunk.find((entry) => !isBalanced(entry));
  const chainSeq = verdict.ok ? Number.POSITIVE_INFINITY : (chunk[verdict.index]?.seq ?? verdict.seq);
  if (!verdict.ok && (unbalanced === undefined || chainSeq <= unbalanced.seq)) {
    return { fundId, seq: chainSeq, code: verdict.code };
  }
  return unbalanced === undefined ? null : { fundId, seq: unbalanced.seq, code: 'entry_must_balance' };
}

function isBalanced(entry: Entry): boolean {
  if (entry.postings.length < 2) return false;
  const debits = Money.sum(entry.postings.filter((posting) => posting.side === 'debit').map((p) => p.amount));
  const credits = Money.sum(entry.postings.filter((posting) => posting.side === 'credit').map((p) => p.amount));
  return debits.equals(credits);
}

async function verifyFundTotals(sql: Transaction, fundId: string): Promise<BooksFinding[]> {
  const [postings, holds] = await Promise.all([
    sql<{ account_code: string; maintained: string; recomputed: string }[]>`
      select b.account_code,
        b.debits_posted::text || ' / ' || b.credits_posted::text as maintained,
        coalesce(p.debits, 0)::numeric(18, 2)::text || ' / ' || coalesce(p.credits, 0)::numeric(18, 2)::text as recomputed
      from account_balances b
      left join (
        select account_code, sum(amount) filter (where side = 'debit') as debits,
          sum(amount) filter (where side = 'credit') as credits
        from postings where fund_id = ${fundId} group by account_code
      ) p on p.account_code = b.account_code
      where b.fund_id = ${fundId}
        and (b.debits_posted <> coalesce(p.debits, 0) or b.credits_posted <> coalesce(p.credits, 0))
      order by b.account_code`,
    sql<{ account_code: string; maintained: string; recomputed: string }[]>`
      select b.account_code, b.held_total::text as maintained, coalesce(h.open, 0)::numeric(18, 2)::text as recomputed
      from account_balances b
      left join (
        select account_code, sum(amount - amount_settled - amount_released) as open
        from holds where fund_id = ${fundId} and status = 'open' group by account_code
      ) h on h.account_code = b.account_code
      where b.fund_id = ${fundId} and b.held_total <> coalesce(h.open, 0)
      order by b.account_code`
  ]);
  return [
    ...postings.map((row) => ({
      fundId,
      account: row.account_code,
      code: 'balance_must_equal_postings' as const,
      maintained: row.maintained,
      recomputed: row.recomputed
    })),
    ...holds.map((row) => ({
      fundId,
      account: row.account_code,
      code: 'held_total_must_equal_open_holds' as const,
      maintained: row.maintained,
      recomputed: row.recomputed
    }))
  ];
}

/** One line per finding, for the command line and logs. */
export function describeFinding(finding: BooksFinding): string {
  return 'seq' in finding
    ? `fund ${finding.fundId} seq ${finding.seq}: ${finding.code}`
    : `fund ${finding.fundId} account ${finding.account}: ${finding.code} (maintained ${finding.maintained}, from the journal ${finding.recomputed})`;
}
