import { LIST_ITEM_STATUSES } from '@gongjian/ledger';
import * as v from 'valibot';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { currentPolicy } from '$lib/server/fund/fund-policy';
import { listFilterOptions, listItems, type ListFilters } from '$lib/server/grants/project-list';
import type { PageServerLoad } from './$types';

/*
 * The public project list (项目清单), filtered by a plain GET form. As on the public projects page,
 * a malformed filter is ignored (that filter shows everything) rather than refused: these URLs are
 * printed on the notice-board poster and shared.
 */

const Status = v.picklist(LIST_ITEM_STATUSES);
const Code = v.pipe(v.string(), v.regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/));
const Category = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,31}$/));
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
  const filters: ListFilters = {
    compound: filterOf(url, 'compound', Code),
    category: filterOf(url, 'category', Category),
    status: filterOf(url, 'status', Status),
    year: filterOf(url, 'year', Year)
  };
  const [items, options, policy] = await Promise.all([
    listItems(reads, site.fund.id, filters),
    listFilterOptions(reads, site.fund.id),
    currentPolicy(reads, site.fund.id)
  ]);
  // A need's category reads as the policy names it; a key the policy no longer has reads as itself.
  const labels = policy?.policy.categoryLabels ?? {};
  const categories = options.categories.map((key) => {
    const label = Object.hasOwn(labels, key) ? labels[key] : undefined;
    return { key, label: label === undefined ? { zh: key, en: key } : { zh: label.labelZh, en: label.labelEn } };
  });
  return { filters, items, options: { ...options, categories } };
};
