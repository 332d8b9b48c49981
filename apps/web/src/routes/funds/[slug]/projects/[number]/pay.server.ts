import { error, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import type { FundRow } from '$lib/server/people/members';
import { authorize } from '$lib/server/access/guard';
import { can, type ApplicationRef } from '$lib/server/access/policy';
import { loadProject, projectRefOf, type ProjectRow } from '$lib/server/projects/project-core';
import { fundFromSlug } from '../../../fund.server';

/**
 * What the payouts and expenses pages of one project start with: the fund, the project and the
 * policy's answer to project.read. A visitor not signed in is sent to sign in before anything is
 * looked up; a signed-in visitor gets 404 for a number that is no project (a draft, a refused
 * application or nothing at all), and 403 for a project they may not read.
 */

const NUMBER = /^[1-9][0-9]{0,8}$/;

export interface ProjectPage {
  fund: FundRow;
  project: ProjectRow;
  ref: ApplicationRef;
}

export async function projectPage(event: Pick<RequestEvent, 'params' | 'locals' | 'url'>): Promise<ProjectPage> {
  const slug = event.params['slug'] ?? '';
  const fund = await fundFromSlug(slug);
  authorize(event, 'account.use', null);
  const text = event.params['number'] ?? '';
  const project = NUMBER.test(text)
    ? await loadProject(sql(), { fundId: fund.id, number: Number(text), lock: false })
    : null;
  if (project === null) error(404, { message: m.error_not_found() });
  const ref = projectRefOf(fund.id, project);
  authorize(event, 'project.read', ref);
  return { fund, project, ref };
}

/** What the two pages show of the project, and the links between them that the visitor may follow. */
export function projectSummary(page: ProjectPage, locals: App.Locals) {
  const { fund, project, ref } = page;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    project: {
      number: project.number,
      title: project.title,
      status: project.status,
      approvedAmount: project.approvedAmount,
      approvedRatio: project.approvedRatio
    },
    // Vouchers and attachments are the fund office's pages; others see the voucher number only.
    canReadOffice: can(locals.actor, 'fund.office.read', { fundId: ref.fundId }).allowed
  };
}
