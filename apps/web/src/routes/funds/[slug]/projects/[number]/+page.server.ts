import { amountInWords, money } from '@gongjian/ledger';
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { calendarGapOf } from '$lib/server/fund/calendar';
import { sql } from '$lib/server/platform/database';
import { can } from '$lib/server/access/policy';
import { projectStatement } from '$lib/server/projects/project-statement';
import { projectFrom } from '../project.server';
import type { PageServerLoad } from './$types';

/**
 * One project's page and statement: where it stands, its timeline, sources and uses, the balance
 * of its accounts, budget against actual, payouts, acceptance photos and evaluation results, and
 * the way to each of its pages the visitor may use (the policy is asked about each).
 */
export const load: PageServerLoad = async (event) => {
  const { fund, project, ref } = await projectFrom(event);
  const statement = await projectStatement(sql(), { fundId: fund.id, number: project.number });
  if (statement === null) error(404, { message: m.error_not_found() });
  const actor = event.locals.actor;
  const may = (action: Parameters<typeof can>[1]) => can(actor, action, ref).allowed;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...statement,
    // The 大写 of the two totals, as the printed statement carries them.
    sourcesInWords: amountInWords(money(statement.sources.total)),
    balanceInWords: amountInWords(money(statement.balance.funds)),
    links: {
      raise: may('project.raise'),
      payouts: may('project.payout.request') || may('project.payout.approve'),
      expenses: may('project.expense'),
      acceptance: may('project.accept.record') || may('project.accept.confirm') || statement.acceptance !== null,
      evaluation: may('project.evaluation.codes'),
      close: may('project.close') || statement.closing !== null
    },
    // Vouchers and the fund's other evidence are the office's pages.
    canSeeVouchers: can(actor, 'fund.office.read', { fundId: fund.id }).allowed,
    // While on notice: whether its end waits for a year of the working-day calendar, and who may enter it.
    calendarGap:
      project.status === 'approved'
        ? await calendarGapOf(sql(), { fundId: fund.id, number: project.number })
        : { years: [], notices: [] },
    canEnterCalendar: can(actor, 'platform.calendar.manage', null).allowed
  };
};
