// A separate app process that runs the scheduler's steps once, for the two-process test:
//   node --conditions=source --import tsx schedule-worker.ts URL NOW
// It connects, prints READY, waits for a line GO, runs runDueSteps as of NOW (an ISO moment) and
// prints the run as one JSON line. Sending GO to two workers at once makes their runs race inside
// PostgreSQL, from two processes with their own pools, as two app servers' schedulers would.
import { createInterface } from 'node:readline';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { APP_ROLE } from '../../apps/web/src/lib/server/db/index';
import { runDueSteps } from '../../apps/web/src/lib/server/schedule';

const [url, now] = process.argv.slice(2);
if (url === undefined || now === undefined) throw new Error('usage: schedule-worker.ts URL NOW');
const sql = createClient(url, { max: 3, applicationName: 'gongjian-schedule-worker', role: APP_ROLE });
await sql`select 1`;
console.log('READY');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'GO') continue;
  console.log(JSON.stringify(await runDueSteps(sql, { now: new Date(now) })));
}
await sql.end();
