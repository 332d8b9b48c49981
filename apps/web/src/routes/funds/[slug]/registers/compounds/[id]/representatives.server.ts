import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { REPRESENTATIVES_MAX, setRepresentatives } from '$lib/server/fund/representatives';
import { DIGITS_ID, fundFromSlug } from '../../../../fund.server';
import type { RequestEvent } from './$types';

/**
 * The compound's resident representatives, chosen by ticking households: the form sends the whole
 * list, so sending it twice leaves the same list. Ids that are not digits are dropped, and ids of
 * another compound's households change nothing (the use case updates this compound only).
 */
export async function representativesAction(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  const compoundId = event.params.id;
  const failed = (status: number, message: string) =>
    fail(status, { action: 'representatives' as const, id: '', message, errors: {}, values: {} });
  if (!DIGITS_ID.test(compoundId)) return failed(404, m.error_not_found());
  authorize(event, 'compound.households.manage', { fundId: fund.id, compoundId });
  const chosen = (await event.request.formData())
    .getAll('representative')
    .filter((value): value is string => typeof value === 'string' && DIGITS_ID.test(value));
  if (chosen.length > REPRESENTATIVES_MAX) return failed(400, m.delib_representatives_too_many());
  const result = await setRepresentatives(sql(), {
    actor: event.locals.actor,
    fundId: fund.id,
    compoundId,
    householdIds: chosen,
    now: new Date(),
    ip: clientAddress(event)
  });
  if (!result.ok) {
    if (result.code === 'not_allowed') return failed(403, m.error_forbidden());
    if (result.code === 'too_many_representatives') return failed(400, m.delib_representatives_too_many());
    return failed(404, m.error_not_found());
  }
  return { action: 'representatives' as const, id: '', done: m.delib_representatives_saved() };
}
