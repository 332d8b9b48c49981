import {
  Money,
  isGrantState,
  money,
  projectAccounts,
  type PayoutPolicy,
  type PostCommand,
  type ProjectAccounts,
  type ProjectFigures,
  type SpendingFigures
} from '@gongjian/ledger';
import * as books from '../books';
import type { Sql, Transaction } from '../db/client';
import { parseFundPolicy, type FundPolicy } from '../fund/fund-policy';
import type { ApplicationRef, ApplicationStatus } from '../access/policy';
import { voucherNumberOf } from '../fund/vouchers';

/*
 * What the project use cases (self-raising, payouts, expenses, acceptance, evaluation, closing)
 * share: loading an approved grant as a project, its money as the books and tables say, the
 * policy it is paid out under, its sub-accounts, and posting an entry that carries the next
 * voucher number. Each use case runs in one transaction and calls these inside it.
 */

export interface ProjectRow {
  id: string;
  number: number;
  status: ApplicationStatus;
  compoundId: string;
  applicantUnitId: string | null;
  title: string;
  policyVersion: number;
  /** The match approved and held on the pool. */
  approvedAmount: string;
  /** The ratio the match was approved at (the computed one or the leadership's override). */
  approvedRatio: string;
  holdId: string | null;
  selfRaiseTarget: string;
  householdsExpected: number;
  surplusMode: 'refund' | 'keep';
}

/** Loads a project (an application from its approval on), locking its row when asked. */
export async function loadProject(
  db: Sql | Transaction,
  input: { fundId: string; number: number; lock: boolean }
): Promise<ProjectRow | null> {
  if (!Number.isSafeInteger(input.number) || input.number < 1 || input.number > 2_147_483_647) return null;
  const [row] = await db<(Omit<ProjectRow, 'approvedRatio'> & { approvedRatio: string | null })[]>`
    select a.id::text as id, a.number, a.status, a.compound_id::text as "compoundId",
           a.applicant_unit_id::text as "applicantUnitId", a.title, a.policy_version as "policyVersion",
           coalesce(a.approved_amount, 0)::text as "approvedAmount", a.approved_ratio as "approvedRatio",
           a.hold_id as "holdId", coalesce(a.self_raise_target, 0)::text as "selfRaiseTarget",
           coalesce(a.households_expected, 0) as "householdsExpected",
           coalesce(r.surplus_mode, 'refund') as "surplusMode",
           (select coalesce(sum(amount), 0)::text from budget_lines b where b.application_id = a.id) as "budgetTotal"
      from applications a left join resolutions r on r.application_id = a.id
     where a.fund_id = ${input.fundId} and a.number = ${input.number}
     ${input.lock ? db`for update of a` : db``}`;
  if (row === undefined || !isGrantState(row.status)) return null;
  return { ...row, approvedRatio: row.approvedRatio ?? ratioOf(row) };
}

/** An approval at the computed match stores no ratio; the match over the budget is that ratio. */
function ratioOf(row: { approvedAmount: string } & Record<string, unknown>): string {
  const budget = typeof row['budgetTotal'] === 'string' ? money(row['budgetTotal']) : Money.zero();
  if (!budget.isPositive()) return '0';
  return money(row.approvedAmount).toDecimal().div(budget.toDecimal()).toDecimalPlaces(8, 1).toString();
}

export function projectRefOf(fundId: string, project: ProjectRow): ApplicationRef {
  return {
    fundId,
    compoundId: project.compoundId,
    applicantUnitId: project.applicantUnitId,
    status: project.status
  };
}

/** The policy version the application was submitted under: the grant is paid out by it too. */
export async function projectPolicyIn(db: Sql | Transaction, fundId: string, version: number): Promise<FundPolicy> {
  const [row] = await db<{ policy: unknown }[]>`
    select policy from fund_policies where fund_id = ${fundId} and version = ${version}`;
  if (row === undefined) throw new Error(`project policy version ${version} of fund ${fundId} is missing`);
  const parsed = parseFundPolicy(row.policy);
  if (!parsed.ok) throw new Error(`stored policy version ${version} does not parse (${parsed.code})`);
  return parsed.value;
}

export function payoutPolicyOf(policy: FundPolicy): PayoutPolicy {
  return {
    releaseMode: policy.match.releaseMode,
    holdBackShare: policy.holdBackShare,
    participationMin: policy.participationMin,
    secondApproverAbove: policy.secondApproverAbove,
    roundingUnit: policy.match.roundingUnit,
    roundingDirection: policy.match.roundingDirection ?? 'down',
    selfRaisedShareMin: policy.match.selfRaisedShareMin,
    // The version the project was approved under, as for the other rules here (see signoffs.ts).
    residentSignoffs: policy.residentSignoffs
  };
}

