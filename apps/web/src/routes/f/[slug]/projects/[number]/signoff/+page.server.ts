import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { publicReads } from '$lib/server/public/reads';
import { clientAddress } from '$lib/server/access/guard';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { signOff, signoffPageOf } from '$lib/server/projects/signoffs';
import { signoffRefusalOf } from '$lib/server/projects/signoff-refusals';
import { publicProjectParams } from '../project.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * Residents sign off the work (/f/<slug>/projects/<n>/signoff), without an account: a resident
 * representative of the project's compound types the household's code to confirm that the work
 * was done. One plain form post (public pages ship no JavaScript); a wrong code counts against the
 * visitor's address, and a household's second sign-off is answered as its first.
 */

export const load: PageServerLoad = async (event) => {
  const reads = await publicReads(event);
  const { fund, number } = await publicProjectParams(event);
  const shown = await signoffPageOf(reads, { fundId: fund.id, number });
  if (shown === null) error(404, { message: m.error_not_found() });
  return { number, shown };
};

const CodeForm = v.object({ code: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40)) });

export const actions: Actions = {
  default: async (event) => {
    const { fund, number } = await publicProjectParams(event);
    const form = await event.request.formData();
    const typed = form.get('code');
    const code = typeof typed === 'string' ? typed.slice(0, 40) : '';
    const parsed = v.safeParse(CodeForm, { code });
    if (!parsed.success) return fail(400, { errors: { code: m.signoff_error_code() }, values: { code } });
    const now = new Date();
    const result = await signOff(sql(), {
      fundId: fund.id,
      number,
      code: parsed.output.code,
      ip: clientAddress(event),
      now
    });
    if (!result.ok) {
      const { message } = signoffRefusalOf(result, now, event.locals.locale);
      return fail(failureStatusOf(result.code), { errors: { code: message }, values: { code } });
    }
    // The code is not sent back: the page thanks the household and shows the count.
    return { signed: true as const, replayed: result.replayed, given: result.given, required: result.required };
  }
};
