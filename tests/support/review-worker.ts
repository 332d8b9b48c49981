// A separate app process that casts leadership votes, for the approval race tests:
//   node --conditions=source --import tsx review-worker.ts URL
// It connects, prints READY, then reads JSON lines { fundId, number, actor, now } and, for each,
// waits for a line GO before casting the vote through the real use case (castVote), and prints
// the result as one JSON line. Sending GO to two workers at once makes their votes race inside
// PostgreSQL, from two processes with their own connection pools, as two app servers would.
import { createInterface } from 'node:readline';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { APP_ROLE } from '../../apps/web/src/lib/server/db/index';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { castVote } from '../../apps/web/src/lib/server/grants/review';

const [url] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: review-worker.ts URL');
const sql = createClient(url, { max: 2, applicationName: 'gongjian-review-worker', role: APP_ROLE });
await sql`select 1`;
console.log('READY');

type Job = { fundId: string; number: number; actor: Actor; now: string };
let job: Job | null = null;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'GO' && job !== null) {
    const result = await castVote(sql, {
      actor: job.actor,
      fundId: job.fundId,
      number: job.number,
      choice: 'approve',
      reason: '',
      now: new Date(job.now),
      ip: null
    });
    console.log(JSON.stringify(result));
    job = null;
  } else if (line !== 'GO') {
    job = JSON.parse(line) as Job;
    console.log('ARMED');
  }
}
await sql.end();
