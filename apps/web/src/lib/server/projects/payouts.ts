import {
  ACCOUNTS,
  Money,
  decidePayout,
  decideSecondApproval,
  money,
  participationOf,
  payoutReleasable,
  type PayoutPolicy,
  type ProjectFigures,
  type ReleaseLimit,
  chinaDateOf
} from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import { Refusal, runCommand } from '../platform/command';
import type { Sql, Transaction } from '../db/client';
import { parseAmount, type AmountCode } from '../fund/money-in';
import { can, type Action, type Actor, type ApplicationStatus } from '../access/policy';
import {
  figuresOf,
  loadProject,
  payoutPolicyOf,
  postVoucherIn,
  projectAccountsIn,
  projectKey,
  projectMoneyIn,
  projectPolicyIn,
  projectRefOf,
  type ProjectMoney,
  type ProjectRow
} from './project-core';
import { lockPool } from '../grants/review';

/**
 * Paying out a project's match in tranches. The fund administrator asks for a payout of at most
 * what the policy releases now (payoutReleasable); up to the policy's threshold it is paid at once,
 * above it the payout waits for a second approver, who may not be the person who asked (four
 * eyes, which the database's payout_has_four_eyes check also holds). Paying is one entry that
 * settles part of the project's hold on the pool: Dr 1002.02.P-n / Cr 1002.01, the match moving
 * into the project's own bank sub-account, with the next voucher number.
 *
 * A payout to a supplier is booked the same way: the money reaches the supplier through the
 * project's account, and the expense (which needs the invoice, and splits between the match and
 * the households' money) is recorded on the expenses page, which the payouts page links to with
 * the supplier and amount filled in.
 *
 * Locks are taken in the review's order: the pool's balance row, then the project row, then the
 * chain head (inside postVoucherIn). Two payouts for the same last money queue on the project row,
 * and the second decides on the figures the first left.
 */

export const PAYEE_KINDS = ['committee', 'supplier'] as const;
export type PayeeKind = (typeof PAYEE_KINDS)[number];
export const PAYEE_NAME_LENGTH_MAX = 80;
export const PAYOUT_MEMO_LENGTH_MAX = 200;

export type PayoutStatus = 'waiting' | 'paid' | 'cancelled';

interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

export type PayoutFailure =
  | { ok: false; code: 'not_allowed' }
  | { ok: false; code: 'project_not_found' | 'payout_not_found' }
  | { ok: false; code: 'payout_exceeds_releasable'; releasable: string; limit: ReleaseLimit }
  | { ok: false; code: 'payout_is_not_waiting'; status: PayoutStatus }
  | { ok: false; code: 'project_state_does_not_allow_it'; status: ApplicationStatus }
  | {
      ok: false;
      code:
        | AmountCode
        | 'payout_must_be_positive'
        | 'project_is_closed'
        | 'payee_name_is_required'
        | 'payee_name_must_be_short'
        | 'memo_must_be_short'
        | 'form_was_already_used_for_something_else'
        | 'second_approver_must_differ'
        | 'project_has_no_hold'
        | 'payout_was_refused_by_the_books';
    };

export type PayoutCode = PayoutFailure['code'];

export type PayoutOutcome = {
  ok: true;
  payoutId: string;
  status: PayoutStatus;
  /** The entry (and voucher number) of a paid payout. */
  seq: number | null;
  replayed: boolean;
};

export type PayoutResult = PayoutOutcome | PayoutFailure;

const userIdOf = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);

const isClosed = (project: ProjectRow): boolean => project.status === 'closed' || project.status === 'cancelled';

/**
 * The policy on the locked project row. A role that may act, on a project whose state does not
 * allow it (not yet active, or closed), gets a refusal that says so rather than a bare "not
 * allowed", so that the page can tell the person why.
 */
