import { fail, redirect } from '@sveltejs/kit';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { beginTotpEnrolment, confirmTotpEnrolment } from '$lib/server/people/accounts';
import { qrDataUrl, totpKeyUri } from '$lib/server/auth/totp';
import { sql } from '$lib/server/platform/database';
import { clientAddress, requireUser } from '$lib/server/access/guard';
import type { Actions, PageServerLoad } from './$types';

// The name an authenticator app lists the account under.
const TOTP_ISSUER = 'Gongjian 共建';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const required = event.url.searchParams.get('required') === '1';
  const enrolment = await beginTotpEnrolment(sql(), user.id);
  if (enrolment.enrolled) return { required, enrolment: { enrolled: true as const } };
  // The key is shown on this private page only (hooks send Cache-Control: no-store for it), as a
  // QR code and as text in groups of four for typing by hand.
  const uri = totpKeyUri({ issuer: TOTP_ISSUER, accountName: enrolment.loginName, key: enrolment.key });
  const keyText = encodeBase32UpperCaseNoPadding(enrolment.key).replace(/(.{4})(?=.)/g, '$1 ');
  return { required, enrolment: { enrolled: false as const, qr: qrDataUrl(uri), keyText } };
};

const CodeForm = v.object({
  code: v.pipe(
    v.string(),
    v.transform((code) => code.replace(/\s/g, '')),
    v.regex(/^[0-9]{6}$/)
  )
});

export const actions: Actions = {
  default: async (event) => {
    const user = requireUser(event);
    const parsed = v.safeParse(CodeForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { code: 'totp_code_is_wrong', message: m.account_totp_code_incomplete() });
    const result = await confirmTotpEnrolment(sql(), {
      userId: user.id,
      code: parsed.output.code,
      ip: clientAddress(event),
      now: new Date()
    });
    if (result.ok) redirect(303, '/account?changed=totp');
    if (result.code === 'totp_is_already_enrolled') {
      return fail(409, { code: result.code, message: m.account_totp_already_on() });
    }
    return fail(400, { code: result.code, message: m.account_totp_wrong() });
  }
};
