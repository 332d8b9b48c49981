import { createHash } from 'node:crypto';
import type { Sql } from './client';
import { StartupError } from './errors';

/**
 * Migrations are numbered plain-SQL files in sql/ (`001_init.sql`, `002_books.sql`, …). They
 * are applied in order, each in its own transaction, and recorded with a checksum. An applied
 * file must never change: the schema's history is part of the books' history.
 */
export interface Migration {
  version: number;
  /** The file name, e.g. `001_init.sql`. */
  name: string;
  checksum: string;
  text: string;
}

export interface MigrationFile {
  name: string;
  text: string;
}

export interface MigrationReport {
  schemaVersion: number;
  applied: string[];
}

const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

// Any constant works, as long as every Gongjian process uses the same one: it names the lock
// that lets one process migrate while the others wait.
const MIGRATION_LOCK_KEY = 7_351_029_113;

/**
 * sql/schema.sql is not a migration: it is the generated snapshot of the schema the migrations
 * build (db/schema-snapshot.ts), for readers, and is never run.
 */
export const SCHEMA_SNAPSHOT_FILE = 'schema.sql';

/** Sorts and checks migration files: names `NNN_words.sql`, numbered 1, 2, 3… without gaps. */
export function parseMigrations(files: readonly MigrationFile[]): Migration[] {
  const migrations = files
    .filter((file) => file.name !== SCHEMA_SNAPSHOT_FILE)
    .map((file) => {
      const match = FILE_NAME.exec(file.name);
      if (!match?.[1]) {
        throw new StartupError(`sql/${file.name} is not named like 001_words.sql; rename it.`);
      }
      // Line endings are normalised so that a checkout with CRLF endings has the same checksums.
      const text = file.text.replace(/\r\n/g, '\n');
      const checksum = createHash('sha256').update(text).digest('hex');
      return { version: Number.parseInt(match[1], 10), name: file.name, checksum, text };
    });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StartupError(
        `sql/${migration.name} should be number ${String(index + 1).padStart(3, '0')}: migrations are numbered without gaps or repeats.`
      );
    }
  });
  return migrations;
}

/**
 * Brings the database up to the newest migration. Safe to run from many processes at once: they
 * queue on an advisory lock, and each re-reads what is applied once it holds the lock.
 */
export async function migrate(sql: Sql, migrations: readonly Migration[]): Promise<MigrationReport> {
  const session = await sql.reserve();
  try {
    await session`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await session`
        create table if not exists schema_migrations (
          version integer primary key,
          name text not null,
          checksum text not null,
          applied_at timestamptz not null default now()
        )`;
      const recorded = await session<{ version: number; name: string; checksum: string }[]>`
        select version, name, checksum from schema_migrations order by version`;
      checkHistory(recorded, migrations);
      const applied: string[] = [];
      for (const migration of migrations.slice(recorded.length)) {
        await applyOne(session, migration);
        applied.push(migration.name);
      }
      return { schemaVersion: migrations.length, applied };
    } finally {
      await session`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    session.release();
  }
}

function checkHistory(
  recorded: readonly { version: number; name: string; checksum: string }[],
  migrations: readonly Migration[]
): void {
  for (const row of recorded) {
    const file = migrations[row.version - 1];
    if (!file) {
      throw new StartupError(
        `The database is at schema version ${recorded.length}, newer than this code knows (${migrations.length}). ` +
          `Run a newer Gongjian, or restore a backup that matches this version.`
      );
    }
    if (file.checksum !== row.checksum) {
      throw new StartupError(
        `sql/${row.name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk). Applied migrations must not change: restore the file and put the change in a new numbered file.`
      );
    }
  }
}

async function applyOne(session: Awaited<ReturnType<Sql['reserve']>>, migration: Migration): Promise<void> {
  await session`begin`;
  try {
    // The simple query protocol runs a file of many statements in one round trip.
    await session.unsafe(migration.text).simple();
    await session`
      insert into schema_migrations (version, name, checksum)
      values (${migration.version}, ${migration.name}, ${migration.checksum})`;
    await session`commit`;
  } catch (error) {
    await session`rollback`;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(`sql/${migration.name} failed and was rolled back: ${reason}`);
  }
}

/** The highest applied migration, or 0 on an empty database. */
export async function schemaVersion(sql: Sql): Promise<number> {
  const [row] = await sql<{ version: number | null }[]>`
    select max(version) as version from schema_migrations`;
  return row?.version ?? 0;
}
