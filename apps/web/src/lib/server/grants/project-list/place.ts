import { listItemStatusOf, type ListDelivery } from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { refuse, runCommand } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import { can } from '../../access/policy';
import { moveNeedIn } from '../needs/moves';
import { openDraftIn } from './draft';
import {
  NEEDS_MAX,
  NOTE_LENGTH_MAX,
  RESOURCES_MAX,
  TITLE_LENGTH_MAX,
  userIdOf,
  type ListCommand,
  type NotAllowed
} from './model';

/**
 * Placing an order on the project list (社区下单): the office matches accepted needs of one
 * compound to offered resources, names the responsible unit and the follow-up officer (共建项目
 * 跟办员), and says how it is delivered. Everything is written in one transaction: the item with
 * the fund's next number (under a lock on the fund row), its needs and resources, each need moved
 * into the list, and for a grant delivery the draft application pre-filled for the committee.
 */

export interface PlaceOrderInput extends ListCommand {
  compoundId: string;
  title: string;
  needIds: readonly string[];
  resourceIds: readonly string[];
  unitId: string;
  followUpUserId: string;
  delivery: ListDelivery;
  note: string;
  createKey: string;
}

export type PlaceRefusalCode =
  | 'title_is_required'
  | 'title_must_be_short'
  | 'note_must_be_short'
  | 'needs_are_required'
  | 'too_many_needs_or_resources'
  | 'compound_not_in_fund'
  | 'unit_not_in_fund'
  | 'follow_up_officer_has_no_role'
  | 'need_not_found'
  | 'need_of_another_compound'
  | 'need_is_not_accepted'
  | 'resource_is_not_offered'
  | 'need_state_does_not_allow_it';

export type PlaceOrderResult =
  | { ok: true; number: number; applicationNumber: number | null; replayed: boolean }
  | NotAllowed
  | { ok: false; code: PlaceRefusalCode };

type PlaceFailure = Exclude<PlaceOrderResult, { ok: true }>;

/** The form's own refusals, found before anything is read. */
function formRefusal(input: PlaceOrderInput): PlaceRefusalCode | null {
  const title = input.title.trim();
  if (title === '') return 'title_is_required';
  if (title.length > TITLE_LENGTH_MAX) return 'title_must_be_short';
  if (input.note.length > NOTE_LENGTH_MAX) return 'note_must_be_short';
  if (input.needIds.length === 0) return 'needs_are_required';
  if (input.needIds.length > NEEDS_MAX || input.resourceIds.length > RESOURCES_MAX)
    return 'too_many_needs_or_resources';
  return null;
}

export async function placeOrder(sql: Sql, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const decision = can(input.actor, 'list.manage', { fundId: input.fundId });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  const userId = userIdOf(input.actor);
  if (userId === null) return { ok: false, code: 'not_allowed', reason: 'sign_in_required' };
  const code = formRefusal(input);
  if (code !== null) return { ok: false, code };
  return runCommand<PlaceOrderResult, PlaceFailure>(sql, (transaction) => placeOrderIn(transaction, input, userId));
}

/** placeOrder inside the caller's transaction (the demo seed), after the policy's answer. */
export async function placeOrderIn(
  transaction: Transaction,
  input: PlaceOrderInput,
  userId: string
): Promise<Extract<PlaceOrderResult, { ok: true }>> {
  // The fund row's lock numbers the items one after another and makes a resent form wait for
  // the first one, which it then finds by its key.
  await transaction`select 1 from funds where id = ${input.fundId} for update`;
  const [earlier] = await transaction<{ number: number; applicationNumber: number | null }[]>`
      select i.number, a.number as "applicationNumber"
        from list_items i left join applications a on a.id = i.application_id
       where i.fund_id = ${input.fundId} and i.create_key = ${input.createKey}`;
  if (earlier !== undefined) return { ok: true, ...earlier, replayed: true };
  await checkParties(transaction, input);
  await checkNeeds(transaction, input);
  await checkResources(transaction, input);
  return placeIn(transaction, input, userId);
}

/** The compound, the responsible unit and the follow-up officer all belong to the fund. */
async function checkParties(transaction: Transaction, input: PlaceOrderInput): Promise<void> {
  const [row] = await transaction<{ compound: boolean; unit: boolean; officer: boolean }[]>`
    select exists (select 1 from compounds where fund_id = ${input.fundId} and id::text = ${input.compoundId}) as compound,
           exists (select 1 from units where fund_id = ${input.fundId} and id::text = ${input.unitId}) as unit,
           exists (select 1 from memberships m join users u on u.id = m.user_id
                    where m.fund_id = ${input.fundId} and m.user_id::text = ${input.followUpUserId}
                      and u.status = 'active') as officer`;
  if (row?.compound !== true) refuse('compound_not_in_fund');
  if (!row.unit) refuse('unit_not_in_fund');
  if (!row.officer) refuse('follow_up_officer_has_no_role');
}

