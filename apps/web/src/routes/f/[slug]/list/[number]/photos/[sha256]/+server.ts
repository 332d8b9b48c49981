import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { attachmentResponse } from '$lib/server/platform/attachments';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { publicSite } from '$lib/server/public/site';
import { itemNumberOf, publicPhoto } from '$lib/server/grants/project-list';
import type { RequestHandler } from './$types';

/** A delivery photo of a list item, in public only once it passed the personal-data check. */
export const GET: RequestHandler = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const site = await publicSite(reads, event.params.slug, new Date());
  const number = itemNumberOf(event.params.number);
  if (site === null || number === null) error(404, { message: m.error_not_found() });
  const photo = await publicPhoto(reads, { fundId: site.fund.id, number, sha256: event.params.sha256 });
  if (photo === null) error(404, { message: m.error_not_found() });
  return attachmentResponse(photo);
};
