import { sql } from '$lib/server/platform/database';
import { fundProfile, officeDashboard, unitStatements } from '$lib/server/fund/fund-office';
import { currentPolicy } from '$lib/server/fund/fund-policy';
import { authorize } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { todoForFund } from '$lib/server/people/todo';
import { fundFromSlug } from '../fund.server';
import type { PageServerLoad } from './$types';

/**
 * The fund office's home: the pool's balance, what is reserved and available, what units pledged
 * and paid this fiscal year, and the way to the office's other pages. Private to the office, the
 * leadership group and the supervisor.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const profile = await fundProfile(sql(), fund.id);
  const fiscalYear = profile?.fiscalYear ?? new Date().getUTCFullYear();
  const [dashboard, statements, policy, todo] = await Promise.all([
    officeDashboard(sql(), fund.id, fiscalYear),
    unitStatements(sql(), fund.id, fiscalYear),
    currentPolicy(sql(), fund.id),
    todoForFund(sql(), event.locals.actor, fund.id)
  ]);
  const actor = event.locals.actor;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    profile,
    dashboard,
    statements,
    todo,
    policy: policy === null ? null : { version: policy.version, adoptedAt: policy.adoptedAt },
    canManage: can(actor, 'fund.office.manage', { fundId: fund.id }).allowed,
    canReadMembers: can(actor, 'fund.members.read', { fundId: fund.id }).allowed,
    // The applications list lets in everyone who reads the fund's private pages, the review queue
    // everyone who reads the office; the links follow the same answers.
    canReadApplications: can(actor, 'fund.read_private', { fundId: fund.id }).allowed,
    canReview: can(actor, 'fund.office.read', { fundId: fund.id }).allowed,
    canConfirmCorrections: can(actor, 'books.correct.confirm', { fundId: fund.id }).allowed,
    canReadBooks: can(actor, 'books.read', { fundId: fund.id }).allowed,
    canAuditPackage: can(actor, 'books.audit_package', { fundId: fund.id }).allowed,
    // The needs and the project list are read by everyone who reads the office; the resources list
    // is kept by the administrator alone.
    canManageResources: can(actor, 'resource.manage', { fundId: fund.id }).allowed
  };
};
