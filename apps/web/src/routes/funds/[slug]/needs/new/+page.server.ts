import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { UPLOAD_REQUEST_BYTES_MAX } from '$lib/server/platform/attachments';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { can } from '$lib/server/access/policy';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { needValuesOf, parseNeedForm } from '$lib/server/grants/needs/form';
import { NEED_REFUSALS, NEED_REFUSED } from '$lib/server/grants/needs/needs-refusals';
import { categoryOptions } from '$lib/server/grants/needs/reads';
import { recordNeed } from '$lib/server/grants/needs/raise';
import { fundFromSlug } from '../../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The committee (or the office) records a need on the residents' behalf
 * (/funds/<slug>/needs/new): from a paper slip, a residents' meeting (居民议事会) or a home visit.
 * The form offers the compounds the person may record for (need.record); the use case asks again.
 */
/**
 * The compounds the person may record needs for (need.record); someone who may record for none is
 * refused by the policy's own answer (sign in, or 403 naming who may).
 */
async function recordableCompounds(event: RequestEvent, fundId: string) {
  const all = await sql()<{ id: string; code: string; name: string }[]>`
    select id::text as id, code, name from compounds where fund_id = ${fundId} order by code`;
  const compounds = all.filter(
    (compound) => can(event.locals.actor, 'need.record', { fundId, compoundId: compound.id }).allowed
  );
  if (compounds.length === 0) authorize(event, 'need.record', { fundId, compoundId: all[0]?.id ?? '0' });
  return compounds;
}

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  const compounds = await recordableCompounds(event, fund.id);
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    compounds,
    categories: await categoryOptions(sql(), fund.id),
    createKey: randomUUID()
  };
};

export const actions: Actions = {
  default: async (event) => {
    const fund = await fundFromSlug(event.params.slug);
    await recordableCompounds(event, fund.id);
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > UPLOAD_REQUEST_BYTES_MAX)
      return fail(413, { errors: { photos: m.needs_error_photo_size() }, values: null });
    const form = await event.request.formData();
    const values = needValuesOf(form);
    const parsed = await parseNeedForm(form);
    if (!parsed.ok) return fail(400, { errors: parsed.errors, values });
    const { source, ...fields } = parsed.fields;
    if (source === undefined) return fail(400, { errors: { source: m.needs_error_source() }, values });
    authorize(event, 'need.record', { fundId: fund.id, compoundId: fields.compoundId });
    const result = await recordNeed(sql(), {
      ...fields,
      source,
      actor: event.locals.actor,
      fundId: fund.id,
      ip: clientAddress(event),
      now: new Date()
    });
    if (!result.ok) {
      const refusal = refusalMessage(NEED_REFUSALS, result.code, NEED_REFUSED);
      return fail(failureStatusOf(result.code), { errors: { [refusal.field]: refusal.message }, values });
    }
    redirect(303, `/funds/${fund.slug}/needs/${String(result.number)}`);
  }
};
