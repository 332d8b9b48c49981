import {
  ACCOUNTS,
  checkBookDate,
  chinaDateOf,
  isDate,
  parseAmountInput,
  recognitionOf,
  voucherNumberOf,
  type AmountInputCode,
  type BookDateCode,
  type Money,
  type PostCode,
  type ResourceKind
} from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { refuse, runCommand, type Failure } from '../../platform/command';
import * as books from '../../books';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { NOTE_LENGTH_MAX } from './commands';

/**
 * What a resource has given: hours worked, goods handed over, a room lent for an evening. The
 * ledger's recognitionOf says what the books make of it: goods with a stated fair value are
 * recognised (an entry, numbered as a voucher, in this transaction), everything else is kept
 * here and disclosed. Money never comes this way: the money-in form records it.
 */

export type ContributionCode =
  | `quantity_${AmountInputCode}`
  | `value_${AmountInputCode}`
  | BookDateCode
  | 'date_must_be_valid'
  | 'date_must_not_be_in_the_future'
  | 'note_must_be_short'
  | 'resource_not_found'
  | 'resource_was_withdrawn'
  | 'money_comes_in_through_money_in'
  | 'list_item_must_belong_to_fund'
  | 'form_was_already_used_for_something_else'
  | 'fund_not_found'
  | PostCode;

export interface ContributionInput {
  number: number;
  givenOn: string;
  quantity: string;
  /** As typed, or '' when no fair value can be measured. */
  value: string;
  note: string;
  /** A list item of the same fund it went to, or null. */
  listItemId: string | null;
  createKey: string;
}

export type ContributionResult =
  | { ok: true; entrySeq: number | null; replayed: boolean }
  | { ok: false; code: 'not_allowed' }
  | Failure<ContributionCode>;

type Done = { ok: true; entrySeq: number | null; replayed: boolean };

