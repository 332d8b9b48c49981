import type { Sql } from '../db/client';
import { schemaVersion } from '../db/migrate';

export type Health = { status: 'ok'; database: 'up'; schemaVersion: number } | { status: 'degraded'; database: 'down' };

/** A load balancer polls this often; it must answer quickly even when the database hangs. */
const HEALTH_TIMEOUT_MS = 2_000;

export async function checkHealth(sql: Sql | undefined): Promise<Health> {
  if (!sql) return { status: 'degraded', database: 'down' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
  });
  try {
    const version = await Promise.race([schemaVersion(sql), timeout]);
    return { status: 'ok', database: 'up', schemaVersion: version };
  } catch {
    // Any failure to read the schema version means the app cannot serve data: report it down.
    return { status: 'degraded', database: 'down' };
  } finally {
    clearTimeout(timer);
  }
}
