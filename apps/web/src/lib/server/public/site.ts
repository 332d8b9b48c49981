import { chinaDateOf } from '@gongjian/ledger';
import type { Sql } from '../db/client';

/**
 * What every public page (/f/<slug>/…) knows about its fund: its names and where its books stand.
 * Anyone may read it; nothing here is private.
 */
export interface PublicFund {
  id: string;
  slug: string;
  nameZh: string;
  nameEn: string;
}

/** The last entry of a fund's hash chain: seq 0 and 64 zeros before the first entry. */
export interface LedgerHead {
  seq: number;
  hash: string;
}

export interface PublicSite {
  fund: PublicFund;
  head: LedgerHead;
  /**
   * What a public page of this fund can depend on, in one short string: the ledger head, the
   * fund's last recorded event (every state change writes one: a vote, a notice, an evaluation, a
   * receipt checked for personal data) and today's date in the fund's time zone (a notice period
   * opens and ends by the calendar). Two requests with the same stamp see the same public pages,
   * so it is what the public ETags are made of.
   */
  stamp: string;
}

/** A site as read from the database, with the fund's last event (for public/reads.ts). */
export interface PublicSiteRead extends PublicSite {
  /** The id of the fund's last recorded event ("0" before the first), a bigint as text. */
  lastEvent: string;
}

/**
 * Anything that could be a fund's web name (funds-admin is stricter about new ones); anything
 * else is not looked up at all.
 */
const SLUG = /^[a-z0-9][a-z0-9_-]{0,79}$/;

/** The fund named by a public URL with its ledger head, or null when no fund has that slug. */
export async function publicSite(sql: Sql, slug: string, now: Date): Promise<PublicSiteRead | null> {
  if (!SLUG.test(slug)) return null;
  const [row] = await sql<
    { id: string; slug: string; nameZh: string; nameEn: string; seq: string; hash: string; lastEvent: string }[]
  >`
    select f.id::text as id, f.slug, f.name_zh as "nameZh", f.name_en as "nameEn",
           h.last_seq::text as seq, h.last_hash as hash,
           coalesce((select e.id from events e where e.fund_id = f.id order by e.id desc limit 1), 0)::text
             as "lastEvent"
      from funds f join chain_heads h on h.fund_id = f.id
     where f.slug = ${slug}`;
  if (row === undefined) return null;
  const seq = Number(row.seq);
  return {
    fund: { id: row.id, slug: row.slug, nameZh: row.nameZh, nameEn: row.nameEn },
    head: { seq, hash: row.hash },
    lastEvent: row.lastEvent,
    stamp: `${row.seq}.${row.hash.slice(0, 16)}.${row.lastEvent}.${chinaDateOf(now)}`
  };
}

/** The reads under way, per pool (the primary's and the replica's are different answers). */
const inFlight = new WeakMap<Sql, Map<string, Promise<PublicSiteRead | null>>>();

/**
 * publicSite for the public pages' cache, shared by the requests that arrive while it is being
 * read: under load, many visitors of one fund wait for one query instead of queueing 64 of them
 * for the pool. A joining request sees the books as of at most one query's duration (about a
 * millisecond) before it arrived; signed-in people, who are the ones who just changed something,
 * never take this path.
 */
export function publicSiteShared(sql: Sql, slug: string, now: Date): Promise<PublicSiteRead | null> {
  let reads = inFlight.get(sql);
  if (reads === undefined) {
    reads = new Map();
    inFlight.set(sql, reads);
  }
  const pending = reads.get(slug);
  if (pending !== undefined) return pending;
  const reading = publicSite(sql, slug, now).finally(() => reads.delete(slug));
  reads.set(slug, reading);
  return reading;
}
