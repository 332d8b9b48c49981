import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { startEmbedded } from '../../apps/web/src/lib/server/db/embedded';
import { migrate } from '../../apps/web/src/lib/server/db/migrate';
import { readMigrationDirectory } from '../../apps/web/src/lib/server/db/migration-files';

/**
 * The PostgreSQL server the tests use: DATABASE_URL's server when it is set, otherwise an
 * embedded cluster in .data/pg-test, or .data/pg-e2e for the browser suite (kept between runs, so
 * initdb happens once per checkout).
 * Every run works in databases of its own, created here and dropped afterwards.
 */
export interface TestServer {
  /** A URL for a database on the server from which databases can be created and dropped. */
  adminUrl: string;
  stop(): Promise<void>;
}

export const checkoutRoot = fileURLToPath(new URL('../..', import.meta.url));
export const sqlDirectory = fileURLToPath(new URL('../../sql', import.meta.url));

export async function startTestServer(suite: 'db' | 'e2e' = 'db'): Promise<TestServer> {
  const external = process.env.DATABASE_URL?.trim();
  if (external) return { adminUrl: external, stop: async () => {} };
  // One cluster per suite, because `npm test` runs the database and the browser suites side by
  // side, and a data folder has one owner at a time.
  const server = await startEmbedded({
    dataDir: `${checkoutRoot}.data/${suite === 'db' ? 'pg-test' : 'pg-e2e'}`,
    database: 'postgres',
    log: () => {}
  });
  return { adminUrl: server.adminUrl, stop: () => server.stop() };
}

/** A fresh, empty database with a name that says which run and purpose it belongs to. */
export async function createDatabase(adminUrl: string, label: string): Promise<{ url: string; name: string }> {
  const name = `gj_test_${label}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`create database ${admin(name)}`;
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

/** A fresh database with every migration applied. */
export async function createMigratedDatabase(adminUrl: string, label: string): Promise<{ url: string; name: string }> {
  const database = await createDatabase(adminUrl, label);
  const sql = createClient(database.url, { max: 1, applicationName: 'gongjian-tests' });
  try {
    await migrate(sql, await readMigrationDirectory(sqlDirectory));
  } finally {
    await sql.end();
  }
  return database;
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`drop database if exists ${admin(name)} with (force)`;
  } finally {
    await admin.end();
  }
}
