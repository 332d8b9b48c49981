import { moveNeed, type NeedStatus } from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { SHA256_HEX } from '../../platform/attachments';
import { recordEvent } from '../../platform/audit';
import { refuse, runCommand, type Failure } from '../../platform/command';
import { moveNeedIn } from './moves';

/*
 * Triage of a need by the office or the compound's committee (need.triage): accepted, merged into
 * another need of the fund, or declined, each with a public reason (the database refuses a triage
 * without one, GJ025); or marked spam by the office (need.spam). Every move goes through
 * moveNeedIn. The same form pressed twice finds the need already where it sent it and answers as
 * the first time did. The photos' personal-data check is done here too, as it publishes them.
 */

export const TRIAGE_ACTIONS = ['accept', 'merge', 'decline', 'spam'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];
export const REASON_MAX = 500;

export type TriageCode =
  | 'need_not_found'
  | 'reason_is_required'
  | 'reason_must_be_short'
  | 'merge_target_not_found'
  | 'need_cannot_merge_into_itself'
  | 'need_state_does_not_allow_it';

export type TriageResult = { ok: true; replayed: boolean } | { ok: false; code: TriageCode | 'not_allowed' };

interface NeedRow {
  id: string;
  compoundId: string;
  status: NeedStatus;
  mergedInto: string | null;
}

async function needOf(db: Sql | Transaction, fundId: string, number: number, lock: boolean): Promise<NeedRow | null> {
  const rows = await db<NeedRow[]>`
    select id::text as id, compound_id::text as "compoundId", status, merged_into::text as "mergedInto"
      from needs where fund_id = ${fundId} and number = ${number} ${lock ? db`for update` : db``}`;
  return rows[0] ?? null;
}

/** Whether the actor may take this triage action on a need of this compound. */
export function mayTriage(actor: Actor, fundId: string, compoundId: string, action: TriageAction): boolean {
  return action === 'spam'
    ? can(actor, 'need.spam', { fundId }).allowed
    : can(actor, 'need.triage', { fundId, compoundId }).allowed;
}

export async function triageNeed(
  sql: Sql,
  input: {
    actor: Actor;
    fundId: string;
    number: number;
    action: TriageAction;
    reason: string;
    mergeInto: number | null;
    now: Date;
    ip: string | null;
  }
): Promise<TriageResult> {
  const reason = input.action === 'spam' ? '' : input.reason.trim();
  if (input.action !== 'spam' && reason === '') return { ok: false, code: 'reason_is_required' };
  if (reason.length > REASON_MAX) return { ok: false, code: 'reason_must_be_short' };
  const found = await needOf(sql, input.fundId, input.number, false);
  if (found === null) return { ok: false, code: 'need_not_found' };
  if (input.actor.kind !== 'user' || !mayTriage(input.actor, input.fundId, found.compoundId, input.action)) {
    return { ok: false, code: 'not_allowed' };
  }
  const byUserId = input.actor.userId;
  return runCommand<TriageResult, Failure<TriageCode>>(sql, async (transaction) => {
    const need = await needOf(transaction, input.fundId, input.number, true);
    if (need === null) refuse<TriageCode>('need_not_found');
    const mergedInto = input.action === 'merge' ? await mergeTargetIn(transaction, input, need.id) : undefined;
    // A resend of the same triage finds the need where the first one left it.
    const target = moveNeed('raised', input.action);
    if (target.ok && need.status === target.value && (mergedInto === undefined || mergedInto === need.mergedInto)) {
      return { ok: true, replayed: true };
    }
    await moveNeedIn(transaction, {
      fundId: input.fundId,
      needId: need.id,
      action: input.action,
      note: reason,
      ...(mergedInto === undefined ? {} : { mergedInto }),
      listItemId: null,
      byUserId,
      now: input.now
    });
    await recordEvent(transaction, {
      action: 'need.triaged',
      outcome: 'ok',
      at: input.now,
      actorUserId: byUserId,
      fundId: input.fundId,
      resourceType: 'need',
      resourceId: need.id,
      ip: input.ip,
      detail: { needNumber: input.number, step: input.action }
    });
    return { ok: true, replayed: false };
  });
}

/** The need another is merged into: of the same fund, not itself, and itself not merged away or spam. */
async function mergeTargetIn(
  transaction: Transaction,
  input: { fundId: string; mergeInto: number | null },
  needId: string
): Promise<string> {
  if (input.mergeInto === null) refuse<TriageCode>('merge_target_not_found');
  const [target] = await transaction<{ id: string }[]>`
    select id::text as id from needs
     where fund_id = ${input.fundId} and number = ${input.mergeInto} and status not in ('merged', 'spam')`;
  if (target === undefined) refuse<TriageCode>('merge_target_not_found');
  if (target.id === needId) refuse<TriageCode>('need_cannot_merge_into_itself');
  return target.id;
}

export type PhotoCheckResult =
  { ok: true; replayed: boolean } | { ok: false; code: 'not_allowed' | 'need_not_found' | 'photo_not_found' };

/**
 * Marks one photo of a need as checked for personal data (a face, a door number, a name), which
 * publishes it on the need's public page. The compound's committee or the office does it.
 */
export async function checkNeedPhoto(
  sql: Sql,
  input: { actor: Actor; fundId: string; number: number; sha256: string; now: Date; ip: string | null }
): Promise<PhotoCheckResult> {
  const need = await needOf(sql, input.fundId, input.number, false);
  if (need === null) return { ok: false, code: 'need_not_found' };
  const ref = { fundId: input.fundId, compoundId: need.compoundId };
  if (input.actor.kind !== 'user' || !can(input.actor, 'need.triage', ref).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  if (!SHA256_HEX.test(input.sha256)) return { ok: false, code: 'photo_not_found' };
  const actorUserId = input.actor.userId;
  return sql.begin(async (transaction): Promise<PhotoCheckResult> => {
    const [row] = await transaction<{ checkedAt: Date | null }[]>`
      select a.checked_for_personal_data_at as "checkedAt"
        from need_photos p join attachments a on a.fund_id = p.fund_id and a.sha256 = p.sha256
       where p.need_id = ${need.id} and p.sha256 = ${input.sha256}
       for update of a`;
    if (row === undefined) return { ok: false, code: 'photo_not_found' };
    if (row.checkedAt !== null) return { ok: true, replayed: true };
    await transaction`
      update attachments set checked_for_personal_data_at = ${input.now}, checked_by = ${actorUserId}
       where fund_id = ${input.fundId} and sha256 = ${input.sha256}`;
    await recordEvent(transaction, {
      action: 'need.photo_checked',
      outcome: 'ok',
      at: input.now,
      actorUserId,
      fundId: input.fundId,
      resourceType: 'attachment',
      resourceId: input.sha256,
      ip: input.ip,
      detail: { needNumber: input.number }
    });
    return { ok: true, replayed: false };
  }) as Promise<PhotoCheckResult>;
}