/** A project's money, from its own tables (each row of which points at its ledger entry). */
export interface ProjectMoney extends SpendingFigures {
  householdsPaid: number;
  /** Payouts asked for and waiting for their second approver. */
  matchWaiting: Money;
  costActual: Money;
  /** The acceptance check has been recorded and confirmed by a second person. */
  accepted: boolean;
  /** The total cost the acceptance check found, when it stated one. */
  costFinal: Money | null;
  /** What is still held on the pool for the project. */
  matchHeld: Money;
  /** How many resident representatives signed the work off. */
  residentSignoffs: number;
}

export async function projectMoneyIn(
  db: Sql | Transaction,
  fundId: string,
  project: ProjectRow
): Promise<ProjectMoney> {
  const [row] = await db<
    {
      received: string;
      householdsPaid: number;
      paid: string;
      waiting: string;
      matchSpent: string;
      selfSpent: string;
      accepted: boolean;
      costFinal: string | null;
      held: string;
      signoffs: number;
    }[]
  >`
    select (select coalesce(sum(amount), 0)::text from standing_self_raised_payments where application_id = ${project.id}) as received,
           (select count(distinct household_id)::int from standing_self_raised_payments where application_id = ${project.id})
             as "householdsPaid",
           (select coalesce(sum(amount), 0)::text from standing_payouts where application_id = ${project.id} and status = 'paid') as paid,
           (select coalesce(sum(amount), 0)::text from standing_payouts where application_id = ${project.id} and status = 'waiting')
             as waiting,
           (select coalesce(sum(match_part), 0)::text from standing_expenses where application_id = ${project.id}) as "matchSpent",
           (select coalesce(sum(self_raised_part), 0)::text from standing_expenses where application_id = ${project.id}) as "selfSpent",
           exists (select 1 from acceptances where application_id = ${project.id} and confirmed_by is not null) as accepted,
           (select cost_final::text from acceptances where application_id = ${project.id} and confirmed_by is not null)
             as "costFinal",
           (select coalesce(sum(amount - amount_settled - amount_released), 0)::text from holds
             where fund_id = ${fundId} and id = ${project.holdId ?? ''} and status = 'open') as held,
           (select count(*)::int from acceptance_signoffs where application_id = ${project.id}) as signoffs`;
  if (row === undefined) throw new Error('projectMoneyIn: no row');
  const matchSpent = money(row.matchSpent);
  const selfRaisedSpent = money(row.selfSpent);
  return {
    matchPaid: money(row.paid),
    matchSpent,
    selfRaisedReceived: money(row.received),
    selfRaisedSpent,
    // Refunds happen only at the close, after which nothing more is spent.
    selfRaisedRefunded: Money.zero(),
    householdsPaid: row.householdsPaid,
    matchWaiting: money(row.waiting),
    costActual: matchSpent.plus(selfRaisedSpent),
    accepted: row.accepted,
    costFinal: row.costFinal === null ? null : money(row.costFinal),
    matchHeld: money(row.held),
    residentSignoffs: row.signoffs
  };
}

/** The figures the ledger's payout rules read. */
export function figuresOf(project: ProjectRow, projectMoney: ProjectMoney): ProjectFigures {
  return {
    matchApproved: money(project.approvedAmount),
    ratioApproved: project.approvedRatio,
    selfRaisedTarget: money(project.selfRaiseTarget),
    selfRaisedReceived: projectMoney.selfRaisedReceived,
    householdsExpected: project.householdsExpected,
    householdsPaid: projectMoney.householdsPaid,
    matchCommitted: projectMoney.matchPaid.plus(projectMoney.matchWaiting),
    costActual: projectMoney.costActual,
    accepted: projectMoney.accepted,
    costFinal: projectMoney.costFinal,
    residentSignoffs: projectMoney.residentSignoffs
  };
}

/**
 * The project key: how the books name a project, in its account codes (1002.02.P-<key>) and in
 * every entry it takes (entries.application_id, the ledger's `references.applicationId`). It is the
 * project's number in its fund (applications.number, as public URLs use), as text, and never the
 * application's row id: a fund's numbers start at 1 while row ids run across funds, so the two
 * agree only by chance (in the demo). Every writer and every reader goes through projectKey and
 * projectNumberOfEntry, so the two cannot drift apart again.
 */
export function projectKey(project: Pick<ProjectRow, 'number'>): string {
  return String(project.number);
}

/**
 * The SQL for the project number an entry `e` names through its project key, or null for an
 * entry of no project (the inverse of projectKey). Keys that are not a number of at most nine
 * digits name no project, rather than overflow the integer column.
 */
