import { error } from '@sveltejs/kit';
import { amountInWords, money, chinaDateOf } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { publicNotice } from '$lib/server/grants/notices';
import { fundFromSlug } from '../../../fund.server';

const NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * The public notice of one approved application, shared by the notice page and its print view.
 * Anyone may read it; an application that is not approved or active is not found.
 */
export async function noticeOf(event: { params: { slug: string; number: string }; locals: App.Locals; url: URL }) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'notice.read', { fundId: fund.id });
  if (!NUMBER.test(event.params.number)) error(404, { message: m.error_not_found() });
  const number = Number(event.params.number);
  const notice = await publicNotice(sql(), { fundId: fund.id, number, today: chinaDateOf(new Date()) });
  if (notice === null) error(404, { message: m.error_not_found() });
  return {
    fund,
    number,
    notice: {
      ...notice,
      words: {
        budgetTotal: amountInWords(money(notice.budgetTotal)),
        approvedAmount: amountInWords(money(notice.approvedAmount)),
        selfRaised: amountInWords(money(notice.selfRaised))
      }
    }
  };
}
