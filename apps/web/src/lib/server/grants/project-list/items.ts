import {
  chinaDateOf,
  isDate,
  listItemStatusOf,
  moveListItem,
  needActionForListItem,
  type ApplicationState,
  type ListItemStatus
} from '@gongjian/ledger';
import { m } from '../../../paraglide/messages';
import { recordEvent, type EventAction } from '../../platform/audit';
import { storeAttachmentIn, type Upload } from '../../platform/attachments';
import { refuse, runCommand } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import { can } from '../../access/policy';
import { moveNeedIn } from '../needs/moves';
import { FEEDBACK_LENGTH_MAX, PHOTOS_MAX, userIdOf, type ListCommand, type LockedItem, type NotAllowed } from './model';
import { addStep, type ListStepKind } from './place';

/**
 * What happens to an item after it is placed. A direct item is moved by the office: work started,
 * delivered (with the day, the public feedback and photos), or cancelled. A grant item follows
 * its application (followApplicationIn, called wherever an application changes state). Either
 * way, a delivered item finishes its needs with the feedback and a cancelled one reopens them.
 */

export type ItemRefusalCode =
  | 'list_item_not_found'
  | 'list_item_state_does_not_allow_it'
  | 'grant_item_follows_its_application'
  | 'delivery_date_is_invalid'
  | 'feedback_is_required'
  | 'feedback_must_be_short'
  | 'too_many_photos'
  | 'photo_not_found'
  | 'need_not_found'
  | 'need_state_does_not_allow_it';

export type ItemResult = { ok: true; replayed: boolean } | NotAllowed | { ok: false; code: ItemRefusalCode };
type ItemFailure = Exclude<ItemResult, { ok: true }>;

async function lockItem(transaction: Transaction, fundId: string, number: number): Promise<LockedItem> {
  const [row] = await transaction<LockedItem[]>`
    select id::text as id, number, compound_id::text as "compoundId", delivery, status,
           application_id::text as "applicationId", feedback
      from list_items where fund_id = ${fundId} and number = ${number} for update`;
  if (row === undefined) refuse('list_item_not_found');
  return row;
}

/** What an office command does to the item it locked. */
type ItemWork = (transaction: Transaction, item: LockedItem, userId: string) => Promise<ItemResult>;

/** Runs an office command on one item: the policy first, then one transaction under the item's lock. */
function officeCommand(sql: Sql, input: ListCommand & { number: number }, work: ItemWork): Promise<ItemResult> {
  const decision = can(input.actor, 'list.manage', { fundId: input.fundId });
  if (!decision.allowed) return Promise.resolve({ ok: false, code: 'not_allowed', reason: decision.reason });
  const userId = userIdOf(input.actor);
  if (userId === null) return Promise.resolve({ ok: false, code: 'not_allowed', reason: 'sign_in_required' });
  return runCommand<ItemResult, ItemFailure>(sql, (transaction) => officeWorkIn(transaction, input, userId, work));
}

/** An office command inside the caller's transaction (the demo seed), after the policy's answer. */
export async function officeWorkIn(
  transaction: Transaction,
  input: { fundId: string; number: number },
  userId: string,
  work: ItemWork
): Promise<ItemResult> {
  return work(transaction, await lockItem(transaction, input.fundId, input.number), userId);
}

/** The unit started the work: a direct item moves to in progress. Sent twice, it answers as once. */
export function startWork(sql: Sql, input: ListCommand & { number: number }): Promise<ItemResult> {
  return officeCommand(sql, input, startWorkOf(input));
}

/** startWork inside the caller's transaction (the demo seed), by a user the caller vouches for. */
export function startWorkIn(
  transaction: Transaction,
  input: ListCommand & { number: number },
  userId: string
): Promise<ItemResult> {
  return officeWorkIn(transaction, input, userId, startWorkOf(input));
}

function startWorkOf(input: ListCommand): ItemWork {
  return async (transaction, item, userId) => {
    if (item.status === 'in_progress') return { ok: true, replayed: true };
    const moved = moveListItem(item, 'progress');
    if (!moved.ok) refuse(moved.code);
    await reach(transaction, input, item, { status: moved.value, note: '', userId, deliveredOn: null });
    return { ok: true, replayed: false };
  };
}

