import { ledgerDownload } from '../download.server';

/** The public ledger as an Excel workbook, one row per posting, amounts as numbers. Query: project=<n>, from=YYYY-MM-DD, to=YYYY-MM-DD (a fund, one project or one period). */
export const GET = ledgerDownload('xlsx');
