import { publicReads } from '$lib/server/public/reads';
import { needFiltersOf } from '$lib/server/grants/needs/filters';
import { publicNeeds } from '$lib/server/grants/needs/reads';
import { publicNeedsFund } from './needs.server';
import type { PageServerLoad } from './$types';

/*
 * The public needs list (需求清单), filtered by a plain GET form. As on the projects list, a filter
 * value that is malformed or names nothing is ignored rather than refused: these URLs are shared
 * and printed.
 */

export const load: PageServerLoad = async (event) => {
  const reads = await publicReads(event);
  const fund = await publicNeedsFund(event);
  const filters = needFiltersOf(event.url, { spam: false });
  const list = await publicNeeds(reads, fund.id, filters);
  return { filters, list };
};
