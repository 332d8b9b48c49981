import { ledgerDownload } from '../download.server';

/** The public ledger as an hledger journal, each entry tagged with its seq and hash. Query: project=<n>, from=YYYY-MM-DD, to=YYYY-MM-DD (a fund, one project or one period). */
export const GET = ledgerDownload('journal');
