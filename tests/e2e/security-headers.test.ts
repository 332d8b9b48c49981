import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, signInOverHttp } from '../support/people';
import {
  REGISTRY,
  RUN_TAG,
  baseUrl,
  createWorld,
  dataUrl,
  discoverRoutes,
  openDatabase,
  postForm,
  request,
  signIn,
  type HttpResult,
  type World
} from './route-access';

/**
 * The headers every response carries: a strict Content-Security-Policy on HTML, no MIME sniffing,
 * a referrer policy (none at all where the URL holds a token), nothing cached for a signed-in
 * person, and a session cookie that scripts cannot read and other sites cannot send.
 */

const sql = openDatabase();
const ADMIN = `sec-h${RUN_TAG}-admin`;
let adminCookie: string;
let world: World;

beforeAll(async () => {
  world = await createWorld(sql, 'h');
  await createTestUser(sql, { loginName: ADMIN, memberships: [{ fundSlug: 'guihuajing', role: 'fund_admin' }] });
  adminCookie = await signIn(ADMIN, '10.70.2.1');
});

afterAll(async () => {
  await sql.end();
});

/** The CSP's directives by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words): words is [string, ...string[]] => words[0] !== undefined && words[0] !== '')
      .map(([name, ...values]) => [name.toLowerCase(), values])
  );
}

/** How many HTML responses had their Content-Security-Policy read. */
let htmlChecked = 0;

