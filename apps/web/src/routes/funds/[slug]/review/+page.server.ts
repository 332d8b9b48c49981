import { calendarGapOf } from '$lib/server/fund/calendar';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { reviewQueue } from '$lib/server/grants/review';
import { fundFromSlug } from '../../fund.server';
import type { PageServerLoad } from './$types';

/**
 * The review queue: for the fund administrator the submitted applications to pre-check, for the
 * leaders the applications in review with their own vote marked, and for everyone who reads the
 * fund office the approvals on notice. Loading it also activates grants whose notice has ended
 * (see activateEndedNotices), so the lists are right without a scheduler.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const queue = await reviewQueue(sql(), { actor: event.locals.actor, fundId: fund.id });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...queue,
    // Notices whose end waits for a year of the working-day calendar, and who may enter it.
    calendarGap: await calendarGapOf(sql(), { fundId: fund.id }),
    canEnterCalendar: can(event.locals.actor, 'platform.calendar.manage', null).allowed
  };
};
