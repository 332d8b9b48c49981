import type { Sql } from '../../db/client';

/** China has one time zone and no daylight saving: China time is UTC+8 all year. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The digest goes out once a day, from this hour (China time) on, so it is read in the morning. */
export const DIGEST_HOUR = 8;

/** The China-time day (YYYY-MM-DD) of an instant, and whether the digest hour has come. */
export function digestDay(now: Date): { day: string; due: boolean } {
  const china = new Date(now.getTime() + CHINA_OFFSET_MS);
  return { day: china.toISOString().slice(0, 10), due: china.getUTCHours() >= DIGEST_HOUR };
}

/** The message key of a person's digest for one address and day. */
export function digestKey(input: { userId: string; day: string; channelId: string }): string {
  return `digest:${input.userId}:${input.day}:c${input.channelId}`;
}

interface Waiting {
  userId: string;
  channelId: string;
  channel: string;
  address: string;
  lang: string;
  notificationIds: string[];
  rowIds: string[];
}

/**
 * Gathers, for each confirmed digest address, the messages that waited for it into one digest
 * message, once per China-time day: its unique key makes a second run of the same day (or a
 * second worker) a no-op, and what waited is marked sent in the same transaction.
 */
export async function makeDigests(sql: Sql, now: Date): Promise<number> {
  const { day, due } = digestDay(now);
  if (!due) return 0;
  const waiting = await sql<Waiting[]>`
    select o.user_id::text as "userId", c.id::text as "channelId", c.channel, c.address, c.lang,
           array_agg(o.notification_id::text order by o.id) as "notificationIds",
           array_agg(o.id::text order by o.id) as "rowIds"
      from outbox o join contact_channels c on c.id = o.channel_id
     where o.status = 'digest' and c.confirmed_at is not null
     group by o.user_id, c.id
     limit 500`;
  let made = 0;
  for (const group of waiting) {
    const key = digestKey({ userId: group.userId, day, channelId: group.channelId });
    const done = await sql.begin(async (transaction) => {
      const inserted = await transaction`
        insert into outbox (message_key, user_id, channel_id, purpose, channel, address, lang, payload, created_at)
        values (${key}, ${group.userId}, ${group.channelId}, 'digest', ${group.channel}, ${group.address},
                ${group.lang}, ${transaction.json({ notificationIds: group.notificationIds })}, ${now})
        on conflict (message_key) do nothing returning id`;
      if (inserted.length === 0) return false;
      await transaction`
        update outbox set status = 'sent', sent_at = ${now}, digest_key = ${key}
         where id = any(${group.rowIds}::bigint[]) and status = 'digest'`;
      await transaction`select pg_notify('gongjian_outbox', '')`;
      return true;
    });
    if (done) made += 1;
  }
  return made;
}