function refusedBy(
  actor: Actor,
  action: Extract<Action, 'project.payout.request' | 'project.payout.approve'>,
  fundId: string,
  project: ProjectRow
): PayoutFailure | null {
  const decision = can(actor, action, projectRefOf(fundId, project));
  if (decision.allowed) return null;
  return decision.reason === 'state_does_not_allow_it'
    ? { ok: false, code: 'project_state_does_not_allow_it', status: project.status }
    : { ok: false, code: 'not_allowed' };
}

/**
 * One payout command in one transaction. A refusal found after something was written throws a
 * Refusal carrying the whole failure (with its status or figure), so the transaction rolls back.
 */
function run(sql: Sql, work: (transaction: Transaction) => Promise<PayoutResult>): Promise<PayoutResult> {
  return runCommand<PayoutResult, PayoutFailure>(sql, work);
}

// ---------------------------------------------------------------------------------------------
// Asking for a payout

export interface PayoutRequest {
  /** As typed: a decimal string. */
  amount: string;
  payeeKind: PayeeKind;
  /** The supplier's name; for the committee the compound's name is used. */
  payeeName: string;
  memo: string;
  /** The form's key: the same form sent twice asks for one payout. */
  key: string;
}

/** Checks what can be checked before any row is read. */
function checkRequest(input: PayoutRequest): PayoutFailure | { ok: true; amount: Money } {
  const amount = parseAmount(input.amount);
  if (!amount.ok) return { ok: false, code: amount.code };
  if (input.payeeKind === 'supplier') {
    if (input.payeeName.trim() === '') return { ok: false, code: 'payee_name_is_required' };
    if (input.payeeName.trim().length > PAYEE_NAME_LENGTH_MAX) return { ok: false, code: 'payee_name_must_be_short' };
  }
  if (input.memo.trim().length > PAYOUT_MEMO_LENGTH_MAX) return { ok: false, code: 'memo_must_be_short' };
  return { ok: true, amount: amount.amount };
}

/** Asks for a payout of the project's match: paid at once, or waiting for a second approver. */
export async function requestPayout(sql: Sql, input: Command & PayoutRequest): Promise<PayoutResult> {
  const checked = checkRequest(input);
  if (!checked.ok) return checked;
  return run(sql, (transaction) => requestPayoutIn(transaction, { ...input, amount: checked.amount }));
}

/** The request inside a transaction the caller holds (the demo seed too). */
export async function requestPayoutIn(
  transaction: Transaction,
  input: Command & Omit<PayoutRequest, 'amount'> & { amount: Money }
): Promise<PayoutResult> {
  await lockPool(transaction, input.fundId);
  const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
  if (project === null) return { ok: false, code: 'project_not_found' };
  // The same form sent again is answered as the first time, even once the project has moved on;
  // whoever may not ask for payouts at all is refused first.
  const refused = refusedBy(input.actor, 'project.payout.request', input.fundId, project);
  if (refused?.code === 'not_allowed') return refused;
  const replay = await replayOf(transaction, { fundId: input.fundId, key: input.key, project, amount: input.amount });
  if (replay !== null) return replay;
  if (refused !== null) return refused;
  const { policy, figures } = await figuresIn(transaction, input.fundId, project);
  const decision = decidePayout(policy, { ...figures, closed: isClosed(project) }, input.amount);
  if (!decision.ok) return refusalOf(decision);
  const payeeName = await payeeNameOf(transaction, project, input);
  const requesterId = userIdOf(input.actor);
  if (requesterId === null) return { ok: false, code: 'not_allowed' };
  const memo = input.memo.trim();
  if (decision.value.needsSecondApprover) {
    const [row] = await transaction<{ id: string }[]>`
      insert into payouts (fund_id, application_id, amount, payee_kind, payee_name, memo, status, requested_by,
                           requested_at, create_key)
      values (${input.fundId}, ${project.id}, ${input.amount.toString()}, ${input.payeeKind}, ${payeeName}, ${memo},
              'waiting', ${requesterId}, ${input.now}, ${input.key})
      returning id::text as id`;
    if (row === undefined) throw new Error('payouts: the insert returned no row');
    await payoutEvent(transaction, input, {
      action: 'payout.requested',
      payoutId: row.id,
      project,
      amount: input.amount
    });
    await notifyApprovers(transaction, { fundId: input.fundId, project, now: input.now, except: requesterId });
    return { ok: true, payoutId: row.id, status: 'waiting', seq: null, replayed: false };
  }
  const seq = await payIn(transaction, {
    fundId: input.fundId,
    project,
    amount: input.amount,
    key: input.key,
    payeeName,
    memo,
    now: input.now
  });
  const [row] = await transaction<{ id: string }[]>`
    insert into payouts (fund_id, application_id, amount, payee_kind, payee_name, memo, status, requested_by,
                         requested_at, entry_seq, create_key)
    values (${input.fundId}, ${project.id}, ${input.amount.toString()}, ${input.payeeKind}, ${payeeName}, ${memo},
            'paid', ${requesterId}, ${input.now}, ${seq}, ${input.key})
    returning id::text as id`;
  if (row === undefined) throw new Error('payouts: the insert returned no row');
  await payoutEvent(transaction, input, {
    action: 'payout.paid',
    payoutId: row.id,
    project,
    amount: input.amount,
    seq
  });
  return { ok: true, payoutId: row.id, status: 'paid', seq, replayed: false };
}

