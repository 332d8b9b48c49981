import { ledgerDownload } from '../download.server';

/** The canonical entries with their hashes, for gongjian-verify.mjs. Query: project=<n>, from=YYYY-MM-DD, to=YYYY-MM-DD (a fund, one project or one period). */
export const GET = ledgerDownload('json');
