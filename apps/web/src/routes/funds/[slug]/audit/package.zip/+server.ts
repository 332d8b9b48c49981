import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { auditPackageStream, packageContext, packageNames } from '$lib/server/reports/audit-package';
import { parseAuditPeriod } from '$lib/server/reports/period';
import { contentDisposition } from '$lib/server/public/downloads';
import { fundFromSlug } from '../../../fund.server';
import type { RequestHandler } from './$types';

/**
 * The auditor's package of one period (from=, to=), as a ZIP written while it is sent: no
 * Content-Length, so it goes out chunked and never sits whole in memory. Private to the office
 * and the supervisor, and never kept by a cache.
 */
export const GET: RequestHandler = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.audit_package', { fundId: fund.id });
  const parsed = parseAuditPeriod(event.url.searchParams);
  if (!parsed.ok) error(400, { message: m.audit_invalid() });
  const auditFund = { id: fund.id, slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn };
  const context = await packageContext(sql(), {
    fund: auditFund,
    period: parsed.period,
    locale: event.locals.locale,
    now: new Date(),
    origin: publicOrigin(event)
  });
  return new Response(auditPackageStream(context), {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': contentDisposition(packageNames(auditFund, parsed.period)),
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff'
    }
  });
};
