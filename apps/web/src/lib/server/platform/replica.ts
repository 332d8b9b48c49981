import type { Sql } from '../db/client';

/**
 * How far a streaming replica is behind its primary, in seconds, as the replica itself can tell:
 *
 * - 0 when it is not in recovery (it is a primary), or when its WAL receiver is running and it has
 *   replayed everything it received: nothing committed on the primary is missing but what is still
 *   on the wire;
 * - otherwise the time since the last transaction it replayed (or since it started, if none): WAL
 *   is waiting (replay is paused, or held back by a long query) or the stream is broken, and the
 *   pages it serves are at least that old.
 *
 * An idle primary does not make an idle replica look behind, which a plain "time since the last
 * replayed commit" would. Any role may ask: pg_stat_wal_receiver shows its row (with only the pid)
 * to a role without pg_read_all_stats.
 */
export async function replicaLagSeconds(sql: Sql): Promise<number> {
  const [row] = await sql<{ lag: number }[]>`
    select (case
              when not pg_is_in_recovery() then 0
              when exists (select from pg_stat_wal_receiver)
                   and pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() then 0
              else extract(epoch from clock_timestamp()
                     - coalesce(pg_last_xact_replay_timestamp(), pg_postmaster_start_time()))
            end)::float8 as lag`;
  return Math.max(0, row?.lag ?? 0);
}

/** What a request is told about the replica: its lag, or null when it did not answer. */
export type ReplicaLag = { lagSeconds: number } | null;

/** How old a known lag may be before it is asked again. */
const LAG_MAX_AGE_MS = 1_000;

/**
 * The replica's lag for the requests of this process, asked at most once a second. A request
 * never waits for the question once an answer is known: it takes the last answer while the next
 * one is asked in the background, so a replica that stops answering (its connection attempt can
 * take seconds) slows one request in the life of the process, not every request, and in the
 * meantime its last answer (null: did not answer) sends the reads to the primary.
 */
export class ReplicaLagWatch {
  private known: { lag: ReplicaLag; at: number } | undefined;
  private asking: Promise<ReplicaLag> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly ask: (sql: Sql) => Promise<number> = replicaLagSeconds
  ) {}

  /** The last known lag, asking again in the background when it is older than a second. */
  async current(nowMs: number): Promise<ReplicaLag> {
    const known = this.known;
    if (known !== undefined) {
      if (nowMs - known.at > LAG_MAX_AGE_MS) void this.refresh(nowMs);
      return known.lag;
    }
    return await this.refresh(nowMs);
  }

  private refresh(nowMs: number): Promise<ReplicaLag> {
    this.asking ??= this.ask(this.sql)
      .then((lagSeconds): ReplicaLag => ({ lagSeconds }))
      // A replica that does not answer is reported as such; the reads go to the primary.
      .catch((): ReplicaLag => null)
      .then((lag) => {
        this.known = { lag, at: nowMs };
        this.asking = undefined;
        return lag;
      });
    return this.asking;
  }
}
