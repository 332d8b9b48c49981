import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildIfStale } from '../../apps/web/scripts/build-if-stale.js';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { checkoutRoot, createMigratedDatabase, dropDatabase, startTestServer } from '../support/postgres';
import { startApp } from './app-process';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** Empty when no Chromium was found outside CI; browser tests then skip, loudly. */
    chromiumPath: string;
    adminUrl: string;
    databaseUrl: string;
    /** A file with everything the app printed, for tests that check its log holds no secret. */
    appLogPath: string;
  }
}

export const CHROMIUM_MISSING =
  'Chromium was not found at /usr/bin/chromium (or CHROMIUM_PATH). Install it with: apt-get install -y chromium';

function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((candidate): candidate is string => Boolean(candidate && existsSync(candidate))) ?? '';
}

/**
 * The tests approve notices on today's real date, and a notice that runs into a year with no
 * working-day calendar never ends (its end is provisional; see calendar.ts). The migrations bring
 * only 2026, so the suite's database gets this year and next as test fixtures, with no holidays,
 * before the app seeds the demo: whatever day the suite runs, its notices end. The calendar's own
 * test (calendar.test.ts) runs an app on a database of its own without them, and like
 * startup.test.ts lets that app migrate an empty database, as on a first `npm start`.
 */
async function coverTheseYears(databaseUrl: string): Promise<void> {
  const sql = createClient(databaseUrl, { max: 1, applicationName: 'gongjian-e2e-setup' });
  try {
    const year = new Date().getUTCFullYear();
    await sql`
      insert into calendar_years (year, source, entered_at)
      select y, 'e2e test fixture: weekends only', now() from generate_series(${year}::int, ${year + 1}::int) as y
      on conflict (year) do nothing`;
  } finally {
    await sql.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chromiumPath = findChromium();
  if (!chromiumPath && process.env.CI === 'true')
    throw new Error(`${CHROMIUM_MISSING} (CI=true: the e2e suite cannot be skipped).`);
  buildIfStale({ log: (line) => console.log(`e2e: ${line}`) });
  const server = await startTestServer('e2e');
  const database = await createMigratedDatabase(server.adminUrl, 'e2e');
  await coverTheseYears(database.url);
  // Behind a proxy the client address comes from X-Forwarded-For; the tests use it to act from
  // different addresses (throttling is per address).
  const app = await startApp({ DATABASE_URL: database.url, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
  project.provide('baseUrl', app.baseUrl);
  project.provide('chromiumPath', chromiumPath);
  project.provide('adminUrl', server.adminUrl);
  project.provide('databaseUrl', database.url);
  // The tests run in other processes, so the app's output is teed to a file they can read.
  const appLogPath = join(checkoutRoot, '.data', `e2e-app-${process.pid}.log`);
  mkdirSync(join(checkoutRoot, '.data'), { recursive: true });
  writeFileSync(appLogPath, app.output());
  const tee = (chunk: Buffer) => appendFileSync(appLogPath, chunk);
  app.child.stdout?.on('data', tee);
  app.child.stderr?.on('data', tee);
  project.provide('appLogPath', appLogPath);
  return async () => {
    const code = await app.stop();
    rmSync(appLogPath, { force: true });
    if (code !== 0) console.error(`e2e: the app exited with ${code}:\n${app.output()}`);
    await dropDatabase(server.adminUrl, database.name);
    await server.stop();
  };
}