/**
 * A form already used: the same request returns what the first one did; the key used for a
 * different payout is refused, so that a stale form cannot stand in for a new one.
 */
async function replayOf(
  transaction: Transaction,
  input: { fundId: string; key: string; project: ProjectRow; amount: Money }
): Promise<PayoutResult | null> {
  const [row] = await transaction<
    { id: string; applicationId: string; amount: string; status: PayoutStatus; seq: string | null }[]
  >`
    select id::text as id, application_id::text as "applicationId", amount::text as amount, status,
           entry_seq::text as seq
      from payouts where fund_id = ${input.fundId} and create_key = ${input.key}`;
  if (row === undefined) return null;
  if (row.applicationId !== input.project.id || !money(row.amount).equals(input.amount)) {
    return { ok: false, code: 'form_was_already_used_for_something_else' };
  }
  return {
    ok: true,
    payoutId: row.id,
    status: row.status,
    seq: row.seq === null ? null : Number(row.seq),
    replayed: true
  };
}

function refusalOf(decision: { code: string; [detail: string]: unknown }): PayoutFailure {
  if (decision.code === 'payout_exceeds_releasable') {
    return {
      ok: false,
      code: 'payout_exceeds_releasable',
      releasable: typeof decision['releasable'] === 'string' ? decision['releasable'] : '0.00',
      limit: decision['limit'] as ReleaseLimit
    };
  }
  if (decision.code === 'project_is_closed') return { ok: false, code: 'project_is_closed' };
  return { ok: false, code: 'payout_must_be_positive' };
}

/** The committee is paid under its compound's name; a supplier under the name typed. */
async function payeeNameOf(
  transaction: Transaction,
  project: ProjectRow,
  input: Pick<PayoutRequest, 'payeeKind' | 'payeeName'>
): Promise<string> {
  if (input.payeeKind === 'supplier') return input.payeeName.trim();
  const [compound] = await transaction<{ name: string }[]>`select name from compounds where id = ${project.compoundId}`;
  return (compound?.name ?? '').slice(0, PAYEE_NAME_LENGTH_MAX) || '—';
}

export async function figuresIn(
  transaction: Sql | Transaction,
  fundId: string,
  project: ProjectRow
): Promise<{ policy: PayoutPolicy; projectMoney: ProjectMoney; figures: ProjectFigures }> {
  const policy = payoutPolicyOf(await projectPolicyIn(transaction, fundId, project.policyVersion));
  const projectMoney = await projectMoneyIn(transaction, fundId, project);
  return { policy, projectMoney, figures: figuresOf(project, projectMoney) };
}

