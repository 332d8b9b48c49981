import { error, type RequestEvent } from '@sveltejs/kit';
import { chinaDateOf } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { authorize } from '$lib/server/access/guard';
import { accountBalancesOf, accountLedgerOf, parseBooksPeriod, type BooksPeriod } from '$lib/server/fund/account-books';
import {
  balancesTable,
  booksFileResponse,
  ledgerTable,
  type BooksFileFormat
} from '$lib/server/fund/account-books-files';
import { BOOKS_REFUSALS, BOOKS_REFUSED } from '$lib/server/fund/account-books-refusals';
import type { FundRow } from '$lib/server/people/members';
import { fundFromSlug } from '../../fund.server';

/**
 * What the account books' pages and downloads share: the fund from the URL, the policy's answer
 * (books.read: the fund administrator and the supervisor), and the period read from the query.
 */

type BooksEvent = RequestEvent<{ slug: string }>;

export interface BooksRequest {
  fund: FundRow;
  period: BooksPeriod;
  /** The sentence for a period that cannot be read, and the field it is about. */
  periodError: { field: string; message: string } | null;
}

export async function booksRequest(event: Pick<BooksEvent, 'params' | 'url' | 'locals'>): Promise<BooksRequest> {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.read', { fundId: fund.id });
  const period = parseBooksPeriod(event.url.searchParams, chinaDateOf(new Date()));
  const periodError = period.ok ? null : refusalMessage(BOOKS_REFUSALS, period.code, BOOKS_REFUSED);
  return { fund, period, periodError };
}

export function fundView(fund: FundRow) {
  return { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn };
}

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }
  });
}

/** The fund's name in the reader's language, for a file name. */
function fundName(event: Pick<BooksEvent, 'locals'>, fund: FundRow): string {
  return event.locals.locale === 'en' ? fund.nameEn || fund.slug : fund.nameZh;
}

/** The GET handler of the 科目余额表 as a file. A period that cannot be read is a 400 saying why. */
export function balancesDownload(format: BooksFileFormat): (event: BooksEvent) => Promise<Response> {
  return async (event) => {
    const { fund, period, periodError } = await booksRequest(event);
    if (!period.ok) return plain(400, periodError?.message ?? m.books_error_from());
    const view = await accountBalancesOf(sql(), { fundId: fund.id, from: period.from, to: period.to });
    const title = m.books_file_balances();
    return booksFileResponse({
      table: balancesTable(view, event.locals.locale),
      kind: 'balances',
      format,
      names: {
        ascii: `${fund.slug}-balances-${period.from}-${period.to}`,
        utf8: `${fundName(event, fund)}-${title}-${period.from}-${period.to}`
      },
      sheetName: title
    });
  };
}

/** The GET handler of one account's 明细账 as a file; an account the fund does not have is a 404. */
export function ledgerDownload(
  format: BooksFileFormat
): (event: RequestEvent<{ slug: string; code: string }>) => Promise<Response> {
  return async (event) => {
    const { fund, period, periodError } = await booksRequest(event);
    if (!period.ok) return plain(400, periodError?.message ?? m.books_error_from());
    const view = await accountLedgerOf(sql(), {
      fundId: fund.id,
      code: event.params.code,
      from: period.from,
      to: period.to
    });
    if (view === null) error(404, { message: m.error_not_found() });
    const title = m.books_file_ledger();
    return booksFileResponse({
      table: ledgerTable(view),
      kind: 'ledger',
      format,
      names: {
        ascii: `${fund.slug}-ledger-${view.code}-${period.from}-${period.to}`,
        utf8: `${fundName(event, fund)}-${title}-${view.code}-${period.from}-${period.to}`
      },
      sheetName: `${title} ${view.code}`
    });
  };
}
