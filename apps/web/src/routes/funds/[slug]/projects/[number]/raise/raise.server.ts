import type { RequestEvent } from '@sveltejs/kit';
import { authorize } from '$lib/server/guard';
import { can, type Action, type ApplicationRef } from '$lib/server/policy';
import type { ProjectPage } from '../pay.server';

// The same start as the payouts and expenses pages: the fund, the project, project.read.
export { projectPage, type ProjectPage } from '../pay.server';

/**
 * The gate of a command on the project. Someone without the role is refused as by authorize (sign
 * in, enrol a second factor, or 403); someone who has it, on a project whose state no longer
 * allows the command (closed, not yet accepted), gets 'state', which the page says in words.
 */
export function commandGate(
  event: Pick<RequestEvent, 'locals' | 'url'>,
  action: Extract<Action, `project.${string}`>,
  ref: ApplicationRef
): 'allowed' | 'state' {
  const decision = can(event.locals.actor, action, ref);
  if (!decision.allowed && decision.reason === 'state_does_not_allow_it') return 'state';
  authorize(event, action, ref);
  return 'allowed';
}

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
