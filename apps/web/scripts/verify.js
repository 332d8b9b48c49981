// `npm run verify`: re-verifies the books of every fund (each chain re-hashed, each entry summed,
// each maintained balance recomputed from the postings and holds) in the database the app uses:
// DATABASE_URL's, or the embedded one in GONGJIAN_DATA_DIR (.data/pg). Prints the first bad entry
// of each fund by fund and sequence number, every account whose totals disagree, and exits 1 on
// any finding. It only reads.
import { describeFinding, verifyBooks } from '../src/lib/server/books/verify.ts';
import { readServerConfig } from '../src/lib/server/platform/config.ts';
import { createClient } from '../src/lib/server/db/client.ts';
import { startEmbedded } from '../src/lib/server/db/embedded.ts';
import { StartupError } from '../src/lib/server/db/errors.ts';

const config = readServerConfig(process.env);
const embedded = config.databaseUrl
  ? undefined
  : await startEmbedded({ dataDir: config.dataDir, database: 'gongjian' }).catch(exitOnStartupError);
const url = config.databaseUrl ?? embedded?.url ?? '';
const sql = createClient(url, { max: 2, applicationName: 'gongjian-verify' });
let failed = true;
try {
  const report = await verifyBooks(sql).catch(explainMissingBooks);
  if (report) {
    console.log(`verify: ${report.funds} funds, ${report.entries} entries`);
    for (const finding of report.findings) console.log(`verify: MISMATCH ${describeFinding(finding)}`);
    console.log(report.ok ? 'verify: ok' : `verify: FAILED with ${report.findings.length} findings`);
    failed = !report.ok;
  }
} finally {
  await sql.end({ timeout: 5 });
  await embedded?.stop();
}
process.exit(failed ? 1 : 0);

/**
 * A database that was never migrated past the first schema has no books to verify; saying so
 * beats a stack trace about a missing table.
 * @param {unknown} error
 * @returns {undefined}
 */
function explainMissingBooks(error) {
  if (!(error instanceof Error && 'code' in error && error.code === '42P01')) throw error;
  console.error('verify: this database has no books yet; start Gongjian once (npm start) so that it migrates.');
  return undefined;
}

/** @param {unknown} error @returns {never} */
function exitOnStartupError(error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`verify: ${error.message}`);
  process.exit(1);
}
