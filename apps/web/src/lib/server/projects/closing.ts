import {
  ACCOUNTS,
  acceptanceCompletion,
  Money,
  decideTransition,
  money,
  planClosing,
  projectAccounts,
  refundsOf,
  type ClosingPlan,
  type HouseholdPaid,
  chinaDateOf
} from '@gongjian/ledger';
import * as books from '../books';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor } from '../access/policy';
import {
  compoundAccountIn,
  loadProject,
  payoutPolicyOf,
  postVoucherIn,
  projectAccountsIn,
  projectKey,
  projectMoneyIn,
  projectPolicyIn,
  projectRefOf,
  type ProjectRow
} from './project-core';
import { applyTransition, loadApplication, lockPool } from '../grants/review';
import { Refusal, runCommand } from '../platform/command';

/*
 * The end of a grant. Closing an accepted project recomputes the match on the actual cost, trues
 * the books up to it, returns any match paid beyond it to the pool, refunds the households'
 * surplus in proportion to what each paid (one entry per household) or keeps it as the
 * compound's reserve, as the owners' meeting decided, lifts the restriction on the match spent,
 * and releases what is still reserved on the pool. Cancelling a grant that spent nothing returns
 * the match paid, refunds every household and releases the reservation.
 *
 * Everything happens in one transaction, under the project's row lock, then the fund's chain
 * head and the pool (the posting path's own order), so no payout, payment or expense can slip in
 * between the plan and its entries. Any refusal, from the plan or from the books, rolls all of it
 * back: the project is left exactly as it was. Afterwards the database refuses every new entry
 * that names the project (GJ016).
 */

export const CLOSING_REASON_LENGTH_MAX = 2000;

type Denied = { ok: false; code: 'not_allowed' };
type NotFound = { ok: false; code: 'project_not_found' };

export type ClosingKind = 'close' | 'cancel';

export type ClosingCode =
  | 'project_is_not_accepted'
  | 'final_tranche_is_not_paid'
  | 'refund_has_no_payers'
  | 'self_raised_is_short'
  | 'expenses_are_short_of_the_accepted_cost'
  | 'project_has_spending'
  | 'payouts_are_waiting'
  | 'transition_not_allowed'
  | 'cancel_needs_a_reason'
  | 'reason_must_be_short'
  | 'closing_entry_was_refused'
  | 'project_is_already_ended';

/** A refusal with the figure that limits it (outstanding, shortfall, costActual, waiting), as a decimal string. */
export type ClosingRefusal = { ok: false; code: ClosingCode; figure: string | null };

/** One household's refund, as the page lists it and the entry's memo names it. */
export interface RefundLine {
  householdId: string;
  /** Building-unit-room and the first character of the name: 1-2-301 张*. */
  label: string;
  paid: string;
  refund: string;
}

/** The plan in figures, for the page to show before anyone confirms it. */
export interface ClosingPlanView {
  kind: ClosingKind;
  matchApproved: string;
  matchPaid: string;
  matchFinal: string;
  costActual: string;
  selfRaisedReceived: string;
  holdReleased: string;
  matchReturned: string;
  surplus: string;
  surplusMode: 'refund' | 'keep';
  refunds: RefundLine[];
  /** How many entries (vouchers) the close will post. */
  entries: number;
}

export type ClosingPreview = { ok: true; plan: ClosingPlanView } | NotFound | ClosingRefusal;

export interface ClosingDone {
  kind: 'closed' | 'cancelled';
  closedAt: Date;
  matchFinal: string;
  holdReleased: string;
  matchReturned: string;
  surplus: string;
  surplusMode: 'refund' | 'keep';
  reason: string;
  /** The vouchers the close posted, in order. */
  entrySeqs: number[];
}

export type ClosingResult = { ok: true; replayed: boolean; closing: ClosingDone } | Denied | NotFound | ClosingRefusal;

interface ClosingInput {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
  /** The confirm form's key: each entry of the close is posted under it and its place in the plan. */
  idempotencyKey: string;
}

const userIdOf = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);

/** A household as an entry's memo and the refund list name it: its door and the first character of the name. */
export function maskedHousehold(household: { building: string; unitNo: string; room: string; name: string }): string {
  const door = [household.building, household.unitNo, household.room].filter((part) => part.trim() !== '').join('-');
  const first = Array.from(household.name.trim())[0];
  return first === undefined ? door : `${door} ${first}*`;
}

