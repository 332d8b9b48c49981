import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { compoundOverview } from '$lib/server/people/members';
import { compoundSteps } from '$lib/server/people/todo';
import { DIGITS_ID, fundFromSlug } from '../../../fund.server';
import type { PageServerLoad } from './$types';

/**
 * A compound's page for its committee, the fund office, the leadership group and the supervisor.
 * The fund and the id's shape are checked first (which funds and compounds exist is public);
 * nothing about the compound is read before the policy allows it.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  const compoundId = event.params.id;
  if (!DIGITS_ID.test(compoundId)) error(404, { message: m.error_not_found() });
  authorize(event, 'compound.read', { fundId: fund.id, compoundId });
  const compound = await compoundOverview(sql(), { fundId: fund.id, compoundId });
  if (compound === null) error(404, { message: m.error_not_found() });
  // Each application and project with its next step, decided where the committee's to-do list is.
  const steps = await compoundSteps(sql(), { actor: event.locals.actor, fundId: fund.id, compoundId });
  // The link appears only where the households page would let the visitor in; it asks again.
  const householdsLink = can(event.locals.actor, 'compound.read', { fundId: fund.id, compoundId }).allowed;
  // The committee starts and follows its applications from the fund's list, which shows it only its own.
  const applicationsLink = can(event.locals.actor, 'application.create', { fundId: fund.id, compoundId }).allowed;
  // The residents' voice: the QR sheet is public; the code slips and representatives are the
  // register's keepers'; recording a need on the residents' behalf is need.record's.
  const codesLink = can(event.locals.actor, 'compound.households.manage', { fundId: fund.id, compoundId }).allowed;
  const recordNeedLink = can(event.locals.actor, 'need.record', { fundId: fund.id, compoundId }).allowed;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    compound,
    steps,
    householdsLink,
    applicationsLink,
    codesLink,
    recordNeedLink
  };
};
