import { authorize } from '$lib/server/access/guard';
import { sql } from '$lib/server/platform/database';
import { contentDisposition } from '$lib/server/public/downloads';
import { parseTrailQuery } from '$lib/server/reports/audit-trail';
import { trailCsvStream } from '$lib/server/reports/audit-trail-csv';
import { fundFromSlug } from '../../../fund.server';
import type { RequestHandler } from './$types';

/**
 * The audit trail as the filter on the page chose it (person=, kind=, type=, resource=, since=,
 * until=), every page of it from the newest, as a CSV written while it is sent. A malformed filter
 * is left out, as on the page. For the fund's office and its supervisor; never kept by a cache.
 */
export const GET: RequestHandler = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'audit.read', { fundId: fund.id });
  const { query } = parseTrailQuery(event.url.searchParams);
  const stream = trailCsvStream(sql(), {
    fundId: fund.id,
    query: { ...query, before: null },
    locale: event.locals.locale
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': contentDisposition({
        ascii: `${fund.slug}-audit-trail.csv`,
        utf8: `${fund.slug}-操作记录.csv`
      }),
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff'
    }
  });
};