/** What each household paid toward the project, in the order of their ids (ties in the refund go to the earlier). */
async function householdsPaidIn(db: Sql | Transaction, applicationId: string): Promise<HouseholdPaid[]> {
  const rows = await db<
    { householdId: string; building: string; unitNo: string; room: string; name: string; paid: string }[]
  >`
    select h.id::text as "householdId", h.building, h.unit_no as "unitNo", h.room, h.name, sum(p.amount)::text as paid
      from standing_self_raised_payments p join households h on h.id = p.household_id
     where p.application_id = ${applicationId}
     group by h.id
     order by h.id`;
  return rows.map((row) => ({ householdId: row.householdId, label: maskedHousehold(row), paid: money(row.paid) }));
}

interface HoldFigures {
  settled: Money;
  open: Money;
  isOpen: boolean;
}

/**
 * The project's reservation on the pool, as the books hold it. What was settled from it is the
 * match paid into the project: the books' own figure, which a payout written without its table
 * row would still count in.
 */
async function holdOf(
  db: Sql | Transaction,
  fundId: string,
  holdId: string | null,
  lock: boolean
): Promise<HoldFigures> {
  if (holdId === null) return { settled: Money.zero(), open: Money.zero(), isOpen: false };
  const [row] = await db<{ settled: string; open: string; status: string }[]>`
    select amount_settled::text as settled, (amount - amount_settled - amount_released)::text as open, status
      from holds where fund_id = ${fundId} and id = ${holdId} ${lock ? db`for update` : db``}`;
  if (row === undefined) return { settled: Money.zero(), open: Money.zero(), isOpen: false };
  const isOpen = row.status === 'open';
  return { settled: money(row.settled), open: isOpen ? money(row.open) : Money.zero(), isOpen };
}

async function compoundCodeOf(db: Sql | Transaction, project: ProjectRow): Promise<string> {
  const [row] = await db<{ code: string }[]>`select code from compounds where id = ${project.compoundId}`;
  if (row === undefined) throw new Error(`closing: compound ${project.compoundId} is missing`);
  return row.code;
}

interface Planned {
  plan: ClosingPlan;
  view: ClosingPlanView;
  hold: HoldFigures;
  compoundCode: string;
}

/** Reads the project's figures and plans its close; the caller holds the locks when it will post. */
async function planFor(
  db: Sql | Transaction,
  input: { fundId: string; project: ProjectRow; kind: ClosingKind; lock: boolean }
): Promise<{ ok: true; planned: Planned } | ClosingRefusal> {
  const { fundId, project } = input;
  const hold = await holdOf(db, fundId, project.holdId, input.lock);
  const [figures, households, policy, compoundCode, waiting, restricted] = await Promise.all([
    projectMoneyIn(db, fundId, project),
    householdsPaidIn(db, project.id),
    projectPolicyIn(db, fundId, project.policyVersion),
    compoundCodeOf(db, project),
    db<
      { count: number }[]
    >`select count(*)::int as count from payouts where application_id = ${project.id} and status = 'waiting'`,
    // The restricted money the spent match is released from, so that 3102 never turns to a debit.
    books.restrictedBalancesIn(db, fundId)
  ]);
  const waitingCount = waiting[0]?.count ?? 0;
  if (waitingCount > 0) return { ok: false, code: 'payouts_are_waiting', figure: String(waitingCount) };
  const accounts = projectAccounts(projectKey(project));
  if (!accounts.ok) throw new Error(`closing: project ${project.number} has no account codes`);
  const cancel = input.kind === 'cancel';
  // A cancelled project did not happen: whatever the meeting decided for a surplus, the households get their money back.
  const surplusMode = cancel ? 'refund' : project.surplusMode;
  const matchPaid = project.holdId === null ? figures.matchPaid : hold.settled;
  const planned = planClosing(
    payoutPolicyOf(policy),
    {
      ...accounts.value,
      compoundReserve: {
        funds: `${ACCOUNTS.projectFunds}.C-${compoundCode}`,
        payable: `${ACCOUNTS.payablesOther}.C-${compoundCode}`
      }
    },
    {
      matchApproved: money(project.approvedAmount),
      ratioApproved: project.approvedRatio,
      matchHeld: hold.open,
      // The close trues up the final match, so it waits for the residents' sign-offs as the final tranche does.
      accepted: acceptanceCompletion({
        confirmed: figures.accepted,
        signoffs: figures.residentSignoffs,
        signoffsRequired: policy.residentSignoffs
      }).complete,
      matchPaid,
      matchSpent: figures.matchSpent,
      selfRaisedReceived: figures.selfRaisedReceived,
      selfRaisedSpent: figures.selfRaisedSpent,
      selfRaisedRefunded: figures.selfRaisedRefunded,
      households,
      costFinal: figures.costFinal,
      restricted
    },
    { surplusMode, cancel, title: project.title }
  );
  if (!planned.ok) {
    const { ok: _ok, code, ...extra } = planned;
    const figure = Object.values(extra).find((value): value is string => typeof value === 'string') ?? null;
    return { ok: false, code, figure };
  }
  const plan = planned.value;
  const view = viewOf({ kind: input.kind, project, figures, plan, matchPaid, households });
  return { ok: true, planned: { plan, hold, compoundCode, view } };
}

