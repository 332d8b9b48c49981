import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { publicReads } from '$lib/server/public/reads';
import { UPLOAD_REQUEST_BYTES_MAX } from '$lib/server/platform/attachments';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { clientAddress } from '$lib/server/access/guard';
import { needValuesOf, parseNeedForm } from '$lib/server/grants/needs/form';
import { NEED_REFUSALS, NEED_REFUSED, needThrottledMessage } from '$lib/server/grants/needs/needs-refusals';
import { FOLLOW_TOKEN, newFollowToken, raiseNeed } from '$lib/server/grants/needs/raise';
import { categoryOptions } from '$lib/server/grants/needs/reads';
import { publicNeedsFund } from '../needs.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * A resident raises a need without an account (/f/<slug>/needs/new, `?compound=<code>` from the
 * compound's QR code). The form carries a fresh key and a fresh follow token, so this page is
 * never kept by any cache: two residents must never share one. The answer is the follow page.
 */
export const load: PageServerLoad = async (event) => {
  const reads = await publicReads(event);
  const fund = await publicNeedsFund(event);
  event.setHeaders({ 'cache-control': 'no-store' });
  const [compounds, categories] = await Promise.all([
    reads<{ id: string; code: string; name: string }[]>`
      select id::text as id, code, name from compounds where fund_id = ${fund.id} order by code`,
    categoryOptions(reads, fund.id)
  ]);
  const code = event.url.searchParams.get('compound');
  const chosen = compounds.find((compound) => compound.code === code) ?? null;
  return { compounds, categories, chosen: chosen?.id ?? '', createKey: randomUUID(), followToken: newFollowToken() };
};

export const actions: Actions = {
  default: async (event) => {
    const fund = await publicNeedsFund(event);
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > UPLOAD_REQUEST_BYTES_MAX)
      return fail(413, { errors: { photos: m.needs_error_photo_size() }, values: null });
    const form = await event.request.formData();
    const values = needValuesOf(form);
    const token = form.get('followToken');
    const parsed = await parseNeedForm(form);
    if (!parsed.ok || typeof token !== 'string' || !FOLLOW_TOKEN.test(token)) {
      return fail(400, { errors: parsed.ok ? { form: m.needs_error_invalid() } : parsed.errors, values });
    }
    const now = new Date();
    const result = await raiseNeed(sql(), {
      ...parsed.fields,
      fundId: fund.id,
      followToken: token,
      ip: clientAddress(event),
      now
    });
    if (!result.ok) {
      if (result.code === 'need_is_throttled') {
        return fail(429, { errors: { form: needThrottledMessage('raise', result.retryAt, now) }, values });
      }
      const refusal = refusalMessage(NEED_REFUSALS, result.code, NEED_REFUSED);
      return fail(failureStatusOf(result.code), { errors: { [refusal.field]: refusal.message }, values });
    }
    redirect(303, `/f/${fund.slug}/needs/follow/${token}?raised=1`);
  }
};
