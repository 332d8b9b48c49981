import { chinaDateOf } from '@gongjian/ledger';
import type { Sql } from '../db/client';
import { regionPage, type RegionPage } from './reads';

/*
 * The region pages' figures, kept per process while nothing they depend on moves, as the fund
 * pages' flows are (public/fund-page.ts): a county of 2,000 funds is read with a handful of grouped
 * queries, and its stamp (one aggregate over the funds' chain heads and last events, which funds
 * sit in which street, the names of the region, its parent and streets, and the date) tells when to read them again. A page whose stamp is unchanged
 * costs that one query.
 */

const REGIONS_KEPT_MAX = 64;
const kept = new Map<string, { stamp: string; page: Promise<RegionPage | null> }>();

/** What changes whenever a figure of the region's page may change. */
async function regionStamp(sql: Sql, slug: string, now: Date): Promise<string> {
  const [row] = await sql<{ stamp: string }[]>`
    with region as (select id from regions where slug = ${slug}),
         funds_in as (
           select f.id, f.region_id from funds f join regions s on s.id = f.region_id
            where s.id in (select id from region) or s.parent_id in (select id from region))
    select concat_ws('.',
             (select count(*) || '-' || coalesce(sum(region_id), 0) from funds_in),
             (select md5(string_agg(r.slug || r.name_zh || r.name_en, '|' order by r.id)) from regions r
               where r.id in (select id from region) or r.parent_id in (select id from region)
                  or r.id = (select parent_id from regions where slug = ${slug})),
             (select coalesce(sum(h.last_seq), 0) from chain_heads h where h.fund_id in (select id from funds_in)),
             (select coalesce(max(last.id), 0) from funds_in f
                cross join lateral (select e.id from events e where e.fund_id = f.id order by e.id desc limit 1) last)
           ) as stamp`;
  return `${row?.stamp ?? ''}.${chinaDateOf(now)}`;
}

/** regionPage, answered from this process's copy while the region's stamp stays put. */
export async function regionPageCached(sql: Sql, slug: string, now: Date): Promise<RegionPage | null> {
  const stamp = await regionStamp(sql, slug, now);
  const known = kept.get(slug);
  if (known !== undefined && known.stamp === stamp) return known.page;
  const page = regionPage(sql, slug, now);
  // A failed read is not kept: the next request tries again.
  page.catch(() => {
    if (kept.get(slug)?.page === page) kept.delete(slug);
  });
  kept.delete(slug);
  if (kept.size >= REGIONS_KEPT_MAX) kept.delete(kept.keys().next().value ?? '');
  kept.set(slug, { stamp, page });
  return page;
}
