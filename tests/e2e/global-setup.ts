import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildIfStale } from '../../apps/web/scripts/build-if-stale.js';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { checkoutRoot, createMigratedDatabase, dropDatabase, startTestServer } from '../support/postgres';
import { startApp } from './app-process';

/**
 * LANES: the browser suite runs its files in as many lanes as the e2e project has workers
 * (`maxWorkers` in tests/vitest.config.ts). Each lane is a database of its own (migrated, with the
 * demo fund seeded) and an app process of its own on it; a worker runs its files one at a time on
 * its lane (tests/e2e/lane-setup.ts points `inject('baseUrl')`, `inject('databaseUrl')` and
 * `inject('appLogPath')` at the worker's lane before a file loads). So two files never share a
 * database or an app AT THE SAME TIME, and a file finds what it found when the suite ran one file
 * at a time: the demo fund and the platform may have been changed by files that ran before it in
 * its lane, never under its feet.
 *
 * The rule for a test file (new files too):
 * - Reach the app and the database only through the lane: `baseUrl` from ./browser (or
 *   `inject('baseUrl')`), `inject('databaseUrl')`, and the fixtures built on them (fund-fixture,
 *   route-access). Never hard-code a port or a database name.
 * - What is shared between lanes is only the PostgreSQL server (`inject('adminUrl')`), the file
 *   system and the machine: a database made on the server gets a random name (createDatabase),
 *   a file written under the checkout gets a name that only this test file uses (screenshots,
 *   tour images), a port is asked for free (PORT=0). An app a file starts itself runs on a
 *   database of its own.
 * - Within a lane, files run one after another in no fixed order (as before): a file must not
 *   rely on what another file did, and must leave platform-wide settings (the demo fund's
 *   totp_required, …) as it found them.
 * A file that makes its own fund through fundFixture({ newFund }) follows the rule by itself.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Every lane (see LANES above); baseUrl, databaseUrl and appLogPath are the worker's lane's. */
    e2eLanes: E2eLane[];
    baseUrl: string;
    /** Empty when no Chromium was found outside CI; browser tests then skip, loudly. */
    chromiumPath: string;
    adminUrl: string;
    databaseUrl: string;
    /** A file with everything the app printed, for tests that check its log holds no secret. */
    appLogPath: string;
  }
}

/** One app on one database (see LANES above). */
export interface E2eLane {
  baseUrl: string;
  databaseUrl: string;
  appLogPath: string;
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

/**
 * One lane: a migrated database with this year's calendar, and the app on it (which seeds the
 * demo fund as it starts), its output teed to a file the tests can read.
 */
async function startLane(adminUrl: string, index: number): Promise<{ lane: E2eLane; stop(): Promise<void> }> {
  const database = await createMigratedDatabase(adminUrl, `e2e${index + 1}`);
  await coverTheseYears(database.url);
  // Behind a proxy the client address comes from X-Forwarded-For; the tests use it to act from
  // different addresses (throttling is per address).
  const app = await startApp({ DATABASE_URL: database.url, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
  // The tests run in other processes, so the app's output is teed to a file they can read.
  const appLogPath = join(checkoutRoot, '.data', `e2e-app-${process.pid}-${index + 1}.log`);
  mkdirSync(join(checkoutRoot, '.data'), { recursive: true });
  writeFileSync(appLogPath, app.output());
  const tee = (chunk: Buffer) => appendFileSync(appLogPath, chunk);
  app.child.stdout?.on('data', tee);
  app.child.stderr?.on('data', tee);
  return {
    lane: { baseUrl: app.baseUrl, databaseUrl: database.url, appLogPath },
    stop: async () => {
      const code = await app.stop();
      rmSync(appLogPath, { force: true });
      if (code !== 0) console.error(`e2e: the app of lane ${index + 1} exited with ${code}:\n${app.output()}`);
      await dropDatabase(adminUrl, database.name);
    }
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chromiumPath = findChromium();
  if (!chromiumPath && process.env.CI === 'true')
    throw new Error(`${CHROMIUM_MISSING} (CI=true: the e2e suite cannot be skipped).`);
  buildIfStale({ log: (line) => console.log(`e2e: ${line}`) });
  const server = await startTestServer('e2e');
  // One lane per worker: vitest numbers a running file's worker 1 to maxWorkers (VITEST_POOL_ID).
  const count = Math.max(1, project.config.maxWorkers);
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => startLane(server.adminUrl, index))
  );
  const lanes = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const stopAll = async () => {
    await Promise.all(lanes.map((lane) => lane.stop()));
    await server.stop();
  };
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await stopAll();
    throw failed.reason;
  }
  const [first] = lanes;
  if (first === undefined) throw new Error('e2e: no lane started');
  project.provide(
    'e2eLanes',
    lanes.map((lane) => lane.lane)
  );
  // The first lane's, for a file run without the lane set-up; lane-setup.ts replaces them per worker.
  project.provide('baseUrl', first.lane.baseUrl);
  project.provide('databaseUrl', first.lane.databaseUrl);
  project.provide('appLogPath', first.lane.appLogPath);
  project.provide('chromiumPath', chromiumPath);
  project.provide('adminUrl', server.adminUrl);
  return stopAll;
}
