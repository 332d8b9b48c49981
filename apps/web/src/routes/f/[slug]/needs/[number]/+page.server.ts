import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { publicReads } from '$lib/server/public/reads';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { clientAddress } from '$lib/server/access/guard';
import { NEED_REFUSALS, NEED_REFUSED, needThrottledMessage } from '$lib/server/grants/needs/needs-refusals';
import { categoryOptions, publicNeed } from '$lib/server/grants/needs/reads';
import { supportNeed } from '$lib/server/grants/needs/supports';
import { publicNeedParams } from '../needs.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * One public need (/f/<slug>/needs/<n>): what and where, its status, supports and timeline (五议
 * labels), its checked photos, and the support form: a household of the need's compound types its
 * household code (户码), once. A plain POST: public pages ship no JavaScript.
 */
export const load: PageServerLoad = async (event) => {
  const reads = await publicReads(event);
  const { fund, number } = await publicNeedParams(event);
  const [need, categories] = await Promise.all([publicNeed(reads, fund.id, number), categoryOptions(reads, fund.id)]);
  if (need === null) error(404, { message: m.error_not_found() });
  const { id: _id, ...shown } = need;
  return { need: shown, categories };
};

const SupportForm = v.object({ code: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)) });

export const actions: Actions = {
  support: async (event) => {
    const { fund, number } = await publicNeedParams(event);
    // A number that names no public need is 404 before the form is read or a code is looked up.
    if ((await publicNeed(sql(), fund.id, number)) === null) error(404, { message: m.error_not_found() });
    const parsed = v.safeParse(SupportForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { errors: { code: m.needs_error_code() } });
    const now = new Date();
    const result = await supportNeed(sql(), {
      fundId: fund.id,
      number,
      code: parsed.output.code,
      ip: clientAddress(event),
      now
    });
    if (result.ok) return { supported: true as const, already: result.already };
    if (result.code === 'code_is_throttled') {
      return fail(429, { errors: { code: needThrottledMessage('code', result.retryAt, now) } });
    }
    const refusal = refusalMessage(NEED_REFUSALS, result.code, NEED_REFUSED);
    return fail(failureStatusOf(result.code), { errors: { [refusal.field]: refusal.message } });
  }
};
