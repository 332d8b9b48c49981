import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { correctionsOverview, decideCorrection, type CorrectionDecision } from '$lib/server/fund/corrections';
import { correctionRefusalOf } from '$lib/server/fund/corrections-refusals';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { fundFromSlug } from '../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The corrections of a fund (冲销与更正): those waiting for a second person, with the buttons to
 * confirm or decline them (a fund administrator or a leader, never the one who asked), and the
 * latest ones answered. Entries are reversed from their voucher page.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.correct.confirm', { fundId: fund.id });
  const actor = event.locals.actor;
  const done = event.url.searchParams.get('done');
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    overview: await correctionsOverview(sql(), fund.id),
    userId: actor.kind === 'user' ? actor.userId : null,
    done: done === 'confirmed' || done === 'declined' ? done : null
  };
};

const DecideForm = v.object({ correctionId: v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,17}$/)) });

async function decide(event: RequestEvent, decision: CorrectionDecision) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.correct.confirm', { fundId: fund.id });
  const parsed = v.safeParse(DecideForm, Object.fromEntries(await event.request.formData()));
  if (!parsed.success) return fail(400, { correctionId: '', error: m.correction_error_not_found() });
  const result = await decideCorrection(sql(), {
    actor: event.locals.actor,
    fundId: fund.id,
    now: new Date(),
    ip: clientAddress(event),
    correctionId: parsed.output.correctionId,
    decision
  });
  if (!result.ok) {
    return fail(failureStatusOf(result.code), {
      correctionId: parsed.output.correctionId,
      error: correctionRefusalOf(result.code).message
    });
  }
  redirect(303, `/funds/${event.params.slug}/corrections?done=${decision === 'confirm' ? 'confirmed' : 'declined'}`);
}

export const actions: Actions = {
  confirm: (event) => decide(event, 'confirm'),
  decline: (event) => decide(event, 'decline')
};
