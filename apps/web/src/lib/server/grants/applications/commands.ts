import { budgetTotal, decideTransition } from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { Refusal, runCommand } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import { currentPolicy } from '../../fund/fund-policy';
import { can, type Actor, type ApplicationStatus } from '../../access/policy';
import { actorIdOf, type Command, type MissingPart, type NotAllowed, type NotEditable, type NotFound } from './model';
import { applicationView, refOf, type ApplicationDetail, type Snapshot } from './reads';
import { matchPreview, missingParts, type MatchPreview } from './live-match';
import { followApplicationIn } from '../project-list/items';

/** The commands of an application's life: starting a draft, submitting it, withdrawing it. */

/** Whether the database refused a write to a submitted application (the GJ014 freeze trigger). */
function isFrozenError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'GJ014';
}

function frozenAsRefusal(error: unknown): never {
  if (isFrozenError(error)) throw new Refusal<NotEditable>({ ok: false, code: 'application_is_not_editable' });
  throw error;
}

/**
 * Runs a command that changes an application in one transaction (runCommand). The status is
 * checked under the row lock first; GJ014 reaching here means a rule changed under this code, and
 * the person is told the application can no longer be changed rather than shown a 500.
 */
export function runApplicationCommand<R>(
  sql: Sql,
  work: (transaction: Transaction) => Promise<R>
): Promise<R | NotEditable> {
  return runCommand<R, NotEditable>(sql, (transaction) => work(transaction).catch(frozenAsRefusal));
}

export type CreateDraftResult =
  { ok: true; number: number; replayed: boolean } | NotAllowed | { ok: false; code: 'compound_not_in_fund' };

/**
 * Starts a draft for one of the committee's compounds, numbered one past the fund's last number
 * under a lock on the fund row. The form's key makes a double click start one draft, not two.
 */
export async function createDraft(
  sql: Sql,
  input: Command & { compoundId: string; idempotencyKey: string }
): Promise<CreateDraftResult> {
  // A new draft is not frozen: its insert cannot meet GJ014.
  return runCommand<CreateDraftResult, never>(sql, (transaction) => createDraftIn(transaction, input));
}

export async function createDraftIn(
  transaction: Transaction,
  input: Command & { compoundId: string; idempotencyKey: string }
): Promise<CreateDraftResult> {
  const decision = can(input.actor, 'application.create', { fundId: input.fundId, compoundId: input.compoundId });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  const actorUserId = actorIdOf(input.actor);
  if (actorUserId === null) return { ok: false, code: 'not_allowed', reason: 'sign_in_required' };
  await transaction`select 1 from funds where id = ${input.fundId} for update`;
  // The fund row's lock serializes drafts of one fund, so this read and the insert below cannot
  // interleave with a second submission of the same form; the unique index is the backstop.
  const [earlier] = await transaction<{ number: number }[]>`
    select number from applications
     where fund_id = ${input.fundId} and created_by = ${actorUserId} and create_key = ${input.idempotencyKey}`;
  if (earlier !== undefined) return { ok: true, number: earlier.number, replayed: true };
  const [compound] = await transaction`
    select 1 from compounds where fund_id = ${input.fundId} and id = ${input.compoundId}`;
  if (compound === undefined) return { ok: false, code: 'compound_not_in_fund' };
  const [row] = await transaction<{ id: string; number: number }[]>`
    insert into applications (fund_id, number, compound_id, status, created_by, created_at, updated_at, create_key)
    values (${input.fundId},
            (select coalesce(max(number), 0) + 1 from applications where fund_id = ${input.fundId}),
            ${input.compoundId}, 'draft', ${actorUserId}, ${input.now}, ${input.now}, ${input.idempotencyKey})
    returning id::text as id, number`;
  if (row === undefined) throw new Error('createDraft: the insert returned no row');
  await recordEvent(transaction, {
    action: 'application.created',
    outcome: 'ok',
    at: input.now,
    actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: row.id,
    detail: { applicationNumber: row.number, compoundId: input.compoundId, idempotencyKey: input.idempotencyKey }
  });
  return { ok: true, number: row.number, replayed: false };
}

export interface LockedApplication {
  id: string;
  compoundId: string;
  applicantUnitId: string | null;
  status: ApplicationStatus;
  revision: number;
}

