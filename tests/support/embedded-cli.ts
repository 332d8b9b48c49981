// Starts an embedded cluster in DIR, writes a marker row, prints READY and waits to be killed:
// `node --import tsx embedded-cli.ts DIR`. The crash tests kill -9 this process mid-flight.
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { startEmbedded } from '../../apps/web/src/lib/server/db/embedded';

const [dataDir, marker] = process.argv.slice(2);
if (!dataDir || !marker) throw new Error('usage: embedded-cli.ts DATA_DIR MARKER');
// What it logs (a stopped or cleared earlier PostgreSQL) shows in a failing test's message.
const server = await startEmbedded({ dataDir, database: 'crashtest', log: (line) => console.log(line) });
const sql = createClient(server.url, { max: 1 });
await sql`create table if not exists markers (value text primary key)`;
await sql`insert into markers values (${marker})`;
console.log('READY');
setInterval(() => {}, 60_000);
