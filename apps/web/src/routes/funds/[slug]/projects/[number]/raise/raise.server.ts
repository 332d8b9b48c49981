import { can } from '$lib/server/access/policy';
import type { ProjectPage } from '../pay.server';

// The same start as the payouts and expenses pages: the fund, the project, project.read.
export { projectPage, type ProjectPage } from '../pay.server';

/** What every page of this part shows of the fund and the project. */
export function projectSummary(page: ProjectPage, locals: App.Locals) {
  const { fund, project, ref } = page;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    project: { number: project.number, title: project.title, status: project.status },
    // Vouchers and attachments are the fund office's pages; others see the voucher number only.
    canReadOffice: can(locals.actor, 'fund.office.read', { fundId: ref.fundId }).allowed
  };
}