/**
 * Pays a payout: one entry settling part of the project's hold, the match moving from the pool
 * into the project's bank sub-account. The key is the payout's own, so that a retried approval
 * finds the entry already posted instead of posting a second one.
 */
async function payIn(
  transaction: Transaction,
  input: { fundId: string; project: ProjectRow; amount: Money; key: string; payeeName: string; memo: string; now: Date }
): Promise<number> {
  const { project } = input;
  if (project.holdId === null) throw new Refusal<PayoutFailure>({ ok: false, code: 'project_has_no_hold' });
  const accounts = await projectAccountsIn(transaction, input.fundId, project);
  const memo = `配套资金拨付：${project.title}（收款：${input.payeeName}）${input.memo === '' ? '' : `；${input.memo}`}`;
  const posted = await postVoucherIn(transaction, {
    fundId: input.fundId,
    key: `payout:${input.key}`,
    now: input.now,
    posting: {
      kind: 'settle',
      holdId: project.holdId,
      amount: input.amount,
      command: {
        date: chinaDateOf(input.now),
        memo: memo.slice(0, 200),
        postings: [
          { account: accounts.funds, side: 'debit', amount: input.amount },
          { account: ACCOUNTS.pool, side: 'credit', amount: input.amount }
        ]
      },
      references: { applicationId: projectKey(project) }
    }
  });
  if (!posted.ok) throw new Refusal<PayoutFailure>({ ok: false, code: 'payout_was_refused_by_the_books' });
  return posted.seq;
}

/** The fund administrators and the leadership hear that a payout waits for a second approver. */
async function notifyApprovers(
  transaction: Transaction,
  input: { fundId: string; project: ProjectRow; now: Date; except: string }
): Promise<void> {
  await transaction`
    insert into notifications (fund_id, user_id, at, kind, application_id)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, 'payout.waiting',
           ${input.project.id}::bigint
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and u.status = 'active' and m.role in ('fund_admin', 'leader')
       and m.user_id <> ${input.except}`;
}

