import { m } from '$lib/paraglide/messages';
import { refusalMessage, refusalTable, type RefusalEntry } from '../platform/refusal-messages';
import type { PasswordProblem } from '../auth/password';
import type { AcceptResult, LinkProblem, ResetResult } from './invitations';

/**
 * What the invitation and reset-link pages (and /account/password, for a new password) say for
 * each refusal of acceptInvitation, resetPassword and checkNewPassword, so that one code always
 * reads the same.
 */

/** The fields of the invitation form, and `form` for the link itself. */
export type InvitationField = 'displayName' | 'loginName' | 'password' | 'form';

const LINK_REFUSALS: Record<LinkProblem, RefusalEntry<'form'>> = {
  link_is_unknown: ['form', () => m.invite_link_unknown()],
  link_was_used: ['form', () => m.invite_link_used()],
  link_was_revoked: ['form', () => m.invite_link_revoked()],
  link_has_expired: ['form', () => m.invite_link_expired()]
};

const PASSWORD_REFUSALS: Record<PasswordProblem, RefusalEntry<'password'>> = {
  password_is_too_short: ['password', () => m.account_password_too_short()],
  password_is_too_long: ['password', () => m.account_password_too_long()],
  password_is_too_common: ['password', () => m.account_password_too_common()]
};

/** Every refusal of acceptInvitation; the type keeps the table complete. */
const INVITATION_ENTRIES: Record<Exclude<AcceptResult, { ok: true }>['code'], RefusalEntry<InvitationField>> = {
  ...LINK_REFUSALS,
  ...PASSWORD_REFUSALS,
  login_name_is_not_valid: ['loginName', () => m.invite_login_name_invalid()],
  login_name_is_taken: ['loginName', () => m.invite_login_name_taken()]
};

export const INVITATION_REFUSALS = refusalTable<InvitationField>(INVITATION_ENTRIES);

/** Every refusal of resetPassword, on the form of the reset page. */
const RESET_ENTRIES: Record<Exclude<ResetResult, { ok: true }>['code'], RefusalEntry<'form' | 'password'>> = {
  ...LINK_REFUSALS,
  ...PASSWORD_REFUSALS
};

export const RESET_REFUSALS = refusalTable<'form' | 'password'>(RESET_ENTRIES);

/** Any other refusal: the link cannot be used, as for a link never issued. */
export const LINK_REFUSED: RefusalEntry<'form'> = LINK_REFUSALS.link_is_unknown;

export function passwordProblemMessage(code: PasswordProblem): string {
  return refusalMessage(refusalTable(PASSWORD_REFUSALS), code, PASSWORD_REFUSALS.password_is_too_short).message;
}

export function linkProblemMessage(code: LinkProblem): string {
  return refusalMessage(refusalTable(LINK_REFUSALS), code, LINK_REFUSED).message;
}

function isLinkProblem(code: string): code is LinkProblem {
  return Object.hasOwn(LINK_REFUSALS, code);
}

/** An unknown link is 404; one that existed but is finished is 410 Gone. */
export function linkProblemStatus(code: LinkProblem): 404 | 410 {
  return code === 'link_is_unknown' ? 404 : 410;
}

/** The status of a refusal of the invitation or reset form: the link's, or 400 for what was typed. */
export function invitationRefusalStatus(code: string): 400 | 404 | 410 {
  return isLinkProblem(code) ? linkProblemStatus(code) : 400;
}
