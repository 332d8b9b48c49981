import { error } from '@sveltejs/kit';
import { chinaDateOf } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { acknowledgementOf, fundPageLink } from '$lib/server/fund/contributors';
import { DIGITS_ID, fundFromSlug } from '../../../../../fund.server';
import type { PageServerLoad } from './$types';

/** An entry's number in its fund: 1, 2, 3, … (at most 15 digits, so it stays an exact number). */
const SEQ = /^[1-9][0-9]{0,14}$/;

/**
 * The printable letter of thanks (致谢函) for one payment of a unit: the entry numbered `seq`,
 * when it is this unit's payment. It says plainly that it is not an official donation receipt
 * (捐赠票据). For the fund administrator and the supervisor (books.read).
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.read', { fundId: fund.id });
  if (!DIGITS_ID.test(event.params.id) || !SEQ.test(event.params.seq)) error(404, { message: m.error_not_found() });
  const acknowledgement = await acknowledgementOf(sql(), {
    fundId: fund.id,
    unitId: event.params.id,
    seq: Number(event.params.seq)
  });
  if (acknowledgement === null) error(404, { message: m.error_not_found() });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    acknowledgement,
    link: fundPageLink(publicOrigin(event), fund.slug),
    printedOn: chinaDateOf(new Date())
  };
};
