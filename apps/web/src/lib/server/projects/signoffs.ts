import { acceptanceCompletion, chinaDateOf, type AcceptanceCompletion } from '@gongjian/ledger';
import type { Sql, Transaction } from '../db/client';
import { householdOfCode } from '../fund/household-codes';
import { recordEvent } from '../platform/audit';
import { refuse, runCommand } from '../platform/command';
import { loadProject, projectPolicyIn, type ProjectRow } from './project-core';

/**
 * Residents sign off finished work (issue 18): a resident representative of the project's compound
 * (households.representative) confirms with the household's standing code that the work was done.
 * The fund policy's `residentSignoffs` says how many confirmations the final tranche waits for
 * (the ledger's acceptanceCompletion); each household counts once per project (the table's primary
 * key), and the database refuses a household that is not a representative of the compound (GJ029).
 */

/**
 * How many sign-offs a project needs. The policy version the application was approved under is
 * read, as for every other rule of the project (hold-back, rounding, participation): a fund that
 * later asks for sign-offs does not hold back the last tranche of projects approved before, and
 * a version adopted before the option existed parses to null, that is none asked.
 */
export async function signoffsRequiredOf(
  db: Sql | Transaction,
  fundId: string,
  project: ProjectRow
): Promise<number | null> {
  const policy = await projectPolicyIn(db, fundId, project.policyVersion);
  return policy.residentSignoffs;
}

/** How many representatives signed off, and the masked doors (building and unit) of the households. */
export interface SignoffsView {
  required: number | null;
  given: number;
  /** The households' doors with the room hidden (3-2-*), in the order they signed. */
  doors: string[];
  completion: AcceptanceCompletion;
}

/** A door as a public page may show it: the building and unit, the room hidden. */
export function maskedDoorOf(household: { building: string; unitNo: string }): string {
  return [household.building, household.unitNo, '*'].filter((part) => part.trim() !== '').join('-');
}

export async function signoffsView(
  db: Sql | Transaction,
  input: { fundId: string; project: ProjectRow; confirmed: boolean }
): Promise<SignoffsView> {
  const required = await signoffsRequiredOf(db, input.fundId, input.project);
  const rows = await db<{ building: string; unitNo: string }[]>`
    select h.building, h.unit_no as "unitNo"
      from acceptance_signoffs s join households h on h.id = s.household_id
     where s.application_id = ${input.project.id}
     order by s.on_day, h.building, h.unit_no, h.id`;
  return {
    required,
    given: rows.length,
    doors: rows.map(maskedDoorOf),
    completion: acceptanceCompletion({ confirmed: input.confirmed, signoffs: rows.length, signoffsRequired: required })
  };
}

export type SignOffCode =
  | 'project_not_found'
  | 'signoffs_are_not_asked'
  | 'acceptance_is_not_recorded'
  | 'project_is_closed'
  | 'household_is_not_a_representative'
  | 'code_is_unknown';

export type SignOffResult =
  | { ok: true; replayed: boolean; given: number; required: number }
  | { ok: false; code: SignOffCode }
  | { ok: false; code: 'code_is_throttled'; retryAt: Date };

type SignOffFailure = { ok: false; code: SignOffCode };

/**
 * A representative signs a project off with the household's code, without an account. The code is
 * looked up (and a wrong one counted against the address) before the transaction; a resend, or a
 * second press racing the first, finds the row there and answers as the first did.
 */
