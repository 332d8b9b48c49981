import { ACCOUNTS } from '@gongjian/ledger';
import type { Sql } from '../db/client';

export interface FundSummary {
  slug: string;
  nameZh: string;
  nameEn: string;
  createdAt: Date;
  /** How many journal entries the fund's books hold (its chain head). */
  entryCount: string;
  /** The pool account's balance (1002.01), as a decimal string; null before the fund has books. */
  poolBalance: string | null;
  /** The pool's balance less what approved grants have reserved. */
  poolAvailable: string | null;
}

/**
 * The funds on this installation, oldest first, for the public home page. The figures come from the
 * maintained balances, which the posting path keeps and `npm run verify` re-checks.
 */
export async function listFunds(sql: Sql): Promise<FundSummary[]> {
  return await sql<FundSummary[]>`
    select f.slug, f.name_zh as "nameZh", f.name_en as "nameEn", f.created_at as "createdAt",
      coalesce(h.last_seq, 0)::text as "entryCount",
      (b.debits_posted - b.credits_posted)::text as "poolBalance",
      (b.debits_posted - b.credits_posted - b.held_total)::text as "poolAvailable"
    from funds f
    left join chain_heads h on h.fund_id = f.id
    left join account_balances b on b.fund_id = f.id and b.account_code = ${ACCOUNTS.pool}
    order by f.created_at, f.id`;
}
