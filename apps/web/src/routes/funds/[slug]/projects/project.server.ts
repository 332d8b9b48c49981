import { error, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import type { FundRow } from '$lib/server/people/members';
import type { ApplicationRef } from '$lib/server/access/policy';
import { loadProject, projectRefOf, type ProjectRow } from '$lib/server/projects/project-core';
import { fundFromSlug } from '../../fund.server';
import { authorizeList } from '../applications/application.server';

/** A project number as URLs write it: 1, 2, 3, … without leading zeros. */
const NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * The gate of the project pages before any one project is known: the applications list's (a
 * committee member of the fund, or someone who reads its private pages), since a project is an
 * application after its approval.
 */
export function authorizeProjects(event: Pick<RequestEvent, 'locals' | 'url'>, fundId: string): void {
  authorizeList(event, fundId);
}

/**
 * The fund and the project the URL names, once the policy lets the visitor read it. A number that
 * names no project (none at all, or an application not yet approved) is 404 only for those who
 * pass the list's gate; anyone else is refused as they would be on the list.
 */
export async function projectFrom(
  event: Pick<RequestEvent, 'locals' | 'url'> & { params: { slug: string; number: string } }
): Promise<{ fund: FundRow; project: ProjectRow; ref: ApplicationRef }> {
  const fund = await fundFromSlug(event.params.slug);
  const number = NUMBER.test(event.params.number) ? Number(event.params.number) : null;
  const project = number === null ? null : await loadProject(sql(), { fundId: fund.id, number, lock: false });
  if (project === null) {
    authorizeProjects(event, fund.id);
    error(404, { message: m.error_not_found() });
  }
  const ref = projectRefOf(fund.id, project);
  authorize(event, 'project.read', ref);
  return { fund, project, ref };
}
