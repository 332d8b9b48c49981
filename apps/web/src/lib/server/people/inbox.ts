import type { Sql } from '../db/client';
import { can, type Actor, type ApplicationStatus } from '../access/policy';
import { getLocale } from '../../paraglide/runtime';
import { askOf } from './delivery/requests';
import { voteEndsOn } from './todo';
import { askLine } from './delivery/texts';

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
  /** Which of the fund's pages about the application the link leads to (see inboxTarget). */
  target: InboxTarget | null;
  /** What the notification asks of this reader now ("请您表决"), or null when it only informs. */
  request: string | null;
}

/**
 * The page a notification leads to: one on which its reader acts or reads on, and that their
 * roles let them open. A committee follows its application to the application's page (the review
 * is the fund office's and the leaders'), and to the project's page once it is a project.
 */
export type InboxTarget = 'payouts' | 'acceptance' | 'project' | 'notice' | 'review' | 'application' | 'corrections';

interface InboxRow extends Omit<InboxItem, 'target' | 'request'> {
  fundId: string;
  noticeEndsOn: string | null;
  compoundId: string | null;
  applicantUnitId: string | null;
  policyVersion: number | null;
  /** When the application went into review, while it is there. */
  inReviewSince: Date | null;
}

/** The latest 50 notifications, unread first, newest first within each, each with where it leads. */
export async function inboxFor(sql: Sql, actor: Actor): Promise<InboxItem[]> {
  if (actor.kind !== 'user') return [];
  const rows = await sql<InboxRow[]>`
    select n.id::text as id, n.at, n.kind, n.read_at is not null as read, f.slug as "fundSlug",
           f.name_zh as "fundNameZh", f.name_en as "fundNameEn", a.number as "applicationNumber",
           a.title as "applicationTitle", a.status as "applicationStatus", f.id::text as "fundId",
           a.compound_id::text as "compoundId", a.applicant_unit_id::text as "applicantUnitId",
           case when a.status = 'approved' then to_char(a.notice_ends_on, 'YYYY-MM-DD') end as "noticeEndsOn",
           a.policy_version as "policyVersion",
           case when a.status = 'in_review' then (select max(t.at) from application_transitions t
                where t.application_id = a.id and t.to_status = 'in_review') end as "inReviewSince"
      from notifications n
      join funds f on f.id = n.fund_id
      left join applications a on a.id = n.application_id
     where n.user_id = ${actor.userId}
     order by (n.read_at is null) desc, n.id desc
     limit ${INBOX_SIZE}`;
  const lang = getLocale();
  const cache = { periods: new Map<number, number | null>(), calendar: {} };
  const items: InboxItem[] = [];
  for (const { fundId, compoundId, applicantUnitId, noticeEndsOn, policyVersion, inReviewSince, ...item } of rows) {
    const voteEnds =
      inReviewSince === null ? null : await voteEndsOn(sql, { fundId, policyVersion, inReviewSince }, cache);
    items.push({
      ...item,
      target: inboxTarget(actor, { ...item, fundId, compoundId, applicantUnitId }),
      // The same answer the messages that leave the app give (people/delivery/requests.ts).
      request: askLine(
        askOf({
          notificationKind: item.kind,
          applicationStatus: item.applicationStatus,
          noticeEndsOn,
          voteEndsOn: voteEnds,
          fundId,
          compoundId,
          applicantUnitId,
          actor
        }),
        lang
      )
    });
  }
  return items;
}

/** The states in which an approved grant has a project page of its own to follow. */
const PROJECT_PAGE_STATES: readonly string[] = ['active', 'accepted', 'closed', 'cancelled'];

/** Where one notification leads its reader, asked of the policy so that the link never ends in a 403. */
export function inboxTarget(
  actor: Actor,
  row: Omit<InboxRow, 'noticeEndsOn' | 'policyVersion' | 'inReviewSince'>
): InboxTarget | null {
  // A correction waiting for a second person concerns the fund's books, not an application.
  if (row.kind === 'correction.waiting') {
    return can(actor, 'books.correct.confirm', { fundId: row.fundId }).allowed ? 'corrections' : null;
  }
  if (row.applicationStatus === null || row.compoundId === null) return null;
  const ref = {
    fundId: row.fundId,
    compoundId: row.compoundId,
    applicantUnitId: row.applicantUnitId,
    status: row.applicationStatus as ApplicationStatus
  };
  if (can(actor, 'project.read', ref).allowed) {
    if (row.kind === 'payout.waiting') return 'payouts';
    if (row.kind === 'acceptance.recorded') return 'acceptance';
    if (PROJECT_PAGE_STATES.includes(ref.status)) return 'project';
  }
  // An approval under notice: the notice is public.
  if (ref.status === 'approved') return 'notice';
  const reviews = can(actor, 'fund.office.read', { fundId: ref.fundId }).allowed;
  if (reviews && (ref.status === 'submitted' || ref.status === 'in_review')) return 'review';
  return can(actor, 'application.read', ref).allowed ? 'application' : null;
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
