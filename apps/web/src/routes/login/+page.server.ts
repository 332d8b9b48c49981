import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { signIn } from '$lib/server/people/accounts';
import { roleName, throttledMessage } from '$lib/server/people/account-messages';
import { setSessionCookie } from '$lib/server/auth/session';
import { sql } from '$lib/server/platform/database';
import { clientAddress } from '$lib/server/access/guard';
import { installedDemo } from '$lib/server/platform/demo-plugin';
import { FUND_ROLES } from '$lib/server/access/policy';
import { nextPath, nextQuery } from './next';
import type { Actions, PageServerLoad } from './$types';

// The sign-in page is public by nature: anyone may try to sign in, so no authorize() here.
export const load: PageServerLoad = ({ locals, url }) => {
  const next = nextPath(url.searchParams.get('next'));
  if (locals.user !== null) redirect(303, next);
  if (locals.secondFactorPending) redirect(303, `/login/totp${nextQuery(next)}`);
  // A newcomer trying the demo needs its accounts; a real installation (no demo installed) shows none.
  const installed = installedDemo();
  const demo = installed
    ? {
        password: installed.password,
        people: installed.accounts.map((account) => {
          const fundRole = FUND_ROLES.find((role) => role === account.role);
          return {
            loginName: account.loginName,
            displayName: account.displayName,
            role: fundRole
              ? roleName(fundRole)
              : account.role === 'region_officer'
                ? m.region_demo_role()
                : m.platform_demo_role()
          };
        })
      }
    : null;
  return { next, demo, sessionOver: url.searchParams.has('expired') };
};

// Control characters never belong in a login name; PostgreSQL would refuse a NUL outright.
const noControl = v.regex(/^[^\u0000-\u001f\u007f]*$/);

const SignInForm = v.object({
  loginName: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(100), noControl),
  password: v.pipe(v.string(), v.nonEmpty(), v.maxLength(1024)),
  // The authenticator's code, which the page asks for while the login name is paused.
  code: v.optional(v.pipe(v.string(), v.maxLength(16))),
  next: v.optional(v.string())
});

export const actions: Actions = {
  default: async (event) => {
    const { request, cookies, url } = event;
    const form = Object.fromEntries(await request.formData());
    const loginName = typeof form.loginName === 'string' ? form.loginName.trim().slice(0, 100) : '';
    const parsed = v.safeParse(SignInForm, form);
    if (!parsed.success) {
      const blank = loginName === '' || form.password === undefined || form.password === '';
      return fail(400, {
        code: blank ? 'login_form_is_incomplete' : 'login_name_or_password_is_wrong',
        message: blank ? m.auth_login_incomplete() : m.auth_login_wrong(),
        loginName
      });
    }
    const now = new Date();
    const result = await signIn(sql(), {
      loginName: parsed.output.loginName,
      password: parsed.output.password,
      ...(parsed.output.code === undefined ? {} : { totpCode: parsed.output.code }),
      ip: clientAddress(event),
      now,
      replacingToken: event.locals.sessionToken
    });
    if (!result.ok) {
      if (result.code === 'sign_in_is_throttled') {
        const message = throttledMessage(result.retryAt, now);
        // While only the name is paused, the password with the authenticator's code still signs in.
        const secondFactorPasses = result.secondFactorPasses;
        return fail(429, { code: result.code, message, loginName, secondFactorPasses });
      }
      // One message for an unknown name and a wrong password: the page never tells who has an account.
      return fail(400, { code: result.code, message: m.auth_login_wrong(), loginName });
    }
    setSessionCookie(cookies, result.session, url.protocol === 'https:');
    const next = nextPath(parsed.output.next);
    redirect(303, result.secondFactorRequired ? `/login/totp${nextQuery(next)}` : next);
  }
};
