import { NEED_STATUSES } from '@gongjian/ledger';
import * as v from 'valibot';
import type { NeedFilters } from './reads';

/*
 * The needs lists' filters from a plain GET form's query string. As on the public projects list,
 * a value that is malformed or names nothing is ignored (that filter shows everything) rather than
 * refused: these URLs are shared and printed.
 */

const Status = v.picklist(NEED_STATUSES);
const Code = v.pipe(v.string(), v.regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/));
const Category = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,31}$/));
const Year = v.pipe(v.string(), v.regex(/^(19|20|21)[0-9]{2}$/), v.transform(Number));

function filterOf<T>(url: URL, key: string, schema: v.GenericSchema<string, T>): T | null {
  const raw = url.searchParams.get(key);
  if (raw === null || raw === '') return null;
  const parsed = v.safeParse(schema, raw);
  return parsed.success ? parsed.output : null;
}

/** The filters of a needs list; `spam: false` for the public, which never filters by it. */
export function needFiltersOf(url: URL, options: { spam: boolean }): NeedFilters {
  const status = filterOf(url, 'status', Status);
  return {
    status: status === 'spam' && !options.spam ? null : status,
    compound: filterOf(url, 'compound', Code),
    category: filterOf(url, 'category', Category),
    year: filterOf(url, 'year', Year)
  };
}
