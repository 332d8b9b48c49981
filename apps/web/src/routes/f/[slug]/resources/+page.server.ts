import { IN_KIND_STANDARD, RESOURCE_KINDS } from '@gongjian/ledger';
import * as v from 'valibot';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { RESOURCE_STATUSES, publicResources, type PublicResourceFilters } from '$lib/server/fund/resources/reads';
import type { PageServerLoad } from './$types';

/*
 * The public resources list (资源清单), filtered by a plain GET form, with the year's disclosure of
 * in-kind and service contributions. As on the projects list, a malformed filter is ignored
 * rather than refused: these links are printed on notices and shared.
 */

const Kind = v.picklist(RESOURCE_KINDS);
const Status = v.picklist(RESOURCE_STATUSES);
const Code = v.pipe(v.string(), v.regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/));
const Year = v.pipe(v.string(), v.regex(/^(19|20|21)[0-9]{2}$/), v.transform(Number));

function filterOf<T>(url: URL, key: string, schema: v.GenericSchema<string, T>): T | null {
  const raw = url.searchParams.get(key);
  if (raw === null || raw === '') return null;
  const parsed = v.safeParse(schema, raw);
  return parsed.success ? parsed.output : null;
}

export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const { url } = event;
  const filters: PublicResourceFilters = {
    kind: filterOf(url, 'kind', Kind),
    unit: filterOf(url, 'unit', Code),
    status: filterOf(url, 'status', Status),
    year: filterOf(url, 'year', Year)
  };
  const list = await publicResources(reads, site.fund.id, filters);
  return { filters, list, standard: IN_KIND_STANDARD };
};
