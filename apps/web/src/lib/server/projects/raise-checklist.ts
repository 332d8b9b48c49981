import {
  checkBookDate,
  chinaDateOf,
  decideSelfRaisedBatch,
  money,
  plannedSharesOf,
  shareStillDueOf,
  Money,
  type PostCode,
  type SelfRaisedBatchLineRefusal
} from '@gongjian/ledger';
import { Refusal, refuse, runCommand } from '../platform/command';
import type { Sql, Transaction } from '../db/client';
import { parseAmount, type DateCode } from '../fund/money-in';
import { can, type Actor, type DenyReason } from '../access/policy';
import { loadProject, projectRefOf, type ProjectRow } from './project-core';
import {
  doorOf,
  insertPaymentIn,
  postPaymentIn,
  type Household,
  type HouseholdDoor,
  type PlainInput,
  type RaiseMethod
} from './self-raising';
import { householdMatches, householdSearchTextOf } from '../../household-search';

/**
 * The committee's checklist (自筹登记清单): the compound register's households, each with its planned
 * share, ticked by those who paid today and sent once. Every ticked household becomes one payment,
 * exactly as `recordSelfRaisedPayment` records one (an entry, a row and an audit event each), all
 * in one transaction under the project's lock: the ledger's batch rule refuses the whole checklist
 * when any line is bad, with a refusal per line, so nothing is half-recorded. The form's key keys
 * every line (`<key>:<household>`), so a checklist sent again is answered as the first time.
 */

export interface ChecklistLineInput {
  householdId: string;
  /** As typed. */
  amount: string;
}

export interface ChecklistInput {
  lines: ChecklistLineInput[];
  /** YYYY-MM-DD: the day the ticked households paid. */
  date: string;
  method: RaiseMethod;
  /** From the form: a retry of the same checklist records nothing twice. */
  idempotencyKey: string;
}

export type ChecklistCode =
  | DateCode
  | 'batch_needs_a_line'
  | 'batch_is_too_long'
  | 'form_was_already_used_for_something_else'
  | 'project_not_found'
  | PostCode;

export type ChecklistResult =
  | { ok: true; count: number; total: string; replayed: boolean }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: 'batch_has_bad_lines'; lines: readonly SelfRaisedBatchLineRefusal[] }
  | { ok: false; code: ChecklistCode };

type ChecklistFailure = Extract<ChecklistResult, { ok: false }>;
type Recorded = Extract<ChecklistResult, { ok: true }>;

interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

/** The key of one line of a checklist: the form's key and the household. */
export function lineKeyOf(idempotencyKey: string, householdId: string): string {
  return `${idempotencyKey}:${householdId}`;
}

/** Records every ticked household's payment, by the compound's committee or a fund administrator. */
export async function recordChecklist(sql: Sql, input: Command & ChecklistInput): Promise<ChecklistResult> {
  return runCommand<ChecklistResult, ChecklistFailure>(sql, async (transaction): Promise<ChecklistResult> => {
    const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
    if (project === null) return { ok: false, code: 'project_not_found' };
    // As for one payment: a role refused for the state alone may be sending its checklist again.
    const decision = can(input.actor, 'project.raise', projectRefOf(input.fundId, project));
    if (!decision.allowed) {
      const replay = decision.reason === 'state_does_not_allow_it' ? await replayOf(transaction, input) : null;
      return replay ?? { ok: false, code: 'not_allowed', reason: decision.reason };
    }
    const replay = await replayOf(transaction, input);
    if (replay !== null) return replay;
    const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
    return await recordLinesIn(transaction, { ...input, project, actorUserId });
  });
}

/**
 * The same checklist sent again: the first outcome. The lines recorded under the form's key must
 * be the lines sent (same households, amounts, day and method); a key used for another checklist
 * is refused, so that a stale form cannot stand in for a new one.
 */
async function replayOf(transaction: Transaction, input: Command & ChecklistInput): Promise<Recorded | null> {
  const earlier = await transaction<{ householdId: string; amount: string; paidOn: string; method: string }[]>`
    select household_id::text as "householdId", amount::text as amount, to_char(paid_on, 'YYYY-MM-DD') as "paidOn",
           method
      from self_raised_payments
     where fund_id = ${input.fundId} and starts_with(create_key, ${lineKeyOf(input.idempotencyKey, '')})`;
  if (earlier.length === 0) return null;
  const sent = new Map(input.lines.map((line) => [line.householdId, line.amount]));
  const same =
    earlier.length === input.lines.length &&
    sent.size === input.lines.length &&
    earlier.every((row) => {
      const amount = sent.get(row.householdId);
      const parsed = amount === undefined ? null : parseAmount(amount);
      return (
        parsed !== null &&
        parsed.ok &&
        parsed.amount.equals(money(row.amount)) &&
        row.paidOn === input.date &&
        row.method === input.method
      );
    });
  if (!same) refuse<ChecklistCode>('form_was_already_used_for_something_else');
  const total = earlier.reduce((sum, row) => sum.plus(money(row.amount)), Money.zero());
  return { ok: true, count: earlier.length, total: total.toString(), replayed: true };
}

type LinesInput = Command & ChecklistInput & { project: ProjectRow; actorUserId: string | null };

