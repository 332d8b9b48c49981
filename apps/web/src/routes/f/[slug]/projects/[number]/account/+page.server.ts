import { chinaDateOf } from '@gongjian/ledger';
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { finalAccount, printStamp } from '$lib/server/public/print';
import type { PageServerLoad } from './$types';

const NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * A project's final account (决算), to print on A4: budget against actual, the match and the
 * households' money in and out, each household's refund. Before the close it is the interim
 * account up to today. An application that is not a project is not found.
 */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  if (!NUMBER.test(event.params.number)) error(404, { message: m.error_not_found() });
  const now = new Date();
  const number = Number(event.params.number);
  const account = await finalAccount(reads, { fundId: site.fund.id, number, today: chinaDateOf(now) });
  if (account === null) error(404, { message: m.error_not_found() });
  const stamp = printStamp({
    origin: publicOrigin(event),
    slug: site.fund.slug,
    path: `/projects/${String(number)}`,
    head: site.head,
    now
  });
  return { account, stamp };
};
