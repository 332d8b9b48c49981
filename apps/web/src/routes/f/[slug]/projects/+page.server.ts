import * as v from 'valibot';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { PUBLIC_PROJECT_STATUSES, publicProjects, type PublicProjectFilters } from '$lib/server/public/projects';
import type { PageServerLoad } from './$types';

/*
 * The public list of a fund's projects, filtered by a plain GET form. A filter value that is
 * malformed or names nothing is ignored (that filter shows everything) rather than refused with
 * 400: these URLs are shared and printed, a category may be renamed in a later policy, and a
 * resident who follows an old link should see the projects, not an error page.
 */

const Status = v.picklist(PUBLIC_PROJECT_STATUSES);
const Code = v.pipe(v.string(), v.regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/));
const Category = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,31}$/));
const Year = v.pipe(v.string(), v.regex(/^(19|20|21)[0-9]{2}$/), v.transform(Number));

/** One filter from the query string: its parsed value, or null when absent, empty or malformed. */
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
  const filters: PublicProjectFilters = {
    status: filterOf(url, 'status', Status),
    compound: filterOf(url, 'compound', Code),
    category: filterOf(url, 'category', Category),
    year: filterOf(url, 'year', Year)
  };
  const list = await publicProjects(reads, site.fund.id, filters);
  return { filters, list };
};
