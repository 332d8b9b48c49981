import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What the server reads from its environment; every other setting has a sensible default. */
export interface ServerConfig {
  /** A PostgreSQL server to use. When absent, Gongjian runs its own embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /**
   * A streaming replica of that PostgreSQL (`DATABASE_REPLICA_URL`). When set, anonymous reads of
   * the public pages go to it (public/reads.ts); signed-in people and every write use the primary.
   */
  databaseReplicaUrl: string | undefined;
  /** A public page read from the replica says it may be behind once the replica lags more than this. */
  replicaLagNoteSeconds: number;
  /** Where the embedded PostgreSQL keeps its data. */
  dataDir: string;
  /** Whether to seed the demo fund `guihuajing` on a fresh database. */
  demoSeed: boolean;
  /** `ORIGIN`, the public URL (scheme, host and port only), or undefined when it is unset or broken. */
  origin: string | undefined;
}

export function readServerConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ServerConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const databaseReplicaUrl = env.DATABASE_REPLICA_URL?.trim() || undefined;
  const dataDir = env.GONGJIAN_DATA_DIR?.trim()
    ? resolve(cwd, env.GONGJIAN_DATA_DIR.trim())
    : join(findCheckoutRoot(cwd), '.data', 'pg');
  const demoSeed = !['0', 'false', 'off', 'no'].includes((env.GONGJIAN_DEMO_SEED ?? '').trim().toLowerCase());
  return {
    databaseUrl,
    databaseReplicaUrl,
    replicaLagNoteSeconds: secondsSetting(env.REPLICA_LAG_NOTE_SECONDS, REPLICA_LAG_NOTE_SECONDS_DEFAULT),
    dataDir,
    demoSeed,
    origin: configuredOrigin(env.ORIGIN)
  };
}

/**
 * Half a minute: a replica on the same network replays within a second, so a lag this long means
 * it is really behind (a long query holding replay back, a paused or broken stream), and a
 * resident who reloads should know the figures may not be the newest.
 */
export const REPLICA_LAG_NOTE_SECONDS_DEFAULT = 30;

/** A whole number of seconds, zero or more; anything else keeps the default. */
function secondsSetting(value: string | undefined, fallback: number): number {
  const text = value?.trim() ?? '';
  return /^\d{1,9}$/.test(text) ? Number(text) : fallback;
}

/** `ORIGIN` as an origin (`https://fund.example.cn`), or undefined when unset or not an http(s) URL. */
export function configuredOrigin(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    // adapter-node refuses to start with a broken ORIGIN, so this is only reached by the scripts.
    return undefined;
  }
}

/** The local end of the connection a request came in on: an address of this machine, and the port. */
export interface ListeningAddress {
  address: string;
  port: number;
}

/**
 * The origin to put in front of every absolute URL the app shows or prints (a notice's QR code and
 * "verify at" line, an invitation or reset link). It never comes from the visitor's Host header
 * alone, because a forged Host (`Host: evil.example`) would otherwise be printed, and a public
 * page is cached for every visitor after it:
 *
 * - `ORIGIN` when it is set (behind a proxy, the public name);
 * - otherwise the address of this machine that the connection reached, with its port
 *   (`http://192.168.1.20:3000`), which only this machine's interfaces can make; the one name
 *   taken from the Host is `localhost`, on a loopback connection to the same port, so that the
 *   address a person typed on the machine itself is printed as they typed it;
 * - with neither (the dev server, which hands the app no connection), the request's own origin:
 *   there nothing is cached, and it is the developer's own Host.
 *
 * The result is one of a handful of values per machine, so a cache may key on it.
 */
export function trustedOrigin(input: {
  configured: string | undefined;
  requestUrl: URL;
  listening: ListeningAddress | null;
}): string {
  if (input.configured !== undefined) return input.configured;
  if (input.listening === null) return input.requestUrl.origin;
  const own = new URL(`http://${hostOf(input.listening.address)}:${input.listening.port}`);
  const asked = input.requestUrl;
  if (asked.hostname === 'localhost' && asked.port === own.port && isLoopback(input.listening.address)) {
    return `http://localhost${own.port === '' ? '' : `:${own.port}`}`;
  }
  return own.origin;
}

/** An address as a URL host: IPv4-mapped IPv6 as IPv4, IPv6 in brackets without its zone. */
function hostOf(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').replace(/%.*$/, '');
  return plain.includes(':') ? `[${plain}]` : plain;
}

function isLoopback(address: string): boolean {
  const plain = address.replace(/^::ffff:/i, '');
  return plain === '::1' || /^127\./.test(plain);
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
