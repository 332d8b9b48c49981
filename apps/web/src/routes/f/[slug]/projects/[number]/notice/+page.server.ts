import { chinaDateOf } from '@gongjian/ledger';
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { printNotice, printStamp } from '$lib/server/public/print';
import type { PageServerLoad } from './$types';

const NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * The 公示 notice of an approval, to print on A4 for the compound's notice board: anyone may read
 * it, and an application that was never approved (a draft, one in review, a refusal) is not found.
 */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  if (!NUMBER.test(event.params.number)) error(404, { message: m.error_not_found() });
  const now = new Date();
  const number = Number(event.params.number);
  const notice = await printNotice(reads, { fundId: site.fund.id, number, today: chinaDateOf(now) });
  if (notice === null) error(404, { message: m.error_not_found() });
  const stamp = printStamp({
    origin: publicOrigin(event),
    slug: site.fund.slug,
    path: `/projects/${String(number)}`,
    head: site.head,
    now
  });
  return { notice, stamp };
};