export function projectNumberOfEntry(db: Sql | Transaction) {
  return db`(case when e.application_id ~ '^[1-9][0-9]{0,8}$' then e.application_id::integer end)`;
}

/** The project's three sub-accounts, opened on first use. */
export async function projectAccountsIn(
  transaction: Transaction,
  fundId: string,
  project: Pick<ProjectRow, 'number' | 'title'>
): Promise<ProjectAccounts> {
  const accounts = projectAccounts(projectKey(project));
  if (!accounts.ok) throw new Error(`project ${project.number}: ${accounts.code}`);
  const title = project.title.slice(0, 40);
  const names = [
    [accounts.value.funds, `银行存款—项目资金—${title}`, `Bank: project funds, ${title}`],
    [accounts.value.selfRaised, `其他应付款—代收自筹—${title}`, `Payable: self-raised, ${title}`],
    [accounts.value.cost, `业务活动成本—资助项目—${title}`, `Programme costs: ${title}`]
  ] as const;
  for (const [code, nameZh, nameEn] of names) {
    const [exists] = await transaction`select 1 from accounts where fund_id = ${fundId} and code = ${code}`;
    if (exists !== undefined) continue;
    const opened = await books.openIn(transaction, { fundId, command: { code, name: { zh: nameZh, en: nameEn } } });
    if (!opened.ok) throw new Error(`opening ${code}: ${opened.code}`);
  }
  return accounts.value;
}

/** A sub-account of a compound (its reserve of kept self-raised money), opened on first use. */
export async function compoundAccountIn(
  transaction: Transaction,
  fundId: string,
  input: { parent: string; compoundCode: string; nameZh: string; nameEn: string }
): Promise<string> {
  const code = `${input.parent}.C-${input.compoundCode}`;
  const [exists] = await transaction`select 1 from accounts where fund_id = ${fundId} and code = ${code}`;
  if (exists === undefined) {
    const opened = await books.openIn(transaction, {
      fundId,
      command: { code, name: { zh: input.nameZh, en: input.nameEn } }
    });
    if (!opened.ok) throw new Error(`opening ${code}: ${opened.code}`);
  }
  return code;
}

export type VoucherPosting =
  | {
      kind: 'post';
      command: Omit<PostCommand, 'idempotencyKey' | 'references'>;
      references?: PostCommand['references'];
    }
  | {
      kind: 'settle';
      holdId: string;
      amount: Money;
      command: Omit<PostCommand, 'idempotencyKey' | 'references'>;
      references?: PostCommand['references'];
    };

export type VoucherOutcome =
  { ok: true; seq: number; replayed: boolean } | { ok: false; code: string; detail: Record<string, unknown> };

/**
 * Posts one entry with the next voucher number (记字第N号). The chain head is locked first, the
 * posting path's own lock order, so no other entry can take the number between reading and
 * posting; an entry already posted under this key keeps its number (a replay).
 */
export async function postVoucherIn(
  transaction: Transaction,
  input: { fundId: string; key: string; now: Date; posting: VoucherPosting }
): Promise<VoucherOutcome> {
  const [head] = await transaction<{ last_seq: string; existing_seq: string | null }[]>`
    select h.last_seq::text as last_seq,
           (select e.seq::text from entries e where e.fund_id = h.fund_id and e.idempotency_key = ${input.key}) as existing_seq
      from chain_heads h where h.fund_id = ${input.fundId} for update`;
  if (head === undefined) throw new Error(`fund ${input.fundId} has no chain head`);
  const seq = head.existing_seq === null ? Number(head.last_seq) + 1 : Number(head.existing_seq);
  const { posting } = input;
  const command: PostCommand = {
    ...posting.command,
    idempotencyKey: input.key,
    references: { ...posting.references, voucherNumber: voucherNumberOf(seq) }
  };
  const recordedAt = input.now.toISOString();
  const outcome =
    posting.kind === 'post'
      ? await books.postIn(transaction, { fundId: input.fundId, command, recordedAt })
      : await books.settleIn(transaction, {
          fundId: input.fundId,
          command: { holdId: posting.holdId, amount: posting.amount, entry: command },
          recordedAt
        });
  if (!outcome.ok) {
    const { ok: _ok, code, ...detail } = outcome;
    return { ok: false, code, detail };
  }
  const entrySeq = 'entry' in outcome.value ? outcome.value.entry.seq : outcome.value.seq;
  if (entrySeq !== seq) throw new Error(`voucher: expected entry ${seq}, the books wrote ${entrySeq}`);
  return { ok: true, seq, replayed: head.existing_seq !== null };
}
