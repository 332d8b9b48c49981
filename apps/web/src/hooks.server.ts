import { building, dev, version } from '$app/environment';
import { env } from '$env/dynamic/private';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { readServerConfig } from '$lib/server/platform/config';
import * as database from '$lib/server/platform/database';
import { installDemo } from '$lib/server/platform/demo-plugin';
// The composition root is the one place that may import the demo (see README, Where things live).
import { demoPlugin } from '$lib/server/demo';
import { ELDER_MODE_COOKIE } from '$lib/preferences';
import { SESSION_COOKIE, deleteSessionCookie, setSessionCookie, validateSessionToken } from '$lib/server/auth/session';
import { ANONYMOUS } from '$lib/server/access/policy';
import { CACHED_BODY_MAX, PublicPageCache, matchesETag, publicETag, publicSlugOf } from '$lib/server/public/cache';
import { publicSiteOf } from '$lib/server/public/reads';
import { FORM_TOKEN_COOKIE, FORM_TOKEN_FIELD, formTokenMatches } from '$lib/server/auth/form-token';
import { publicOrigin } from '$lib/server/access/guard';
import { inputGuard } from '$lib/server/platform/input-guard';
import { startDelivery } from '$lib/server/people/delivery/start';
import { startSchedule } from '$lib/server/schedule/start';
import type { Handle, RequestEvent, ServerInit } from '@sveltejs/kit';
import { TOKEN_IN_URL, baselineHeaders } from '../security-headers.js';
import { sequence } from '@sveltejs/kit/hooks';

/**
 * Runs once, before the server takes its first request: connect (or start the embedded
 * PostgreSQL), migrate, and seed the demo fund. A failure here stops the server with a one-line
 * message (see apps/web/server.js).
 */
export const init: ServerInit = async () => {
  if (building) return;
  const config = readServerConfig(env);
  if (config.demoSeed) installDemo(demoPlugin);
  const opened = await database.open(config, {
    // Under `vite dev` nobody else handles SIGINT, so the embedded PostgreSQL stops itself on it.
    takeOverSignals: !dev,
    log: (line) => console.log(`gongjian: ${line}`),
    ...(config.demoSeed ? { seed: demoPlugin.seed } : {})
  });
  // The outbox's delivery worker (one per deployment, through an advisory lock; see README, Notifications).
  startDelivery(opened.sql, env, (line) => console.log(`gongjian: ${line}`));
  // The on-time steps (a notice that ended, reminders), one process at a time (see README, On-time schedules).
  startSchedule(opened.sql, env, (line) => console.log(`gongjian: ${line}`));
};

const i18n: Handle = ({ event, resolve }) =>
  paraglideMiddleware(event.request, ({ request, locale }) => {
    event.request = request;
    event.locals.locale = locale;
    return resolve(event, {
      transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
    });
  });

const preferences: Handle = ({ event, resolve }) => {
  event.locals.elderMode = event.cookies.get(ELDER_MODE_COOKIE) === '1';
  return resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%gongjian.htmlClass%', event.locals.elderMode ? 'elder-mode' : '')
  });
};

const securityHeaders: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const headers = response.headers;
  for (const [name, value] of Object.entries(baselineHeaders(event.url.pathname))) headers.set(name, value);
  // A token page names whose password it resets; no cache, shared or private, may keep it.
  if (TOKEN_IN_URL.test(event.url.pathname)) headers.set('Cache-Control', 'no-store');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Permissions-Policy', 'camera=(self), microphone=(), geolocation=(), payment=()');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (event.url.protocol === 'https:') headers.set('Strict-Transport-Security', 'max-age=31536000');
  return response;
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A second CSRF wall behind SvelteKit's own (which checks only form content types): any request
 * that may change state is refused when the browser says it comes from another site, whatever
 * its content type (JSON, odd casing, or none). Requests without Origin or Sec-Fetch-Site come
 * from scripts and tools, which cannot carry a visitor's cookies.
 */
const sameOriginWrites: Handle = async ({ event, resolve }) => {
  if (!SAFE_METHODS.has(event.request.method)) {
    const origin = event.request.headers.get('origin');
    const site = event.request.headers.get('sec-fetch-site');
    if (origin === 'null') {
      if (!(await nullOriginIsOwnForm(event, site))) return refuseCrossSite();
    } else if (origin !== null ? origin !== event.url.origin : site === 'cross-site') {
      return refuseCrossSite();
    }
  }
  return resolve(event);
};

/**
 * `Origin: null` comes from this site's own no-referrer pages (invitation and reset links), and
 * also from sandboxed frames and data: URLs anywhere. It is accepted only on those pages, only
 * when the browser does not say the post is cross-site, and only with the page's form token.
 */
