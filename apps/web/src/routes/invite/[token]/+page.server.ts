import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { formatDateTime } from '$lib/format';
import { localized } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import { roleName } from '$lib/server/people/account-messages';
import {
  INVITATION_REFUSALS,
  LINK_REFUSED,
  invitationRefusalStatus,
  linkProblemMessage,
  linkProblemStatus,
  type InvitationField
} from '$lib/server/people/invitation-refusals';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { issueFormToken } from '$lib/server/auth/form-token';
import { setSessionCookie } from '$lib/server/auth/session';
import { sql } from '$lib/server/platform/database';
import { clientAddress, requireUser } from '$lib/server/access/guard';
import { acceptInvitation, viewLink, type AcceptResult } from '$lib/server/people/invitations';
import type { Actions, PageServerLoad } from './$types';

// The link itself is the permission to see this page: whoever holds the token was handed it by a
// fund administrator. Nothing here is shown without a valid, unused, unexpired token.
export const load: PageServerLoad = async ({ params, locals, cookies, url }) => {
  const result = await viewLink(sql(), { token: params.token, kind: 'invite', now: new Date() });
  if (!result.ok) error(linkProblemStatus(result.code), { message: linkProblemMessage(result.code) });
  const { view } = result;
  return {
    // The page sends no Referer, so its forms prove themselves with this token (see form-token.ts).
    formToken: issueFormToken(cookies, url.protocol === 'https:'),
    fundName: localized(locals.locale, view.fundName),
    role: view.role === null ? null : roleName(view.role),
    unitName: view.unitName,
    compoundName: view.compoundName,
    expires: formatDateTime(view.expiresAt, locals.locale),
    signedIn: locals.user === null ? null : { displayName: locals.user.displayName, loginName: locals.user.loginName }
  };
};

// What people see as a name: not blank, at most 40 characters (as the database allows), and no
// control characters, which no name has and which PostgreSQL may refuse.
const DisplayName = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty(),
  v.check((name) => [...name].length <= 40),
  v.regex(/^[^\u0000-\u001f\u007f]*$/)
);

const JoinForm = v.object({
  displayName: v.optional(v.string(), ''),
  loginName: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100)), ''),
  password: v.optional(v.pipe(v.string(), v.maxLength(1024)), '')
});

type Field = InvitationField;
type Refusal = Exclude<AcceptResult, { ok: true }>['code'];

/** The echoed fields never include the password. */
function refuse(
  code: Refusal,
  values: { displayName: string; loginName: string } = { displayName: '', loginName: '' }
) {
  const { field, message } = refusalMessage(INVITATION_REFUSALS, code, LINK_REFUSED);
  return fail(invitationRefusalStatus(code), { code, field: field as Field, message, ...values });
}

export const actions: Actions = {
  /** A signed-in person takes the role into the account they already have. */
  add: async (event) => {
    const user = requireUser(event);
    const result = await acceptInvitation(sql(), {
      token: event.params.token,
      now: new Date(),
      ip: clientAddress(event),
      account: { kind: 'existing', userId: user.id },
      signedInUserId: user.id
    });
    if (!result.ok) return refuse(result.code);
    if (result.session !== null) setSessionCookie(event.cookies, result.session, event.url.protocol === 'https:');
    redirect(303, '/account?welcome=1');
  },

  /** A newcomer chooses a name, a login name and a password. */
  join: async (event) => {
    const parsed = v.safeParse(JoinForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return refuse('login_name_is_not_valid');
    const { loginName, password } = parsed.output;
    const displayName = v.safeParse(DisplayName, parsed.output.displayName);
    const values = { displayName: parsed.output.displayName.trim().slice(0, 80), loginName };
    // The database would refuse a blank or overlong name with an error; the person gets a message.
    if (!displayName.success) {
      return fail(400, {
        code: 'display_name_is_not_valid',
        field: 'displayName' as Field,
        message: m.invite_display_name_invalid(),
        ...values
      });
    }
    const result = await acceptInvitation(sql(), {
      token: event.params.token,
      now: new Date(),
      ip: clientAddress(event),
      account: { kind: 'new', displayName: displayName.output, loginName, password },
      // The first answer signed the newcomer in, so the same form sent again comes signed in.
      signedInUserId: event.locals.user?.id ?? null
    });
    if (!result.ok) return refuse(result.code, values);
    if (result.session !== null) setSessionCookie(event.cookies, result.session, event.url.protocol === 'https:');
    redirect(303, '/account?welcome=1');
  }
};
