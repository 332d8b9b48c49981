// Migrates one database from a folder of migrations: `node --import tsx migrate-cli.ts URL DIR`.
// The tests start several of these at once to prove that start-up migration is race-free.
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { migrate } from '../../apps/web/src/lib/server/db/migrate';
import { readMigrationDirectory } from '../../apps/web/src/lib/server/db/migration-files';

const [url, directory] = process.argv.slice(2);
if (!url || !directory) throw new Error('usage: migrate-cli.ts DATABASE_URL MIGRATIONS_DIR');
const sql = createClient(url, { max: 2, applicationName: 'gongjian-migrate-cli' });
try {
  const report = await migrate(sql, await readMigrationDirectory(directory));
  console.log(JSON.stringify(report));
} finally {
  await sql.end();
}
