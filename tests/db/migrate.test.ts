import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { StartupError } from '../../apps/web/src/lib/server/db/errors';
import { migrate, parseMigrations, schemaVersion, type Migration } from '../../apps/web/src/lib/server/db/migrate';
import { readMigrationDirectory } from '../../apps/web/src/lib/server/db/migration-files';
import { checkoutRoot, createDatabase, dropDatabase, sqlDirectory } from '../support/postgres';

const adminUrl = inject('adminUrl');
const created: string[] = [];
const clients: Sql[] = [];

async function freshDatabase(label: string): Promise<{ url: string; sql: Sql }> {
  const database = await createDatabase(adminUrl, label);
  created.push(database.name);
  const sql = createClient(database.url, { max: 2 });
  clients.push(sql);
  return { url: database.url, sql };
}

function files(...texts: string[]): Migration[] {
  return parseMigrations(
    texts.map((text, index) => ({ name: `${String(index + 1).padStart(3, '0')}_step.sql`, text }))
  );
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
  for (const name of created) await dropDatabase(adminUrl, name);
});

describe('migrate', () => {
  let real: Migration[];
  beforeAll(async () => {
    real = await readMigrationDirectory(sqlDirectory);
  });

  it('applies every file in order, records checksums, and is a no-op the second time', async () => {
    const { sql } = await freshDatabase('order');
    const first = await migrate(sql, real);
    expect(first).toEqual({ schemaVersion: real.length, applied: real.map((m) => m.name) });
    const rows = await sql<{ version: number; name: string; checksum: string }[]>`
      select version, name, checksum from schema_migrations order by version`;
    expect(rows).toEqual(real.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })));
    expect(await migrate(sql, real)).toEqual({ schemaVersion: real.length, applied: [] });
    expect(await schemaVersion(sql)).toBe(real.length);
  });

  it('refuses to start when an applied file was edited since', async () => {
    const { sql } = await freshDatabase('edited');
    await migrate(sql, files('create table a (id int);'));
    const edited = files('create table a (id bigint);');
    await expect(migrate(sql, edited)).rejects.toThrow(StartupError);
    await expect(migrate(sql, edited)).rejects.toThrow(/001_step\.sql was edited after it was applied/);
  });

  it('refuses a database that is newer than the code', async () => {
    const { sql } = await freshDatabase('newer');
    await migrate(sql, files('select 1;', 'select 2;'));
    await expect(migrate(sql, files('select 1;'))).rejects.toThrow(/newer than this code knows/);
  });

  it('rolls a failing file back whole and names it', async () => {
    const { sql } = await freshDatabase('failing');
    const steps = files('create table kept (id int);', 'create table lost (id int); select 1 / 0;');
    await expect(migrate(sql, steps)).rejects.toThrow(
      /sql\/002_step\.sql failed and was rolled back: division by zero/
    );
    expect(await schemaVersion(sql)).toBe(1);
    const [lost] = await sql`select to_regclass('lost') as oid`;
    expect(lost?.oid).toBeNull();
  });

  it('rejects badly named and gapped files', () => {
    expect(() => parseMigrations([{ name: 'init.sql', text: '' }])).toThrow(/not named like 001_words\.sql/);
    expect(() =>
      parseMigrations([
        { name: '001_a.sql', text: '' },
        { name: '003_c.sql', text: '' }
      ])
    ).toThrow(/should be number 002/);
  });

  it('normalises line endings before taking the checksum', () => {
    const [unix] = parseMigrations([{ name: '001_a.sql', text: 'select 1;\nselect 2;\n' }]);
    const [windows] = parseMigrations([{ name: '001_a.sql', text: 'select 1;\r\nselect 2;\r\n' }]);
    expect(windows?.checksum).toBe(unix?.checksum);
  });

  it('lets several processes start at once: each file is applied exactly once', async () => {
    const { url, sql } = await freshDatabase('race');
    const directory = await mkdtemp(join(tmpdir(), 'gongjian-migrations-'));
    await writeFile(join(directory, '001_log.sql'), 'create table applied_log (step int primary key);');
    await writeFile(join(directory, '002_slow.sql'), 'select pg_sleep(0.3); insert into applied_log values (2);');
    await writeFile(join(directory, '003_more.sql'), 'insert into applied_log values (3);');
    const exits = await Promise.all(
      Array.from({ length: 4 }, () => runProcess(['--import', 'tsx', 'tests/support/migrate-cli.ts', url, directory]))
    );
    expect(exits.map((exit) => exit.code)).toEqual([0, 0, 0, 0]);
    const rows = await sql`select step from applied_log order by step`;
    expect(rows.map((row) => row.step)).toEqual([2, 3]);
    expect(await schemaVersion(sql)).toBe(3);
  });
});

function runProcess(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: checkoutRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}
