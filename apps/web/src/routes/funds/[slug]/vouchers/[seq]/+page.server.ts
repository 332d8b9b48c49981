import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { voucherOf } from '$lib/server/fund/vouchers';
import { fundFromSlug } from '../../../fund.server';
import type { PageServerLoad } from './$types';

/** An entry's number in its fund: 1, 2, 3, … (at most 15 digits, so it stays an exact number). */
const SEQ = /^[1-9][0-9]{0,14}$/;

/**
 * The printable 记账凭证 of any entry of the fund, for the office, the leadership and the
 * supervisor. The shape of the number is checked before the policy (it reveals nothing); the
 * entry is read only once the policy allows it.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  if (!SEQ.test(event.params.seq)) error(404, { message: m.error_not_found() });
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const voucher = await voucherOf(sql(), { fundId: fund.id, seq: Number(event.params.seq) });
  if (voucher === null) error(404, { message: m.error_not_found() });
  return { fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn }, voucher };
};
