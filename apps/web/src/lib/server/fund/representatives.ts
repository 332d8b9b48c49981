import type { Sql } from '../db/client';
import { can, type Actor, type DenyReason } from '../access/policy';
import { recordEvent } from '../platform/audit';
import { runCommand } from '../platform/command';
import { doorOf, type HouseholdDoor } from '../projects/self-raising';

/**
 * The compound's resident representatives (居民代表): households the committee chooses to sign off
 * finished work with their household codes. The committee (or the fund administrator) sets the
 * whole list at once, so a form sent twice leaves the same list; each change is audited.
 */

export const REPRESENTATIVES_MAX = 100;

export type SetRepresentativesResult =
  | { ok: true; changed: number }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: 'compound_not_found' }
  | { ok: false; code: 'too_many_representatives' };

type SetFailure = Extract<SetRepresentativesResult, { ok: false }>;

export async function setRepresentatives(
  sql: Sql,
  input: {
    actor: Actor;
    fundId: string;
    compoundId: string;
    householdIds: readonly string[];
    now: Date;
    ip: string | null;
  }
): Promise<SetRepresentativesResult> {
  const decision = can(input.actor, 'compound.households.manage', {
    fundId: input.fundId,
    compoundId: input.compoundId
  });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  const chosen = [...new Set(input.householdIds)];
  if (chosen.length > REPRESENTATIVES_MAX) return { ok: false, code: 'too_many_representatives' };
  return runCommand<SetRepresentativesResult, SetFailure>(sql, async (transaction) => {
    const [compound] = await transaction`
      select id from compounds where fund_id = ${input.fundId} and id = ${input.compoundId} for update`;
    if (compound === undefined) return { ok: false, code: 'compound_not_found' };
    // Ids of other compounds are ignored: the update only ever touches this compound's households.
    const changed = await transaction`
      update households set representative = (id::text = any(${chosen}::text[]))
       where fund_id = ${input.fundId} and compound_id = ${input.compoundId}
         and representative <> (id::text = any(${chosen}::text[]))
      returning id`;
    if (changed.length > 0) {
      const [count] = await transaction<{ count: number }[]>`
        select count(*)::int as count from households
         where fund_id = ${input.fundId} and compound_id = ${input.compoundId} and representative`;
      await recordEvent(transaction, {
        action: 'household.representatives_set',
        outcome: 'ok',
        at: input.now,
        actorUserId: input.actor.kind === 'user' ? input.actor.userId : null,
        fundId: input.fundId,
        resourceType: 'compound',
        resourceId: input.compoundId,
        ip: input.ip,
        detail: { count: count?.count ?? 0 }
      });
    }
    return { ok: true, changed: changed.length };
  });
}

/** The ids of the compound's representative households. */
export async function representativeIdsOf(sql: Sql, input: { fundId: string; compoundId: string }): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select id::text as id from households
     where fund_id = ${input.fundId} and compound_id = ${input.compoundId} and representative order by id`;
  return rows.map((row) => row.id);
}

export interface CodeHouseholdRow {
  id: string;
  door: string;
  hasCode: boolean;
  representative: boolean;
}

/** The compound's households as the code slips page lists them: door, whether a code was issued. */
export async function codeHouseholdsOf(
  sql: Sql,
  input: { fundId: string; compoundId: string }
): Promise<{ name: string; households: CodeHouseholdRow[] } | null> {
  const [compound] = await sql<{ name: string }[]>`
    select name from compounds where fund_id = ${input.fundId} and id = ${input.compoundId}`;
  if (compound === undefined) return null;
  const rows = await sql<(HouseholdDoor & { id: string; hasCode: boolean; representative: boolean })[]>`
    select h.id::text as id, h.building, h.unit_no as "unitNo", h.room, h.representative,
           exists (select 1 from household_codes c where c.household_id = h.id) as "hasCode"
      from households h
     where h.fund_id = ${input.fundId} and h.compound_id = ${input.compoundId}
     order by length(h.building), h.building, length(h.unit_no), h.unit_no, length(h.room), h.room`;
  return {
    name: compound.name,
    households: rows.map((row) => ({
      id: row.id,
      door: doorOf(row),
      hasCode: row.hasCode,
      representative: row.representative
    }))
  };
}
