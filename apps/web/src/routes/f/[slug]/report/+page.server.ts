import { chinaDateOf } from '@gongjian/ledger';
import { publicReads } from '$lib/server/public/reads';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { parsePeriod, periodReport, printStamp } from '$lib/server/public/print';
import type { PageServerLoad } from './$types';

/**
 * The fund's report for a period (`?from=YYYY-MM-DD&to=YYYY-MM-DD`, this year so far by default),
 * to print on A4: where money came from, what it was used for, and the balances at both ends.
 * A period that cannot be read is said so next to the form that chooses it.
 */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const now = new Date();
  const period = parsePeriod(event.url.searchParams, chinaDateOf(now));
  if (!period.ok) return { period, report: null, stamp: null };
  const report = await periodReport(reads, { fundId: site.fund.id, from: period.from, to: period.to });
  const query = new URLSearchParams({ from: period.from, to: period.to });
  const stamp = printStamp({
    origin: publicOrigin(event),
    slug: site.fund.slug,
    path: `/report?${query.toString()}`,
    head: site.head,
    now
  });
  return { period, report, stamp };
};