/**
 * The office cancels an order not yet delivered; its needs wait for another. A grant item whose
 * draft is open is the committee's to withdraw (which cancels the item), so the office cannot.
 */
export function cancelItem(sql: Sql, input: ListCommand & { number: number; reason: string }): Promise<ItemResult> {
  return officeCommand(sql, input, async (transaction, item, userId) => {
    if (item.status === 'cancelled') return { ok: true, replayed: true };
    if (item.applicationId !== null) refuse('grant_item_follows_its_application');
    const moved = moveListItem(item, 'cancel');
    if (!moved.ok) refuse(moved.code);
    const note = input.reason.trim().slice(0, FEEDBACK_LENGTH_MAX);
    await reach(transaction, input, item, { status: moved.value, note, userId, deliveredOn: null });
    return { ok: true, replayed: false };
  });
}

export interface DeliverInput extends ListCommand {
  number: number;
  deliveredOn: string;
  feedback: string;
  photos: readonly Upload[];
}

/** A direct item is delivered: the day, the public feedback and the photos; its needs are done. */
export function deliverItem(sql: Sql, input: DeliverInput): Promise<ItemResult> {
  const feedback = input.feedback.trim();
  const refusal: ItemRefusalCode | null = !isDate(input.deliveredOn)
    ? 'delivery_date_is_invalid'
    : feedback === ''
      ? 'feedback_is_required'
      : feedback.length > FEEDBACK_LENGTH_MAX
        ? 'feedback_must_be_short'
        : input.photos.length > PHOTOS_MAX
          ? 'too_many_photos'
          : null;
  if (refusal !== null) return Promise.resolve({ ok: false, code: refusal });
  return officeCommand(sql, input, deliverOf(input, feedback));
}

/** deliverItem inside the caller's transaction (the demo seed), by a user the caller vouches for. */
export function deliverItemIn(transaction: Transaction, input: DeliverInput, userId: string): Promise<ItemResult> {
  return officeWorkIn(transaction, input, userId, deliverOf(input, input.feedback.trim()));
}

function deliverOf(input: DeliverInput, feedback: string): ItemWork {
  return async (transaction, item, userId) => {
    // The same form sent twice finds the item delivered with this very feedback.
    if (item.status === 'delivered' && item.feedback === feedback) return { ok: true, replayed: true };
    const moved = moveListItem(item, 'deliver');
    if (!moved.ok) refuse(moved.code);
    for (const photo of input.photos) {
      await storeAttachmentIn(transaction, { fundId: input.fundId, upload: photo, uploadedBy: userId, at: input.now });
      await transaction`
        insert into list_item_photos (fund_id, list_item_id, sha256, added_at)
        values (${input.fundId}, ${item.id}, ${photo.sha256}, ${input.now}) on conflict do nothing`;
    }
    await reach(transaction, input, item, {
      status: moved.value,
      note: feedback,
      userId,
      deliveredOn: input.deliveredOn
    });
    return { ok: true, replayed: false };
  };
}

/**
 * The office checked a delivery photo for personal data (faces, door numbers, names): it may go
 * public. The same check as receipts and acceptance photos (attachments.checked_for_personal_data_at).
 */
export function checkPhoto(sql: Sql, input: ListCommand & { number: number; sha256: string }): Promise<ItemResult> {
  return officeCommand(sql, input, async (transaction, item, userId) => {
    const [photo] = await transaction<{ checked: boolean }[]>`
      select a.checked_for_personal_data_at is not null as checked
        from list_item_photos p join attachments a on a.fund_id = p.fund_id and a.sha256 = p.sha256
       where p.list_item_id = ${item.id} and p.sha256 = ${input.sha256}
       for update of a`;
    if (photo === undefined) refuse('photo_not_found');
    if (photo.checked) return { ok: true, replayed: true };
    await transaction`
      update attachments set checked_for_personal_data_at = ${input.now}, checked_by = ${userId}
       where fund_id = ${input.fundId} and sha256 = ${input.sha256}`;
    await recordEvent(transaction, {
      action: 'list_item.photo_checked',
      outcome: 'ok',
      at: input.now,
      actorUserId: userId,
      fundId: input.fundId,
      ip: input.ip,
      resourceType: 'list_item',
      resourceId: item.id,
      detail: { listItemNumber: item.number }
    });
    return { ok: true, replayed: false };
  });
}

