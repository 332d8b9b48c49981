import { ledgerDownload } from '../download.server';

/** The public ledger as a Beancount file, each entry with its seq and hash as metadata. Query: project=<n>, from=YYYY-MM-DD, to=YYYY-MM-DD (a fund, one project or one period). */
export const GET = ledgerDownload('beancount');
