import { ACCOUNTS, decideTransition, type ApplicationDecision, type ApplicationEvent } from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { refuse } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import type { Actor, ApplicationRef, ApplicationStatus } from '../../access/policy';
import { followApplicationIn } from '../project-list/items';

/**
 * What every review use case shares: the application row as the review reads it, the lock order
 * (the pool, then the application) and the one way a decided transition is written. The project
 * use cases (acceptance, closing) write their transitions through it too.
 */

export type Denied = { ok: false; code: 'not_allowed' };
export type NotFound = { ok: false; code: 'application_not_found' };

/** The application as the review reads it: identity, parties, state and the decision's figures. */
export interface ApplicationRow {
  id: string;
  number: number;
  status: ApplicationStatus;
  compoundId: string;
  applicantUnitId: string | null;
  revision: number;
  policyVersion: number | null;
  matchAmount: string | null;
  category: string;
  requestedRatio: string | null;
  holdId: string | null;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  /** The end was counted into a year with no calendar yet (see calendar.ts). */
  noticeEndsProvisional: boolean;
  title: string;
}

export interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

/** Thrown inside a transaction to roll back everything it wrote, then returned to the caller. */

export const userIdOf = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);

export function refOf(fundId: string, row: ApplicationRow): ApplicationRef {
  return { fundId, compoundId: row.compoundId, applicantUnitId: row.applicantUnitId, status: row.status };
}

export async function loadApplication(
  db: Sql | Transaction,
  fundId: string,
  number: number,
  lock: boolean
): Promise<ApplicationRow | null> {
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const rows = await db<ApplicationRow[]>`
    select id::text as id, number, status, compound_id::text as "compoundId",
           applicant_unit_id::text as "applicantUnitId", revision, policy_version as "policyVersion",
           match_amount::text as "matchAmount", category, requested_ratio as "requestedRatio", hold_id as "holdId",
           to_char(notice_starts_on, 'YYYY-MM-DD') as "noticeStartsOn",
           to_char(notice_ends_on, 'YYYY-MM-DD') as "noticeEndsOn",
           notice_ends_provisional as "noticeEndsProvisional", title
      from applications where fund_id = ${fundId} and number = ${number} ${lock ? db`for update` : db``}`;
  return rows[0] ?? null;
}

/**
 * Locks the pool's balance row, as the books layer does before it places or releases a hold, so
 * that the lock order is always pool first, then the application.
 */
export async function lockPool(transaction: Transaction, fundId: string): Promise<void> {
  await transaction`
    select 1 from account_balances where fund_id = ${fundId} and account_code = ${ACCOUNTS.pool} for update`;
}

/** The events the review writes, and those of a grant's end that the project use cases write through it. */
export type ReviewEvent =
  | 'precheck_pass'
  | 'return'
  | 'reject'
  | 'approve'
  | 'objection_upheld'
  | 'notice_ended'
  | 'accept'
  | 'close'
  | 'cancel';

/** Who hears of a state change: the compound's committee and the fund administrators, and on review the leaders. */
async function notify(
  transaction: Transaction,
  input: {
    fundId: string;
    application: ApplicationRow;
    kind: string;
    now: Date;
    leaders: boolean;
    except: string | null;
  }
): Promise<void> {
  await transaction`
    insert into notifications (fund_id, user_id, at, kind, application_id)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, ${input.kind}, ${input.application.id}::bigint
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and u.status = 'active'
       and ((m.role = 'committee' and m.compound_id = ${input.application.compoundId})
            or m.role = 'fund_admin' or (${input.leaders} and m.role = 'leader'))
       and m.user_id <> ${input.except ?? '0'}`;
}

/** Writes a decided transition: the status, the timeline row, the audit event and the inboxes. */
export async function applyTransition(
  transaction: Transaction,
  input: {
    fundId: string;
    application: ApplicationRow;
    decision: ApplicationDecision & { event: ReviewEvent };
    actorUserId: string | null;
    now: Date;
    ip: string | null;
    comments: string;
  }
): Promise<void> {
  const { application, decision } = input;
  await transaction`
    update applications set status = ${decision.to}, updated_at = ${input.now}
     where id = ${application.id}`;
  await transaction`
    insert into application_transitions
      (fund_id, application_id, revision, from_status, to_status, event, actor_user_id, at, comments)
    values (${input.fundId}, ${application.id}, ${application.revision}, ${decision.from}, ${decision.to},
            ${decision.event}, ${input.actorUserId}, ${input.now}, ${input.comments.slice(0, 2000)})`;
  await recordEvent(transaction, {
    action: `application.${decision.event}`,
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: application.id
  });
  await notify(transaction, {
    fundId: input.fundId,
    application,
    kind: `application.${decision.to}`,
    now: input.now,
    leaders: decision.to === 'in_review' || decision.to === 'approved',
    except: input.actorUserId
  });
  // A project-list item delivered by this application follows it (accepted: its needs are done).
  await followApplicationIn(transaction, {
    fundId: input.fundId,
    applicationId: application.id,
    now: input.now,
    ip: input.ip,
    actorUserId: input.actorUserId
  });
}

/** The ledger's decision on a transition; a refusal rolls the whole command back. */
export function decided(
  status: ApplicationStatus,
  event: ApplicationEvent & { event: ReviewEvent }
): ApplicationDecision & { event: ReviewEvent } {
  const decision = decideTransition(status, event);
  if (!decision.ok) refuse(decision.code);
  return { ...decision.value, event: event.event };
}