/** The plan in figures, as the page shows it before the administrator confirms it. */
function viewOf(input: {
  kind: ClosingKind;
  project: ProjectRow;
  figures: Awaited<ReturnType<typeof projectMoneyIn>>;
  plan: ClosingPlan;
  matchPaid: Money;
  households: HouseholdPaid[];
}): ClosingPlanView {
  const { project, figures, plan } = input;
  const refunds =
    plan.surplusMode === 'refund' && plan.selfRaisedSurplus.isPositive()
      ? refundsOf(plan.selfRaisedSurplus, input.households)
      : null;
  return {
    kind: input.kind,
    matchApproved: money(project.approvedAmount).toString(),
    matchPaid: input.matchPaid.toString(),
    matchFinal: plan.matchFinal.toString(),
    costActual: figures.costActual.toString(),
    selfRaisedReceived: figures.selfRaisedReceived.toString(),
    holdReleased: plan.holdReleased.toString(),
    matchReturned: plan.matchReturned.toString(),
    surplus: plan.selfRaisedSurplus.toString(),
    surplusMode: plan.surplusMode,
    refunds:
      refunds === null || !refunds.ok
        ? []
        : refunds.value.map((row) => ({
            householdId: row.household.householdId,
            label: row.household.label,
            paid: row.household.paid.toString(),
            refund: row.refund.toString()
          })),
    entries: plan.entries.length
  };
}

/** The plan as it stands now, for the page to show before the administrator confirms it. */
export async function closingPreview(
  sql: Sql,
  input: { fundId: string; number: number; kind: ClosingKind }
): Promise<ClosingPreview> {
  const project = await loadProject(sql, { fundId: input.fundId, number: input.number, lock: false });
  if (project === null) return { ok: false, code: 'project_not_found' };
  if (project.status === 'closed' || project.status === 'cancelled') {
    return { ok: false, code: 'project_is_already_ended', figure: null };
  }
  // The preview comes before the reason is typed, so it asks the state alone.
  const state = transitionRefusal(project, input.kind, 'preview');
  if (state !== null) return state;
  const planned = await planFor(sql, { fundId: input.fundId, project, kind: input.kind, lock: false });
  return planned.ok ? { ok: true, plan: planned.planned.view } : planned;
}

function transitionRefusal(project: ProjectRow, kind: ClosingKind, reason: string): ClosingRefusal | null {
  const decision = decideTransition(
    project.status,
    kind === 'close' ? { event: 'close' } : { event: 'cancel', reason }
  );
  if (decision.ok) return null;
  return {
    ok: false,
    code: decision.code === 'cancel_needs_a_reason' ? 'cancel_needs_a_reason' : 'transition_not_allowed',
    figure: null
  };
}

/** Closes an accepted project's books. */
export async function closeProject(sql: Sql, input: ClosingInput): Promise<ClosingResult> {
  return run(sql, { ...input, kind: 'close', reason: '' });
}

/** Cancels an approved or active grant that spent nothing. */
export async function cancelProject(sql: Sql, input: ClosingInput & { reason: string }): Promise<ClosingResult> {
  if (input.reason.length > CLOSING_REASON_LENGTH_MAX) return { ok: false, code: 'reason_must_be_short', figure: null };
  return run(sql, { ...input, kind: 'cancel', reason: input.reason.trim() });
}

function run(sql: Sql, input: ClosingInput & { kind: ClosingKind; reason: string }): Promise<ClosingResult> {
  return runCommand<ClosingResult, ClosingRefusal>(sql, (transaction) => closeIn(transaction, input));
}

