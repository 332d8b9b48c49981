import { redirect } from '@sveltejs/kit';
import { authorize } from '$lib/server/access/guard';
import { sql } from '$lib/server/platform/database';
import { TRAIL_PAGE_SIZE, parseTrailQuery, trailPage, trailPeople } from '$lib/server/reports/audit-trail';
import { defaultAuditPeriod, parseAuditPeriod } from '$lib/server/reports/period';
import { fundFromSlug } from '../../fund.server';
import type { FundRow } from '$lib/server/people/members';
import type { PageServerLoad } from './$types';

/**
 * The auditor's package: choose a period, download one ZIP. The form is a plain GET to this
 * page; a valid period is sent on to the archive (303), an invalid one comes back with its
 * fields marked, so the page works without JavaScript. For the office and the supervisor.
 *
 * Below it, the audit trail: the fund's events, filtered by a second GET form (its dates are
 * since= and until=, so they never ask for the package), a keyset page at a time.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.audit_package', { fundId: fund.id });
  authorize(event, 'audit.read', { fundId: fund.id });
  const params = event.url.searchParams;
  if (!params.has('from') && !params.has('to')) {
    return {
      ...(await pageOf(event.locals.actor, fund, params)),
      values: defaultAuditPeriod(new Date()),
      invalid: [] as ('from' | 'to')[]
    };
  }
  const parsed = parseAuditPeriod(params);
  if (parsed.ok) {
    const query = new URLSearchParams({ from: parsed.period.from, to: parsed.period.to });
    redirect(303, `/funds/${encodeURIComponent(fund.slug)}/audit/package.zip?${query.toString()}`);
  }
  return { ...(await pageOf(event.locals.actor, fund, params)), values: parsed.values, invalid: parsed.invalid };
};

async function pageOf(actor: App.Locals['actor'], fund: FundRow, params: URLSearchParams) {
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    trail: await trailOf(actor, fund, params)
  };
}

async function trailOf(actor: App.Locals['actor'], fund: { id: string; slug: string }, params: URLSearchParams) {
  const parsed = parseTrailQuery(params);
  const [page, people] = await Promise.all([
    trailPage(sql(), { fundId: fund.id, fundSlug: fund.slug, actor, query: parsed.query }),
    trailPeople(sql(), { fundId: fund.id, selected: parsed.query.actorUserId })
  ]);
  return { ...page, people, values: parsed.values, invalid: parsed.invalid, pageSize: TRAIL_PAGE_SIZE };
}
