import type { IncomingMessage } from 'node:http';
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { configuredOrigin, trustedOrigin } from './config';
import { can, type Action, type Resources } from './policy';
import { m } from '$lib/paraglide/messages';

/**
 * The bridge from routes to the policy: asks `can`, and turns a refusal into the response a
 * person understands. Someone not signed in is sent to sign in and brought back; someone whose
 * fund requires a second factor is sent to enrol it; anyone else gets 403 with no detail of the
 * thing they may not see.
 */
export function authorize<A extends Action>(
  event: Pick<RequestEvent, 'locals' | 'url'>,
  action: A,
  resource: Resources[A]
): void {
  const decision = can(event.locals.actor, action, resource);
  if (decision.allowed) return;
  if (decision.reason === 'sign_in_required') {
    redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
  }
  if (decision.reason === 'second_factor_enrolment_required') redirect(303, '/account/totp?required=1');
  error(403, { message: m.error_forbidden() });
}

/** The signed-in user, for pages about one's own account; anyone else is sent to sign in. */
export function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>): NonNullable<App.Locals['user']> {
  authorize(event, 'account.use', null);
  const user = event.locals.user;
  if (user === null) throw new Error('authorize allowed account.use without a user');
  return user;
}

/** The client's address for throttling and the audit trail (see ADDRESS_HEADER in the README). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string | null {
  try {
    return event.getClientAddress();
  } catch {
    // Some adapters (and unit tests) cannot tell; throttling then counts by login name only.
    return null;
  }
}

/**
 * The origin for absolute URLs that the page shows or prints (QR codes, "verify at", invitation
 * and reset links): ORIGIN, or the address this machine was reached at, never a forged Host (see
 * trustedOrigin in config.ts). adapter-node hands over the Node request as `platform.req`.
 */
export function publicOrigin(event: Pick<RequestEvent, 'url' | 'platform'>): string {
  const request: IncomingMessage | undefined = event.platform?.req;
  const socket = request?.socket;
  const listening =
    socket?.localAddress !== undefined && socket.localPort !== undefined
      ? { address: socket.localAddress, port: socket.localPort }
      : null;
  return trustedOrigin({ configured: configuredOrigin(env.ORIGIN), requestUrl: event.url, listening });
}
