import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CACHED_BODY_MAX, PublicPageCache, matchesETag, publicETag, publicSlugOf } from './cache';

const view = {
  url: '/f/guihuajing/ledger?after=10',
  locale: 'zh-CN',
  elderMode: false,
  origin: 'http://127.0.0.1:3000'
};

function page(etag: string, bytes: number) {
  return {
    etag,
    status: 200,
    headers: [['content-type', 'text/html']] as [string, string][],
    body: new Uint8Array(bytes)
  };
}

describe('public ETags', () => {
  it('are the same for the same stamp, page, preferences and build, and differ when any one changes', () => {
    const etag = publicETag('60.abcd.12.2026-11-24', view, 'build-1');
    expect(publicETag('60.abcd.12.2026-11-24', { ...view }, 'build-1')).toBe(etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const others = [
      publicETag('61.ef01.12.2026-11-24', view, 'build-1'),
      publicETag('60.abcd.13.2026-11-24', view, 'build-1'),
      publicETag('60.abcd.12.2026-11-25', view, 'build-1'),
      publicETag('60.abcd.12.2026-11-24', { ...view, url: '/f/guihuajing/ledger?after=20' }, 'build-1'),
      publicETag('60.abcd.12.2026-11-24', { ...view, locale: 'en' }, 'build-1'),
      publicETag('60.abcd.12.2026-11-24', { ...view, elderMode: true }, 'build-1'),
      publicETag('60.abcd.12.2026-11-24', { ...view, origin: 'http://localhost:3000' }, 'build-1'),
      publicETag('60.abcd.12.2026-11-24', view, 'build-2')
    ];
    expect(new Set([etag, ...others]).size).toBe(others.length + 1);
  });

  it('match If-None-Match lists, weak forms and the wildcard', () => {
    const etag = '"abc"';
    expect(matchesETag(null, etag)).toBe(false);
    expect(matchesETag('"abc"', etag)).toBe(true);
    expect(matchesETag('W/"abc"', etag)).toBe(true);
    expect(matchesETag('"x", W/"abc" ', etag)).toBe(true);
    expect(matchesETag('*', etag)).toBe(true);
    expect(matchesETag('"abcd"', etag)).toBe(false);
    expect(matchesETag('abc', etag)).toBe(false);
  });
});

describe('the public page cache', () => {
  it('serves a page only under the ETag it was rendered with', () => {
    const cache = new PublicPageCache();
    cache.set('k', page('"1"', 10));
    expect(cache.get('k', '"1"')?.body.byteLength).toBe(10);
    expect(cache.get('k', '"2"')).toBeUndefined();
    // The stale copy is gone for good, and its bytes are no longer counted.
    expect(cache.get('k', '"1"')).toBeUndefined();
    expect(cache.byteSize).toBe(0);
  });

  it('keeps no page larger than the limit', () => {
    const cache = new PublicPageCache();
    cache.set('big', page('"1"', CACHED_BODY_MAX + 1));
    expect(cache.size).toBe(0);
  });

  it('stays within its count and byte limits, dropping the least recently used first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 400 }), fc.boolean()), {
          maxLength: 200
        }),
        (steps) => {
          const cache = new PublicPageCache(4, 1_000);
          for (const [key, bytes, read] of steps) {
            if (read) cache.get(String(key), '"e"');
            else cache.set(String(key), page('"e"', bytes));
            expect(cache.size).toBeLessThanOrEqual(4);
            expect(cache.byteSize).toBeLessThanOrEqual(1_000);
          }
        }
      )
    );
    const cache = new PublicPageCache(2, 1_000);
    cache.set('a', page('"e"', 1));
    cache.set('b', page('"e"', 1));
    cache.get('a', '"e"');
    cache.set('c', page('"e"', 1));
    expect(cache.get('b', '"e"')).toBeUndefined();
    expect(cache.get('a', '"e"')).toBeDefined();
  });
});

describe('publicSlugOf', () => {
  it('finds the fund of a public path and nothing else', () => {
    expect(publicSlugOf('/f/guihuajing')).toBe('guihuajing');
    expect(publicSlugOf('/f/guihuajing/ledger.csv')).toBe('guihuajing');
    expect(publicSlugOf('/f/')).toBeNull();
    expect(publicSlugOf('/funds/guihuajing')).toBeNull();
    expect(publicSlugOf('/fx/guihuajing')).toBeNull();
  });
});
