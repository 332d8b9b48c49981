import { error, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { authorize } from '$lib/server/access/guard';
import type { PublicFund } from '$lib/server/public/site';
import { publicSiteOf } from '$lib/server/public/reads';

/** A project number as public URLs write it: 1, 2, 3, … without leading zeros. */
const NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * The fund and the project number a public project URL names, after the public gate. An unknown
 * fund or a malformed number is 404; whether the number names a public project is the caller's
 * to find out.
 */
export async function publicProjectParams(
  event: Pick<RequestEvent, 'locals' | 'url' | 'request'> & { params: { slug: string; number: string } }
): Promise<{ fund: PublicFund; number: number }> {
  authorize(event, 'public.read', null);
  // The fund as this request's other public reads see it (see public/reads.ts).
  const site = (await publicSiteOf(event, event.params.slug))?.site ?? null;
  if (site === null || !NUMBER.test(event.params.number)) error(404, { message: m.error_not_found() });
  return { fund: site.fund, number: Number(event.params.number) };
}
