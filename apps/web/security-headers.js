// The headers every response carries, whoever makes it: a page, SvelteKit's own refusals (its
// CSRF 403 never reaches the hooks), a static file (served by adapter-node before the hooks run),
// or the server's "starting" answer. server.js sets them on every response; hooks.server.ts sets
// them too, for the times the app runs without server.js (`vite dev`, `node build`).

/** Paths whose URL carries a secret token; they must never leak it in a Referer header. */
export const TOKEN_IN_URL = /^\/(invite|reset|account\/notifications\/confirm|f\/[^/]+\/needs\/follow)\//;

/**
 * @param {string} pathname The request's path, without the query.
 * @returns {{ 'X-Content-Type-Options': string, 'Referrer-Policy': string }}
 */
export function baselineHeaders(pathname) {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': TOKEN_IN_URL.test(pathname) ? 'no-referrer' : 'strict-origin-when-cross-origin'
  };
}

/**
 * For answers that carry no policy of their own, server.js only: SvelteKit's fallback error page
 * (a refusal thrown from a hook), its plain-text refusals, static files. Pages replace it with
 * their own policy (svelte.config.js). The fallback page has an inline style and nothing else, so
 * nothing but inline style may load. Gongjian prerenders no page; one that is prerendered (served
 * as a file, its policy in a <meta>) would need this lifted for its path.
 */
export const FALLBACK_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
