import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { ledgerPage, parseLedgerQuery } from '$lib/server/public/ledger';
import type { PageServerLoad } from './$types';

/**
 * The public ledger (账本): ten entries a page by keyset (?after=<seq>), filtered by account,
 * project, dates and words. A malformed parameter is named on the page, with no entries, never
 * a server error.
 */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const query = parseLedgerQuery(event.url.searchParams);
  if (!query.ok) return { query: null, invalid: query.invalid, values: query.values, page: null };
  const page = await ledgerPage(reads, site.fund.id, query.value);
  const { after, ...filter } = query.value;
  const values = {
    account: filter.account ?? '',
    project: filter.project === null ? '' : String(filter.project),
    from: filter.from ?? '',
    to: filter.to ?? '',
    q: filter.q ?? ''
  };
  return { query: { after, filtered: Object.values(values).some((value) => value !== '') }, invalid: [], values, page };
};
