import type { Sql } from '../db/client';
import { schemaVersion } from '../db/migrate';
import { replicaLagSeconds } from './replica';

/**
 * The replica's part of the health answer, when DATABASE_REPLICA_URL is set: its lag in seconds,
 * or down. A replica that is down does not make the app unhealthy: its reads go to the primary.
 */
export type ReplicaHealth = { status: 'up'; lagSeconds: number } | { status: 'down' };

export type Health = (
  { status: 'ok'; database: 'up'; schemaVersion: number } | { status: 'degraded'; database: 'down' }
) & { replica?: ReplicaHealth };

/** A load balancer polls this often; it must answer quickly even when the database hangs. */
const HEALTH_TIMEOUT_MS = 2_000;

export async function checkHealth(sql: Sql | undefined, replica?: Sql): Promise<Health> {
  const [primary, replicaHealth] = await Promise.all([
    checkPrimary(sql),
    replica === undefined ? undefined : checkReplica(replica)
  ]);
  return replicaHealth === undefined ? primary : { ...primary, replica: replicaHealth };
}

async function checkPrimary(sql: Sql | undefined): Promise<Health> {
  if (!sql) return { status: 'degraded', database: 'down' };
  try {
    const version = await withinTimeout(schemaVersion(sql));
    return { status: 'ok', database: 'up', schemaVersion: version };
  } catch {
    // Any failure to read the schema version means the app cannot serve data: report it down.
    return { status: 'degraded', database: 'down' };
  }
}

async function checkReplica(replica: Sql): Promise<ReplicaHealth> {
  try {
    // Whole seconds: a monitor alerts on a bound, and a fraction of a second is noise.
    return { status: 'up', lagSeconds: Math.floor(await withinTimeout(replicaLagSeconds(replica))) };
  } catch {
    // A replica that does not answer in time is down for the monitor; the public reads fall back.
    return { status: 'down' };
  }
}

async function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
