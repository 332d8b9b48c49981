import { formatRetry } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { LinkProblem } from './invitations';
import type { PasswordProblem } from '../auth/password';
import type { FundRole } from '../access/policy';

/**
 * The words for the outcomes of the sign-in and own-account use cases, shared by /login,
 * /account/*, /invite and /reset so that one code always reads the same. They run on the server,
 * inside the request, so m.* speaks the visitor's language.
 */

export function passwordProblemMessage(code: PasswordProblem): string {
  switch (code) {
    case 'password_is_too_short':
      return m.account_password_too_short();
    case 'password_is_too_long':
      return m.account_password_too_long();
    case 'password_is_too_common':
      return m.account_password_too_common();
  }
}

export function linkProblemMessage(code: LinkProblem): string {
  switch (code) {
    case 'link_is_unknown':
      return m.invite_link_unknown();
    case 'link_was_used':
      return m.invite_link_used();
    case 'link_was_revoked':
      return m.invite_link_revoked();
    case 'link_has_expired':
      return m.invite_link_expired();
  }
}

/** An unknown link is 404; one that existed but is finished is 410 Gone. */
export function linkProblemStatus(code: LinkProblem): 404 | 410 {
  return code === 'link_is_unknown' ? 404 : 410;
}

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
