import type { RequestEvent } from '@sveltejs/kit';
import type { Sql } from '../db/client';
import * as database from '../platform/database';
import { ReplicaLagWatch } from '../platform/replica';
import { publicSlugOf } from './cache';
import { ServedStamps } from './served-stamps';
import { publicSite, publicSiteShared, type PublicSite, type PublicSiteRead } from './site';

/**
 * Where a public page reads from (see README, Read replicas). With DATABASE_REPLICA_URL set, an
 * anonymous GET of a public page reads from the replica; everything else (a signed-in person, a
 * form post, a page a visitor has just written through) reads from the primary. A public page
 * asks `publicReads(event)` for its connection and nothing more, so a new public page gets the
 * replica by calling one function.
 *
 * Two promises hold for an anonymous visitor:
 * - **It says when it may be behind:** a page read from a replica lagging more than
 *   REPLICA_LAG_NOTE_SECONDS carries a short note (`publicReadsBehind`).
 * - **It never goes backwards:** this process remembers, per fund, the newest ledger head and last
 *   event of a public page it has served (to anyone: a signed-in person's page comes from the
 *   primary); when the replica's are older, the request reads from the primary instead.
 */
export interface PublicReadsChoice {
  sql: Sql;
  /**
   * REPLICA_LAG_NOTE_SECONDS when the page should say it may be behind that much (it is read from
   * a replica lagging past it), else null.
   */
  behindSeconds: number | null;
  /** The fund of a /f/<slug> page as read from `sql`, when the choice had to read it (null: no such fund). */
  site?: PublicSiteRead | null;
}

type ReadsEvent = Pick<RequestEvent, 'locals' | 'request' | 'url'>;

/** The connection this request's public reads use: the replica or the primary (see above). */
export async function publicReads(event: ReadsEvent): Promise<Sql> {
  return (await choiceOf(event)).sql;
}

/**
 * The bound (REPLICA_LAG_NOTE_SECONDS) that the replica this request's public page reads from lags
 * past, for the page's note; null when it reads from the primary or a replica within the bound.
 */
export async function publicReadsBehind(event: ReadsEvent): Promise<number | null> {
  return (await choiceOf(event)).behindSeconds;
}

/**
 * The fund of a /f/<slug> page, read where the rest of the page is read, and the stamp of what
 * the page shows for the public pages' cache and ETags (a page with the lag note is another page).
 */
export async function publicSiteOf(
  event: ReadsEvent,
  slug: string
): Promise<{ site: PublicSite; stamp: string } | null> {
  const choice = await choiceOf(event);
  // Only anonymous reads share a query under way (see publicSiteShared): one that started before a
  // signed-in person's own write must not answer them.
  const read = mayReadBehind(event) ? publicSiteShared : publicSite;
  const site = choice.site !== undefined ? choice.site : await read(choice.sql, slug, new Date());
  if (site === null) return null;
  // Whoever it is served to (a signed-in person reads the primary), an anonymous visitor after
  // them must not see the fund older than this.
  if (database.replica() !== undefined) served.record(site.fund.id, positionOf(site));
  return { site, stamp: choice.behindSeconds === null ? site.stamp : `${site.stamp}.behind` };
}

/** The choice is made once per request, on first use (the public cache's hook, or a load). */
function choiceOf(event: ReadsEvent): Promise<PublicReadsChoice> {
  event.locals.publicReads ??= choose(event);
  return event.locals.publicReads;
}

const served = new ServedStamps();
const watches = new WeakMap<Sql, ReplicaLagWatch>();

async function choose(event: ReadsEvent): Promise<PublicReadsChoice> {
  const primary = database.sql();
  const replica = database.replica();
  if (replica === undefined || !mayReadBehind(event)) return { sql: primary, behindSeconds: null };
  const lag = await watchOf(replica.sql).current(Date.now());
  if (lag === null) return { sql: primary, behindSeconds: null };
  const behindSeconds = lag.lagSeconds > replica.lagNoteSeconds ? replica.lagNoteSeconds : null;
  const slug = publicSlugOf(event.url.pathname);
  if (slug === null) return { sql: replica.sql, behindSeconds };
  const now = new Date();
  const onReplica = await publicSiteShared(replica.sql, slug, now).catch((error: unknown) => {
    // The replica's answer was only a shortcut; the primary has the same question's answer.
    console.error('gongjian: the replica did not answer a public read; reading from the primary', error);
    return null;
  });
  // A fund the replica does not know yet (just created) or a replica behind what was served.
  if (onReplica !== null && !served.isOlder(onReplica.fund.id, positionOf(onReplica))) {
    return { sql: replica.sql, behindSeconds, site: onReplica };
  }
  return { sql: primary, behindSeconds: null, site: await publicSiteShared(primary, slug, now) };
}

/**
 * Only an anonymous visitor's GET (or HEAD) may read from a replica. A signed-in person may just
 * have changed what they look at, and a form post's page shows what the post did.
 */
function mayReadBehind(event: ReadsEvent): boolean {
  const method = event.request.method;
  return (
    (method === 'GET' || method === 'HEAD') &&
    event.locals.sessionToken === null &&
    event.locals.actor.kind === 'anonymous'
  );
}

function positionOf(site: PublicSiteRead): { seq: number; lastEvent: string } {
  return { seq: site.head.seq, lastEvent: site.lastEvent };
}

function watchOf(sql: Sql): ReplicaLagWatch {
  let watch = watches.get(sql);
  if (watch === undefined) {
    watch = new ReplicaLagWatch(sql);
    watches.set(sql, watch);
  }
  return watch;
}