export async function lockApplication(transaction: Transaction, fundId: string, number: number) {
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const [row] = await transaction<LockedApplication[]>`
    select id::text as id, compound_id::text as "compoundId", applicant_unit_id::text as "applicantUnitId",
           status, revision
      from applications where fund_id = ${fundId} and number = ${number} for update`;
  return row ?? null;
}

/** Reads the policy's answer for editing as the result a command returns. */
export function editRefusal(actor: Actor, fundId: string, row: LockedApplication): NotAllowed | NotEditable | null {
  const decision = can(actor, 'application.edit', refOf(row, fundId));
  if (decision.allowed) return null;
  if (decision.reason === 'state_does_not_allow_it') return { ok: false, code: 'application_is_not_editable' };
  return { ok: false, code: 'not_allowed', reason: decision.reason };
}

export type SubmitResult =
  | { ok: true; revision: number; matchAmount: string; replayed: boolean }
  | NotAllowed
  | NotFound
  | NotEditable
  | { ok: false; code: 'fund_has_no_policy' }
  | { ok: false; code: 'application_must_be_complete'; missing: MissingPart[] };

/**
 * Submits a complete draft, or a revised returned application as the next revision: it is judged
 * by the policy version current now, its match is computed under it, and a snapshot of everything
 * is kept. The fund's administrators are told. Sending the form twice submits once.
 */
export async function submitApplication(sql: Sql, input: Command & { number: number }): Promise<SubmitResult> {
  return runApplicationCommand(sql, (transaction) => submitApplicationIn(transaction, input));
}

export async function submitApplicationIn(
  transaction: Transaction,
  input: Command & { number: number }
): Promise<SubmitResult> {
  const row = await lockApplication(transaction, input.fundId, input.number);
  if (row === null) return { ok: false, code: 'application_not_found' };
  const refusal = editRefusal(input.actor, input.fundId, row);
  if (refusal !== null) {
    if (refusal.code === 'application_is_not_editable' && row.status === 'submitted') {
      // The same button pressed twice: the first press submitted it.
      const [stored] = await transaction<{ match: string }[]>`
        select match_amount::text as match from applications where id = ${row.id}`;
      return { ok: true, revision: row.revision, matchAmount: stored?.match ?? '0.00', replayed: true };
    }
    return refusal;
  }
  const policy = await currentPolicy(transaction as unknown as Sql, input.fundId);
  if (policy === null) return { ok: false, code: 'fund_has_no_policy' };
  const detail = await applicationView(transaction, { fundId: input.fundId, number: input.number });
  if (detail === null) return { ok: false, code: 'application_not_found' };
  const preview = await matchPreview(transaction, {
    fundId: input.fundId,
    application: detail,
    policy,
    now: input.now
  });
  const missing = missingParts(detail, policy.policy, preview);
  const decided = decideTransition(row.status, { event: 'submit', completeness: { missing } });
  if (!decided.ok) {
    if (decided.code === 'application_must_be_complete') {
      return { ok: false, code: 'application_must_be_complete', missing };
    }
    return { ok: false, code: 'application_is_not_editable' };
  }
  if (!preview.ok) return { ok: false, code: 'application_must_be_complete', missing: ['match'] };
  const revision = row.status === 'returned' ? row.revision + 1 : row.revision;
  const match = preview.decision;
  await transaction`
    update applications set status = ${decided.value.to}, policy_version = ${policy.version},
           match_amount = ${match.match.toString()}, submitted_at = ${input.now}, revision = ${revision},
           updated_at = ${input.now}
     where id = ${row.id}`;
  const snapshot = snapshotOf(detail, { number: input.number, revision, policyVersion: policy.version, preview });
  await transaction`
    insert into application_revisions (fund_id, application_id, revision, submitted_at, snapshot)
    values (${input.fundId}, ${row.id}, ${revision}, ${input.now},
            ${transaction.json(JSON.parse(JSON.stringify(snapshot)) as Parameters<typeof transaction.json>[0])})`;
  await recordTransition(transaction, {
    ...input,
    row,
    revision,
    from: row.status,
    to: decided.value.to,
    event: 'submit'
  });
  await notifyAdministrators(transaction, {
    fundId: input.fundId,
    applicationId: row.id,
    kind: 'application.submitted',
    now: input.now
  });
  return { ok: true, revision, matchAmount: match.match.toString(), replayed: false };
}