async function nullOriginIsOwnForm(event: RequestEvent, site: string | null): Promise<boolean> {
  if (!TOKEN_IN_URL.test(event.url.pathname)) return false;
  if (site !== null && site !== 'same-origin') return false;
  const form = await event.request
    .clone()
    .formData()
    .catch(() => null);
  return form !== null && formTokenMatches(event.cookies.get(FORM_TOKEN_COOKIE), form.get(FORM_TOKEN_FIELD));
}

function refuseCrossSite(): Response {
  return new Response('Cross-site request refused. 跨站请求已被拒绝。', {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8' }
  });
}

/**
 * Who is asking: the session cookie becomes `locals.actor` for the policy. A sliding session's
 * renewed expiry is written back; an unknown or expired token's cookie is removed. Pages for a
 * signed-in person are never stored by shared caches.
 */
const auth: Handle = async ({ event, resolve }) => {
  const { locals, cookies } = event;
  locals.actor = ANONYMOUS;
  locals.user = null;
  locals.sessionToken = null;
  locals.secondFactorPending = false;
  const token = cookies.get(SESSION_COOKIE);
  const secure = event.url.protocol === 'https:';
  if (token !== undefined && token !== '') {
    const session = await validateSessionToken(database.sql(), token, new Date());
    if (session === null) {
      deleteSessionCookie(cookies, secure);
    } else {
      locals.sessionToken = token;
      if (session.secondFactorPending) {
        locals.secondFactorPending = true;
      } else {
        locals.user = session.user;
        locals.actor = {
          kind: 'user',
          userId: session.user.id,
          platformAdmin: session.user.platformAdmin,
          memberships: session.memberships,
          totpEnrolled: session.user.totpEnrolled,
          fundsRequiringTotp: session.fundsRequiringTotp,
          regionFundIds: session.regionFundIds
        };
        if (session.renewed) setSessionCookie(cookies, { token, expiresAt: session.expiresAt }, secure);
      }
    }
  }
  const response = await resolve(event);
  if (locals.sessionToken !== null) response.headers.set('Cache-Control', 'private, no-store');
  return response;
};

const publicPages = new PublicPageCache();

/**
 * Public pages (/f/<slug>/…) for anonymous visitors: an ETag made from the fund's stamp (its
 * ledger head, last event and date), a 304 when the visitor already holds it, and otherwise the
 * bytes this process rendered for the same stamp, if it has them. Signed-in visitors always get a
 * fresh render: their header names them. Shared caches may keep a public page but must ask again
 * each time (no-cache), and the language and text size come from cookies, hence Vary: Cookie.
 */
const publicCache: Handle = async ({ event, resolve }) => {
  const slug = publicSlugOf(event.url.pathname);
  // A __data.json request has the page's URL in event.url, but a different answer (a page that is
  // 404 still answers its data request with 200): it is never cached, and public pages, which
  // ship no JavaScript, do not make one anyway.
  if (
    dev ||
    slug === null ||
    event.request.method !== 'GET' ||
    event.isDataRequest ||
    event.locals.sessionToken !== null ||
    // A need's follow link names a private token: no cache, here or anywhere, keeps it.
    TOKEN_IN_URL.test(event.url.pathname)
  ) {
    return resolve(event);
  }
  // Read where the page will be read (a replica, for an anonymous visitor, when one is set).
  const found = await publicSiteOf(event, slug);
  if (found === null) return resolve(event);
  const view = {
    url: event.url.pathname + event.url.search,
    locale: event.locals.locale,
    elderMode: event.locals.elderMode,
    // Printed pages carry absolute URLs on this origin: one of a few trusted values, never a Host.
    origin: publicOrigin(event)
  };
  const etag = publicETag(found.stamp, view, version);
  const validators = { ETag: etag, 'Cache-Control': 'public, no-cache', Vary: 'Cookie' };
  if (matchesETag(event.request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers: validators });
  }
  const key = `${view.origin}|${view.locale}|${view.elderMode ? 1 : 0}|${view.url}`;
  const cached = publicPages.get(key, etag);
  if (cached !== undefined) {
    return new Response(cached.body, { status: cached.status, headers: cached.headers });
  }
  const response = await resolve(event);
  // Only a complete, cookie-free answer is the same for the next visitor. A response that is
  // immutable already (a receipt, addressed by its hash) keeps its own, longer caching.
  if (response.status !== 200 || response.headers.has('set-cookie')) return response;
  if (response.headers.get('cache-control')?.includes('immutable')) return response;
  // A page that is new for each visitor (a form carrying a fresh key) says so and is not kept.
  if (response.headers.get('cache-control')?.includes('no-store')) return response;
  for (const [name, value] of Object.entries(validators)) response.headers.set(name, value);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > CACHED_BODY_MAX) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  publicPages.set(key, { etag, status: response.status, headers: [...response.headers], body });
  return new Response(body, { status: response.status, headers: response.headers });
};

// inputGuard runs inside i18n, so that its refusals speak the visitor's language, and before auth,
// so that a NUL in a URL never reaches a query.
export const handle = sequence(securityHeaders, sameOriginWrites, i18n, preferences, inputGuard, auth, publicCache);
