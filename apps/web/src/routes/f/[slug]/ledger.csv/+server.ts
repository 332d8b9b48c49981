import { ledgerDownload } from '../download.server';

/** The public ledger as CSV (UTF-8 with BOM, CRLF, formula guard), one row per posting. Query: project=<n>, from=YYYY-MM-DD, to=YYYY-MM-DD (a fund, one project or one period). */
export const GET = ledgerDownload('csv');
