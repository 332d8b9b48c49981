import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { formatDateTime } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import {
  LINK_REFUSED,
  RESET_REFUSALS,
  invitationRefusalStatus,
  linkProblemMessage,
  linkProblemStatus
} from '$lib/server/people/invitation-refusals';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { issueFormToken } from '$lib/server/auth/form-token';
import { setSessionCookie } from '$lib/server/auth/session';
import { sql } from '$lib/server/platform/database';
import { clientAddress } from '$lib/server/access/guard';
import { resetPassword, viewLink } from '$lib/server/people/invitations';
import type { Actions, PageServerLoad } from './$types';

// As with invitations, the unguessable token is the permission: a fund administrator issued it
// for one person, and it works once, for a day at most.
export const load: PageServerLoad = async ({ params, locals, cookies, url }) => {
  const result = await viewLink(sql(), { token: params.token, kind: 'reset', now: new Date() });
  if (!result.ok) error(linkProblemStatus(result.code), { message: linkProblemMessage(result.code) });
  return {
    // The page sends no Referer, so its form proves itself with this token (see form-token.ts).
    formToken: issueFormToken(cookies, url.protocol === 'https:'),
    displayName: result.view.userDisplayName ?? '',
    expires: formatDateTime(result.view.expiresAt, locals.locale)
  };
};

const ResetForm = v.object({ password: v.pipe(v.string(), v.nonEmpty(), v.maxLength(1024)) });

export const actions: Actions = {
  default: async (event) => {
    const parsed = v.safeParse(ResetForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { code: 'password_is_too_short', message: m.reset_password_incomplete() });
    const result = await resetPassword(sql(), {
      token: event.params.token,
      password: parsed.output.password,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (result.ok) {
      setSessionCookie(event.cookies, result.session, event.url.protocol === 'https:');
      redirect(303, '/account?changed=password');
    }
    const { message } = refusalMessage(RESET_REFUSALS, result.code, LINK_REFUSED);
    return fail(invitationRefusalStatus(result.code), { code: result.code, message });
  }
};
