import { EVALUATION_CODE_RULE, addressBlock, lockedUntil, recordFailure } from '../auth/throttle';
import { recordEvent } from '../platform/audit';
import { runCommand } from '../platform/command';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor, type DenyReason } from '../access/policy';
import { codeHash, dayOf, formatCode, newCode, normalizeCode, type Slip } from '../projects/evaluation';
import { doorOf, type HouseholdDoor } from '../projects/self-raising';

/**
 * Household codes (户码): one standing code per household, printed on a slip by the committee and
 * kept by the household. A resident uses it, without an account, to support a need of the
 * compound, to rate a delivery of the project list, and, as a resident representative, to sign off
 * finished work. Each use counts once per thing used for (the tables' primary keys say so), so one
 * slip serves a household for years. Codes are the evaluation codes' kind (8 characters from an
 * alphabet without look-alikes, only the SHA-256 kept); a lost slip is replaced by a fresh code, and
 * the old one stops working.
 */

export type HouseholdCodeMode = 'new' | 'all';

export type IssueHouseholdCodesResult =
  | { ok: true; replayed: false; slips: Slip[] }
  /** The form was already sent; its codes were shown in the first answer and are not kept. */
  | { ok: true; replayed: true; slips: [] }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: 'compound_not_found' };

type IssueFailure = Extract<IssueHouseholdCodesResult, { ok: false }>;

/**
 * Issues codes for a compound's households: with `new`, for each household without one; with
 * `all`, a fresh code for every household (every old slip stops working), for a compound whose
 * slips went astray. `householdIds`, when given, limits the issue to those households (one lost
 * slip). The form's key is kept in the audit event, so a form sent twice issues nothing again.
 */
export async function issueHouseholdCodes(
  sql: Sql,
  input: {
    actor: Actor;
    fundId: string;
    compoundId: string;
    mode: HouseholdCodeMode;
    householdIds?: readonly string[];
    idempotencyKey: string;
    now: Date;
    ip: string | null;
  }
): Promise<IssueHouseholdCodesResult> {
  const decision = can(input.actor, 'compound.households.manage', {
    fundId: input.fundId,
    compoundId: input.compoundId
  });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  return runCommand<IssueHouseholdCodesResult, IssueFailure>(sql, async (transaction) => {
    const [compound] = await transaction`
      select id from compounds where fund_id = ${input.fundId} and id = ${input.compoundId} for update`;
    if (compound === undefined) return { ok: false, code: 'compound_not_found' };
    const [sent] = await transaction`
      select 1 from events
       where fund_id = ${input.fundId} and action = 'household_codes.issued'
         and resource_type = 'compound' and resource_id = ${input.compoundId}
         and detail ->> 'idempotencyKey' = ${input.idempotencyKey}`;
    if (sent !== undefined) return { ok: true, replayed: true, slips: [] };
    const slips = await issueIn(transaction, input);
    await recordEvent(transaction, {
      action: 'household_codes.issued',
      outcome: 'ok',
      at: input.now,
      actorUserId: input.actor.kind === 'user' ? input.actor.userId : null,
      fundId: input.fundId,
      resourceType: 'compound',
      resourceId: input.compoundId,
      ip: input.ip,
      detail: { mode: input.mode, count: slips.length, idempotencyKey: input.idempotencyKey }
    });
    return { ok: true, replayed: false, slips };
  });
}

export async function issueIn(
  transaction: Transaction,
  input: { fundId: string; compoundId: string; mode: HouseholdCodeMode; householdIds?: readonly string[]; now: Date }
): Promise<Slip[]> {
  const only = input.householdIds === undefined ? null : [...input.householdIds];
  const households = await transaction<(HouseholdDoor & { id: string })[]>`
    select h.id::text as id, h.building, h.unit_no as "unitNo", h.room
      from households h
      left join household_codes c on c.household_id = h.id
     where h.fund_id = ${input.fundId} and h.compound_id = ${input.compoundId}
       and (${input.mode === 'all'} or c.household_id is null)
       and (${only === null} or h.id::text = any(${only ?? []}::text[]))
     order by h.building, h.unit_no, h.room, h.id`;
  const slips: Slip[] = [];
  const day = dayOf(input.now);
  for (const household of households) {
    const code = newCode();
    await transaction`
      insert into household_codes (household_id, fund_id, code_hash, issued_at)
      values (${household.id}, ${input.fundId}, ${codeHash(code)}, ${day})
      on conflict (household_id) do update set code_hash = excluded.code_hash, issued_at = excluded.issued_at`;
    slips.push({ door: doorOf(household), code: formatCode(code) });
  }
  return slips;
}

/** The household a code belongs to, within one fund. */
export interface CodeHousehold {
  householdId: string;
  compoundId: string;
  representative: boolean;
}

/** The throttle's keys for guessing household codes: the client's address (an IPv6 /64). */
export function householdCodeThrottleKeys(ip: string | null): string[] {
  // Without an address nothing is counted: one shared key would let a guesser lock out everyone,
  // and 40-bit codes resist guessing without it (as for evaluation codes).
  return ip === null ? [] : [`household-code:${addressBlock(ip)}`.slice(0, 120)];
}

export type CodeLookup =
  | { ok: true; household: CodeHousehold }
  | { ok: false; code: 'code_is_unknown' }
  | { ok: false; code: 'code_is_throttled'; retryAt: Date };

/**
 * The household of a code as a resident typed it, in the given fund. A wrong code counts against
 * the address under the evaluation codes' rule, and a locked address is refused before looking;
 * a right code is never throttled (a volunteer may enter a stack of slips for elderly neighbours).
 * Call it outside the use's transaction (it records failures), then take the use's locks.
 */
export async function householdOfCode(
  sql: Sql,
  input: { fundId: string; code: string; ip: string | null; now: Date }
): Promise<CodeLookup> {
  const keys = householdCodeThrottleKeys(input.ip);
  const retryAt = await lockedUntil(sql, keys, input.now);
  if (retryAt !== null) return { ok: false, code: 'code_is_throttled', retryAt };
  const code = normalizeCode(input.code);
  const [row] =
    code === null
      ? []
      : await sql<CodeHousehold[]>`
          select c.household_id::text as "householdId", h.compound_id::text as "compoundId", h.representative
            from household_codes c join households h on h.id = c.household_id
           where c.fund_id = ${input.fundId} and c.code_hash = ${codeHash(code)}`;
  if (row === undefined) {
    await recordFailure(sql, keys, input.now, EVALUATION_CODE_RULE);
    return { ok: false, code: 'code_is_unknown' };
  }
  return { ok: true, household: row };
}
