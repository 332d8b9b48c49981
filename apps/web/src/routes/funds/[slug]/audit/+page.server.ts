import { redirect } from '@sveltejs/kit';
import { authorize } from '$lib/server/access/guard';
import { defaultAuditPeriod, parseAuditPeriod } from '$lib/server/reports/period';
import { fundFromSlug } from '../../fund.server';
import type { PageServerLoad } from './$types';

/**
 * The auditor's package: choose a period, download one ZIP. The form is a plain GET to this
 * page; a valid period is sent on to the archive (303), an invalid one comes back with its
 * fields marked, so the page works without JavaScript. For the office and the supervisor.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.audit_package', { fundId: fund.id });
  const params = event.url.searchParams;
  const base = { fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn } };
  if (!params.has('from') && !params.has('to')) {
    return { ...base, values: defaultAuditPeriod(new Date()), invalid: [] as ('from' | 'to')[] };
  }
  const parsed = parseAuditPeriod(params);
  if (parsed.ok) {
    const query = new URLSearchParams({ from: parsed.period.from, to: parsed.period.to });
    redirect(303, `/funds/${encodeURIComponent(fund.slug)}/audit/package.zip?${query.toString()}`);
  }
  return { ...base, values: parsed.values, invalid: parsed.invalid };
};
