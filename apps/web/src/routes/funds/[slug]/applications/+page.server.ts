import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import * as applications from '$lib/server/grants/applications';
import { applicationRefusalText } from '$lib/server/grants/application-refusals';
import { sql } from '$lib/server/platform/database';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { DIGITS_ID, fundFromSlug } from '../../fund.server';
import { authorizeList } from './application.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * A fund's applications: each committee member sees their own compounds' (drafts included) and a
 * button to start one for each compound they serve; the fund office, the leadership group and the
 * supervisor see what was submitted (the supervisor sees drafts too).
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorizeList(event, fund.id);
  const actor = event.locals.actor;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    applications: await applications.listApplications(sql(), { actor, fundId: fund.id }),
    compounds: await applications.compoundsServed(sql(), { actor, fundId: fund.id }),
    idempotencyKey: randomUUID()
  };
};

const CreateForm = v.object({
  compoundId: v.pipe(v.string(), v.regex(DIGITS_ID)),
  idempotencyKey: v.pipe(v.string(), v.uuid())
});

export const actions: Actions = {
  create: async (event) => {
    const fund = await fundFromSlug(event.params.slug);
    const form = Object.fromEntries(await event.request.formData());
    const compoundId =
      typeof form['compoundId'] === 'string' && DIGITS_ID.test(form['compoundId']) ? form['compoundId'] : '';
    // The compound comes from the form, so the policy is asked about that compound: a committee
    // member may start applications only for the compounds they serve.
    authorize(event, 'application.create', { fundId: fund.id, compoundId });
    const parsed = v.safeParse(CreateForm, form);
    if (!parsed.success)
      return fail(400, { code: 'invalid_input' as const, message: applicationRefusalText('invalid_input') });
    const result = await applications.createDraft(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      compoundId: parsed.output.compoundId,
      idempotencyKey: parsed.output.idempotencyKey,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (!result.ok) {
      return fail(result.code === 'not_allowed' ? 403 : 400, {
        code: result.code,
        message: applicationRefusalText(result.code)
      });
    }
    redirect(303, `/funds/${fund.slug}/applications/${result.number}/edit?step=basics`);
  }
};
