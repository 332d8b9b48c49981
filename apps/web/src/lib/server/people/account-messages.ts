import { formatRetry } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { FundRole } from '../access/policy';

/**
 * The words for the outcomes of the sign-in and own-account use cases, shared by /login,
 * /account/*, /invite and /reset so that one code always reads the same. They run on the server,
 * inside the request, so m.* speaks the visitor's language. The refusals of the links and of a new
 * password are in invitation-refusals.ts.
 */

/** When a throttled person may try again: the clock time (Beijing time) and the minutes left. */
export function throttledMessage(retryAt: Date, now: Date): string {
  const retry = formatRetry(retryAt, now, getLocale());
  return m.auth_throttled({ time: retry.time, minutes: String(retry.minutes) });
}

export function roleName(role: FundRole): string {
  switch (role) {
    case 'fund_admin':
      return m.role_fund_admin();
    case 'leader':
      return m.role_leader();
    case 'committee':
      return m.role_committee();
    case 'supervisor':
      return m.role_supervisor();
  }
}
