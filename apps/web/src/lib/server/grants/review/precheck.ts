import type { ApplicationEvent } from '@gongjian/ledger';
import { runCommand } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import { can, type ApplicationStatus } from '../../access/policy';
import {
  applyTransition,
  decided,
  loadApplication,
  refOf,
  userIdOf,
  type Command,
  type Denied,
  type NotFound,
  type ReviewEvent
} from './transitions';

/** The fund office's pre-check of a submitted application. */

export const PRECHECK_OUTCOMES = ['pass', 'return', 'reject'] as const;
export type PrecheckOutcome = (typeof PRECHECK_OUTCOMES)[number];
export const COMMENTS_LENGTH_MAX = 2000;

const PRECHECK_TARGET: Record<PrecheckOutcome, ApplicationStatus> = {
  pass: 'in_review',
  return: 'returned',
  reject: 'rejected'
};

export type PrecheckCode =
  'transition_not_allowed' | 'return_needs_comments' | 'reject_needs_a_reason' | 'comments_must_be_short';

export type PrecheckResult =
  { ok: true; status: ApplicationStatus; replayed: boolean } | Denied | NotFound | { ok: false; code: PrecheckCode };

/** The fund office's pre-check of a submitted application: on to the leaders, back, or refused. */
export async function precheck(
  sql: Sql,
  input: Command & { outcome: PrecheckOutcome; comments: string }
): Promise<PrecheckResult> {
  if (input.comments.length > COMMENTS_LENGTH_MAX) return { ok: false, code: 'comments_must_be_short' };
  return runCommand<PrecheckResult, { ok: false; code: PrecheckCode }>(sql, (transaction) =>
    precheckIn(transaction, input)
  );
}

/**
 * The pre-check inside a transaction the caller holds (the demo seed). A refusal found after
 * the decision throws a Refusal, so that the caller's transaction rolls back.
 */
export async function precheckIn(
  transaction: Transaction,
  input: Command & { outcome: PrecheckOutcome; comments: string }
): Promise<PrecheckResult> {
  const application = await loadApplication(transaction, input.fundId, input.number, true);
  if (application === null) return { ok: false, code: 'application_not_found' };
  const asSubmitted = refOf(input.fundId, { ...application, status: 'submitted' });
  if (!can(input.actor, 'application.precheck', asSubmitted).allowed) return { ok: false, code: 'not_allowed' };
  const target = PRECHECK_TARGET[input.outcome];
  // A repeated form finds the application where the first one put it.
  if (application.status === target) return { ok: true, status: target, replayed: true };
  const event: ApplicationEvent & { event: ReviewEvent } =
    input.outcome === 'pass'
      ? { event: 'precheck_pass' }
      : input.outcome === 'return'
        ? { event: 'return', comments: input.comments }
        : { event: 'reject', reason: input.comments };
  const decision = decided(application.status, event);
  await applyTransition(transaction, {
    fundId: input.fundId,
    application,
    decision,
    actorUserId: userIdOf(input.actor),
    now: input.now,
    ip: input.ip,
    comments: input.comments.trim()
  });
  if (decision.to === 'rejected') {
    await transaction`update applications set decided_at = ${input.now} where id = ${application.id}`;
  }
  return { ok: true, status: decision.to, replayed: false };
}
