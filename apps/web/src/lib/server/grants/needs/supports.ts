import { NEED_SUPPORTABLE, needAtOffice, type NeedSource, type NeedStatus } from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { NEED_SUPPORTS_TO_OFFICE_DEFAULT, currentPolicy } from '../../fund/fund-policy';
import { householdOfCode, type CodeHousehold } from '../../fund/household-codes';
import { dayOf } from '../../projects/evaluation';
import { recordEvent } from '../../platform/audit';
import { refuse, runCommand, type Failure } from '../../platform/command';

/*
 * A household supports a need of its compound with its household code (户码), once: the
 * primary key of need_supports keeps one row per household and need, so two supports sent at the
 * same moment count once. A need raised online comes before the fund office when enough
 * households support it (the ledger's needAtOffice, the policy's needSupportsToOffice); the
 * support that brings it there leaves a 'reached_office' step in the same transaction, once.
 */

export type SupportCode =
  'need_not_found' | 'need_does_not_take_support' | 'household_is_not_of_the_compound' | 'code_is_unknown';

export type SupportResult =
  | { ok: true; already: boolean; supports: number; reachedOffice: boolean }
  | { ok: false; code: SupportCode }
  | { ok: false; code: 'code_is_throttled'; retryAt: Date };

/** The number of supports that brings an online need before the office, by the fund's current policy. */
export async function supportsToOffice(sql: Sql, fundId: string): Promise<number> {
  const policy = await currentPolicy(sql, fundId);
  return policy?.policy.needSupportsToOffice ?? NEED_SUPPORTS_TO_OFFICE_DEFAULT;
}

export async function supportNeed(
  sql: Sql,
  input: { fundId: string; number: number; code: string; ip: string | null; now: Date }
): Promise<SupportResult> {
  // The code is looked up before the transaction: a wrong one counts against the address.
  const lookup = await householdOfCode(sql, input);
  if (!lookup.ok) return lookup;
  const { household } = lookup;
  // The policy's number is read before the transaction: a policy adopted meanwhile counts from
  // the next support on.
  const threshold = await supportsToOffice(sql, input.fundId);
  return runCommand<SupportResult, Failure<SupportCode>>(sql, (transaction) =>
    supportNeedIn(transaction, { ...input, household, threshold })
  );
}

/**
 * The support inside a transaction the caller holds (the demo seeds through it too), for a
 * household already found by its code. Refusals throw, so that the caller's transaction rolls back.
 */
export async function supportNeedIn(
  transaction: Transaction,
  input: { fundId: string; number: number; household: CodeHousehold; threshold: number; ip: string | null; now: Date }
): Promise<SupportResult> {
  const { household, threshold } = input;
  // The need's row is locked, so that supports of one need are counted one after the other and
  // exactly one of them sees the count reach the policy's number.
  const [need] = await transaction<{ id: string; compoundId: string; source: NeedSource; status: NeedStatus }[]>`
    select id::text as id, compound_id::text as "compoundId", source, status
      from needs where fund_id = ${input.fundId} and number = ${input.number} and status <> 'spam' for update`;
  if (need === undefined) refuse<SupportCode>('need_not_found');
  if (need.compoundId !== household.compoundId) refuse<SupportCode>('household_is_not_of_the_compound');
  const inserted = await transaction`
    insert into need_supports (need_id, household_id, on_day)
    select ${need.id}, ${household.householdId}, ${dayOf(input.now)}
     where ${NEED_SUPPORTABLE.includes(need.status)}
    on conflict do nothing returning need_id`;
  const [count] = await transaction<{ supports: number; already: boolean }[]>`
    select count(*)::int as supports,
           bool_or(household_id = ${household.householdId}) as already
      from need_supports where need_id = ${need.id}`;
  const supports = count?.supports ?? 0;
  if (inserted.length === 0) {
    // A household that supported it before is told so, whatever the need's status now.
    if (count?.already === true) return { ok: true, already: true, supports, reachedOffice: false };
    refuse<SupportCode>('need_does_not_take_support');
  }
  const reachedOffice = await stepToOfficeIn(transaction, { ...need, supports, threshold, now: input.now });
  await recordEvent(transaction, {
    action: 'need.supported',
    outcome: 'ok',
    at: input.now,
    fundId: input.fundId,
    resourceType: 'need',
    resourceId: need.id,
    ip: input.ip,
    detail: { needNumber: input.number, count: supports }
  });
  return { ok: true, already: false, supports, reachedOffice };
}

/** Leaves the 'reached_office' step the first time an online need's supports reach the policy's number. */
async function stepToOfficeIn(
  transaction: Transaction,
  need: { id: string; source: NeedSource; supports: number; threshold: number; now: Date }
): Promise<boolean> {
  if (need.source !== 'online') return false;
  if (!needAtOffice(need, need.threshold)) return false;
  const inserted = await transaction`
    insert into need_steps (need_id, kind, note, at)
    select ${need.id}, 'reached_office', '', ${need.now}
     where not exists (select 1 from need_steps where need_id = ${need.id} and kind = 'reached_office')
    returning id`;
  return inserted.length > 0;
}
