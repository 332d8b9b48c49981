import type { Sql } from '../db/client';
import { bundledMigrations } from '../db/bundled-migrations';
import { openDatabase, type Database } from '../db';
import { REPLICA_LAG_NOTE_SECONDS_DEFAULT, type ServerConfig } from './config';

/**
 * The app process's one connection pool. It is opened by the `init` server hook before the first
 * request and closed on `sveltekit:shutdown` (adapter-node's graceful shutdown, also emitted by
 * apps/web/server.js).
 */
let current: Database | undefined;
/** The configured REPLICA_LAG_NOTE_SECONDS, kept beside the replica it is about. */
let lagNoteSeconds = REPLICA_LAG_NOTE_SECONDS_DEFAULT;

export async function open(
  config: ServerConfig,
  options: { takeOverSignals: boolean; log: (line: string) => void; seed?: (sql: Sql) => Promise<string[]> }
): Promise<Database> {
  if (current) return current;
  const opened = await openDatabase({ ...config, ...options, migrations: bundledMigrations() });
  current = opened;
  lagNoteSeconds = config.replicaLagNoteSeconds;
  process.once('sveltekit:shutdown', () => {
    current = undefined;
    opened.close().catch((error: unknown) => console.error('gongjian: error while closing the database', error));
  });
  return opened;
}

/** The pool, for use cases in lib/server. */
export function sql(): Sql {
  if (!current) throw new Error('The database is used before the init hook opened it.');
  return current.sql;
}

/** The pool if the database was opened, for the health check, which must not throw. */
export function sqlIfOpen(): Sql | undefined {
  return current?.sql;
}

/**
 * The replica for the public pages' anonymous reads, when DATABASE_REPLICA_URL is set. Routes do
 * not ask for it: they ask public/reads.ts `publicReads(event)`, which decides per request.
 */
export function replica(): { sql: Sql; lagNoteSeconds: number } | undefined {
  const opened = current?.replica;
  return opened === undefined ? undefined : { sql: opened, lagNoteSeconds };
}
