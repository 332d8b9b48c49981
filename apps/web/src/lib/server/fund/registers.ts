import { recordEvent, type EventAction, type EventDetail } from '../platform/audit';
import type { Sql, Transaction } from '../db/client';
import { can, type Action, type Actor, type DenyReason, type Resources } from '../access/policy';

/**
 * The fund's registers: contributing units, compounds and the households of each compound. Only
 * the fund administrator writes units and compounds; a compound's committee keeps its own
 * households. Households are personal data: these functions serve the fund office and the
 * committee, never a public page.
 *
 * Every command is one transaction that asks the policy, checks that the row is in the fund named
 * in the URL, writes, and leaves an event. Adding a row that already exists with exactly the same
 * values is treated as the same form sent twice and succeeds without writing again.
 */

export const COMMITTEE_TYPES = ['residents', 'owners', 'self_managed'] as const;
export type CommitteeType = (typeof COMMITTEE_TYPES)[number];

/** A register code as the schema allows it (also the suffix of sub-accounts such as 4101.01.U-<code>). */
export const REGISTER_CODE = /^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/;

interface Command {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

type Denied = { ok: false; code: 'not_allowed'; reason: DenyReason };
type NotInFund = { ok: false; code: 'item_is_not_in_this_fund' };

function refuse<A extends Action>(actor: Actor, action: A, resource: Resources[A]): Denied | null {
  const decision = can(actor, action, resource);
  return decision.allowed ? null : { ok: false, code: 'not_allowed', reason: decision.reason };
}

async function recordDone(
  transaction: Transaction,
  input: Command,
  event: { action: EventAction; resourceType: string; resourceId: string; detail?: EventDetail }
): Promise<void> {
  await recordEvent(transaction, {
    ...event,
    outcome: 'ok',
    at: input.now,
    ip: input.ip,
    actorUserId: input.actor.kind === 'user' ? input.actor.userId : null,
    fundId: input.fundId
  });
}

// ---------------------------------------------------------------------------------------------
// Units.

export interface UnitFields {
  code: string;
  name: string;
  hasSeat: boolean;
  contact: string;
}

export interface UnitRow extends UnitFields {
  id: string;
  /** Whether the code is referred to (by a sub-account, a pledge or a role), so it may not change. */
  codeInUse: boolean;
}

export async function listUnits(sql: Sql | Transaction, fundId: string): Promise<UnitRow[]> {
  return await sql<UnitRow[]>`
    select u.id::text as id, u.code, u.name, u.has_seat as "hasSeat", u.contact,
           (exists (select 1 from accounts a where a.fund_id = u.fund_id and a.code like '%.U-' || u.code)
            or exists (select 1 from pledges p where p.fund_id = u.fund_id and p.unit_id = u.id)
            or exists (select 1 from memberships m where m.unit_id = u.id)
            or exists (select 1 from invitations i where i.unit_id = u.id)) as "codeInUse"
      from units u where u.fund_id = ${fundId} order by u.code`;
}

export type UnitResult =
  | { ok: true; unitId: string }
  | Denied
  | NotInFund
  | { ok: false; code: 'code_is_taken' }
  | { ok: false; code: 'code_is_in_use' };

export async function addUnit(sql: Sql, input: Command & { unit: UnitFields }): Promise<UnitResult> {
  const denied = refuse(input.actor, 'fund.office.manage', { fundId: input.fundId });
  if (denied) return denied;
  const unit = input.unit;
  return sql.begin(async (transaction): Promise<UnitResult> => {
    const [existing] = await transaction<(UnitFields & { id: string })[]>`
      select id::text as id, code, name, has_seat as "hasSeat", contact
        from units where fund_id = ${input.fundId} and code = ${unit.code} for update`;
    if (existing !== undefined) {
      const same =
        existing.name === unit.name && existing.hasSeat === unit.hasSeat && existing.contact === unit.contact;
      return same ? { ok: true, unitId: existing.id } : { ok: false, code: 'code_is_taken' };
    }
    const [created] = await transaction<{ id: string }[]>`
      insert into units (fund_id, code, name, has_seat, contact, created_at)
      values (${input.fundId}, ${unit.code}, ${unit.name}, ${unit.hasSeat}, ${unit.contact}, ${input.now})
      returning id::text as id`;
    if (created === undefined) throw new Error('addUnit: insert returned no row');
    await recordDone(transaction, input, { action: 'unit.added', resourceType: 'unit', resourceId: created.id });
    return { ok: true, unitId: created.id };
  });
}

export async function updateUnit(sql: Sql, input: Command & { unitId: string; unit: UnitFields }): Promise<UnitResult> {
  const denied = refuse(input.actor, 'fund.office.manage', { fundId: input.fundId });
  if (denied) return denied;
  const unit = input.unit;
  return sql.begin(async (transaction): Promise<UnitResult> => {
    const [current] = await transaction<{ code: string }[]>`
      select code from units where id = ${input.unitId} and fund_id = ${input.fundId} for update`;
    if (current === undefined) return { ok: false, code: 'item_is_not_in_this_fund' };
    if (current.code !== unit.code) {
      const rows = await listUnits(transaction, input.fundId);
      if (rows.find((row) => row.id === input.unitId)?.codeInUse) return { ok: false, code: 'code_is_in_use' };
      if (rows.some((row) => row.code === unit.code)) return { ok: false, code: 'code_is_taken' };
    }
    await transaction`
      update units set code = ${unit.code}, name = ${unit.name}, has_seat = ${unit.hasSeat}, contact = ${unit.contact}
       where id = ${input.unitId}`;
    await recordDone(transaction, input, { action: 'unit.updated', resourceType: 'unit', resourceId: input.unitId });
    return { ok: true, unitId: input.unitId };
  });
}

// ---------------------------------------------------------------------------------------------
// Compounds.

export interface CompoundFields {
  code: string;
  name: string;
  householdsCount: number;
  committeeType: CommitteeType;
}

export interface CompoundRow extends CompoundFields {
  id: string;
  householdsRegistered: number;
  codeInUse: boolean;
}

export async function listCompounds(sql: Sql | Transaction, fundId: string): Promise<CompoundRow[]> {
  return await sql<CompoundRow[]>`
    select c.id::text as id, c.code, c.name, c.households_count as "householdsCount",
           c.committee_type as "committeeType",
           (select count(*)::int from households h where h.compound_id = c.id) as "householdsRegistered",
           (exists (select 1 from accounts a where a.fund_id = c.fund_id and a.code like '%.C-' || c.code)
            or exists (select 1 from memberships m where m.compound_id = c.id)
            or exists (select 1 from invitations i where i.compound_id = c.id)) as "codeInUse"
      from compounds c where c.fund_id = ${fundId} order by c.code`;
}

export type CompoundResult =
  | { ok: true; compoundId: string }
  | Denied
  | NotInFund
  | { ok: false; code: 'code_is_taken' }
  | { ok: false; code: 'code_is_in_use' };

export async function addCompound(sql: Sql, input: Command & { compound: CompoundFields }): Promise<CompoundResult> {
  const denied = refuse(input.actor, 'fund.office.manage', { fundId: input.fundId });
  if (denied) return denied;
  const compound = input.compound;
  return sql.begin(async (transaction): Promise<CompoundResult> => {
    const [existing] = await transaction<(CompoundFields & { id: string })[]>`
      select id::text as id, code, name, households_count as "householdsCount", committee_type as "committeeType"
        from compounds where fund_id = ${input.fundId} and code = ${compound.code} for update`;
    if (existing !== undefined) {
      const same =
        existing.name === compound.name &&
        existing.householdsCount === compound.householdsCount &&
        existing.committeeType === compound.committeeType;
      return same ? { ok: true, compoundId: existing.id } : { ok: false, code: 'code_is_taken' };
    }
    const [created] = await transaction<{ id: string }[]>`
      insert into compounds (fund_id, code, name, households_count, committee_type, created_at)
      values (${input.fundId}, ${compound.code}, ${compound.name}, ${compound.householdsCount},
              ${compound.committeeType}, ${input.now})
      returning id::text as id`;
    if (created === undefined) throw new Error('addCompound: insert returned no row');
    await recordDone(transaction, input, {
      action: 'compound.added',
      resourceType: 'compound',
      resourceId: created.id,
      detail: { compoundId: created.id }
    });
    return { ok: true, compoundId: created.id };
  });
}

export async function updateCompound(
  sql: Sql,
  input: Command & { compoundId: string; compound: CompoundFields }
): Promise<CompoundResult> {
  const denied = refuse(input.actor, 'fund.office.manage', { fundId: input.fundId });
  if (denied) return denied;
  const compound = input.compound;
  return sql.begin(async (transaction): Promise<CompoundResult> => {
    const [current] = await transaction<{ code: string }[]>`
      select code from compounds where id = ${input.compoundId} and fund_id = ${input.fundId} for update`;
    if (current === undefined) return { ok: false, code: 'item_is_not_in_this_fund' };
    if (current.code !== compound.code) {
      const rows = await listCompounds(transaction, input.fundId);
      if (rows.find((row) => row.id === input.compoundId)?.codeInUse) return { ok: false, code: 'code_is_in_use' };
      if (rows.some((row) => row.code === compound.code)) return { ok: false, code: 'code_is_taken' };
    }
    await transaction`
      update compounds set code = ${compound.code}, name = ${compound.name},
             households_count = ${compound.householdsCount}, committee_type = ${compound.committeeType}
       where id = ${input.compoundId}`;
    await recordDone(transaction, input, {
      action: 'compound.updated',
      resourceType: 'compound',
      resourceId: input.compoundId,
      detail: { compoundId: input.compoundId }
    });
    return { ok: true, compoundId: input.compoundId };
  });
}

// ---------------------------------------------------------------------------------------------
// Households.

export interface HouseholdFields {
  building: string;
  unitNo: string;
  room: string;
  name: string;
}

export interface HouseholdRow extends HouseholdFields {
  id: string;
}

export interface CompoundHouseholds {
  compound: { id: string; code: string; name: string; householdsCount: number; committeeType: CommitteeType };
  households: HouseholdRow[];
}

/** A compound of this fund and its households, or null when the compound is not in the fund. */
export async function compoundHouseholds(
  sql: Sql,
  input: { fundId: string; compoundId: string }
): Promise<CompoundHouseholds | null> {
  const [compound] = await sql<CompoundHouseholds['compound'][]>`
    select id::text as id, code, name, households_count as "householdsCount", committee_type as "committeeType"
      from compounds where id = ${input.compoundId} and fund_id = ${input.fundId}`;
  if (compound === undefined) return null;
  const households = await sql<HouseholdRow[]>`
    select id::text as id, building, unit_no as "unitNo", room, name from households
     where fund_id = ${input.fundId} and compound_id = ${input.compoundId}
     order by length(building), building, length(unit_no), unit_no, length(room), room`;
  return { compound, households };
}

export const HOUSEHOLD_LINES_MAX = 500;

/** One part of a household's door (building, unit or room): letters, digits or Chinese characters. */
export const HOUSEHOLD_PART = /^[0-9A-Za-z\u4e00-\u9fff]{1,20}$/;
const PART = HOUSEHOLD_PART;

export type ParsedLines =
  | {
      ok: true;
      households: HouseholdFields[];
      /** The line each household was read from, counting from 1 (blank lines are skipped). */
      lineNumbers: number[];
    }
  | { ok: false; code: 'line_is_not_an_address' | 'too_many_lines' | 'line_is_repeated'; line: number };

/**
 * Reads pasted lines such as "3-1-201 张三" (building 3, unit 1, room 201, name 张三) or
 * "3-201" (no unit). Blank lines are skipped; the first bad line is reported by its number.
 */
export function parseHouseholdLines(text: string): ParsedLines {
  const households: HouseholdFields[] = [];
  const lineNumbers: number[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\u3000/g, ' ').trim();
    if (line === '') continue;
    if (households.length >= HOUSEHOLD_LINES_MAX) return { ok: false, code: 'too_many_lines', line: index + 1 };
    const [address = '', ...rest] = line.split(/\s+/);
    const name = rest.join(' ');
    const parts = address.split(/[-－—]/);
    const valid = (parts.length === 2 || parts.length === 3) && parts.every((part) => PART.test(part));
    if (!valid || name.length > 40) return { ok: false, code: 'line_is_not_an_address', line: index + 1 };
    const household =
      parts.length === 3
        ? { building: parts[0] ?? '', unitNo: parts[1] ?? '', room: parts[2] ?? '', name }
        : { building: parts[0] ?? '', unitNo: '', room: parts[1] ?? '', name };
    const key = `${household.building}|${household.unitNo}|${household.room}`;
    if (seen.has(key)) return { ok: false, code: 'line_is_repeated', line: index + 1 };
    seen.add(key);
    households.push(household);
    lineNumbers.push(index + 1);
  }
  return { ok: true, households, lineNumbers };
}

