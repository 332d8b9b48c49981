import { error, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { authorize } from '$lib/server/access/guard';
import type { PublicFund } from '$lib/server/public/site';
import { publicSiteOf } from '$lib/server/public/reads';

/** A need number as public URLs write it: 1, 2, 3, … without leading zeros. */
const NUMBER = /^[1-9][0-9]{0,8}$/;

/** The fund a public needs URL names, after the public gate; an unknown fund is 404. */
export async function publicNeedsFund(
  event: Pick<RequestEvent, 'locals' | 'url' | 'params' | 'request'>
): Promise<PublicFund> {
  authorize(event, 'public.read', null);
  // The fund as this request's other public reads see it (see public/reads.ts).
  const site = (await publicSiteOf(event, event.params.slug ?? ''))?.site ?? null;
  if (site === null) error(404, { message: m.error_not_found() });
  return site.fund;
}

/** The fund and the need number a public need URL names; a malformed number is 404. */
export async function publicNeedParams(
  event: Pick<RequestEvent, 'locals' | 'url' | 'params' | 'request'>
): Promise<{ fund: PublicFund; number: number }> {
  const fund = await publicNeedsFund(event);
  const number = event.params.number ?? '';
  if (!NUMBER.test(number)) error(404, { message: m.error_not_found() });
  return { fund, number: Number(number) };
}
