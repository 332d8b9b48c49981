import { createHash } from 'node:crypto';

/**
 * The public pages' answers to repeat visits. A public page of a fund is the same for every
 * anonymous visitor with the same language and text size until the fund's stamp moves (its ledger
 * head, its last event or the date; see publicSite), so:
 *
 * - its ETag is a hash of the stamp, the page's URL, the visitor's display preferences and the
 *   build, and a request that already holds that ETag gets 304 without the page being rendered;
 * - the rendered bytes are kept in this process, keyed the same way, so the next visitor of an
 *   unchanged page costs one indexed query (the stamp) rather than a render.
 *
 * Nothing here is shared between processes: each app server keeps its own copy, and a CDN in front
 * can keep more, since the ETag is the same everywhere for the same build.
 */

/** What a cached page depends on besides its fund's stamp. */
export interface PublicView {
  /** The path and query string exactly as requested. */
  url: string;
  locale: string;
  elderMode: boolean;
  /**
   * The origin printed pages build their QR codes and links on (guard.ts publicOrigin): ORIGIN or
   * an address of this machine, so a visitor cannot mint new values of it.
   */
  origin: string;
}

export function publicETag(stamp: string, view: PublicView, build: string): string {
  const digest = createHash('sha256')
    .update([build, stamp, view.origin, view.locale, view.elderMode ? 'elder' : 'plain', view.url].join('\n'))
    .digest('base64url')
    .slice(0, 32);
  return `"${digest}"`;
}

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function matchesETag(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

export interface CachedResponse {
  etag: string;
  status: number;
  headers: [string, string][];
  // Backed by a plain ArrayBuffer, which is what a Response body may be made of.
  body: Uint8Array<ArrayBuffer>;
}

/** A page larger than this (a full-ledger download, say) is answered with 304s but not kept. */
export const CACHED_BODY_MAX = 2 * 1024 * 1024;
const CACHE_BYTES_MAX = 64 * 1024 * 1024;
const CACHE_ENTRIES_MAX = 2_000;

/** A least-recently-used map of rendered public pages, bounded by count and by bytes. */
export class PublicPageCache {
  private readonly entries = new Map<string, CachedResponse>();
  private bytes = 0;

  constructor(
    private readonly entriesMax = CACHE_ENTRIES_MAX,
    private readonly bytesMax = CACHE_BYTES_MAX
  ) {}

  /** The cached page for this key if it was rendered under this very ETag. */
  get(key: string, etag: string): CachedResponse | undefined {
    const found = this.entries.get(key);
    if (found === undefined) return undefined;
    this.entries.delete(key);
    if (found.etag !== etag) {
      // The fund moved on since: the old bytes will never be served again.
      this.bytes -= found.body.byteLength;
      return undefined;
    }
    this.entries.set(key, found);
    return found;
  }

  set(key: string, value: CachedResponse): void {
    if (value.body.byteLength > CACHED_BODY_MAX) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= old.body.byteLength;
    }
    this.entries.set(key, value);
    this.bytes += value.body.byteLength;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.entriesMax && this.bytes <= this.bytesMax) break;
      this.entries.delete(oldest);
      this.bytes -= entry.body.byteLength;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }
}

/** The fund's web name in a public URL (/f/<slug> or /f/<slug>/…), or null for any other path. */
export function publicSlugOf(pathname: string): string | null {
  const match = /^\/f\/([^/]+)(?:\/|$)/.exec(pathname);
  return match?.[1] ?? null;
}
