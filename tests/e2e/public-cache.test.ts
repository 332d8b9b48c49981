import { randomBytes } from 'node:crypto';
import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { openChartIn } from '../../apps/web/src/lib/server/books/commands';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { APP_ROLE } from '../../apps/web/src/lib/server/db/index';
import { contribution } from '../support/books';
import { createTestFund, createTestUser, signInOverHttp } from '../support/people';
import { baseUrl } from './browser';

/**
 * Public pages answer repeat visits with 304 until the fund's books or records move, over HTTP
 * against the built app: the ETag follows the ledger head, the fund's last event, the language
 * and the text size; a signed-in visitor's page is never cached anywhere.
 */

let owner: Sql;
let app: Sql;
let fundId = '';
const slug = `cache-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  owner = createClient(inject('databaseUrl'), { max: 2, applicationName: 'gongjian-public-cache' });
  app = createClient(inject('databaseUrl'), { max: 2, applicationName: 'gongjian-public-cache-app', role: APP_ROLE });
  fundId = await createTestFund(owner, slug);
  await owner.begin((transaction) => openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
  const posted = await books.post(app, { fundId, command: contribution('100.00') });
  if (!posted.ok) throw new Error(posted.code);
});

afterAll(async () => {
  await Promise.all([owner?.end(), app?.end()]);
});

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(new URL(path, baseUrl), { headers, redirect: 'manual' });
}

const pages = () => [
  `/f/${slug}`,
  `/f/${slug}/ledger`,
  `/f/${slug}/ledger/1`,
  `/f/${slug}/verify`,
  `/f/${slug}/ledger.csv`
];

describe('public pages and ETags', () => {
  it('answer an unchanged page with 304 and no body, and a changed one with 200 and a new ETag', async () => {
    for (const path of pages()) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      expect(first.headers.get('cache-control')).toBe('public, no-cache');
      expect(first.headers.get('vary')).toContain('Cookie');
      const body = await first.text();

      const again = await get(path, { 'if-none-match': etag ?? '' });
      expect(again.status, path).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);

      // The cached copy is byte for byte what was rendered.
      const cached = await get(path);
      expect(cached.headers.get('etag')).toBe(etag);
      expect(await cached.text()).toBe(body);
    }
    const before = (await get(`/f/${slug}`)).headers.get('etag') ?? '';
    const posted = await books.post(app, { fundId, command: contribution('23.45') });
    expect(posted.ok).toBe(true);
    const after = await get(`/f/${slug}`, { 'if-none-match': before });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
    expect(await after.text()).toContain('123.45');
  });

  it('moves the ETag when the fund records an event, even without an entry', async () => {
    const before = (await get(`/f/${slug}/verify`)).headers.get('etag') ?? '';
    await owner`insert into events (fund_id, action, outcome) values (${fundId}, 'fund.updated', 'ok')`;
    const after = await get(`/f/${slug}/verify`, { 'if-none-match': before });
    expect(after.status).toBe(200);
  });

  it('keeps one ETag per language and text size', async () => {
    const zh = (await get(`/f/${slug}`)).headers.get('etag');
    const en = await get(`/f/${slug}`, { cookie: 'gj_locale=en' });
    const elder = (await get(`/f/${slug}`, { cookie: 'gj_elder=1' })).headers.get('etag');
    expect(new Set([zh, en.headers.get('etag'), elder]).size).toBe(3);
    expect(await en.text()).toContain('lang="en"');
  });

  it('never caches a signed-in visitor’s page', async () => {
    const loginName = `cache-${randomBytes(3).toString('hex')}`;
    await createTestUser(owner, { loginName });
    const signedIn = await signInOverHttp(baseUrl, { loginName, ip: '10.8.0.1' });
    expect(signedIn.cookie).not.toBeNull();
    const anonymous = (await get(`/f/${slug}`)).headers.get('etag');
    const page = await get(`/f/${slug}`, { cookie: signedIn.cookie ?? '', 'if-none-match': anonymous ?? '' });
    // SvelteKit may tag any page with a hash of its own body; the public ETag is not reused.
    expect(page.status).toBe(200);
    expect(page.headers.get('etag')).not.toBe(anonymous);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
  });

  it('answers an unknown fund with 404, which no shared cache is invited to keep', async () => {
    const page = await get('/f/no-such-fund-here');
    expect(page.status).toBe(404);
    expect(page.headers.get('cache-control')).not.toBe('public, no-cache');
  });
});
