// GET /healthz (one round trip to PostgreSQL) against pages that touch no database, measured in
// the same run against the same built server: the SSR page /about and the static file
// /robots.txt. The ratio says what the database round trip costs.
import autocannon from 'autocannon';
import { buildIfStale } from '../apps/web/scripts/build-if-stale.js';
import { startApp } from '../tests/e2e/app-process';
import { createDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { formatRate, median } from './support/stats';

const ROUNDS = 5;
const SECONDS = 3;
const CONNECTIONS = 16;

async function requestsPerSecond(url: string): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

buildIfStale({ log: (line) => console.log(`bench: ${line}`) });
const server = await startTestServer();
const database = await createDatabase(server.adminUrl, 'bench');
const app = await startApp({ DATABASE_URL: database.url, GONGJIAN_DEMO_SEED: 'off' });
try {
  const targets = { healthz: '/healthz', about: '/about', static: '/robots.txt' } as const;
  const samples: Record<keyof typeof targets, number[]> = { healthz: [], about: [], static: [] };
  // Warm up the JIT and the pool before measuring.
  for (const path of Object.values(targets)) await autocannon({ url: app.baseUrl + path, connections: 4, duration: 1 });
  // Rounds interleave the targets, so a slow moment of the machine hits all of them alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, path] of Object.entries(targets) as [keyof typeof targets, string][]) {
      samples[name].push(await requestsPerSecond(app.baseUrl + path));
    }
  }
  const medians = { healthz: median(samples.healthz), about: median(samples.about), static: median(samples.static) };
  console.log(`${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, medians:`);
  console.log(`  GET /healthz      ${formatRate(medians.healthz)}`);
  console.log(`  GET /about (SSR)  ${formatRate(medians.about)}`);
  console.log(`  GET /robots.txt   ${formatRate(medians.static)}`);
  console.log(`  ratio /healthz : /about      = ${(medians.healthz / medians.about).toFixed(2)}`);
  console.log(`  ratio /healthz : /robots.txt = ${(medians.healthz / medians.static).toFixed(2)}`);
} finally {
  await app.stop();
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
