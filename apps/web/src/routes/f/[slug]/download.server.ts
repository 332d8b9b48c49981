import type { RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { downloadResponse, type DownloadFormat } from '$lib/server/public/downloads';

/**
 * The GET handler of one public download (/f/<slug>/ledger.<format>): anyone may fetch it, for
 * the whole fund, one project (project=<n>) or one period (from=, to=, YYYY-MM-DD). The five
 * formats differ only in how the same entries are written, which downloads.ts decides.
 */
export function ledgerDownload(format: DownloadFormat): (event: RequestEvent<{ slug: string }>) => Promise<Response> {
  return async (event) => {
    authorize(event, 'public.read', null);
    const reads = await publicReads(event);
    const texts = {
      invalid: (parameters: string) => m.pub_dl_invalid({ parameters }),
      notFound: m.error_not_found(),
      noSuchProject: m.pub_dl_no_such_project()
    };
    return downloadResponse(
      reads,
      { slug: event.params.slug, params: event.url.searchParams, now: new Date(), locale: event.locals.locale, texts },
      format
    );
  };
}