async function closingOf(db: Sql | Transaction, applicationId: string): Promise<ClosingDone | null> {
  const [row] = await db<(Omit<ClosingDone, 'entrySeqs'> & { entrySeqs: string[] })[]>`
    select c.kind, c.closed_at as "closedAt", c.match_final::text as "matchFinal",
           c.hold_released::text as "holdReleased", c.match_returned::text as "matchReturned",
           c.surplus::text as surplus, c.surplus_mode as "surplusMode", c.reason,
           coalesce(array(select e.seq::text from entries e join applications a on a.id = c.application_id
                           where e.fund_id = c.fund_id and e.application_id = a.number::text
                             and e.recorded_at = c.closed_at
                           order by e.seq), '{}') as "entrySeqs"
      from project_closings c where c.application_id = ${applicationId}`;
  if (row === undefined) return null;
  return { ...row, entrySeqs: row.entrySeqs.map(Number) };
}

/**
 * The close or the cancellation inside a transaction the caller holds (the demo seed). A refusal
 * found after something was written throws a Refusal, so that the caller's transaction rolls back.
 */
export async function closeIn(
  transaction: Transaction,
  input: ClosingInput & { kind: ClosingKind; reason: string }
): Promise<ClosingResult> {
  const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
  if (project === null) return { ok: false, code: 'project_not_found' };
  const ended = input.kind === 'close' ? 'closed' : 'cancelled';
  // The administrator's role is asked about as if the project could still be closed: a state that
  // does not allow it is then said as such (or, after the close, the second press is a replay).
  const asAccepted = projectRefOf(input.fundId, { ...project, status: 'accepted' });
  if (!can(input.actor, 'project.close', asAccepted).allowed) return { ok: false, code: 'not_allowed' };
  // A confirmation sent twice finds the project already ended the same way, and changes nothing.
  const done = await closingOf(transaction, project.id);
  if (done !== null) {
    return done.kind === ended
      ? { ok: true, replayed: true, closing: done }
      : { ok: false, code: 'project_is_already_ended', figure: null };
  }
  const state = transitionRefusal(project, input.kind, input.reason);
  if (state !== null) return state;
  // The posting path's lock order: the chain head, then the accounts (the pool), then the hold.
  await transaction`select 1 from chain_heads where fund_id = ${input.fundId} for update`;
  await lockPool(transaction, input.fundId);
  const planned = await planFor(transaction, { fundId: input.fundId, project, kind: input.kind, lock: true });
  if (!planned.ok) return planned;
  const { plan } = planned.planned;
  const entrySeqs = await postPlanIn(transaction, { ...input, project, planned: planned.planned });
  await recordClosingIn(transaction, { ...input, project, plan, ended });
  return {
    ok: true,
    replayed: false,
    closing: {
      kind: ended,
      closedAt: input.now,
      matchFinal: plan.matchFinal.toString(),
      holdReleased: plan.holdReleased.toString(),
      matchReturned: plan.matchReturned.toString(),
      surplus: plan.selfRaisedSurplus.toString(),
      surplusMode: plan.surplusMode,
      reason: input.reason,
      entrySeqs
    }
  };
}

type CloseCommand = ClosingInput & { kind: ClosingKind; reason: string; project: ProjectRow };

/**
 * The plan's entries, posted one by one under the form's key, and the project's reservation on the
 * pool released. The books refusing any of them throws, so nothing of the close is kept.
 */
async function postPlanIn(transaction: Transaction, input: CloseCommand & { planned: Planned }): Promise<number[]> {
  const { project } = input;
  const { plan, hold, compoundCode } = input.planned;
  await projectAccountsIn(transaction, input.fundId, project);
  if (plan.surplusMode === 'keep' && plan.selfRaisedSurplus.isPositive()) {
    await openReserveIn(transaction, input.fundId, compoundCode);
  }
  await openIncomeAccountsIn(transaction, input.fundId, plan);
  const date = chinaDateOf(input.now);
  const entrySeqs: number[] = [];
  for (const [index, entry] of plan.entries.entries()) {
    const posted = await postVoucherIn(transaction, {
      fundId: input.fundId,
      key: `${input.idempotencyKey}:${index + 1}`,
      now: input.now,
      posting: {
        kind: 'post',
        command: { date, memo: entry.memo, postings: entry.postings },
        references: { applicationId: projectKey(project) }
      }
    });
    if (!posted.ok)
      throw new Refusal<ClosingRefusal>({ ok: false, code: 'closing_entry_was_refused', figure: posted.code });
    entrySeqs.push(posted.seq);
  }
  if (hold.isOpen && project.holdId !== null) {
    const released = await books.releaseIn(transaction, {
      fundId: input.fundId,
      command: { holdId: project.holdId },
      recordedAt: input.now.toISOString()
    });
    if (!released.ok)
      throw new Refusal<ClosingRefusal>({ ok: false, code: 'closing_entry_was_refused', figure: released.code });
  }
  return entrySeqs;
}