/** Every need exists in the fund, is of the item's compound and was accepted (locked in id order). */
async function checkNeeds(transaction: Transaction, input: PlaceOrderInput): Promise<void> {
  const ids = [...new Set(input.needIds)];
  const rows = await transaction<{ id: string; compoundId: string; status: string }[]>`
    select id::text as id, compound_id::text as "compoundId", status from needs
     where fund_id = ${input.fundId} and id::text = any(${ids}::text[])
     order by id for update`;
  if (rows.length !== ids.length) refuse('need_not_found');
  for (const row of rows) {
    if (row.compoundId !== input.compoundId) refuse('need_of_another_compound');
    if (row.status !== 'accepted') refuse('need_is_not_accepted');
  }
}

async function checkResources(transaction: Transaction, input: PlaceOrderInput): Promise<void> {
  const ids = [...new Set(input.resourceIds)];
  if (ids.length === 0) return;
  const rows = await transaction<{ id: string }[]>`
    select id::text as id from resources
     where fund_id = ${input.fundId} and id::text = any(${ids}::text[]) and status = 'offered'
     order by id for share`;
  if (rows.length !== ids.length) refuse('resource_is_not_offered');
}

async function placeIn(
  transaction: Transaction,
  input: PlaceOrderInput,
  userId: string
): Promise<Extract<PlaceOrderResult, { ok: true }>> {
  const [item] = await transaction<{ id: string; number: number }[]>`
    insert into list_items (fund_id, number, compound_id, title, delivery, responsible_unit_id, follow_up_user_id,
                            note, create_key, placed_by, placed_at)
    values (${input.fundId}, (select coalesce(max(number), 0) + 1 from list_items where fund_id = ${input.fundId}),
            ${input.compoundId}, ${input.title.trim()}, ${input.delivery}, ${input.unitId}, ${input.followUpUserId},
            ${input.note.trim()}, ${input.createKey}, ${userId}, ${input.now})
    returning id::text as id, number`;
  if (item === undefined) throw new Error('placeOrder: the insert returned no row');
  await addStep(transaction, {
    fundId: input.fundId,
    itemId: item.id,
    kind: 'placed',
    note: '',
    userId,
    now: input.now
  });
  for (const needId of [...new Set(input.needIds)]) {
    await transaction`
      insert into list_item_needs (fund_id, list_item_id, need_id) values (${input.fundId}, ${item.id}, ${needId})`;
    await moveNeedIn(transaction, { ...moveOf(input, needId, item.id, userId), action: 'list', note: '' });
  }
  for (const resourceId of [...new Set(input.resourceIds)]) {
    await transaction`
      insert into list_item_resources (fund_id, list_item_id, resource_id)
      values (${input.fundId}, ${item.id}, ${resourceId})`;
  }
  const applicationNumber = input.delivery === 'grant' ? await openGrantDraft(transaction, input, item, userId) : null;
  await recordEvent(transaction, {
    action: 'list_item.placed',
    outcome: 'ok',
    at: input.now,
    actorUserId: userId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'list_item',
    resourceId: item.id,
    detail: { listItemNumber: item.number, compoundId: input.compoundId, idempotencyKey: input.createKey }
  });
  return { ok: true, number: item.number, applicationNumber, replayed: false };
}

function moveOf(input: ListCommand, needId: string, itemId: string, userId: string) {
  return { fundId: input.fundId, needId, listItemId: itemId, byUserId: userId, now: input.now };
}

/** Opens the item's draft and moves the item as its application says (a draft: in progress). */
async function openGrantDraft(
  transaction: Transaction,
  input: PlaceOrderInput,
  item: { id: string; number: number },
  userId: string
): Promise<number> {
  const draft = await openDraftIn(transaction, { ...input, itemId: item.id, itemNumber: item.number, userId });
  const status = listItemStatusOf({ delivery: 'grant', status: 'placed', applicationState: 'draft' });
  await transaction`
    update list_items set application_id = ${draft.id}, status = ${status} where id = ${item.id}`;
  await addStep(transaction, {
    fundId: input.fundId,
    itemId: item.id,
    kind: 'draft_opened',
    note: '',
    userId,
    now: input.now
  });
  return draft.number;
}

export type ListStepKind = 'placed' | 'draft_opened' | 'in_progress' | 'delivered' | 'cancelled';

/** One step on an item's timeline (list_item_steps). */
export async function addStep(
  transaction: Transaction,
  step: { fundId: string; itemId: string; kind: ListStepKind; note: string; userId: string | null; now: Date }
): Promise<void> {
  await transaction`
    insert into list_item_steps (fund_id, list_item_id, kind, note, by_user, at)
    values (${step.fundId}, ${step.itemId}, ${step.kind}, ${step.note}, ${step.userId}, ${step.now})`;
}
