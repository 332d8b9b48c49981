import type { Sql } from './db/client';

export interface FundSummary {
  slug: string;
  nameZh: string;
  nameEn: string;
  createdAt: Date;
}

/** The funds on this installation, oldest first, for the public home page. */
export async function listFunds(sql: Sql): Promise<FundSummary[]> {
  return await sql<FundSummary[]>`
    select slug, name_zh as "nameZh", name_en as "nameEn", created_at as "createdAt"
    from funds
    order by created_at, id`;
}
