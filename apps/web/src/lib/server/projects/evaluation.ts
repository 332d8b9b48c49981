import { chinaDateOf } from '@gongjian/ledger';
import { createHash, randomBytes } from 'node:crypto';
import { recordEvent } from '../platform/audit';
import { EVALUATION_CODE_RULE, addressBlock, lockedUntil, recordFailure } from '../auth/throttle';
import { runCommand } from '../platform/command';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor, type DenyReason } from '../access/policy';
import { loadProject, projectRefOf, type ProjectRow } from './project-core';
import { doorOf, type HouseholdDoor } from './self-raising';

/**
 * The residents' evaluation (评议) of an accepted project. The committee issues one-time codes,
 * one per household of the compound, and hands them out on paper; a resident enters the code on
 * the public /evaluate page, with no account, and rates the project. Only each code's SHA-256 is
 * stored, so the codes are shown once, right after issuing. An evaluation is not linked to its
 * household: the code row only says that it was used, and both carry the day, not the moment, so
 * that the order of use cannot tie a rating back to a door. Guessing codes is throttled per
 * client address by the app's one throttle (EVALUATION_CODE_RULE). A right code is not throttled:
 * it counts once however it is sent, so a flood needs codes, and one phone entering a stack of
 * slips for the elderly residents of a building (as volunteers do) must not be stopped.
 */

export const RATINGS = ['satisfied', 'mostly_satisfied', 'not_satisfied'] as const;
export type Rating = (typeof RATINGS)[number];

export const COMMENT_LENGTH_MAX = 500;

/** 32 characters without 0/O, 1/I: nothing on a paper slip can be misread. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

/** The states in which a project may be evaluated: once accepted, also after the close. */
export const EVALUATED_STATES = ['accepted', 'closed'] as const;

/**
 * A new code from the operating system's random source. 256 is a multiple of 32, so taking each
 * byte modulo 32 favours no character: 40 bits, about a million million codes.
 */
