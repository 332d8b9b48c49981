// `npm run schema`: writes sql/schema.sql, the schema after every migration, read back from a
// fresh database (see src/lib/server/db/schema-snapshot.ts). With DATABASE_URL set it creates and
// drops a scratch database on that server; otherwise it starts an embedded PostgreSQL of its own
// in .data/pg-schema. `npm run schema -- --check` writes nothing and exits 1 if the file differs.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createClient } from '../src/lib/server/db/client.ts';
import { startEmbedded } from '../src/lib/server/db/embedded.ts';
import { migrate } from '../src/lib/server/db/migrate.ts';
import { readMigrationDirectory } from '../src/lib/server/db/migration-files.ts';
import { schemaSnapshot } from '../src/lib/server/db/schema-snapshot.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const target = `${root}sql/schema.sql`;
const check = process.argv.includes('--check');

const external = process.env.DATABASE_URL?.trim();
const embedded = external
  ? undefined
  : await startEmbedded({ dataDir: `${root}.data/pg-schema`, database: 'postgres', log: () => {} });
const adminUrl = external ?? embedded?.adminUrl ?? '';
const name = `gj_schema_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
let exitCode = 0;
try {
  await admin`create database ${admin(name)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = createClient(url.toString(), { max: 1, applicationName: 'gongjian-schema' });
  try {
    await migrate(sql, await readMigrationDirectory(`${root}sql`));
    const text = await schemaSnapshot(sql);
    if (check) {
      const committed = await readFile(target, 'utf8').catch(() => '');
      exitCode = committed === text ? 0 : 1;
      console.log(
        exitCode === 0
          ? 'schema: sql/schema.sql matches the migrations'
          : 'schema: sql/schema.sql is stale; run npm run schema'
      );
    } else {
      await writeFile(target, text);
      console.log(`schema: wrote sql/schema.sql (${text.split('\n').length} lines)`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
} finally {
  await admin`drop database if exists ${admin(name)} with (force)`.catch(() => {});
  await admin.end({ timeout: 5 });
  await embedded?.stop();
}
process.exitCode = exitCode;
