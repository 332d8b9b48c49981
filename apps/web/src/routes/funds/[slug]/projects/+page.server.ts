import { sql } from '$lib/server/platform/database';
import { listProjects, PROJECT_STATUSES, type ProjectStatus } from '$lib/server/projects/project-statement';
import { fundFromSlug } from '../../fund.server';
import { authorizeProjects } from './project.server';
import type { PageServerLoad } from './$types';

/**
 * A fund's projects (its grants from approval on), newest first: a committee member sees their
 * own compounds', the office, the leadership group and the supervisor see them all. `?status=`
 * shows one status only.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorizeProjects(event, fund.id);
  const wanted = event.url.searchParams.get('status');
  const status: ProjectStatus | null = PROJECT_STATUSES.find((item) => item === wanted) ?? null;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    status,
    statuses: PROJECT_STATUSES,
    projects: await listProjects(sql(), { actor: event.locals.actor, fundId: fund.id, status })
  };
};
