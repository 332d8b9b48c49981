import type { ReservedSql } from 'postgres';
import type { Sql } from '../../db/client';
import type { DeliveryConfig } from './config';
import { renderRow, type ClaimedRow } from './render';
import { smtpSender, webhookSender, type Sender } from './senders';
import { makeDigests } from './digest';

/**
 * The delivery worker: one per deployment. Every app process starts one; each tries a PostgreSQL
 * advisory lock on a connection of its own, and only the holder delivers. When the holder dies,
 * its connection closes, PostgreSQL frees the lock, and another process takes it on its next try.
 *
 * A claimed row gets its attempt counted and its next attempt pushed out (the backoff) in a short
 * transaction before anything is sent, so a process that dies mid-send leaves the row to be sent
 * again after the backoff: delivery is at least once, and the message key lets the receiver drop
 * the one repeat. The window between sending and marking sent is one UPDATE.
 */
export interface DeliveryWorker {
  /** Resolves once no more messages are being sent and the lock is given back. */
  stop(): Promise<void>;
  /** Whether this process holds the lock now (for tests and the log). */
  holding(): boolean;
}

const LOCK_KEY = 7_301_017;
const BATCH = 20;
const CHANNEL = 'gongjian_outbox';

export function startDeliveryWorker(
  sql: Sql,
  config: DeliveryConfig,
  options: { log: (line: string) => void; host: string; now?: () => Date }
): DeliveryWorker {
  const senders = new Map<string, Sender>();
  if (config.smtp) senders.set('email', smtpSender(config.smtp, options.host));
  if (config.webhook) senders.set('webhook', webhookSender(config.webhook));
  const state = { stopped: false, lock: null as ReservedSql | null, wake: () => {} };
  const unlisten = sql
    .listen(CHANNEL, () => state.wake())
    .then((listening) => listening.unlisten)
    .catch((error: unknown) => {
      options.log(`delivery: LISTEN failed, polling only (${describe(error)})`);
      return async () => {};
    });
  const loop = (async () => {
    while (!state.stopped) {
      const delayMs = await cycle(sql, config, senders, state, options).catch((error: unknown) => {
        options.log(`delivery: ${describe(error)}`);
        releaseLock(state);
        return config.pollMs;
      });
      if (state.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      state.wake();
      await loop;
      await (await unlisten)().catch(() => {});
      if (state.lock) {
        await state.lock`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => {});
        releaseLock(state);
      }
      for (const sender of senders.values()) sender.close();
    },
    holding: () => state.lock !== null
  };
}

function releaseLock(state: { lock: ReservedSql | null }): void {
  state.lock?.release();
  state.lock = null;
}

/** One round: hold (or try to take) the lock, deliver what is due, make the day's digests. */
async function cycle(
  sql: Sql,
  config: DeliveryConfig,
  senders: Map<string, Sender>,
  state: { stopped: boolean; lock: ReservedSql | null },
  options: { log: (line: string) => void; now?: () => Date }
): Promise<number> {
  if (state.lock === null) {
    const reserved = await sql.reserve();
    const [row] = await reserved<{ locked: boolean }[]>`select pg_try_advisory_lock(${LOCK_KEY}) as locked`;
    if (!row?.locked) {
      reserved.release();
      return config.pollMs;
    }
    state.lock = reserved;
    options.log('delivery: this process delivers the outbox');
  } else {
    // A query on the lock's own connection proves that the lock is still held.
    await state.lock`select 1`;
  }
  await makeDigests(sql, options.now?.() ?? new Date());
  const channels = [...senders.keys()];
  while (!state.stopped && channels.length > 0) {
    const claimed = await claim(sql, config, channels);
    for (const row of claimed) {
      if (state.stopped) break;
      await deliverOne(sql, config, senders, row);
    }
    if (claimed.length < BATCH) break;
  }
  return nextDelay(sql, config, channels);
}

async function claim(sql: Sql, config: DeliveryConfig, channels: string[]): Promise<ClaimedRow[]> {
  return sql<ClaimedRow[]>`
    update outbox o
       set attempts = o.attempts + 1,
           next_attempt_at = now() + make_interval(secs => ${config.backoffMs / 1000}::float8 * power(2, o.attempts))
     where o.id in (select id from outbox
                     where status = 'queued' and next_attempt_at <= now() and channel = any(${channels})
                     order by next_attempt_at, id
                     limit ${BATCH}
                     for update skip locked)
    returning o.id::text as id, o.message_key as key, o.user_id::text as "userId",
              o.notification_id::text as "notificationId", o.purpose, o.channel, o.address, o.lang,
              o.created_at as "createdAt", o.payload, o.attempts`;
}

async function deliverOne(
  sql: Sql,
  config: DeliveryConfig,
  senders: Map<string, Sender>,
  row: ClaimedRow & { attempts?: number }
): Promise<void> {
  try {
    const message = await renderRow(sql, row, config.origin());
    if (message === null) throw new Error('what the message was about no longer exists');
    const sender = senders.get(row.channel);
    if (sender === undefined) throw new Error(`the ${row.channel} channel is not configured`);
    await sender.send(message);
  } catch (error) {
    await sql`
      update outbox
         set last_error = ${describe(error).slice(0, 500)},
             status = case when attempts >= ${config.maxAttempts} then 'failed' else 'queued' end,
             payload = case when attempts >= ${config.maxAttempts} and purpose = 'confirmation' then null else payload end
       where id = ${row.id}`;
    return;
  }
  // The confirmation's secret is kept only until it is sent.
  await sql`
    update outbox set status = 'sent', sent_at = now(), last_error = null,
           payload = case when purpose = 'confirmation' then null else payload end
     where id = ${row.id}`;
}

/** Sleep until the earliest queued row is due, but never longer than the slow poll. */
async function nextDelay(sql: Sql, config: DeliveryConfig, channels: string[]): Promise<number> {
  if (channels.length === 0) return config.pollMs;
  const [row] = await sql<{ ms: number | null }[]>`
    select (extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as ms
      from outbox where status = 'queued' and channel = any(${channels})`;
  const ms = row?.ms;
  return ms === null || ms === undefined ? config.pollMs : Math.max(10, Math.min(config.pollMs, Math.ceil(ms)));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