const STEP_OF: Record<ListItemStatus, ListStepKind> = {
  placed: 'placed',
  in_progress: 'in_progress',
  delivered: 'delivered',
  cancelled: 'cancelled'
};

const EVENT_OF: Record<ListItemStatus, EventAction> = {
  placed: 'list_item.placed',
  in_progress: 'list_item.started',
  delivered: 'list_item.delivered',
  cancelled: 'list_item.cancelled'
};

/**
 * Writes an item's new status: the row, the step on its timeline, its needs (finished with the
 * feedback, or reopened) and the audit event.
 */
async function reach(
  transaction: Transaction,
  input: { fundId: string; now: Date; ip: string | null },
  item: LockedItem,
  to: { status: ListItemStatus; note: string; userId: string | null; deliveredOn: string | null }
): Promise<void> {
  const delivered = to.status === 'delivered';
  await transaction`
    update list_items set status = ${to.status}, delivered_on = ${to.deliveredOn},
           feedback = case when ${delivered} then ${to.note} else feedback end
     where id = ${item.id}`;
  await addStep(transaction, {
    fundId: input.fundId,
    itemId: item.id,
    kind: STEP_OF[to.status],
    note: to.note,
    userId: to.userId,
    now: input.now
  });
  const action = needActionForListItem(to.status);
  if (action !== null) {
    const needs = await transaction<{ id: string }[]>`
      select need_id::text as id from list_item_needs where list_item_id = ${item.id} order by need_id`;
    for (const need of needs) {
      await moveNeedIn(transaction, {
        fundId: input.fundId,
        needId: need.id,
        action,
        note: action === 'finish' ? to.note : '',
        listItemId: item.id,
        byUserId: to.userId,
        now: input.now
      });
    }
  }
  await recordEvent(transaction, {
    action: EVENT_OF[to.status],
    outcome: 'ok',
    at: input.now,
    actorUserId: to.userId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'list_item',
    resourceId: item.id,
    detail: { listItemNumber: item.number }
  });
}

/**
 * Moves the list item of an application, if it has one, to where the application now stands
 * (listItemStatusOf). Called in the transaction that changed the application's state (submit,
 * withdraw, the review's transitions, acceptance), after the state was written, so that the
 * item, its timeline and its needs never lag behind: an accepted project finishes its needs.
 */
export async function followApplicationIn(
  transaction: Transaction,
  input: { fundId: string; applicationId: string; now: Date; ip: string | null; actorUserId: string | null }
): Promise<void> {
  const [row] = await transaction<(LockedItem & { state: ApplicationState; appNumber: number; title: string })[]>`
    select i.id::text as id, i.number, i.compound_id::text as "compoundId", i.delivery, i.status,
           i.application_id::text as "applicationId", i.feedback, a.status as state, a.number as "appNumber", a.title
      from list_items i join applications a on a.id = i.application_id
     where i.fund_id = ${input.fundId} and i.application_id = ${input.applicationId}
       for update of i`;
  if (row === undefined) return;
  const status = listItemStatusOf({ delivery: row.delivery, status: row.status, applicationState: row.state });
  if (status === row.status) return;
  const delivered = status === 'delivered';
  // The feedback the needs get is the project's own words: which project did the work.
  const note = delivered
    ? m.plist_grant_feedback({ number: row.appNumber, title: row.title }, { locale: 'zh-CN' })
    : '';
  await reach(transaction, input, row, {
    status,
    note,
    userId: input.actorUserId,
    deliveredOn: delivered ? chinaDateOf(input.now) : null
  });
}
