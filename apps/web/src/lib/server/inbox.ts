import type { Sql } from './db/client';

/**
 * The inbox: what happened to applications the signed-in person is concerned with. Rows are
 * written by the review's use cases in the transaction of the change they report; here they are
 * only read and marked read, and only ever by their own user.
 */

export const INBOX_SIZE = 50;

export interface InboxItem {
  id: string;
  at: Date;
  kind: string;
  read: boolean;
  fundSlug: string;
  fundNameZh: string;
  fundNameEn: string;
  applicationNumber: number | null;
  applicationTitle: string | null;
  applicationStatus: string | null;
}

/** The latest 50 notifications, unread first, newest first within each. */
export async function inboxFor(sql: Sql, userId: string): Promise<InboxItem[]> {
  return sql<InboxItem[]>`
    select n.id::text as id, n.at, n.kind, n.read_at is not null as read, f.slug as "fundSlug",
           f.name_zh as "fundNameZh", f.name_en as "fundNameEn", a.number as "applicationNumber",
           a.title as "applicationTitle", a.status as "applicationStatus"
      from notifications n
      join funds f on f.id = n.fund_id
      left join applications a on a.id = n.application_id
     where n.user_id = ${userId}
     order by (n.read_at is null) desc, n.id desc
     limit ${INBOX_SIZE}`;
}

export async function unreadCount(sql: Sql, userId: string): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from notifications where user_id = ${userId} and read_at is null`;
  return row?.count ?? 0;
}

/**
 * Marks one notification (or, with `all`, every one) of this user read. Another user's id is
 * ignored, not refused, so the answer never tells whether that notification exists.
 */
export async function markRead(
  sql: Sql,
  input: { userId: string; notificationId: string | 'all'; now: Date }
): Promise<number> {
  if (input.notificationId === 'all') {
    const rows = await sql`
      update notifications set read_at = ${input.now} where user_id = ${input.userId} and read_at is null`;
    return rows.count;
  }
  if (!/^[0-9]{1,18}$/.test(input.notificationId)) return 0;
  const rows = await sql`
    update notifications set read_at = ${input.now}
     where id = ${input.notificationId} and user_id = ${input.userId} and read_at is null`;
  return rows.count;
}
