import { sql } from '$lib/server/platform/database';
import { accountBalancesOf } from '$lib/server/fund/account-books';
import { booksRequest, fundView } from './books.server';
import type { PageServerLoad } from './$types';

/**
 * 科目余额表: each account's opening balance, the period's debits and credits and its closing
 * balance (`?from=YYYY-MM-DD&to=YYYY-MM-DD`, this year so far by default), printable on A4 and
 * downloadable as CSV or XLSX. A period that cannot be read is said so next to the form.
 */
export const load: PageServerLoad = async (event) => {
  const { fund, period, periodError } = await booksRequest(event);
  const balances = period.ok
    ? await accountBalancesOf(sql(), { fundId: fund.id, from: period.from, to: period.to })
    : null;
  return { fund: fundView(fund), period, periodError, balances };
};