/** Records one contribution of a resource, by the fund office. */
export async function recordContribution(
  sql: Sql,
  input: { actor: Actor; fundId: string; now: Date; ip: string | null } & ContributionInput
): Promise<ContributionResult> {
  if (!can(input.actor, 'resource.manage', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  const quantity = parseAmountInput(input.quantity, { zero: 'refused' });
  if (!quantity.ok) return { ok: false, code: `quantity_${quantity.code}` };
  let value: Money | null = null;
  if (input.value.trim() !== '') {
    const parsed = parseAmountInput(input.value, { zero: 'refused' });
    if (!parsed.ok) return { ok: false, code: `value_${parsed.code}` };
    value = parsed.value;
  }
  if (!isDate(input.givenOn)) return { ok: false, code: 'date_must_be_valid' };
  if (input.givenOn > chinaDateOf(input.now)) return { ok: false, code: 'date_must_not_be_in_the_future' };
  if (input.note.length > NOTE_LENGTH_MAX) return { ok: false, code: 'note_must_be_short' };
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<Done, Failure<ContributionCode>>(sql, (transaction) =>
    recordContributionIn(transaction, { ...input, actorUserId, quantity: quantity.value, value, checkToday: true })
  );
}

export type PlainContribution = Omit<ContributionInput, 'quantity' | 'value'> & {
  fundId: string;
  now: Date;
  ip: string | null;
  actorUserId: string | null;
  quantity: Money;
  value: Money | null;
  /** False only for the demo seed, which dates its history before its own clock. */
  checkToday: boolean;
};

interface LockedResource {
  id: string;
  kind: ResourceKind;
  status: string;
  description: string;
  provider: string;
}

/**
 * The use case inside a transaction the caller holds. Its order is the lock order: the resource
 * row, then (for what the books recognise) the fund's chain head and the entry.
 */
export async function recordContributionIn(transaction: Transaction, input: PlainContribution): Promise<Done> {
  const resource = await lockedResourceIn(transaction, input);
  const [earlier] = await transaction<{ entry_seq: string | null; resource_id: string }[]>`
    select entry_seq::text as entry_seq, resource_id::text as resource_id from resource_contributions
     where fund_id = ${input.fundId} and create_key = ${input.createKey}`;
  if (earlier !== undefined) {
    if (earlier.resource_id !== resource.id) refuse<ContributionCode>('form_was_already_used_for_something_else');
    return { ok: true, entrySeq: earlier.entry_seq === null ? null : Number(earlier.entry_seq), replayed: true };
  }
  if (input.listItemId !== null) {
    const [item] = await transaction`
      select 1 from list_items where fund_id = ${input.fundId} and id = ${input.listItemId}`;
    if (item === undefined) refuse<ContributionCode>('list_item_must_belong_to_fund');
  }
  const recognition = recognitionOf(resource.kind, { valueReliable: input.value !== null });
  const entrySeq = recognition === 'recognise' ? await recogniseIn(transaction, input, resource) : null;
  const [row] = await transaction<{ id: string }[]>`
    insert into resource_contributions (fund_id, resource_id, list_item_id, given_on, quantity, value, note,
                                        entry_seq, create_key, recorded_by, recorded_at)
    values (${input.fundId}, ${resource.id}, ${input.listItemId}, ${input.givenOn}, ${input.quantity.toString()},
            ${input.value?.toString() ?? null}, ${input.note.trim()}, ${entrySeq}, ${input.createKey},
            ${input.actorUserId}, ${input.now})
    returning id::text as id`;
  if (row === undefined) throw new Error('recordContribution: the insert returned no row');
  await recordEvent(transaction, {
    action: 'resource.contributed',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'resource',
    resourceId: resource.id,
    detail: { resourceNumber: input.number, reason: recognition, ...(entrySeq === null ? {} : { entrySeq }) }
  });
  return { ok: true, entrySeq, replayed: false };
}

async function lockedResourceIn(transaction: Transaction, input: PlainContribution): Promise<LockedResource> {
  if (!Number.isSafeInteger(input.number) || input.number < 1 || input.number > 2_147_483_647) {
    refuse<ContributionCode>('resource_not_found');
  }
  const [resource] = await transaction<LockedResource[]>`
    select r.id::text as id, r.kind, r.status, r.description,
           coalesce(u.name, r.provider_name) as provider
      from resources r left join units u on u.fund_id = r.fund_id and u.id = r.unit_id
     where r.fund_id = ${input.fundId} and r.number = ${input.number}
       for update of r`;
  if (resource === undefined) refuse<ContributionCode>('resource_not_found');
  if (resource.kind === 'money') refuse<ContributionCode>('money_comes_in_through_money_in');
  if (resource.status === 'withdrawn') refuse<ContributionCode>('resource_was_withdrawn');
  return resource;
}

/**
 * Posts goods received as 捐赠收入 at their fair value: debit 业务活动成本, because the fund keeps no
 * stock and the goods go into its programme as they arrive, and credit unrestricted donation
 * income, because goods used on arrival leave no restriction to carry into net assets. The entry
 * is numbered as the next voucher, with the chain head locked first as the posting path expects.
 */
async function recogniseIn(transaction: Transaction, input: PlainContribution, resource: LockedResource) {
  const value = input.value;
  if (value === null) throw new Error('recognise: only a contribution with a fair value is recognised');
  const [fund] = await transaction<{ fiscal_year: number }[]>`
    select fiscal_year from funds where id = ${input.fundId}`;
  if (fund === undefined) refuse<ContributionCode>('fund_not_found');
  const dateCode = checkBookDate({
    date: input.givenOn,
    today: input.checkToday ? chinaDateOf(input.now) : '9999-12-31',
    fiscalYear: fund.fiscal_year
  });
  if (dateCode !== null) refuse<ContributionCode>(dateCode);
  const [head] = await transaction<{ last_seq: string }[]>`
    select last_seq::text as last_seq from chain_heads where fund_id = ${input.fundId} for update`;
  if (head === undefined) refuse<ContributionCode>('fund_not_found');
  const seq = Number(head.last_seq) + 1;
  const posted = await books.postIn(transaction, {
    fundId: input.fundId,
    command: {
      date: input.givenOn,
      memo: `实物捐赠·${resource.provider}：${resource.description}`.slice(0, 200),
      idempotencyKey: `resource-contribution:${input.createKey}`,
      references: { voucherNumber: voucherNumberOf(seq) },
      postings: [
        { account: ACCOUNTS.costsProgramme, side: 'debit', amount: value },
        { account: ACCOUNTS.donationsUnrestricted, side: 'credit', amount: value }
      ]
    },
    recordedAt: input.now.toISOString()
  });
  if (!posted.ok) {
    refuse<ContributionCode>(
      posted.code === 'idempotency_key_reused' ? 'form_was_already_used_for_something_else' : posted.code
    );
  }
  if (posted.value.seq !== seq)
    throw new Error(`resources: expected entry ${seq}, the books wrote ${posted.value.seq}`);
  return seq;
}
