import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMigrations, type Migration } from './migrate';

/** Reads sql/*.sql from disk, for tests, benchmarks and scripts that run outside the built app. */
export async function readMigrationDirectory(directory: string): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql'));
  const files = await Promise.all(
    names.map(async (name) => ({ name, text: await readFile(join(directory, name), 'utf8') }))
  );
  return parseMigrations(files);
}