/**
 * The income accounts the plan names, opened when missing: lifting a restriction may reclassify a
 * unit's restricted income into its own unrestricted sub-account (4101.02.U-<code>), which a fund
 * opens the first time it needs it. An account that exists is left as it is.
 */
async function openIncomeAccountsIn(transaction: Transaction, fundId: string, plan: ClosingPlan): Promise<void> {
  const named = new Set(plan.entries.flatMap((entry) => entry.postings.map((posting) => posting.account)));
  const income = [...named].filter((account) => account.startsWith('4')).sort();
  if (income.length === 0) return;
  const existing = await transaction<{ code: string }[]>`
    select code from accounts where fund_id = ${fundId} and code = any(${income}::text[])`;
  const known = new Set(existing.map((row) => row.code));
  for (const code of income.filter((account) => !known.has(account))) {
    const opened = await books.openIn(transaction, { fundId, command: { code } });
    if (!opened.ok)
      throw new Refusal<ClosingRefusal>({ ok: false, code: 'closing_entry_was_refused', figure: opened.code });
  }
}

/**
 * The close as recorded, once its entries left the project's accounts at zero, and the project's
 * move to closed or cancelled.
 */
async function recordClosingIn(
  transaction: Transaction,
  input: CloseCommand & { plan: ClosingPlan; ended: 'closed' | 'cancelled' }
): Promise<void> {
  const { project, plan, ended } = input;
  await checkAccountsAtZero(transaction, input.fundId, project);
  await transaction`
    insert into project_closings (application_id, fund_id, kind, closed_at, closed_by, match_final, hold_released,
                                  match_returned, surplus, surplus_mode, reason)
    values (${project.id}, ${input.fundId}, ${ended}, ${input.now}, ${userIdOf(input.actor)},
            ${plan.matchFinal.toString()}, ${plan.holdReleased.toString()}, ${plan.matchReturned.toString()},
            ${plan.selfRaisedSurplus.toString()}, ${plan.surplusMode}, ${input.reason})`;
  const application = await loadApplication(transaction, input.fundId, input.number, false);
  if (application === null) throw new Error(`closing: project ${input.number} vanished under its lock`);
  const decision = decideTransition(
    project.status,
    input.kind === 'close' ? { event: 'close' } : { event: 'cancel', reason: input.reason }
  );
  if (!decision.ok) throw new Refusal<ClosingRefusal>({ ok: false, code: 'transition_not_allowed', figure: null });
  await applyTransition(transaction, {
    fundId: input.fundId,
    application,
    decision: { ...decision.value, event: input.kind },
    actorUserId: userIdOf(input.actor),
    now: input.now,
    ip: input.ip,
    comments: input.reason
  });
}

async function openReserveIn(transaction: Transaction, fundId: string, compoundCode: string): Promise<void> {
  await compoundAccountIn(transaction, fundId, {
    parent: ACCOUNTS.projectFunds,
    compoundCode,
    nameZh: `银行存款—小区留存—${compoundCode}`,
    nameEn: `Bank: compound reserve, ${compoundCode}`
  });
  await compoundAccountIn(transaction, fundId, {
    parent: ACCOUNTS.payablesOther,
    compoundCode,
    nameZh: `其他应付款—小区留存—${compoundCode}`,
    nameEn: `Payable: compound reserve, ${compoundCode}`
  });
}

/**
 * The promise of a close: the project's bank sub-account and its payable to the households are
 * at zero. The plan guarantees it when the tables agree with the books; if they ever do not, the
 * close is refused rather than leaving money dangling.
 */
async function checkAccountsAtZero(transaction: Transaction, fundId: string, project: ProjectRow): Promise<void> {
  const accounts = projectAccounts(projectKey(project));
  if (!accounts.ok) throw new Error(`closing: project ${project.number} has no account codes`);
  const rows = await transaction<{ code: string; balance: string }[]>`
    select account_code as code, (debits_posted - credits_posted)::text as balance
      from account_balances
     where fund_id = ${fundId} and account_code = any(${[accounts.value.funds, accounts.value.selfRaised]}::text[])`;
  const left = rows.find((row) => !money(row.balance).isZero());
  if (left !== undefined) {
    throw new Refusal<ClosingRefusal>({
      ok: false,
      code: 'closing_entry_was_refused',
      figure: `${left.code} ${money(left.balance).toString()}`
    });
  }
}

/** The closing of a project as recorded, for its pages. */
export async function closingView(db: Sql | Transaction, applicationId: string): Promise<ClosingDone | null> {
  return closingOf(db, applicationId);
}
