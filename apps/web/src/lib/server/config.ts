import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What the server reads from its environment; every other setting has a sensible default. */
export interface ServerConfig {
  /** A PostgreSQL server to use. When absent, Gongjian runs its own embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL keeps its data. */
  dataDir: string;
  /** Whether to seed the demo fund `guihuajing` on a fresh database. */
  demoSeed: boolean;
}

export function readServerConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ServerConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const dataDir = env.GONGJIAN_DATA_DIR?.trim()
    ? resolve(cwd, env.GONGJIAN_DATA_DIR.trim())
    : join(findCheckoutRoot(cwd), '.data', 'pg');
  const demoSeed = !['0', 'false', 'off', 'no'].includes((env.GONGJIAN_DEMO_SEED ?? '').trim().toLowerCase());
  return { databaseUrl, dataDir, demoSeed };
}

/**
 * The folder of the root package.json (the npm workspace), so that `npm start` from the root and
 * `vite dev` from apps/web use the same .data folder.
 */
export function findCheckoutRoot(start: string): string {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && isWorkspaceRoot(manifest)) return folder;
    if (folder === dirname(folder)) return resolve(start);
  }
}

function isWorkspaceRoot(manifest: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'workspaces' in parsed;
  } catch {
    // An unreadable package.json is not the root we are looking for; keep walking up.
    return false;
  }
}
