import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { publicSite } from '$lib/server/public/site';
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
  const site = await publicSite(sql(), event.params.slug, new Date());
  if (site === null) error(404, { message: m.error_not_found() });
  return { site: { fund: site.fund, head: site.head } };
};
