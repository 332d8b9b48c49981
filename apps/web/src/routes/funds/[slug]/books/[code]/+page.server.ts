import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { accountLedgerOf } from '$lib/server/fund/account-books';
import { booksRequest, fundView } from '../books.server';
import type { PageServerLoad } from './$types';

/**
 * 明细账 of one account and its sub-accounts over a period: the opening balance, every posting
 * with the running balance (each linking its voucher), 本期合计 and 本年累计. The account is
 * looked up among the fund's own only after the policy allowed the visitor in.
 */
export const load: PageServerLoad = async (event) => {
  const { fund, period, periodError } = await booksRequest(event);
  if (!period.ok) return { fund: fundView(fund), period, periodError, ledger: null, code: event.params.code };
  const ledger = await accountLedgerOf(sql(), {
    fundId: fund.id,
    code: event.params.code,
    from: period.from,
    to: period.to
  });
  if (ledger === null) error(404, { message: m.error_not_found() });
  return { fund: fundView(fund), period, periodError, ledger, code: ledger.code };
};