/** What one submission was, as application_revisions keeps it. */
function snapshotOf(
  detail: ApplicationDetail,
  input: { number: number; revision: number; policyVersion: number; preview: MatchPreview & { ok: true } }
): Snapshot {
  const match = input.preview.decision;
  return {
    number: input.number,
    revision: input.revision,
    compoundId: detail.compoundId,
    title: detail.title,
    category: detail.category,
    description: detail.description,
    location: detail.location,
    requestedRatio: detail.requestedRatio,
    requestedRatioReason: detail.requestedRatioReason,
    selfRaiseTarget: detail.selfRaiseTarget,
    householdsExpected: detail.householdsExpected,
    lines: detail.lines,
    total: budgetTotal(detail.lines).toString(),
    resolution: detail.resolution,
    files: detail.files.map((file) => ({ sha256: file.sha256, kind: file.kind, originalName: file.originalName })),
    policyVersion: input.policyVersion,
    match: {
      amount: match.match.toString(),
      ratio: match.ratio,
      boundBy: match.boundBy,
      selfRaised: match.selfRaised.toString()
    },
    working: input.preview.working
  };
}

export type WithdrawResult = { ok: true; replayed: boolean } | NotAllowed | NotFound | NotEditable;

/** The committee takes its application back, at any point before the leadership group decides. */
export async function withdrawApplication(sql: Sql, input: Command & { number: number }): Promise<WithdrawResult> {
  return runApplicationCommand(sql, (transaction) => withdrawApplicationIn(transaction, input));
}

export async function withdrawApplicationIn(
  transaction: Transaction,
  input: Command & { number: number }
): Promise<WithdrawResult> {
  const row = await lockApplication(transaction, input.fundId, input.number);
  if (row === null) return { ok: false, code: 'application_not_found' };
  const decision = can(input.actor, 'application.withdraw', refOf(row, input.fundId));
  if (!decision.allowed) {
    if (decision.reason !== 'state_does_not_allow_it')
      return { ok: false, code: 'not_allowed', reason: decision.reason };
    // Withdrawn already: the same form sent twice.
    if (row.status === 'withdrawn') return { ok: true, replayed: true };
    return { ok: false, code: 'application_is_not_editable' };
  }
  const decided = decideTransition(row.status, { event: 'withdraw' });
  if (!decided.ok) return { ok: false, code: 'application_is_not_editable' };
  await transaction`
    update applications set status = ${decided.value.to}, updated_at = ${input.now} where id = ${row.id}`;
  await recordTransition(transaction, {
    ...input,
    row,
    revision: row.revision,
    from: row.status,
    to: decided.value.to,
    event: 'withdraw'
  });
  if (row.status !== 'draft') {
    await notifyAdministrators(transaction, {
      fundId: input.fundId,
      applicationId: row.id,
      kind: 'application.withdrawn',
      now: input.now
    });
  }
  return { ok: true, replayed: false };
}

async function recordTransition(
  transaction: Transaction,
  input: Command & {
    row: LockedApplication;
    number: number;
    revision: number;
    from: ApplicationStatus;
    to: ApplicationStatus;
    event: 'submit' | 'withdraw';
  }
): Promise<void> {
  const actorUserId = actorIdOf(input.actor);
  await transaction`
    insert into application_transitions (fund_id, application_id, revision, from_status, to_status, event, actor_user_id, at)
    values (${input.fundId}, ${input.row.id}, ${input.revision}, ${input.from}, ${input.to}, ${input.event},
            ${actorUserId}, ${input.now})`;
  await recordEvent(transaction, {
    action: input.event === 'submit' ? 'application.submit' : 'application.withdraw',
    outcome: 'ok',
    at: input.now,
    actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: input.row.id,
    detail: { applicationNumber: input.number, revision: input.revision }
  });
  // A draft opened by the project list takes its item along (a withdrawn draft ends the order).
  await followApplicationIn(transaction, {
    fundId: input.fundId,
    applicationId: input.row.id,
    now: input.now,
    ip: input.ip,
    actorUserId
  });
}

/** One inbox row for each of the fund's administrators. */
async function notifyAdministrators(
  transaction: Transaction,
  input: { fundId: string; applicationId: string; kind: string; now: Date }
): Promise<void> {
  await transaction`
    insert into notifications (fund_id, user_id, at, kind, application_id)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, ${input.kind}, ${input.applicationId}::bigint
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and m.role = 'fund_admin' and u.status = 'active'`;
}
