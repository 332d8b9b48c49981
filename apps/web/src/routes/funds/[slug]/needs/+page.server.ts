import { sql } from '$lib/server/platform/database';
import { needFiltersOf } from '$lib/server/grants/needs/filters';
import { officeNeeds } from '$lib/server/grants/needs/reads';
import { fundFromSlug } from '../../fund.server';
import { needsReaderCompounds } from './office.server';
import type { PageServerLoad } from './$types';

/**
 * The needs list for the office and the committees (/funds/<slug>/needs): the needs before the
 * office first (raised online with enough supports, or recorded by a committee), with their
 * support counts; a committee sees its own compounds' needs. Filters as on the public list.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  const compoundIds = needsReaderCompounds(event, fund.id);
  const filters = needFiltersOf(event.url, { spam: true });
  const list = await officeNeeds(sql(), fund.id, { ...filters, compoundIds });
  return { fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn }, filters, list };
};
