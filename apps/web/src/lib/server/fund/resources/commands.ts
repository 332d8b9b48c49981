import {
  RESOURCE_KINDS,
  isDate,
  parseAmountInput,
  type AmountInputCode,
  type Money,
  type ResourceKind
} from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { refuse, runCommand, type Failure } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';

/**
 * The resources list (资源清单): what the co-building units, and anyone else the office records,
 * offer the community, and what each offer has given. The office (policy `resource.manage`)
 * records an offer, withdraws it or marks it used up, and records each contribution. What the
 * accounting standard recognises (materials with a reliable fair value: the ledger's
 * recognitionOf) is posted to the books in the same transaction, and the entry's seq kept on the
 * contribution; everything else stays out of the books and is disclosed on the public page.
 */

export { RESOURCE_KINDS };

export const DESCRIPTION_LENGTH_MAX = 500;
export const CONDITIONS_LENGTH_MAX = 500;
export const NOTE_LENGTH_MAX = 500;
export const PROVIDER_LENGTH_MAX = 100;
export const MEASURE_LENGTH_MAX = 20;

type Denied = { ok: false; code: 'not_allowed' };

interface Command {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

export type ResourceCode =
  | `quantity_${AmountInputCode}`
  | `value_${AmountInputCode}`
  | 'unit_must_belong_to_fund'
  | 'provider_is_required'
  | 'provider_must_be_short'
  | 'description_is_required'
  | 'description_must_be_short'
  | 'measure_must_be_short'
  | 'conditions_must_be_short'
  | 'period_must_be_dates'
  | 'period_must_end_after_it_starts';

export interface ResourceInput {
  /** A co-building unit of the fund, or null for anyone else (then providerName says who). */
  unitId: string | null;
  providerName: string;
  providerIsOrganisation: boolean;
  kind: ResourceKind;
  description: string;
  /** As typed. */
  quantity: string;
  measure: string;
  /** A fair value as typed, or '' when none can be measured. */
  value: string;
  availableFrom: string;
  /** '' when open-ended. */
  availableUntil: string;
  conditions: string;
  /** From the form: a resend records nothing twice. */
  createKey: string;
}

export type RecordResourceResult = { ok: true; number: number; replayed: boolean } | Denied | Failure<ResourceCode>;

/** The quantity (above zero, two decimals at most) and the optional value of a form, or a refusal. */
function quantityAndValue(
  quantity: string,
  value: string
): { ok: true; quantity: Money; value: Money | null } | { ok: false; code: ResourceCode } {
  const parsedQuantity = parseAmountInput(quantity, { zero: 'refused' });
  if (!parsedQuantity.ok) return { ok: false, code: `quantity_${parsedQuantity.code}` };
  if (value.trim() === '') return { ok: true, quantity: parsedQuantity.value, value: null };
  const parsedValue = parseAmountInput(value, { zero: 'refused' });
  if (!parsedValue.ok) return { ok: false, code: `value_${parsedValue.code}` };
  return { ok: true, quantity: parsedQuantity.value, value: parsedValue.value };
}

/** The first refusal an offer's fields earn, in the order the form shows them, or null. */
function offerRefusal(input: ResourceInput): ResourceCode | null {
  if (input.unitId === null && input.providerName.trim() === '') return 'provider_is_required';
  if (input.providerName.length > PROVIDER_LENGTH_MAX) return 'provider_must_be_short';
  if (input.description.trim() === '') return 'description_is_required';
  if (input.description.length > DESCRIPTION_LENGTH_MAX) return 'description_must_be_short';
  if (input.measure.length > MEASURE_LENGTH_MAX) return 'measure_must_be_short';
  if (input.conditions.length > CONDITIONS_LENGTH_MAX) return 'conditions_must_be_short';
  if (!isDate(input.availableFrom) || (input.availableUntil !== '' && !isDate(input.availableUntil))) {
    return 'period_must_be_dates';
  }
  if (input.availableUntil !== '' && input.availableUntil < input.availableFrom)
    return 'period_must_end_after_it_starts';
  return null;
}

/** Records an offer on the fund's resources list, numbered in the fund. */
export async function recordResource(sql: Sql, input: Command & ResourceInput): Promise<RecordResourceResult> {
  if (!can(input.actor, 'resource.manage', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  const refusal = offerRefusal(input);
  if (refusal !== null) return { ok: false, code: refusal };
  const amounts = quantityAndValue(input.quantity, input.value);
  if (!amounts.ok) return amounts;
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<{ ok: true; number: number; replayed: boolean }, Failure<ResourceCode>>(sql, (transaction) =>
    recordResourceIn(transaction, { ...input, actorUserId, quantity: amounts.quantity, value: amounts.value })
  );
}

type PlainResource = Omit<Command, 'actor'> &
  Omit<ResourceInput, 'quantity' | 'value'> & { actorUserId: string | null; quantity: Money; value: Money | null };

/** The use case inside a transaction the caller holds (the demo seed's too). */
export async function recordResourceIn(
  transaction: Transaction,
  input: PlainResource
): Promise<{ ok: true; number: number; replayed: boolean }> {
  // One fund's offers are numbered one at a time: the lock is the fund's own, so that two offers
  // recorded at once never read the same last number, and it is held to the transaction's end.
  await transaction`select pg_advisory_xact_lock(hashtextextended(${`gongjian.resources:${input.fundId}`}, 0))`;
  const [earlier] = await transaction<{ number: number }[]>`
    select number from resources where fund_id = ${input.fundId} and create_key = ${input.createKey}`;
  if (earlier !== undefined) return { ok: true, number: earlier.number, replayed: true };
  if (input.unitId !== null) {
    const [unit] = await transaction`select 1 from units where fund_id = ${input.fundId} and id = ${input.unitId}`;
    if (unit === undefined) refuse<ResourceCode>('unit_must_belong_to_fund');
  }
  const [row] = await transaction<{ id: string; number: number }[]>`
    insert into resources (fund_id, number, unit_id, provider_name, provider_is_organisation, kind, description,
                           quantity, measure, value, available_from, available_until, conditions, create_key,
                           recorded_by, recorded_at)
    values (${input.fundId}, (select coalesce(max(number), 0) + 1 from resources where fund_id = ${input.fundId}),
            ${input.unitId}, ${input.unitId === null ? input.providerName.trim() : ''},
            ${input.unitId === null ? input.providerIsOrganisation : true}, ${input.kind}, ${input.description.trim()},
            ${input.quantity.toString()}, ${input.measure.trim()}, ${input.value?.toString() ?? null},
            ${input.availableFrom}, ${input.availableUntil === '' ? null : input.availableUntil},
            ${input.conditions.trim()}, ${input.createKey}, ${input.actorUserId}, ${input.now})
    returning id::text as id, number`;
  if (row === undefined) throw new Error('recordResource: the insert returned no row');
  await recordEvent(transaction, {
    action: 'resource.recorded',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'resource',
    resourceId: row.id,
    detail: { resourceNumber: row.number, reason: input.kind }
  });
  return { ok: true, number: row.number, replayed: false };
}

// ---------------------------------------------------------------------------------------------
// Withdrawn, used up

export const RESOURCE_ENDS = ['withdrawn', 'used_up'] as const;
export type ResourceEnd = (typeof RESOURCE_ENDS)[number];

export type EndResourceResult =
  { ok: true; changed: boolean } | Denied | { ok: false; code: 'resource_not_found' | 'resource_is_no_longer_offered' };

/**
 * Ends an offer: the provider withdrew it, or it has all been given. Ending it again the same way
 * changes nothing, so a resent form is harmless; an offer that ended one way cannot end another.
 */
export async function endResource(
  sql: Sql,
  input: Command & { number: number; end: ResourceEnd }
): Promise<EndResourceResult> {
  if (!can(input.actor, 'resource.manage', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return sql.begin(async (transaction): Promise<EndResourceResult> => {
    const [row] = await transaction<{ id: string; status: string }[]>`
      select id::text as id, status from resources
       where fund_id = ${input.fundId} and number = ${input.number} for update`;
    if (row === undefined) return { ok: false, code: 'resource_not_found' };
    if (row.status === input.end) return { ok: true, changed: false };
    if (row.status !== 'offered') return { ok: false, code: 'resource_is_no_longer_offered' };
    await transaction`update resources set status = ${input.end} where id = ${row.id}`;
    await recordEvent(transaction, {
      action: input.end === 'withdrawn' ? 'resource.withdrawn' : 'resource.used_up',
      outcome: 'ok',
      at: input.now,
      actorUserId,
      fundId: input.fundId,
      ip: input.ip,
      resourceType: 'resource',
      resourceId: row.id,
      detail: { resourceNumber: input.number }
    });
    return { ok: true, changed: true };
  }) as Promise<EndResourceResult>;
}
