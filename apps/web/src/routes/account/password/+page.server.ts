import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { changePassword } from '$lib/server/people/accounts';
import { throttledMessage } from '$lib/server/people/account-messages';
import { passwordProblemMessage } from '$lib/server/people/invitation-refusals';
import { setSessionCookie } from '$lib/server/auth/session';
import { sql } from '$lib/server/platform/database';
import { clientAddress, requireUser } from '$lib/server/access/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
  const user = requireUser(event);
  return { loginName: user.loginName };
};

const PasswordForm = v.object({
  currentPassword: v.pipe(v.string(), v.nonEmpty(), v.maxLength(1024)),
  newPassword: v.pipe(v.string(), v.nonEmpty(), v.maxLength(1024))
});

export const actions: Actions = {
  default: async (event) => {
    const user = requireUser(event);
    const parsed = v.safeParse(PasswordForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) {
      return fail(400, {
        code: 'password_form_is_incomplete',
        field: 'form',
        message: m.account_password_incomplete()
      });
    }
    const now = new Date();
    const result = await changePassword(sql(), {
      userId: user.id,
      currentPassword: parsed.output.currentPassword,
      newPassword: parsed.output.newPassword,
      ip: clientAddress(event),
      now
    });
    if (result.ok) {
      // Every older session was just revoked, this one included; the new cookie keeps the user in.
      setSessionCookie(event.cookies, result.session, event.url.protocol === 'https:');
      redirect(303, '/account?changed=password');
    }
    if (result.code === 'sign_in_is_throttled') {
      return fail(429, { code: result.code, field: 'form', message: throttledMessage(result.retryAt, now) });
    }
    if (result.code === 'current_password_is_wrong') {
      return fail(400, { code: result.code, field: 'current', message: m.account_password_current_wrong() });
    }
    return fail(400, { code: result.code, field: 'new', message: passwordProblemMessage(result.code) });
  }
};