export async function signOff(
  sql: Sql,
  input: { fundId: string; number: number; code: string; ip: string | null; now: Date }
): Promise<SignOffResult> {
  const project = await loadProject(sql, { fundId: input.fundId, number: input.number, lock: false });
  if (project === null) return { ok: false, code: 'project_not_found' };
  const required = await signoffsRequiredOf(sql, input.fundId, project);
  if (required === null) return { ok: false, code: 'signoffs_are_not_asked' };
  const lookup = await householdOfCode(sql, { fundId: input.fundId, code: input.code, ip: input.ip, now: input.now });
  if (!lookup.ok) return lookup;
  const { household } = lookup;
  if (household.compoundId !== project.compoundId || !household.representative) {
    return { ok: false, code: 'household_is_not_a_representative' };
  }
  return runCommand<SignOffResult, SignOffFailure>(sql, async (transaction) => {
    // The project's row is locked so that a sign-off and the project's close do not cross.
    const locked = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
    if (locked === null) refuse('project_not_found');
    if (locked.status === 'closed' || locked.status === 'cancelled') refuse('project_is_closed');
    const [acceptance] = await transaction`select 1 from acceptances where application_id = ${locked.id}`;
    if (acceptance === undefined) refuse('acceptance_is_not_recorded');
    // The committee may have unchosen the representative since the code was looked up: read the
    // flag again under a share lock, so that the refusal is the sentence, not the database's GJ029.
    const [still] = await transaction`
      select 1 from households
       where id = ${household.householdId} and compound_id = ${locked.compoundId} and representative
       for share`;
    if (still === undefined) refuse('household_is_not_a_representative');
    const inserted = await transaction`
      insert into acceptance_signoffs (application_id, household_id, on_day)
      values (${locked.id}, ${household.householdId}, ${chinaDateOf(input.now)})
      on conflict do nothing returning 1`;
    const [count] = await transaction<{ given: number }[]>`
      select count(*)::int as given from acceptance_signoffs where application_id = ${locked.id}`;
    if (inserted.length > 0) await signedOffEvent(transaction, { ...input, applicationId: locked.id });
    return { ok: true, replayed: inserted.length === 0, given: count?.given ?? 0, required };
  });
}

async function signedOffEvent(
  transaction: Transaction,
  input: { fundId: string; number: number; applicationId: string; ip: string | null; now: Date }
): Promise<void> {
  // The household is not named in the trail: a sign-off is a resident's, like an objection.
  await recordEvent(transaction, {
    action: 'acceptance.signed_off',
    outcome: 'ok',
    at: input.now,
    fundId: input.fundId,
    resourceType: 'application',
    resourceId: input.applicationId,
    ip: input.ip,
    detail: { applicationNumber: input.number }
  });
}

/** The sign-off days of a project, for its timelines (one step per household, not naming it). */
export async function signoffDaysOf(db: Sql | Transaction, applicationId: string): Promise<Date[]> {
  const rows = await db<{ day: string }[]>`
    select on_day::text as day from acceptance_signoffs where application_id = ${applicationId} order by on_day`;
  // A sign-off keeps its day only; the timeline places it at noon, China time.
  return rows.map((row) => new Date(`${row.day}T12:00:00+08:00`));
}

/** What the public sign-off page shows of a project, or null when the number names no project. */
export interface SignoffPage {
  title: string;
  compoundName: string;
  /** Representatives may sign off now: asked by the policy, acceptance recorded, not closed. */
  open: boolean;
  required: number | null;
  given: number;
}

export async function signoffPageOf(sql: Sql, input: { fundId: string; number: number }): Promise<SignoffPage | null> {
  const project = await loadProject(sql, { ...input, lock: false });
  if (project === null) return null;
  const required = await signoffsRequiredOf(sql, input.fundId, project);
  const [row] = await sql<{ compoundName: string; recorded: boolean; given: number }[]>`
    select c.name as "compoundName",
           exists (select 1 from acceptances where application_id = ${project.id}) as recorded,
           (select count(*)::int from acceptance_signoffs where application_id = ${project.id}) as given
      from compounds c where c.id = ${project.compoundId}`;
  const closed = project.status === 'closed' || project.status === 'cancelled';
  return {
    title: project.title,
    compoundName: row?.compoundName ?? '',
    open: required !== null && (row?.recorded ?? false) && !closed,
    required,
    given: row?.given ?? 0
  };
}
