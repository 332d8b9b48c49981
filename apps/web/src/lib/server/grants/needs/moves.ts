import { moveNeed, type NeedAction, type NeedStatus } from '@gongjian/ledger';
import type { Transaction } from '../../db/client';
import { refuse } from '../../platform/command';

/**
 * The one way a need changes status: the ledger's moveNeed decides, this writes the new status and
 * the step on the need's timeline in the caller's transaction. Triage (the office, the committee)
 * and the project list (placing, delivering, cancelling an order) all move needs through here, so
 * that a need's status and its timeline never disagree.
 */

/** Where a step's public sentence goes: a triage's reason, or the feedback of a done need. */
const NOTE_COLUMN: Partial<Record<NeedAction, 'public_reason' | 'feedback'>> = {
  accept: 'public_reason',
  merge: 'public_reason',
  decline: 'public_reason',
  finish: 'feedback'
};

/** The step each action leaves on the timeline (need_steps.kind). */
const STEP_OF: Record<NeedAction, string> = {
  accept: 'accepted',
  merge: 'merged',
  decline: 'declined',
  spam: 'spam',
  list: 'in_list',
  finish: 'done',
  reopen: 'reopened'
};

export interface NeedMove {
  fundId: string;
  needId: string;
  action: NeedAction;
  /** The public sentence: required for accept, merge, decline (reason) and finish (feedback). */
  note: string;
  /** For merge: the need it is merged into (of the same fund). */
  mergedInto?: string;
  /** The project-list item the step is about (list, finish, reopen), or null. */
  listItemId: string | null;
  byUserId: string | null;
  now: Date;
}

/**
 * Moves a need, locking its row. Refuses (rolling the caller's transaction back) with
 * `need_not_found` or the ledger's `need_state_does_not_allow_it`; returns the new status.
 */
export async function moveNeedIn(transaction: Transaction, move: NeedMove): Promise<NeedStatus> {
  const [need] = await transaction<{ status: NeedStatus }[]>`
    select status from needs where fund_id = ${move.fundId} and id = ${move.needId} for update`;
  if (need === undefined) refuse('need_not_found');
  const moved = moveNeed(need.status, move.action);
  if (!moved.ok) refuse(moved.code);
  const column = NOTE_COLUMN[move.action];
  await transaction`
    update needs
       set status = ${moved.value},
           merged_into = ${move.action === 'merge' ? (move.mergedInto ?? null) : null},
           public_reason = case when ${column === 'public_reason'} then ${move.note} else public_reason end,
           feedback = case when ${column === 'feedback'} then ${move.note} else feedback end,
           updated_at = ${move.now}
     where id = ${move.needId}`;
  await transaction`
    insert into need_steps (need_id, kind, note, list_item_id, by_user, at)
    values (${move.needId}, ${STEP_OF[move.action]}, ${move.note}, ${move.listItemId}, ${move.byUserId}, ${move.now})`;
  return moved.value;
}