async function payoutEvent(
  transaction: Transaction,
  input: Pick<Command, 'actor' | 'fundId' | 'now' | 'ip'>,
  event: {
    action: 'payout.requested' | 'payout.paid' | 'payout.cancelled';
    payoutId: string;
    project: ProjectRow;
    amount: Money;
    seq?: number;
  }
): Promise<void> {
  await recordEvent(transaction, {
    action: event.action,
    outcome: 'ok',
    at: input.now,
    actorUserId: userIdOf(input.actor),
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'payout',
    resourceId: event.payoutId,
    detail: {
      applicationNumber: event.project.number,
      amount: event.amount.toString(),
      ...(event.seq === undefined ? {} : { entrySeq: event.seq })
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The second approver, and cancelling

interface PayoutRow {
  id: string;
  amount: string;
  status: PayoutStatus;
  requestedBy: string;
  approvedBy: string | null;
  payeeName: string;
  memo: string;
  createKey: string;
  seq: string | null;
}

async function lockPayout(transaction: Transaction, project: ProjectRow, payoutId: string): Promise<PayoutRow | null> {
  if (!/^[1-9][0-9]{0,17}$/.test(payoutId)) return null;
  const [row] = await transaction<PayoutRow[]>`
    select id::text as id, amount::text as amount, status, requested_by::text as "requestedBy",
           approved_by::text as "approvedBy", payee_name as "payeeName", memo, create_key as "createKey",
           entry_seq::text as seq
      from payouts where id = ${payoutId} and application_id = ${project.id}
       for update`;
  return row ?? null;
}

/**
 * The second approver's yes: four eyes (never the requester), and the releasable amount checked
 * again, since figures may have moved since the request. The waiting payout counts in what is
 * committed, so it is taken out before the check. The same approval sent twice pays once.
 */
export async function approvePayout(sql: Sql, input: Command & { payoutId: string }): Promise<PayoutResult> {
  return run(sql, (transaction) => approvePayoutIn(transaction, input));
}

export async function approvePayoutIn(
  transaction: Transaction,
  input: Command & { payoutId: string }
): Promise<PayoutResult> {
  await lockPool(transaction, input.fundId);
  const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
  if (project === null) return { ok: false, code: 'project_not_found' };
  // As for the request: the approval sent again is answered as the first time, whatever the
  // project's state now; whoever may not approve at all is refused first.
  const refused = refusedBy(input.actor, 'project.payout.approve', input.fundId, project);
  if (refused?.code === 'not_allowed') return refused;
  const payout = await lockPayout(transaction, project, input.payoutId);
  if (payout === null) return { ok: false, code: 'payout_not_found' };
  const approverId = userIdOf(input.actor) ?? '';
  if (payout.status === 'paid' && payout.approvedBy === approverId) {
    return { ok: true, payoutId: payout.id, status: 'paid', seq: Number(payout.seq), replayed: true };
  }
  if (refused !== null) return refused;
  const four = decideSecondApproval({ status: payout.status, requesterId: payout.requestedBy, approverId });
  if (!four.ok) {
    return four.code === 'payout_is_not_waiting'
      ? { ok: false, code: 'payout_is_not_waiting', status: payout.status }
      : { ok: false, code: 'second_approver_must_differ' };
  }
  const amount = money(payout.amount);
  const { policy, figures } = await figuresIn(transaction, input.fundId, project);
  const others = { ...figures, matchCommitted: figures.matchCommitted.minus(amount), closed: isClosed(project) };
  const decision = decidePayout(policy, others, amount);
  if (!decision.ok) return refusalOf(decision);
  const seq = await payIn(transaction, {
    fundId: input.fundId,
    project,
    amount,
    key: payout.createKey,
    payeeName: payout.payeeName,
    memo: payout.memo,
    now: input.now
  });
  await transaction`
    update payouts set status = 'paid', approved_by = ${approverId}, approved_at = ${input.now}, entry_seq = ${seq}
     where id = ${payout.id}`;
  await payoutEvent(transaction, input, { action: 'payout.paid', payoutId: payout.id, project, amount, seq });
  return { ok: true, payoutId: payout.id, status: 'paid', seq, replayed: false };
}

/** Withdraws a waiting payout: by the person who asked for it, or by a fund administrator. */
export async function cancelPayout(sql: Sql, input: Command & { payoutId: string }): Promise<PayoutResult> {
  return run(sql, async (transaction) => {
    const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
    if (project === null) return { ok: false, code: 'project_not_found' };
    const ref = projectRefOf(input.fundId, project);
    const payout = await lockPayout(transaction, project, input.payoutId);
    const actorId = userIdOf(input.actor);
    // A fund administrator may withdraw a waiting payout in any state of the project: withdrawing
    // pays nothing, and a payout left waiting on a closed project could never be paid anyway.
    const asAdministrator = refusedBy(input.actor, 'project.payout.request', input.fundId, project);
    const mayCancel =
      asAdministrator === null ||
      asAdministrator.code === 'project_state_does_not_allow_it' ||
      (payout !== null && payout.requestedBy === actorId && can(input.actor, 'project.read', ref).allowed);
    if (!mayCancel) return { ok: false, code: 'not_allowed' };
    if (payout === null) return { ok: false, code: 'payout_not_found' };
    if (payout.status === 'cancelled') {
      return { ok: true, payoutId: payout.id, status: 'cancelled', seq: null, replayed: true };
    }
    if (payout.status !== 'waiting') return { ok: false, code: 'payout_is_not_waiting', status: payout.status };
    await transaction`update payouts set status = 'cancelled' where id = ${payout.id}`;
    await payoutEvent(transaction, input, {
      action: 'payout.cancelled',
      payoutId: payout.id,
      project,
      amount: money(payout.amount)
    });
    return { ok: true, payoutId: payout.id, status: 'cancelled', seq: null, replayed: false };
  });
}

// ---------------------------------------------------------------------------------------------
// The payouts page

export interface PayoutView {
  id: string;
  amount: string;
  payeeKind: PayeeKind;
  payeeName: string;
  memo: string;
  status: PayoutStatus;
  requestedById: string;
  requestedByName: string;
  requestedAt: Date;
  approvedByName: string | null;
  approvedAt: Date | null;
  seq: number | null;
  /** Paid, then reversed (冲销): still listed, as the books keep it, its money reserved again. */
  reversed: boolean;
}

export interface PayoutsOverview {
  /** What a payout may be now, and the figure that bounds it. */
  releasable: string;
  limit: ReleaseLimit;
  earned: string;
  matchApproved: string;
  /** After acceptance the match on the actual cost; before, the approved match. */
  matchDue: string;
  matchPaid: string;
  matchWaiting: string;
  /** Still held on the pool for the project. */
  matchHeld: string;
  /** The match due not yet paid or asked for. */
  matchOutstanding: string;
  selfRaisedTarget: string;
  selfRaisedReceived: string;
  householdsPaid: number;
  householdsExpected: number;
  costActual: string;
  accepted: boolean;
  /** The policy's hold-back share and minimum participation as percentages ("50"), or null. */
  holdBackPercent: string;
  participationMinPercent: string | null;
  secondApproverAbove: string;
  payouts: PayoutView[];
}

const percentOf = (share: string): string => money('100').toDecimal().times(share).toDecimalPlaces(2).toString();

/** The figures and the payouts of one project, as its payouts page shows them. */
export async function payoutsOverview(sql: Sql, fundId: string, project: ProjectRow): Promise<PayoutsOverview> {
  const { policy, projectMoney, figures } = await figuresIn(sql, fundId, project);
  const released = payoutReleasable(policy, figures);
  const payouts = await sql<PayoutView[]>`
    select p.id::text as id, p.amount::text as amount, p.payee_kind as "payeeKind", p.payee_name as "payeeName",
           p.memo, p.status, p.requested_by::text as "requestedById", r.display_name as "requestedByName",
           p.requested_at as "requestedAt", a.display_name as "approvedByName", p.approved_at as "approvedAt",
           p.entry_seq::int as seq,
           exists (select 1 from reversed_entries v where v.fund_id = p.fund_id and v.seq = p.entry_seq) as reversed
      from payouts p join users r on r.id = p.requested_by left join users a on a.id = p.approved_by
     where p.application_id = ${project.id}
     order by p.id desc`;
  const committed = projectMoney.matchPaid.plus(projectMoney.matchWaiting);
  return {
    releasable: released.releasable.toString(),
    limit: released.limit,
    earned: released.earned.toString(),
    matchApproved: figures.matchApproved.toString(),
    matchDue: released.matchDue.toString(),
    matchPaid: projectMoney.matchPaid.toString(),
    matchWaiting: projectMoney.matchWaiting.toString(),
    matchHeld: projectMoney.matchHeld.toString(),
    matchOutstanding: Money.max(Money.zero(), released.matchDue.minus(committed)).toString(),
    selfRaisedTarget: figures.selfRaisedTarget.toString(),
    selfRaisedReceived: figures.selfRaisedReceived.toString(),
    householdsPaid: figures.householdsPaid,
    householdsExpected: figures.householdsExpected,
    costActual: figures.costActual.toString(),
    accepted: figures.accepted,
    holdBackPercent: percentOf(policy.holdBackShare),
    participationMinPercent: participationOf({
      householdsPaid: figures.householdsPaid,
      householdsExpected: figures.householdsExpected,
      participationMin: policy.participationMin
    }).percentMin,
    secondApproverAbove: policy.secondApproverAbove.toString(),
    payouts
  };
}

// ---------------------------------------------------------------------------------------------
// The demo fund
