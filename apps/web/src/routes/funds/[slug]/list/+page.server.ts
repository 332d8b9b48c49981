import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { listItems } from '$lib/server/grants/project-list';
import { fundFromSlug } from '../../fund.server';
import type { PageServerLoad } from './$types';

/** The project list for the office, the leadership and the supervisor; the office places orders. */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    items: await listItems(sql(), fund.id),
    canManage: can(event.locals.actor, 'list.manage', { fundId: fund.id }).allowed
  };
};
