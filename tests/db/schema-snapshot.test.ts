import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { schemaSnapshot, snapshotServerMajor } from '../../apps/web/src/lib/server/db/schema-snapshot';
import { createMigratedDatabase, dropDatabase, sqlDirectory } from '../support/postgres';

const adminUrl = inject('adminUrl');
let database: { url: string; name: string };
let sql: Sql;

beforeAll(async () => {
  database = await createMigratedDatabase(adminUrl, 'schema');
  sql = createClient(database.url, { max: 1 });
});

afterAll(async () => {
  await sql.end();
  await dropDatabase(adminUrl, database.name);
});

describe('sql/schema.sql', () => {
  it('is the schema the migrations build, as this PostgreSQL prints it (npm run schema regenerates it)', async () => {
    const committed = await readFile(`${sqlDirectory}/schema.sql`, 'utf8');
    const fresh = await schemaSnapshot(sql);
    // A server of another major version (DATABASE_URL) prints some definitions in other words;
    // the file is checked against the embedded PostgreSQL that CI and a clean clone run.
    if (snapshotServerMajor(committed) !== snapshotServerMajor(fresh)) return;
    expect(fresh, 'sql/schema.sql is stale: run npm run schema and commit it').toBe(committed);
  });

  it('names every rule the database enforces once, in force as last defined', async () => {
    const committed = await readFile(`${sqlDirectory}/schema.sql`, 'utf8');
    // The balance rule was defined in 002 and redefined in 003, 004 and 005; the snapshot holds
    // only the definition in force, once.
    expect(committed.match(/^CREATE OR REPLACE FUNCTION public\.\w*balance\w*\(/gm)?.length ?? 0).toBeGreaterThan(0);
    const names = [...committed.matchAll(/^CREATE OR REPLACE FUNCTION public\.(\w+)\(/gm)].map((match) => match[1]);
    expect(new Set(names).size).toBe(names.length);
  });
});