/** What is wrong with a response's headers, if anything. */
function problemsOf(path: string, response: HttpResult, signedIn: boolean): string[] {
  const problems: string[] = [];
  const header = (name: string) => response.headers.get(name);
  if (header('x-content-type-options') !== 'nosniff')
    problems.push(`X-Content-Type-Options: ${header('x-content-type-options')}`);
  const referrer = header('referrer-policy');
  if (referrer === null) problems.push('no Referrer-Policy');
  // The token in these pages' URL must never reach anyone in a Referer, not even this site.
  if (/^\/(invite|reset)\//.test(path) && referrer !== 'no-referrer') {
    problems.push(`Referrer-Policy on a page with a token in its URL: ${referrer}`);
  }
  if (signedIn && !/\bno-store\b/.test(header('cache-control') ?? '')) {
    problems.push(`Cache-Control for a signed-in visitor: ${header('cache-control')}`);
  }
  if ((header('content-type') ?? '').startsWith('text/html')) {
    htmlChecked += 1;
    const csp = directives(header('content-security-policy') ?? '');
    for (const [name, value] of [
      ['object-src', "'none'"],
      ['base-uri', "'none'"],
      ['frame-ancestors', "'none'"]
    ] as const) {
      if (!(csp.get(name) ?? []).includes(value)) problems.push(`CSP ${name}: ${(csp.get(name) ?? []).join(' ')}`);
    }
    const scripts = csp.get('script-src') ?? csp.get('default-src');
    if (scripts === undefined) problems.push('CSP has no script-src');
    else if (scripts.some((source) => ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:'].includes(source))) {
      problems.push(`CSP script-src: ${scripts.join(' ')}`);
    }
  }
  return problems;
}

/** Every page URL the registry knows, plus pages that exist only as errors. */
function pagePaths(): string[] {
  const existing = new Set(discoverRoutes().map((route) => route.id));
  const unknownToken = randomBytes(25).toString('hex').slice(0, 40).replace(/[0-9]/g, 'a');
  const paths = Object.entries(REGISTRY)
    .filter(([id, entry]) => existing.has(id) && entry.load !== 'none')
    .flatMap(([, entry]) => entry.targets(world.fx).map((target) => target.path));
  return [
    ...paths,
    '/no-such-page',
    `/invite/${unknownToken}`,
    `/invite/${world.fx.revokedInviteToken}`,
    `/reset/${unknownToken}`,
    '/funds/no-such-fund/members'
  ];
}

describe('security headers', () => {
  it('sends the security headers on every page, error page and redirect, signed in or not', async () => {
    const problems: string[] = [];
    const kinds = new Set<number>();
    for (const [who, cookie] of [
      ['anonymous', null],
      ['fund admin', adminCookie]
    ] as const) {
      for (const path of pagePaths()) {
        const page = await request(path, { cookie, headers: { accept: 'text/html' } });
        kinds.add(page.status);
        problems.push(
          ...problemsOf(path, page, cookie !== null).map((p) => `${who} GET ${path} (${page.status}): ${p}`)
        );
        const data = await request(dataUrl(path, 1), { cookie });
        problems.push(
          ...problemsOf(path, data, cookie !== null).map((p) => `${who} GET ${path}/__data.json (${data.status}): ${p}`)
        );
      }
      // A refused form renders the page again, with the same headers.
      const refused = await postForm('/login', {}, { cookie, ip: '10.70.2.2' });
      problems.push(...problemsOf('/login', refused, cookie !== null).map((p) => `${who} POST /login: ${p}`));
    }
    expect(problems).toEqual([]);
    // The pages above include each kind of answer the headers must hold for.
    expect([...kinds].sort()).toEqual(expect.arrayContaining([200, 303, 403, 404, 410]));
    // Every page that answers with HTML had its policy read (redirects have no body to protect).
    expect(htmlChecked).toBeGreaterThanOrEqual(20);
  });

  it('sends nosniff and a referrer policy on static files and on refusals made before the hooks run', async () => {
    const home = await request('/', { headers: { accept: 'text/html' } });
    const asset = /\/_app\/immutable\/[^"'\s]+\.(?:js|css)/.exec(home.body)?.[0];
    if (asset === undefined) throw new Error('the home page links no built asset');
    const answers: [string, string, HttpResult][] = [];
    // Files adapter-node serves itself, before SvelteKit and its hooks: plain, precompressed, revalidated.
    for (const path of ['/robots.txt', '/gongjian-verify.mjs', '/favicon.svg', asset]) {
      const plain = await request(path, { headers: { 'accept-encoding': 'identity' } });
      answers.push([path, `GET ${path}`, plain]);
      answers.push([path, `GET ${path} (brotli)`, await request(path, { headers: { 'accept-encoding': 'br' } })]);
      const etag = plain.headers.get('etag');
      if (etag !== null) {
        const again = await request(path, { headers: { 'accept-encoding': 'identity', 'if-none-match': etag } });
        expect(again.status, path).toBe(304);
        answers.push([path, `GET ${path} (304)`, again]);
      }
    }
    // SvelteKit's own CSRF check refuses a cross-site form post before any hook runs.
    const crossSite = {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b'
    };
    const invitePath = `/invite/${world.fx.openInviteToken}`;
    for (const path of ['/login', '/settings?/language', invitePath]) {
      const refused = await request(path, crossSite);
      expect(refused.status, path).toBe(403);
      answers.push([path.split('?')[0] ?? path, `cross-site POST ${path}`, refused]);
    }
    // The input rules refuse from inside the hooks, with SvelteKit's fallback page.
    answers.push([
      '/funds/a%00b',
      'GET /funds/a%00b',
      await request('/funds/a%00b', { headers: { accept: 'text/html' } })
    ]);
    const problems = answers.flatMap(([path, what, response]) =>
      problemsOf(path, response, false).map((problem) => `${what} (${response.status}): ${problem}`)
    );
    expect(problems).toEqual([]);
    expect(answers.length).toBeGreaterThanOrEqual(12);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, for the whole site, with an expiry and a long token', async () => {
    const tokens = new Set<string>();
    for (const ip of ['10.70.2.3', '10.70.2.4']) {
      const response = await fetch(new URL('/login', baseUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          origin: new URL(baseUrl).origin,
          'x-forwarded-for': ip
        },
        body: new URLSearchParams({ loginName: ADMIN, password: 'correct horse battery staple' })
      });
      expect(response.status).toBe(303);
      const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith('gj_session='));
      if (line === undefined) throw new Error('no session cookie');
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const token = pair?.slice('gj_session='.length) ?? '';
      const named = new Map(
        attributes.map((attribute) => {
          const [name = '', value = ''] = attribute.split('=');
          return [name.toLowerCase(), value] as const;
        })
      );
      expect(named.has('httponly'), line).toBe(true);
      expect(named.get('samesite')?.toLowerCase(), line).toBe('lax');
      expect(named.get('path'), line).toBe('/');
      const expires = Date.parse(named.get('expires') ?? '');
      expect(expires, line).toBeGreaterThan(Date.now() + 60 * 60 * 1000);
      // 40 base32 characters: 200 bits, at least the 20 bytes of entropy a session token needs.
      expect(token).toMatch(/^[a-z2-7]{40}$/);
      tokens.add(token);
    }
    expect(tokens.size).toBe(2);
    // The same check through the shared helper, so that it keeps reading the cookie the same way.
    expect((await signInOverHttp(baseUrl, { loginName: ADMIN, ip: '10.70.2.5' })).token).toMatch(/^[a-z2-7]{40}$/);
  });
});
