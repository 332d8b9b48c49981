import { error, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { publicSite, type PublicFund } from '$lib/server/public/site';

/** A project number as public URLs write it: 1, 2, 3, … without leading zeros. */
const NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * The fund and the project number a public project URL names, after the public gate. An unknown
 * fund or a malformed number is 404; whether the number names a public project is the caller's
 * to find out.
 */
export async function publicProjectParams(
  event: Pick<RequestEvent, 'locals' | 'url'> & { params: { slug: string; number: string } }
): Promise<{ fund: PublicFund; number: number }> {
  authorize(event, 'public.read', null);
  const site = await publicSite(sql(), event.params.slug, new Date());
  if (site === null || !NUMBER.test(event.params.number)) error(404, { message: m.error_not_found() });
  return { fund: site.fund, number: Number(event.params.number) };
}
