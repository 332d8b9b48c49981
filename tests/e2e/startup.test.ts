import { createServer } from 'node:net';
import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { createDatabase, dropDatabase, sqlDirectory } from '../support/postgres';
import { runAppToExit, startApp } from './app-process';
import { baseUrl } from './browser';

const adminUrl = inject('adminUrl');
const migrationCount = readdirSync(sqlDirectory).filter((name) => name.endsWith('.sql')).length;

/** A one-line message: no stack trace, nothing but the sentence. */
function expectOneLine(text: string): void {
  const lines = text.trim().split('\n');
  expect(lines, text).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
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