export type HouseholdsResult =
  { ok: true; added: number } | Denied | NotInFund | { ok: false; code: 'household_exists'; index: number };

/**
 * Adds households to a compound of this fund, all or none. A household already registered with
 * the same name is skipped (a form sent twice); one registered under another name is refused.
 */
export async function addHouseholds(
  sql: Sql,
  input: Command & { compoundId: string; households: readonly HouseholdFields[] }
): Promise<HouseholdsResult> {
  const denied = refuse(input.actor, 'compound.households.manage', {
    fundId: input.fundId,
    compoundId: input.compoundId
  });
  if (denied) return denied;
  return sql.begin(async (transaction): Promise<HouseholdsResult> => {
    const [compound] = await transaction`
      select 1 from compounds where id = ${input.compoundId} and fund_id = ${input.fundId} for update`;
    if (compound === undefined) return { ok: false, code: 'item_is_not_in_this_fund' };
    const existing = await transaction<HouseholdFields[]>`
      select building, unit_no as "unitNo", room, name from households where compound_id = ${input.compoundId}`;
    const byAddress = new Map(existing.map((row) => [`${row.building}|${row.unitNo}|${row.room}`, row.name]));
    const fresh: HouseholdFields[] = [];
    for (const [index, household] of input.households.entries()) {
      const name = byAddress.get(`${household.building}|${household.unitNo}|${household.room}`);
      if (name === undefined) fresh.push(household);
      else if (name !== household.name) return { ok: false, code: 'household_exists', index };
    }
    for (const household of fresh) {
      const [created] = await transaction<{ id: string }[]>`
        insert into households (fund_id, compound_id, building, unit_no, room, name, created_at)
        values (${input.fundId}, ${input.compoundId}, ${household.building}, ${household.unitNo}, ${household.room},
                ${household.name}, ${input.now})
        returning id::text as id`;
      if (created === undefined) throw new Error('addHouseholds: insert returned no row');
      if (fresh.length === 1) {
        await recordDone(transaction, input, {
          action: 'household.added',
          resourceType: 'household',
          resourceId: created.id,
          detail: { compoundId: input.compoundId, count: 1 }
        });
      }
    }
    if (fresh.length > 1) {
      await recordDone(transaction, input, {
        action: 'household.added',
        resourceType: 'compound',
        resourceId: input.compoundId,
        detail: { compoundId: input.compoundId, count: fresh.length }
      });
    }
    return { ok: true, added: fresh.length };
  });
}

