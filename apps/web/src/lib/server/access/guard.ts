import type { IncomingMessage } from 'node:http';
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { configuredOrigin, trustedOrigin } from '../platform/config';
import { can, rolesThatMay, type Action, type Decision, type Resources } from './policy';
import { m } from '$lib/paraglide/messages';

type GuardEvent = Pick<RequestEvent, 'locals' | 'url'>;

/**
 * The bridge from routes to the policy: asks `can`, and turns a refusal into the response a
 * person understands. Someone not signed in is sent to sign in and brought back; someone whose
 * fund requires a second factor is sent to enrol it; someone whose role may do this, but not at
 * the stage the thing is in now, gets 409 with that stage; anyone else gets 403 naming the roles
 * that may (never anything about the thing they may not see).
 */
export function authorize<A extends Action>(event: GuardEvent, action: A, resource: Resources[A]): void {
  const decision = can(event.locals.actor, action, resource);
  if (!decision.allowed) refuse(event, decision, action, resource);
}

/**
 * Whether the actor may do this, for a page that shows or explains something by the answer (a
 * leader's section, a button). It is never a gate: a load or action that needs the right asks
 * `authorize`, and the use case asks the policy again.
 */
export function allows<A extends Action>(
  event: Pick<RequestEvent, 'locals'>,
  action: A,
  resource: Resources[A]
): boolean {
  return can(event.locals.actor, action, resource).allowed;
}

/** What the gate of a command lets through: allowed now, or held back only by the thing's state. */
export type CommandGate = 'allowed' | 'state';

/**
 * The gate of a command that its use case makes idempotent (by the form's key, or by state).
 * Whoever could not send this command in any state (the wrong role, a conflict of interest, no
 * second factor) is refused exactly as by `authorize`. Someone refused only because of the
 * state gets 'state' and goes on to the use case: the state may have been moved by their own
 * first press of this same form (the deciding vote, the pre-check, the close), and only the use
 * case, which reads the state under its lock, can tell that replay (answered as the first time)
 * from a late or stale form (refused with a sentence saying what changed).
 */
export function authorizeCommand<A extends Action>(event: GuardEvent, action: A, resource: Resources[A]): CommandGate {
  const decision = can(event.locals.actor, action, resource);
  if (decision.allowed) return 'allowed';
  if (decision.reason === 'state_does_not_allow_it') return 'state';
  return refuse(event, decision, action, resource);
}

function refuse<A extends Action>(
  event: GuardEvent,
  decision: Extract<Decision, { allowed: false }>,
  action: A,
  resource: Resources[A]
): never {
  const reason = decision.reason;
  if (reason === 'sign_in_required') {
    redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
  }
  if (reason === 'second_factor_enrolment_required') redirect(303, '/account/totp?required=1');
  if (reason === 'state_does_not_allow_it') {
    const state = stateOf(resource);
    error(409, { message: m.error_conflict_generic(), reason, ...(state === null ? {} : { state }) });
  }
  error(403, { message: m.error_forbidden(), reason, roles: rolesThatMay(action, resource) });
}

/** The stage a refused thing is in, for the 409 page: an application's status, or a notice that is not open. */
function stateOf(resource: Resources[Action]): string | null {
  if (resource === null) return null;
  if ('status' in resource) return resource.status;
  if ('noticeOpen' in resource && !resource.noticeOpen) return 'notice_closed';
  return null;
}

/** The signed-in user, for pages about one's own account; anyone else is sent to sign in. */
export function requireUser(event: GuardEvent): NonNullable<App.Locals['user']> {
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
