import type { RequestEvent } from '@sveltejs/kit';
import { chinaDateOf } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { publicSite } from '$lib/server/public/site';
import { statementsResponse, type StatementsFormat } from '$lib/server/public/statements';
import { statementsPeriodMessage } from './statements/period-message';

/**
 * The GET handler of /f/<slug>/statements.<format>: anyone may fetch the fund's statements for a
 * period (period=2026, 2026-Q3, 2026-11, or from= and to=); statements.ts writes the format.
 */
export function statementsDownload(
  format: StatementsFormat
): (event: RequestEvent<{ slug: string }>) => Promise<Response> {
  return async (event) => {
    authorize(event, 'public.read', null);
    const reads = await publicReads(event);
    const now = new Date();
    const site = await publicSite(reads, event.params.slug, now);
    if (site === null) {
      return new Response(`${m.error_not_found()}\n`, {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }
      });
    }
    return statementsResponse(
      reads,
      {
        site,
        params: event.url.searchParams,
        today: chinaDateOf(now),
        locale: event.locals.locale,
        texts: { invalid: (code) => statementsPeriodMessage(code) }
      },
      format
    );
  };
}
