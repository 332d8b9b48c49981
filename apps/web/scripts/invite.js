// `npm run invite -- --fund <slug> --role fund_admin [--place <unit or compound code>] [--label <text>] [--days 7]`
// prints a single-use invitation link. It is how an installation gets its first fund
// administrator, who then invites everyone else from the fund's people page. It uses the database
// the app uses: DATABASE_URL's, or the embedded one (stop the app first; the embedded server
// admits one process at a time).
import { parseArgs } from 'node:util';
import { readServerConfig } from '../src/lib/server/platform/config.ts';
import { createClient } from '../src/lib/server/db/client.ts';
import { startEmbedded } from '../src/lib/server/db/embedded.ts';
import { StartupError } from '../src/lib/server/db/errors.ts';
import { createOperatorInvitation } from '../src/lib/server/people/operator.ts';

const { values } = parseArgs({
  options: {
    fund: { type: 'string' },
    role: { type: 'string', default: 'fund_admin' },
    place: { type: 'string' },
    label: { type: 'string', default: '' },
    days: { type: 'string', default: '7' }
  }
});
if (!values.fund) {
  console.error('invite: name the fund, e.g. npm run invite -- --fund guihuajing --role fund_admin');
  process.exit(2);
}
const config = readServerConfig(process.env);
const embedded = config.databaseUrl
  ? undefined
  : await startEmbedded({ dataDir: config.dataDir, database: 'gongjian' }).catch(exitOnStartupError);
const sql = createClient(config.databaseUrl ?? embedded?.url ?? '', { max: 1, applicationName: 'gongjian-invite' });
let code = 1;
try {
  const result = await createOperatorInvitation(sql, {
    fundSlug: values.fund,
    role: values.role ?? 'fund_admin',
    placeCode: values.place ?? null,
    label: values.label ?? '',
    validDays: Number.parseInt(values.days ?? '7', 10) || 7,
    now: new Date()
  });
  if (result.ok) {
    const origin = config.origin ?? `http://localhost:${process.env.PORT ?? '3000'}`;
    console.log(`invite: ${result.fundName}, role ${values.role}, valid until ${result.expiresAt.toISOString()}`);
    console.log(`${origin}/invite/${result.token}`);
    code = 0;
  } else {
    console.error(`invite: ${result.code}`);
  }
} finally {
  await sql.end({ timeout: 5 });
  await embedded?.stop();
}
process.exit(code);

/** @param {unknown} error @returns {never} */
function exitOnStartupError(error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`invite: ${error.message}`);
  process.exit(1);
}
