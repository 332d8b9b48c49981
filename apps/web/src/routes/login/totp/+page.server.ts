import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { completeSecondFactor } from '$lib/server/people/accounts';
import { throttledMessage } from '$lib/server/people/account-messages';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/session';
import { sql } from '$lib/server/platform/database';
import { clientAddress } from '$lib/server/access/guard';
import { nextPath, nextQuery } from '../next';
import type { Actions, PageServerLoad } from './$types';

// The second step of signing in: only a session whose password was right and whose code is
// still to come may be here; anyone else is sent to the first step (or on, if signed in).
export const load: PageServerLoad = ({ locals, url }) => {
  const next = nextPath(url.searchParams.get('next'));
  if (locals.user !== null) redirect(303, next);
  if (!locals.secondFactorPending) redirect(303, `/login${nextQuery(next)}`);
  return { next };
};

const CodeForm = v.object({
  code: v.pipe(
    v.string(),
    v.transform((code) => code.replace(/\s/g, '')),
    v.regex(/^[0-9]{6}$/)
  ),
  next: v.optional(v.string())
});

export const actions: Actions = {
  default: async (event) => {
    const { locals, cookies, request, url } = event;
    const pendingToken = locals.sessionToken;
    if (!locals.secondFactorPending || pendingToken === null) redirect(303, '/login?expired=1');
    const parsed = v.safeParse(CodeForm, Object.fromEntries(await request.formData()));
    if (!parsed.success) return fail(400, { code: 'totp_code_is_wrong', message: m.auth_totp_wrong() });
    const now = new Date();
    const secure = url.protocol === 'https:';
    const result = await completeSecondFactor(sql(), {
      pendingToken,
      code: parsed.output.code,
      ip: clientAddress(event),
      now
    });
    if (result.ok) {
      setSessionCookie(cookies, result.session, secure);
      redirect(303, nextPath(parsed.output.next));
    }
    if (result.code === 'second_factor_session_is_over') {
      deleteSessionCookie(cookies, secure);
      redirect(303, '/login?expired=1');
    }
    if (result.code === 'sign_in_is_throttled') {
      return fail(429, { code: result.code, message: throttledMessage(result.retryAt, now) });
    }
    return fail(400, { code: result.code, message: m.auth_totp_wrong() });
  }
};
