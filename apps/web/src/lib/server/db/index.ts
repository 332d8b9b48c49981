import { createClient, type Sql } from './client';
import { startEmbedded, type EmbeddedServer } from './embedded';
import { StartupError, redactUrl } from './errors';
import { migrate, type Migration } from './migrate';

export interface OpenOptions {
  databaseUrl: string | undefined;
  /** A streaming replica of that database, for the public pages' anonymous reads; never migrated. */
  databaseReplicaUrl?: string | undefined;
  dataDir: string;
  /**
   * The demo's seed, when the demo is installed (see platform/demo-plugin.ts). The database layer
   * imports no feature, so the seed is handed in rather than imported.
   */
  seed?: (sql: Sql) => Promise<string[]>;
  migrations: readonly Migration[];
  takeOverSignals: boolean;
  log: (line: string) => void;
}

export interface Database {
  sql: Sql;
  /** The replica's pool (acting as the same role), when DATABASE_REPLICA_URL is set. */
  replica: Sql | undefined;
  mode: 'embedded' | 'external';
  schemaVersion: number;
  close(): Promise<void>;
}

/**
 * Connects (starting the embedded PostgreSQL when no DATABASE_URL is given), migrates, and seeds
 * the demo fund. Whatever was started is stopped again if a later step fails.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  // Checked before anything starts, so that a broken replica URL leaves nothing running.
  const replicaUrl =
    options.databaseReplicaUrl === undefined
      ? undefined
      : checkedUrl(options.databaseReplicaUrl, 'DATABASE_REPLICA_URL');
  const embedded = options.databaseUrl
    ? undefined
    : await startEmbedded({
        dataDir: options.dataDir,
        database: 'gongjian',
        log: options.log,
        takeOverSignals: options.takeOverSignals
      });
  const url = checkedUrl(options.databaseUrl ?? (embedded as EmbeddedServer).url);
  // Migrations run as the database's owner; the app's pool then acts as gongjian_app, which may
  // not update, delete or truncate the journal (sql/002_books.sql creates it).
  const owner = createClient(url, { max: 1, applicationName: 'gongjian-migrate' });
  let sql: Sql | undefined;
  try {
    await ping(owner, url);
    const report = await migrate(owner, options.migrations);
    await owner.end({ timeout: 5 });
    options.log(
      report.applied.length > 0
        ? `schema at version ${report.schemaVersion} (applied ${report.applied.join(', ')})`
        : `schema at version ${report.schemaVersion}`
    );
    const app = createClient(url, { role: APP_ROLE });
    sql = app;
    await pingAsAppRole(app);
    if (options.seed) {
      const seeded = await options.seed(app);
      if (seeded.length > 0) options.log(`seeded the demo fund guihuajing (${seeded.join(', ')})`);
    }
    const replica = replicaUrl === undefined ? undefined : openReplica(replicaUrl, options.log);
    return {
      sql: app,
      replica,
      mode: embedded ? 'embedded' : 'external',
      schemaVersion: report.schemaVersion,
      async close() {
        await app.end({ timeout: 5 });
        await replica?.end({ timeout: 5 });
        await embedded?.stop();
      }
    };
  } catch (error) {
    await owner.end({ timeout: 1 }).catch(() => {});
    await sql?.end({ timeout: 1 }).catch(() => {});
    await embedded?.stop();
    throw error;
  }
}

/**
 * The replica's pool. It is not pinged here: a replica that is down or still catching up must not
 * keep the app from starting, since every read it would serve can come from the primary instead
 * (public/reads.ts falls back to the primary whenever the replica does not answer).
 */
function openReplica(url: string, log: (line: string) => void): Sql {
  log(`anonymous public reads go to the replica at ${redactUrl(url)}`);
  return createClient(url, { role: APP_ROLE, applicationName: 'gongjian-replica' });
}

/** The role the app's pool acts as; see sql/002_books.sql for its rights. */
export const APP_ROLE = 'gongjian_app';

async function pingAsAppRole(sql: Sql): Promise<void> {
  try {
    await sql`select 1`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      `Cannot act as the role ${APP_ROLE} (${reason}). As a superuser, run: GRANT ${APP_ROLE} TO <the DATABASE_URL user>;`
    );
  }
}

function checkedUrl(url: string, variable = 'DATABASE_URL'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const unset =
      variable === 'DATABASE_URL' ? 'unset it to use the embedded database' : 'unset it to read from the primary';
    throw new StartupError(`${variable} is not a URL. Use postgres://user:password@host:5432/database, or ${unset}.`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StartupError(`${variable} must start with postgres:// (it starts with ${parsed.protocol}//).`);
  }
  return url;
}

async function ping(sql: Sql, url: string): Promise<void> {
  try {
    await sql`select 1`;
  } catch (error) {
    throw new StartupError(
      `Cannot use the database at ${redactUrl(url)}: ${describeConnectionError(error)}. ` +
        `Check DATABASE_URL, or unset it to use the embedded database.`
    );
  }
}

function describeConnectionError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing is listening there (connection refused)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'CONNECT_TIMEOUT':
      return 'the connection timed out';
    case '28P01':
    case '28000':
      return 'the user name or password was not accepted';
    case '3D000':
      return 'that database does not exist';
    default:
      return error.message;
  }
}
