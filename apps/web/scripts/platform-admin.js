// `npm run platform-admin -- <login name>` makes an existing, active user a platform
// administrator, who may then set up new funds at /admin/funds. The user signs in again afterwards
// (their sessions end, as after any change of role). It uses the database the app uses:
// DATABASE_URL's, or the embedded one (stop the app first; the embedded server admits one process
// at a time).
import { parseArgs } from 'node:util';
import { readServerConfig } from '../src/lib/server/platform/config.ts';
import { createClient } from '../src/lib/server/db/client.ts';
import { startEmbedded } from '../src/lib/server/db/embedded.ts';
import { StartupError } from '../src/lib/server/db/errors.ts';
import { grantPlatformAdmin } from '../src/lib/server/people/operator.ts';

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
const [loginName] = positionals;
if (loginName === undefined || loginName.trim() === '' || positionals.length > 1) {
  console.error('platform-admin: name one existing user, e.g. npm run platform-admin -- wang.li');
  process.exit(2);
}
const config = readServerConfig(process.env);
const embedded = config.databaseUrl
  ? undefined
  : await startEmbedded({ dataDir: config.dataDir, database: 'gongjian' }).catch(exitOnStartupError);
const sql = createClient(config.databaseUrl ?? embedded?.url ?? '', {
  max: 1,
  applicationName: 'gongjian-platform-admin'
});
let code = 1;
try {
  const result = await grantPlatformAdmin(sql, { loginName, now: new Date() });
  if (result.ok) {
    console.log(
      result.alreadyGranted
        ? `platform-admin: ${result.displayName} (${loginName}) already is a platform administrator`
        : `platform-admin: ${result.displayName} (${loginName}) is now a platform administrator; they sign in again and find /admin/funds`
    );
    code = 0;
  } else {
    console.error(`platform-admin: ${result.code}`);
  }
} finally {
  await sql.end({ timeout: 5 });
  await embedded?.stop();
}
process.exit(code);

/** @param {unknown} error @returns {never} */
function exitOnStartupError(error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`platform-admin: ${error.message}`);
  process.exit(1);
}