export function newCode(): string {
  return Array.from(randomBytes(CODE_LENGTH), (byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
}

/** A code as printed on the slip: two groups of four, easier to copy. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code as typed: spaces and dashes dropped, case ignored; null when it cannot be a code. */
export function normalizeCode(text: string): string | null {
  const code = text.replace(/[\s\-\u2010-\u2015\uff0d]/g, '').toUpperCase();
  if (code.length !== CODE_LENGTH) return null;
  return Array.from(code).every((character) => CODE_ALPHABET.includes(character)) ? code : null;
}

export function codeHash(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** Midnight of the day in China: what an evaluation and its code keep of when they were made. */
export function dayOf(now: Date): Date {
  return new Date(`${chinaDateOf(now)}T00:00:00+08:00`);
}

// ---------------------------------------------------------------------------------------------
// Issuing codes

/** `new`: households without a code; `unused`: also fresh codes for every code not yet used. */
export const ISSUE_MODES = ['new', 'unused'] as const;
export type IssueMode = (typeof ISSUE_MODES)[number];

export interface Slip {
  door: string;
  /** Formatted for print (ABCD-EFGH). */
  code: string;
}

export type IssueResult =
  | { ok: true; replayed: false; slips: Slip[] }
  /** The form was already sent; its codes were shown in the first answer and are not kept. */
  | { ok: true; replayed: true; slips: [] }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: 'project_not_found' };

type IssueFailure = Extract<IssueResult, { ok: false }>;

interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

/**
 * Issues codes for the project's compound: one for each household without one, or with `unused`
 * a fresh one in place of every code not yet used (the old one stops working), for a lost sheet.
 * The form's key is kept in the audit event, so a form sent twice issues nothing the second time.
 */
export async function issueEvaluationCodes(
  sql: Sql,
  input: Command & { mode: IssueMode; idempotencyKey: string }
): Promise<IssueResult> {
  return runCommand<IssueResult, IssueFailure>(sql, async (transaction): Promise<IssueResult> => {
    const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
    if (project === null) return { ok: false, code: 'project_not_found' };
    const decision = can(input.actor, 'project.evaluation.codes', projectRefOf(input.fundId, project));
    if (!decision.allowed) {
      // A role that may issue codes, refused for the state alone, may be sending its own form
      // again: that is answered as the first time; a new issue is refused for the state.
      const sent = decision.reason === 'state_does_not_allow_it' && (await issuedBy(transaction, input, project));
      if (sent) return { ok: true, replayed: true, slips: [] };
      return { ok: false, code: 'not_allowed', reason: decision.reason };
    }
    const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
    return await issueIn(transaction, { ...input, project, actorUserId });
  });
}

/** Whether this form (its key) already issued codes for the project: a form sent twice issues once. */
async function issuedBy(
  transaction: Transaction,
  input: { fundId: string; idempotencyKey: string },
  project: ProjectRow
): Promise<boolean> {
  const [sent] = await transaction`
    select 1 from events
     where fund_id = ${input.fundId} and resource_type = 'application' and resource_id = ${project.id}
       and action in ('project.evaluation_codes_issued', 'project.evaluation_codes_reissued')
       and detail ->> 'idempotencyKey' = ${input.idempotencyKey}`;
  return sent !== undefined;
}

async function issueIn(
  transaction: Transaction,
  input: Omit<Command, 'actor' | 'number'> & {
    project: ProjectRow;
    actorUserId: string | null;
    mode: IssueMode;
    idempotencyKey: string;
  }
): Promise<Extract<IssueResult, { ok: true }>> {
  const { project } = input;
  if (await issuedBy(transaction, input, project)) return { ok: true, replayed: true, slips: [] };
  const households = await transaction<(HouseholdDoor & { id: string; codeId: string | null })[]>`
    select h.id::text as id, h.building, h.unit_no as "unitNo", h.room, c.id::text as "codeId"
      from households h
      left join evaluation_codes c on c.application_id = ${project.id} and c.household_id = h.id
     where h.compound_id = ${project.compoundId}
       and (c.id is null or (${input.mode === 'unused'} and c.used_at is null))
     order by h.building, h.unit_no, h.room, h.id`;
  const slips: Slip[] = [];
  const day = dayOf(input.now);
  for (const household of households) {
    const code = newCode();
    if (household.codeId === null) {
      await transaction`
        insert into evaluation_codes (fund_id, application_id, household_id, code_hash, issued_at)
        values (${input.fundId}, ${project.id}, ${household.id}, ${codeHash(code)}, ${day})`;
    } else {
      await transaction`
        update evaluation_codes set code_hash = ${codeHash(code)}, issued_at = ${day}
         where id = ${household.codeId} and used_at is null`;
    }
    slips.push({ door: doorOf(household), code: formatCode(code) });
  }
  await recordEvent(transaction, {
    action: input.mode === 'new' ? 'project.evaluation_codes_issued' : 'project.evaluation_codes_reissued',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    resourceType: 'application',
    resourceId: project.id,
    ip: input.ip,
    detail: { applicationNumber: project.number, count: slips.length, idempotencyKey: input.idempotencyKey }
  });
  return { ok: true, replayed: false, slips };
}

// ---------------------------------------------------------------------------------------------
// Results

export interface EvaluationResults {
  total: number;
  counts: Record<Rating, number>;
  /** Whole percentages that add up to 100 (largest remainder), or zeros with no evaluation. */
  percents: Record<Rating, number>;
}

export interface CodeFigures {
  households: number;
  issued: number;
  used: number;
}

export interface EvaluationComment {
  rating: Rating;
  comment: string;
  date: string;
}

/** Each rating's count and its share; the shares are whole percentages that add up to 100. */
export async function evaluationResultsOf(db: Sql | Transaction, applicationId: string): Promise<EvaluationResults> {
  const rows = await db<{ rating: Rating; count: number }[]>`
    select rating, count(*)::int as count from evaluations where application_id = ${applicationId} group by rating`;
  const counts: Record<Rating, number> = { satisfied: 0, mostly_satisfied: 0, not_satisfied: 0 };
  for (const row of rows) counts[row.rating] = row.count;
  const total = RATINGS.reduce((sum, rating) => sum + counts[rating], 0);
  return { total, counts, percents: percentsOf(counts, total) };
}

function percentsOf(counts: Record<Rating, number>, total: number): Record<Rating, number> {
  const percents: Record<Rating, number> = { satisfied: 0, mostly_satisfied: 0, not_satisfied: 0 };
  if (total === 0) return percents;
  // Integer arithmetic: each share's floor, then the points left over to the largest remainders
  // (ties to the rating listed first), so that the three always add up to exactly 100.
  const remainders = RATINGS.map((rating) => {
    percents[rating] = Math.floor((counts[rating] * 100) / total);
    return { rating, remainder: (counts[rating] * 100) % total };
  });
  let left = 100 - RATINGS.reduce((sum, rating) => sum + percents[rating], 0);
  for (const { rating } of [...remainders].sort((a, b) => b.remainder - a.remainder)) {
    if (left === 0) break;
    percents[rating] += 1;
    left -= 1;
  }
  return percents;
}

export async function codeFiguresOf(db: Sql | Transaction, project: ProjectRow): Promise<CodeFigures> {
  const [row] = await db<CodeFigures[]>`
    select (select count(*)::int from households where compound_id = ${project.compoundId}) as households,
           count(c.id)::int as issued, count(c.used_at)::int as used
      from evaluation_codes c where c.application_id = ${project.id}`;
  return row ?? { households: 0, issued: 0, used: 0 };
}

/** The comments written, newest first, with the day each was written and its rating. */
export async function evaluationCommentsOf(db: Sql | Transaction, applicationId: string): Promise<EvaluationComment[]> {
  return db<EvaluationComment[]>`
    select rating, comment, to_char(at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as date
      from evaluations where application_id = ${applicationId} and comment <> ''
     order by id desc limit 500`;
}

// ---------------------------------------------------------------------------------------------
// The public evaluation

export interface EvaluatedProject {
  fundSlug: string;
  fundNameZh: string;
  fundNameEn: string;
  number: number;
  title: string;
  compoundName: string;
}

export type CodeRefusal =
  | { ok: false; code: 'code_is_unknown' }
  | { ok: false; code: 'code_was_used'; project: EvaluatedProject }
  | { ok: false; code: 'evaluation_is_throttled'; retryAt: Date };

export type CheckResult = { ok: true; code: string; project: EvaluatedProject } | CodeRefusal;

export type SubmitResult =
  | { ok: true; project: EvaluatedProject }
  | CodeRefusal
  | { ok: false; code: 'comment_is_too_long' }
  | { ok: false; code: 'rating_is_unknown' };

/** The throttle's keys: the client's address (an IPv6 /64), in a namespace apart from sign-in's. */
function throttleKeysOf(ip: string | null): string[] {
  // Without an address (an adapter that cannot tell) nothing is counted: a single shared key would
  // let one guesser lock every resident out, and 40-bit codes resist guessing without it.
  return ip === null ? [] : [`evaluate:${addressBlock(ip)}`.slice(0, 120)];
}

/** The project a code is for and whether the code was used; only evaluated projects' codes count. */
const projectOfCode = (db: Sql | Transaction, hash: string) => db<
  (EvaluatedProject & { codeId: string; used: boolean; fundId: string; applicationId: string })[]
>`
  select c.id::text as "codeId", c.used_at is not null as used, c.fund_id::text as "fundId",
         c.application_id::text as "applicationId", f.slug as "fundSlug", f.name_zh as "fundNameZh",
         f.name_en as "fundNameEn", a.number, a.title, o.name as "compoundName"
    from evaluation_codes c
    join applications a on a.id = c.application_id
    join funds f on f.id = c.fund_id
    join compounds o on o.id = a.compound_id
   where c.code_hash = ${hash} and a.status in ${db([...EVALUATED_STATES])}`;

function projectOf(row: EvaluatedProject): EvaluatedProject {
  return {
    fundSlug: row.fundSlug,
    fundNameZh: row.fundNameZh,
    fundNameEn: row.fundNameEn,
    number: row.number,
    title: row.title,
    compoundName: row.compoundName
  };
}

/** Counts a wrong code against the address; null when the address may keep trying. */
async function throttled(sql: Sql, keys: readonly string[], now: Date): Promise<CodeRefusal | null> {
  const retryAt = await lockedUntil(sql, keys, now);
  return retryAt === null ? null : { ok: false, code: 'evaluation_is_throttled', retryAt };
}

/** The first step: which project a code is for, so the resident sees what they are rating. */
export async function checkEvaluationCode(
  sql: Sql,
  input: { code: string; ip: string | null; now: Date }
): Promise<CheckResult> {
  const keys = throttleKeysOf(input.ip);
  const locked = await throttled(sql, keys, input.now);
  if (locked !== null) return locked;
  const code = normalizeCode(input.code);
  const [row] = code === null ? [] : await projectOfCode(sql, codeHash(code));
  if (code === null || row === undefined) {
    await recordFailure(sql, keys, input.now, EVALUATION_CODE_RULE);
    return { ok: false, code: 'code_is_unknown' };
  }
  if (row.used) return { ok: false, code: 'code_was_used', project: projectOf(row) };
  return { ok: true, code, project: projectOf(row) };
}

/**
 * The rating. Marking the code used and writing the evaluation happen in one transaction, and
 * the code is marked by a conditional update: of two submissions of one code at the same moment,
 * the second waits for the first and then finds the code used, so a code counts once.
 */
export async function submitEvaluation(
  sql: Sql,
  input: { code: string; rating: string; comment: string; ip: string | null; now: Date }
): Promise<SubmitResult> {
  const keys = throttleKeysOf(input.ip);
  const locked = await throttled(sql, keys, input.now);
  if (locked !== null) return locked;
  const rating = RATINGS.find((known) => known === input.rating);
  if (rating === undefined) return { ok: false, code: 'rating_is_unknown' };
  // Control characters have no place in a comment; line breaks do.
  const comment = input.comment.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '').trim();
  if (comment.length > COMMENT_LENGTH_MAX) return { ok: false, code: 'comment_is_too_long' };
  const code = normalizeCode(input.code);
  if (code === null) {
    await recordFailure(sql, keys, input.now, EVALUATION_CODE_RULE);
    return { ok: false, code: 'code_is_unknown' };
  }
  const hash = codeHash(code);
  const day = dayOf(input.now);
  const outcome = await runCommand<SubmitResult, Extract<SubmitResult, { ok: false }>>(
    sql,
    async (transaction): Promise<SubmitResult> => {
      const [row] = await projectOfCode(transaction, hash);
      if (row === undefined) return { ok: false, code: 'code_is_unknown' };
      const marked = await transaction`
      update evaluation_codes set used_at = ${day} where id = ${row.codeId} and used_at is null`;
      if (marked.count === 0) return { ok: false, code: 'code_was_used', project: projectOf(row) };
      await transaction`
      insert into evaluations (fund_id, application_id, rating, comment, at)
      values (${row.fundId}, ${row.applicationId}, ${rating}, ${comment}, ${day})`;
      // No address and no household: the trail says a project was rated, not by whom.
      await recordEvent(transaction, {
        action: 'evaluation.submitted',
        outcome: 'ok',
        at: input.now,
        fundId: row.fundId,
        resourceType: 'application',
        resourceId: row.applicationId,
        detail: { applicationNumber: row.number }
      });
      return { ok: true, project: projectOf(row) };
    }
  );
  if (!outcome.ok && outcome.code === 'code_is_unknown')
    await recordFailure(sql, keys, input.now, EVALUATION_CODE_RULE);
  return outcome;
}

/** An evaluated project's public results, by the fund's slug and the project's number. */
export async function publicResultsOf(
  sql: Sql,
  input: { slug: string; number: number }
): Promise<{ project: EvaluatedProject; results: EvaluationResults } | null> {
  if (!Number.isSafeInteger(input.number) || input.number < 1 || input.number > 2_147_483_647) return null;
  const [row] = await sql<(EvaluatedProject & { applicationId: string })[]>`
    select a.id::text as "applicationId", f.slug as "fundSlug", f.name_zh as "fundNameZh", f.name_en as "fundNameEn",
           a.number, a.title, o.name as "compoundName"
      from applications a join funds f on f.id = a.fund_id join compounds o on o.id = a.compound_id
     where f.slug = ${input.slug.slice(0, 100)} and a.number = ${input.number}
       and a.status in ${sql([...EVALUATED_STATES])}`;
  if (row === undefined) return null;
  return { project: projectOf(row), results: await evaluationResultsOf(sql, row.applicationId) };
}

// ---------------------------------------------------------------------------------------------
// The demo fund