/** Asks the ledger about the whole checklist under the lock, then writes each payment. */
async function recordLinesIn(transaction: Transaction, input: LinesInput): Promise<Recorded> {
  const { project } = input;
  const [fund] = await transaction<{ fiscalYear: number }[]>`
    select fiscal_year as "fiscalYear" from funds where id = ${input.fundId}`;
  if (fund === undefined) refuse<ChecklistCode>('project_not_found');
  const dateRules = { today: chinaDateOf(input.now), fiscalYear: fund.fiscalYear };
  // The day is the whole checklist's: refused once, at its field, not on every line.
  const dateCode = checkBookDate({ date: input.date, ...dateRules });
  if (dateCode !== null) refuse<ChecklistCode>(dateCode);
  const households = await householdsIn(transaction, project, input.lines);
  const [received] = await transaction<{ total: string }[]>`
    select coalesce(sum(amount), 0)::text as total from standing_self_raised_payments where application_id = ${project.id}`;
  const decision = decideSelfRaisedBatch(
    { target: money(project.selfRaiseTarget), received: money(received?.total ?? '0'), dateRules },
    {
      date: input.date,
      lines: input.lines.map((line) => ({
        household: line.householdId,
        amount: line.amount,
        householdInCompound: households.has(line.householdId)
      }))
    }
  );
  if (!decision.ok) {
    if (decision.code !== 'batch_has_bad_lines') refuse<ChecklistCode>(decision.code);
    const lines = decision['lines'] as readonly SelfRaisedBatchLineRefusal[];
    throw new Refusal<ChecklistFailure>({ ok: false, code: 'batch_has_bad_lines', lines });
  }
  let total = Money.zero();
  for (const [index, line] of input.lines.entries()) {
    const household = households.get(line.householdId);
    const paid = decision.value.amounts[index];
    if (household === undefined || paid === undefined) throw new Error('checklist: a line the rule passed is missing');
    const plain: PlainInput = {
      fundId: input.fundId,
      now: input.now,
      ip: input.ip,
      project,
      actorUserId: input.actorUserId,
      checkDates: true,
      householdId: line.householdId,
      amount: paid.toString(),
      date: input.date,
      method: input.method,
      receipt: null,
      idempotencyKey: lineKeyOf(input.idempotencyKey, line.householdId)
    };
    const seq = await postPaymentIn(transaction, { ...plain, household, paid });
    await insertPaymentIn(transaction, { ...plain, paid, seq });
    total = total.plus(paid);
  }
  return { ok: true, count: input.lines.length, total: total.toString(), replayed: false };
}

/** The checklist's households that are the project's compound's, by id. */
async function householdsIn(
  transaction: Transaction,
  project: ProjectRow,
  lines: readonly ChecklistLineInput[]
): Promise<Map<string, Household>> {
  const ids = lines.map((line) => line.householdId).filter((id) => /^[1-9][0-9]{0,17}$/.test(id));
  const rows = await transaction<(Household & { id: string })[]>`
    select id::text as id, building, unit_no as "unitNo", room, name from households
     where id = any(${ids}::bigint[]) and compound_id = ${project.compoundId}`;
  return new Map(rows.map((row) => [row.id, row]));
}

// ---------------------------------------------------------------------------------------------
// The checklist on the page

export interface ChecklistRow {
  id: string;
  door: string;
  /** The full name: the checklist is for the people who collect the money. */
  name: string;
  /** What the search box matches (lower case door and name). */
  searchText: string;
  planned: string;
  paid: string;
  /** What to fill in: the planned share less what was paid (the remaining planned share). */
  due: string;
  /** Paid its planned share (or more) already: shown as paid, with no tick box. */
  paidInFull: boolean;
}

export interface Checklist {
  /** Households in the register, whatever the search. */
  registered: number;
  /** The rows the search keeps, in the register's order. */
  rows: ChecklistRow[];
}

/**
 * The compound register's households with their planned shares and what each has paid toward this
 * project. The shares are planned over the whole register, so a search changes no household's share.
 */
export async function checklistOf(db: Sql | Transaction, project: ProjectRow, query: string): Promise<Checklist> {
  const households = await db<(HouseholdDoor & { id: string; name: string; paid: string })[]>`
    select h.id::text as id, h.building, h.unit_no as "unitNo", h.room, h.name,
           coalesce((select sum(p.amount) from standing_self_raised_payments p
                      where p.application_id = ${project.id} and p.household_id = h.id), 0)::numeric(18, 2)::text as paid
      from households h where h.compound_id = ${project.compoundId}
     order by h.building, h.unit_no, h.room, h.id`;
  const planned = plannedSharesOf(money(project.selfRaiseTarget), project.householdsExpected, households.length);
  const rows = households.map((household, index): ChecklistRow => {
    const share = planned[index] ?? Money.zero();
    const paid = money(household.paid);
    const due = shareStillDueOf(share, paid);
    const door = doorOf(household);
    return {
      id: household.id,
      door,
      name: household.name,
      searchText: householdSearchTextOf(door, household.name),
      planned: share.toString(),
      paid: paid.toString(),
      due: due.toString(),
      paidInFull: paid.greaterThan(Money.zero()) && due.isZero()
    };
  });
  return { registered: rows.length, rows: rows.filter((row) => householdMatches(row.searchText, query)) };
}

/**
 * What a checklist recorded, read back from the books for the page it returns to: how many
 * households and how much, under the form's key (null when nothing was recorded under it).
 */
export async function checklistRecordedOf(
  db: Sql | Transaction,
  input: { fundId: string; project: ProjectRow; idempotencyKey: string }
): Promise<{ count: number; total: string } | null> {
  const [row] = await db<{ count: number; total: string }[]>`
    select count(*)::int as count, coalesce(sum(amount), 0)::numeric(18, 2)::text as total
      from self_raised_payments
     where fund_id = ${input.fundId} and application_id = ${input.project.id}
       and starts_with(create_key, ${lineKeyOf(input.idempotencyKey, '')})`;
  return row === undefined || row.count === 0 ? null : row;
}
