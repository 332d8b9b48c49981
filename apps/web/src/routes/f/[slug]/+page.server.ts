import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { fundPage } from '$lib/server/public/fund-page';
import { streetOfFund } from '$lib/server/regions/reads';
import type { PageServerLoad } from './$types';

/** The public fund page (基金概况): its money, where it came from and went, and its ledger head. */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const [page, street] = await Promise.all([
    fundPage(reads, site.fund.id, new Date(), site.head),
    streetOfFund(reads, site.fund.id)
  ]);
  if (page === null) error(404, { message: m.error_not_found() });
  return { page, street };
};