export type HouseholdResult = { ok: true } | Denied | NotInFund | { ok: false; code: 'household_exists'; index: 0 };

export async function updateHousehold(
  sql: Sql,
  input: Command & { compoundId: string; householdId: string; household: HouseholdFields }
): Promise<HouseholdResult> {
  const denied = refuse(input.actor, 'compound.households.manage', {
    fundId: input.fundId,
    compoundId: input.compoundId
  });
  if (denied) return denied;
  const household = input.household;
  return sql.begin(async (transaction): Promise<HouseholdResult> => {
    const [current] = await transaction`
      select 1 from households
       where id = ${input.householdId} and compound_id = ${input.compoundId} and fund_id = ${input.fundId} for update`;
    if (current === undefined) return { ok: false, code: 'item_is_not_in_this_fund' };
    const [clash] = await transaction`
      select 1 from households
       where compound_id = ${input.compoundId} and building = ${household.building} and unit_no = ${household.unitNo}
         and room = ${household.room} and id <> ${input.householdId}`;
    if (clash !== undefined) return { ok: false, code: 'household_exists', index: 0 };
    await transaction`
      update households set building = ${household.building}, unit_no = ${household.unitNo}, room = ${household.room},
             name = ${household.name}
       where id = ${input.householdId}`;
    await recordDone(transaction, input, {
      action: 'household.updated',
      resourceType: 'household',
      resourceId: input.householdId,
      detail: { compoundId: input.compoundId }
    });
    return { ok: true };
  });
}
