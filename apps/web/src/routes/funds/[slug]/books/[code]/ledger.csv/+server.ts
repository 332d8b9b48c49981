import { ledgerDownload } from '../../books.server';

/** One account's 明细账 as CSV (query: from=, to=, YYYY-MM-DD), for the fund administrator and the supervisor. */
export const GET = ledgerDownload('csv');
