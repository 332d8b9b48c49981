import { error, fail } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { issueHouseholdCodes } from '$lib/server/fund/household-codes';
import { codeHouseholdsOf } from '$lib/server/fund/representatives';
import { authorize, clientAddress, publicOrigin } from '$lib/server/access/guard';
import { DIGITS_ID, fundFromSlug } from '../../../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Household code slips (户码条) for a compound's committee: codes for the households without one,
 * a fresh code for every household, or for one household whose slip was lost. The codes come back
 * in the answer to the post, once, as a printable A4 sheet of slips (the evaluation slips' layout);
 * only their hashes are kept, so no page can show them again.
 */

async function compoundFrom(event: Pick<RequestEvent, 'params' | 'locals' | 'url'>) {
  const fund = await fundFromSlug(event.params.slug);
  const compoundId = event.params.id;
  if (!DIGITS_ID.test(compoundId)) error(404, { message: m.error_not_found() });
  authorize(event, 'compound.households.manage', { fundId: fund.id, compoundId });
  return { fund, compoundId };
}

export const load: PageServerLoad = async (event) => {
  const { fund, compoundId } = await compoundFrom(event);
  const found = await codeHouseholdsOf(sql(), { fundId: fund.id, compoundId });
  if (found === null) error(404, { message: m.error_not_found() });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    compound: { id: compoundId, name: found.name },
    households: found.households,
    // Printed on the slips, so the full address, from the trusted origin (never a forged Host).
    siteUrl: `${publicOrigin(event)}/f/${fund.slug}`,
    // Each form has its own key: a reissue is not a replay of the issue sent from the same page.
    newKey: randomUUID(),
    allKey: randomUUID(),
    oneKey: randomUUID()
  };
};

const IssueForm = v.object({
  key: v.pipe(v.string(), v.uuid()),
  mode: v.picklist(['new', 'all', 'one']),
  householdId: v.optional(v.pipe(v.string(), v.regex(DIGITS_ID)))
});

export const actions: Actions = {
  issue: async (event) => {
    const { fund, compoundId } = await compoundFrom(event);
    const parsed = v.safeParse(IssueForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { error: m.hcode_error_invalid() });
    const { key, mode, householdId } = parsed.output;
    if (mode === 'one' && householdId === undefined) return fail(400, { error: m.hcode_error_choose() });
    const result = await issueHouseholdCodes(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      compoundId,
      // One lost slip: a fresh code for that household only, whether it had one or not.
      mode: mode === 'new' ? 'new' : 'all',
      ...(mode === 'one' && householdId !== undefined ? { householdIds: [householdId] } : {}),
      idempotencyKey: key,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (!result.ok) {
      return result.code === 'not_allowed'
        ? fail(403, { error: m.error_forbidden() })
        : fail(404, { error: m.error_not_found() });
    }
    // The codes travel in this answer only: the page prints them, and they are not kept.
    return { issued: true as const, replayed: result.replayed, slips: result.slips };
  }
};
