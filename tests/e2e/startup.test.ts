import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { fallbackDataDir } from '../../apps/web/src/lib/server/db/embedded';
import { checkoutRoot, createDatabase, dropDatabase, sqlDirectory } from '../support/postgres';
import { runAppToExit, startApp } from './app-process';
import { baseUrl } from './browser';

const adminUrl = inject('adminUrl');
// Migrations are sql/NNN_words.sql; sql/schema.sql beside them is the generated snapshot, not one.
const migrationCount = readdirSync(sqlDirectory).filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name)).length;

/** A one-line message: no stack trace, nothing but the sentence. */
function expectOneLine(text: string): void {
  const lines = text.trim().split('\n');
  expect(lines, text).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
}

/**
 * A checkout that the postgres user cannot enter, as a clone in a `mktemp -d` folder (mode 700)
 * is: this checkout's built app, its package.json files and a hard-linked copy of its
 * node_modules (nothing writes to it), so that the app, and the PostgreSQL programs it finds,
 * live only in there.
 */
async function closedCheckout(): Promise<{ root: string; remove(): Promise<void> }> {
  const closed = await mkdtemp(join(tmpdir(), 'gongjian-closed-'));
  expect((await stat(closed)).mode & 0o777).toBe(0o700);
  const root = join(closed, 'gongjian');
  await mkdir(join(root, 'apps', 'web'), { recursive: true });
  await copyFile(join(checkoutRoot, 'package.json'), join(root, 'package.json'));
  // The server's own files beside package.json (server.js and the modules it imports).
  const web = join(checkoutRoot, 'apps', 'web');
  for (const file of (await readdir(web)).filter((name) => /\.(js|json)$/.test(name))) {
    await copyFile(join(web, file), join(root, 'apps', 'web', file));
  }
  for (const folder of ['node_modules', join('apps', 'web', 'build')]) {
    execFileSync('cp', ['-al', join(checkoutRoot, folder), join(root, folder)]);
  }
  return { root, remove: () => rm(closed, { recursive: true, force: true }) };
}

describe('start-up and health, as real processes', () => {
  it('reports the database up with the schema version on /healthz', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok', database: 'up', schemaVersion: migrationCount });
  });

  it('answers 503 with the database down when it disappears under a running app', async () => {
    const database = await createDatabase(adminUrl, 'health');
    const app = await startApp({ DATABASE_URL: database.url, GONGJIAN_DEMO_SEED: 'off' });
    try {
      expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
      await dropDatabase(adminUrl, database.name);
      const response = await fetch(`${app.baseUrl}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'degraded', database: 'down' });
    } finally {
      await app.stop();
      await dropDatabase(adminUrl, database.name);
    }
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const database = await createDatabase(adminUrl, 'sigterm');
    try {
      const app = await startApp({ DATABASE_URL: database.url });
      expect(await app.stop()).toBe(0);
    } finally {
      await dropDatabase(adminUrl, database.name);
    }
  });

  it.each([
    ['postgres://nobody:secret@127.0.0.1:1/none', /nothing is listening there.*Check DATABASE_URL/],
    ['mysql://localhost/db', /DATABASE_URL must start with postgres:\/\//],
    ['not a url', /DATABASE_URL is not a URL/]
  ])('explains a broken DATABASE_URL (%s) in one line and exits 1', async (url, message) => {
    const result = await runAppToExit({ DATABASE_URL: url, PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('secret');
    expectOneLine(result.stderr);
  });

  it('as root, starts the embedded PostgreSQL for a checkout in a folder closed to other users, twice', async () => {
    // Only root runs PostgreSQL as another user (postgres), who may not enter such a folder.
    if (process.getuid?.() !== 0) return expect(true).toBe(true);
    const checkout = await closedCheckout();
    // GONGJIAN_DATA_DIR empty: the default, <checkout>/.data/pg, which postgres cannot reach.
    const fallback = fallbackDataDir(join(checkout.root, '.data', 'pg'));
    try {
      for (const run of ['first', 'second']) {
        const env = { DATABASE_URL: '', GONGJIAN_DATA_DIR: '', GONGJIAN_DEMO_SEED: 'off' };
        const app = await startApp(env, 180_000, checkout.root);
        const health = await fetch(`${app.baseUrl}/healthz`);
        expect(await app.stop()).toBe(0);
        const output = app.output();
        expect(output).toContain(`; using ${fallback}\n`);
        expect(output).toMatch(/running it from (a new|the) copy in \/var\/lib\/gongjian\/postgresql\//);
        expect(output).not.toMatch(/^\s+at /m);
        expect(await health.json()).toEqual({ status: 'ok', database: 'up', schemaVersion: migrationCount });
        // The second start finds the cluster the first one made.
        if (run === 'second') expect(output).not.toContain('creating a new PostgreSQL cluster');
      }
    } finally {
      await checkout.remove();
      // The cluster's folder, its password and lock files: all of /var/lib/gongjian/<hash>.
      await rm(dirname(fallback), { recursive: true, force: true });
    }
  }, 600_000);

  it('explains a port in use in one line and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const result = await runAppToExit({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/x', PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} is already in use`);
      expectOneLine(result.stderr);
    } finally {
      blocker.close();
    }
  });
});
