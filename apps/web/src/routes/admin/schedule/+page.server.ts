import { error } from '@sveltejs/kit';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { scheduleOverview } from '$lib/server/schedule';
import type { PageServerLoad } from './$types';

/** The platform administrator's read-only view of the scheduler: each step's last run and the runs that did something. */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'platform.schedule.read', null);
  const overview = await scheduleOverview(sql(), event.locals.actor);
  // authorize() has just allowed it; a null here would be a policy that answers twice differently.
  if (overview === null) error(403);
  return overview;
};
