import { chinaDateOf } from '@gongjian/ledger';
import { publicReads } from '$lib/server/public/reads';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { printStamp } from '$lib/server/public/print';
import { loadStatements, parseStatementsPeriod, statementJson } from '$lib/server/public/statements';
import type { PageServerLoad } from './$types';
import { statementsPeriodMessage } from './period-message';

/**
 * The fund's statements under 民间非营利组织会计制度 for a period, to print on A4: period=2026,
 * 2026-Q3 or 2026-11, or from= and to= (this year so far by default). A period that cannot be read
 * is said so next to the form that chooses it.
 */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const now = new Date();
  const period = parseStatementsPeriod(event.url.searchParams, chinaDateOf(now));
  if (!period.ok) {
    return { period, error: statementsPeriodMessage(period.code), statements: null, stamp: null };
  }
  const statements = await loadStatements(reads, {
    fundId: site.fund.id,
    headSeq: site.head.seq,
    period: { from: period.from, to: period.to }
  });
  const query = new URLSearchParams({ from: period.from, to: period.to }).toString();
  const stamp = printStamp({
    origin: publicOrigin(event),
    slug: site.fund.slug,
    path: `/statements?${query}`,
    head: site.head,
    now
  });
  return {
    period,
    error: null,
    query,
    statements: {
      standard: statements.standard,
      version: statements.version,
      sheets: [
        statementJson(statements.balanceSheet),
        statementJson(statements.activities),
        statementJson(statements.cashFlow)
      ]
    },
    stamp
  };
};
