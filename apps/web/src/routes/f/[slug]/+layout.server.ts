import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { authorize } from '$lib/server/access/guard';
import { publicReadsBehind, publicSiteOf } from '$lib/server/public/reads';
import type { LayoutServerLoad } from './$types';

/**
 * The public side of one fund (阳光公示): no sign-in, and no JavaScript. These pages are documents
 * a resident reads on an old phone or a paper notice's QR code opens, and every one of them works
 * as plain HTML; without client-side code they are also the same bytes for every visitor, which is
 * what lets hooks.server.ts answer repeat visits from its cache and with 304.
 */
export const csr = false;

export const load: LayoutServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const found = await publicSiteOf(event, event.params.slug);
  if (found === null) error(404, { message: m.error_not_found() });
  const { site } = found;
  // A page read from a replica that lags past the bound says it may be behind (see public/reads.ts).
  return { site: { fund: site.fund, head: site.head }, behindSeconds: await publicReadsBehind(event) };
};
