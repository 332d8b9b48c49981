import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { formText } from '$lib/server/platform/form-input';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { allows, clientAddress } from '$lib/server/access/guard';
import { NEED_REFUSALS, NEED_REFUSED } from '$lib/server/grants/needs/needs-refusals';
import { categoryOptions } from '$lib/server/grants/needs/reads';
import { REASON_MAX, TRIAGE_ACTIONS, checkNeedPhoto, mayTriage, triageNeed } from '$lib/server/grants/needs/triage';
import { officeNeedOf } from './need.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * One need for the people who triage it (/funds/<slug>/needs/<n>): its contact, every photo with
 * the personal-data check, its timeline, and the triage form (accept, merge, decline with a
 * public reason; spam). Each action asks the policy again in its use case.
 */
export const load: PageServerLoad = async (event) => {
  const { fund, need } = await officeNeedOf(event);
  const actor = event.locals.actor;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    need,
    categories: await categoryOptions(sql(), fund.id),
    actions: need.actions.filter((action) => mayTriage(actor, fund.id, need.compoundId, action)),
    mayCheckPhotos: allows(event, 'need.triage', { fundId: fund.id, compoundId: need.compoundId })
  };
};

const TriageForm = v.object({
  action: v.picklist(TRIAGE_ACTIONS),
  reason: formText(REASON_MAX),
  mergeInto: v.optional(v.union([v.literal(''), v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,8}$/))]), '')
});

const PhotoForm = v.object({ sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)) });

export const actions: Actions = {
  triage: async (event) => {
    const { fund, need } = await officeNeedOf(event);
    const form = await event.request.formData();
    const values = {
      reason: String(form.get('reason') ?? '').slice(0, REASON_MAX),
      mergeInto: String(form.get('mergeInto') ?? '').slice(0, 10)
    };
    const parsed = v.safeParse(TriageForm, Object.fromEntries(form));
    if (!parsed.success) return fail(400, { errors: { form: m.needs_error_invalid() }, values });
    const input = parsed.output;
    const result = await triageNeed(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      number: need.number,
      action: input.action,
      reason: input.reason,
      mergeInto: input.mergeInto === '' ? null : Number(input.mergeInto),
      now: new Date(),
      ip: clientAddress(event)
    });
    if (result.ok) return { triaged: input.action };
    const refusal = refusalMessage(NEED_REFUSALS, result.code, NEED_REFUSED);
    return fail(failureStatusOf(result.code), { errors: { [refusal.field]: refusal.message }, values });
  },

  checkPhoto: async (event) => {
    const { fund, need } = await officeNeedOf(event);
    const parsed = v.safeParse(PhotoForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { errors: { form: m.needs_error_invalid() }, values: null });
    const result = await checkNeedPhoto(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      number: need.number,
      sha256: parsed.output.sha256,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (result.ok) return { photoChecked: true as const };
    const refusal = refusalMessage(NEED_REFUSALS, result.code, NEED_REFUSED);
    return fail(failureStatusOf(result.code), { errors: { form: refusal.message }, values: null });
  }
};
