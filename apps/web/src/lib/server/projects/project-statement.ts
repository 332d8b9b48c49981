import {
  GRANT_STATES,
  Money,
  deliberationStageOf,
  isGrantState,
  money,
  projectAccounts,
  transitionStageOf,
  type DeliberationStage,
  type ProjectAccounts
} from '@gongjian/ledger';
import { acceptanceView, personLabelsIn, type AcceptanceView, type PersonLabel } from './acceptance';
import { closingView, type ClosingDone } from './closing';
import type { Sql } from '../db/client';
import { can, type Actor, type ApplicationStatus } from '../access/policy';
import { projectKey } from './project-core';
import { signoffDaysOf } from './signoffs';

/*
 * What a project did with its money, for the committee and the fund office now (the public
 * transparency pages will show the same later): where it stands, what happened when and by whom
 * (a role and a unit, never a name or a phone number), its sources and uses, the balance of its
 * accounts as the books hold them, the budget against what was spent, its payouts, its acceptance
 * check and the residents' evaluation. Everything is read; nothing here writes.
 */

export const PROJECT_STATUSES = GRANT_STATES;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export interface ProjectListItem {
  number: number;
  title: string;
  compoundName: string;
  status: ProjectStatus;
  approvedAmount: string;
  selfRaisedReceived: string;
  matchPaid: string;
  costActual: string;
}

/** A fund's projects the actor may read, newest first, optionally of one status. */
export async function listProjects(
  sql: Sql,
  input: { actor: Actor; fundId: string; status: ProjectStatus | null }
): Promise<ProjectListItem[]> {
  const statuses: readonly string[] = input.status === null ? PROJECT_STATUSES : [input.status];
  const rows = await sql<(ProjectListItem & { compoundId: string; applicantUnitId: string | null })[]>`
    select a.number, a.title, c.name as "compoundName", a.status, coalesce(a.approved_amount, 0)::text as "approvedAmount",
           a.compound_id::text as "compoundId", a.applicant_unit_id::text as "applicantUnitId",
           (select coalesce(sum(amount), 0)::text from standing_self_raised_payments p where p.application_id = a.id)
             as "selfRaisedReceived",
           (select coalesce(sum(amount), 0)::text from standing_payouts o where o.application_id = a.id and o.status = 'paid')
             as "matchPaid",
           (select coalesce(sum(amount), 0)::text from standing_expenses e where e.application_id = a.id) as "costActual"
      from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${input.fundId} and a.status = any(${statuses}::text[])
     order by a.number desc`;
  return rows
    .filter(
      (row) =>
        can(input.actor, 'project.read', {
          fundId: input.fundId,
          compoundId: row.compoundId,
          applicantUnitId: row.applicantUnitId,
          status: row.status
        }).allowed
    )
    .map(({ compoundId: _compound, applicantUnitId: _unit, ...item }) => item);
}

export type TimelineKind =
  'transition' | 'payout_requested' | 'payout_paid' | 'payout_cancelled' | 'acceptance_recorded' | 'resident_signoff';

export interface TimelineItem {
  at: Date;
  kind: TimelineKind;
  /** The application event of a transition (approve, accept, close…); empty for the others. */
  event: string;
  amount: string | null;
  who: PersonLabel | null;
  comments: string;
  /** The five-deliberation stage (五议) of the step, from the ledger; null for money moving. */
  stage: DeliberationStage | null;
}

export interface ExpenseLine {
  id: string;
  invoiceDate: string;
  supplier: string;
  invoiceNo: string;
  lineItem: string | null;
  amount: string;
  matchPart: string;
  selfRaisedPart: string;
  entrySeq: number;
}

export interface PayoutLine {
  id: string;
  amount: string;
  payeeKind: 'committee' | 'supplier';
  payeeName: string;
  status: 'waiting' | 'paid' | 'cancelled';
  requestedAt: Date;
  approvedAt: Date | null;
  entrySeq: number | null;
}

export interface BudgetLine {
  lineNo: number | null;
  item: string;
  budget: string;
  actual: string;
}

export interface ProjectStatement {
  project: {
    id: string;
    number: number;
    title: string;
    status: ApplicationStatus;
    compoundId: string;
    compoundName: string;
    applicantUnitId: string | null;
    location: string;
    approvedAmount: string;
    approvedRatio: string | null;
    selfRaiseTarget: string;
    householdsExpected: number;
    surplusMode: 'refund' | 'keep';
  };
  timeline: TimelineItem[];
  sources: { matchPaid: string; selfRaisedReceived: string; householdsPaid: number; total: string };
  uses: {
    expenses: ExpenseLine[];
    spent: string;
    /** Handed back at the close: refunded to households, returned to the pool, kept as the compound's reserve. */
    refunded: string;
    matchReturned: string;
    kept: string;
    total: string;
  };
  /** The project's accounts as the books hold them: its bank money, what it holds for households, its cost. */
  balance: { funds: string; selfRaisedHeld: string; cost: string };
  budget: { lines: BudgetLine[]; budgetTotal: string; actualTotal: string };
  payouts: PayoutLine[];
  matchHeld: string;
  acceptance: AcceptanceView | null;
  evaluation: { satisfied: number; mostlySatisfied: number; notSatisfied: number; total: number };
  closing: ClosingDone | null;
}

type StatementHeader = ProjectStatement['project'] & { holdId: string | null };

async function statementHeaderOf(
  sql: Sql,
  input: { fundId: string; number: number }
): Promise<StatementHeader | undefined> {
  const [project] = await sql<StatementHeader[]>`
    select a.id::text as id, a.number, a.title, a.status, a.compound_id::text as "compoundId", c.name as "compoundName",
           a.applicant_unit_id::text as "applicantUnitId", a.location,
           coalesce(a.approved_amount, 0)::text as "approvedAmount", a.approved_ratio as "approvedRatio",
           coalesce(a.self_raise_target, 0)::text as "selfRaiseTarget",
           coalesce(a.households_expected, 0) as "householdsExpected",
           coalesce(r.surplus_mode, 'refund') as "surplusMode", a.hold_id as "holdId"
      from applications a join compounds c on c.id = a.compound_id
      left join resolutions r on r.application_id = a.id
     where a.fund_id = ${input.fundId} and a.number = ${input.number}`;
  return project;
}

/** Everything the statement lists of one project, read at once. */
async function statementRowsOf(
  sql: Sql,
  input: { fundId: string; project: StatementHeader; accounts: ProjectAccounts }
) {
  const { project, accounts, fundId } = input;
  const holdId = project.holdId;
  const [transitions, payouts, expenses, received, budget, balances, held, evaluations, acceptance, closing, signoffs] =
    await Promise.all([
      sql<{ event: string; fromStatus: string; at: Date; actor: string | null; comments: string }[]>`
        select event, from_status as "fromStatus", at, actor_user_id::text as actor, comments from application_transitions
         where application_id = ${project.id} order by id`,
      sql<(PayoutLine & { requestedBy: string; approvedBy: string | null })[]>`
        select id::text as id, amount::text as amount, payee_kind as "payeeKind", payee_name as "payeeName", status,
               requested_at as "requestedAt", approved_at as "approvedAt", entry_seq::int as "entrySeq",
               requested_by::text as "requestedBy", approved_by::text as "approvedBy"
          from standing_payouts where application_id = ${project.id} order by id`,
      sql<ExpenseLine[]>`
        select e.id::text as id, to_char(e.invoice_date, 'YYYY-MM-DD') as "invoiceDate", e.supplier,
               e.invoice_no as "invoiceNo", b.item as "lineItem", e.amount::text as amount,
               e.match_part::text as "matchPart", e.self_raised_part::text as "selfRaisedPart", e.entry_seq::int as "entrySeq"
          from standing_expenses e left join budget_lines b on b.application_id = e.application_id and b.line_no = e.line_no
         where e.application_id = ${project.id} order by e.invoice_date, e.id`,
      sql<{ total: string; households: number }[]>`
        select coalesce(sum(amount), 0)::text as total, count(distinct household_id)::int as households
          from standing_self_raised_payments where application_id = ${project.id}`,
      sql<BudgetLine[]>`
        select b.line_no as "lineNo", b.item, b.amount::text as budget,
               (select coalesce(sum(e.amount), 0)::text from standing_expenses e
                 where e.application_id = b.application_id and e.line_no = b.line_no) as actual
          from budget_lines b where b.application_id = ${project.id} order by b.line_no`,
      sql<{ code: string; balance: string }[]>`
        select account_code as code, (debits_posted - credits_posted)::text as balance from account_balances
         where fund_id = ${fundId}
           and account_code = any(${[accounts.funds, accounts.selfRaised, accounts.cost]}::text[])`,
      sql<{ open: string }[]>`
        select coalesce(sum(amount - amount_settled - amount_released), 0)::text as open from holds
         where fund_id = ${fundId} and id = ${holdId ?? ''} and status = 'open'`,
      sql<{ rating: string; count: number }[]>`
        select rating, count(*)::int as count from evaluations where application_id = ${project.id} group by rating`,
      acceptanceView(sql, { fundId, applicationId: project.id }),
      closingView(sql, project.id),
      signoffDaysOf(sql, project.id)
    ]);
  return {
    transitions,
    payouts,
    expenses,
    received,
    budget,
    balances,
    held,
    evaluations,
    acceptance,
    closing,
    signoffs
  };
}

type StatementRows = Awaited<ReturnType<typeof statementRowsOf>>;

/** The project's life in order: its transitions, each payout asked for and ended, and the acceptance. */
function timelineOf(rows: StatementRows, who: (id: string | null) => PersonLabel | null): TimelineItem[] {
  const { transitions, payouts, acceptance, signoffs } = rows;
  const moneyStage = deliberationStageOf({ of: 'money' });
  return [
    ...transitions.map((row) => ({
      at: row.at,
      kind: 'transition' as const,
      event: row.event,
      amount: null,
      who: who(row.actor),
      comments: row.comments,
      stage: transitionStageOf(row.event, row.fromStatus)
    })),
    ...payouts.flatMap((row): TimelineItem[] => {
      const requested: TimelineItem = {
        at: row.requestedAt,
        kind: 'payout_requested',
        event: '',
        amount: row.amount,
        who: who(row.requestedBy),
        comments: row.payeeName,
        stage: moneyStage
      };
      if (row.status === 'waiting') return [requested];
      const ended: TimelineItem = {
        at: row.approvedAt ?? row.requestedAt,
        kind: row.status === 'paid' ? 'payout_paid' : 'payout_cancelled',
        event: '',
        amount: row.amount,
        who: who(row.approvedBy ?? row.requestedBy),
        comments: row.payeeName,
        stage: moneyStage
      };
      return [requested, ended];
    }),
    ...(acceptance === null
      ? []
      : [
          {
            at: acceptance.recordedAt,
            kind: 'acceptance_recorded' as const,
            event: '',
            amount: null,
            who: acceptance.recordedBy,
            comments: '',
            stage: deliberationStageOf({ of: 'acceptance' })
          }
        ]),
    // A representative's sign-off, without naming the household.
    ...signoffs.map((at) => ({
      at,
      kind: 'resident_signoff' as const,
      event: '',
      amount: null,
      who: null,
      comments: '',
      stage: deliberationStageOf({ of: 'signoff' })
    }))
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Where the project's money came from and went, as paid, spent and handed back at the close. */
function sourcesAndUsesOf(rows: StatementRows): Pick<ProjectStatement, 'sources' | 'uses'> {
  const { payouts, received, expenses, closing } = rows;
  const matchPaid = Money.sum(payouts.filter((row) => row.status === 'paid').map((row) => money(row.amount)));
  const selfRaisedReceived = money(received[0]?.total ?? '0');
  const spent = Money.sum(expenses.map((row) => money(row.amount)));
  const refunded = closing !== null && closing.surplusMode === 'refund' ? money(closing.surplus) : Money.zero();
  const kept = closing !== null && closing.surplusMode === 'keep' ? money(closing.surplus) : Money.zero();
  const matchReturned = closing === null ? Money.zero() : money(closing.matchReturned);
  return {
    sources: {
      matchPaid: matchPaid.toString(),
      selfRaisedReceived: selfRaisedReceived.toString(),
      householdsPaid: received[0]?.households ?? 0,
      total: matchPaid.plus(selfRaisedReceived).toString()
    },
    uses: {
      expenses,
      spent: spent.toString(),
      refunded: refunded.toString(),
      matchReturned: matchReturned.toString(),
      kept: kept.toString(),
      total: spent.plus(refunded).plus(matchReturned).plus(kept).toString()
    }
  };
}

/** Budget against actual per line, with spending outside the budget on a line of its own. */
function budgetOf(rows: StatementRows): ProjectStatement['budget'] {
  const { budget, expenses } = rows;
  const spent = Money.sum(expenses.map((row) => money(row.amount)));
  const unassigned = Money.sum(expenses.filter((row) => row.lineItem === null).map((row) => money(row.amount)));
  const budgetLines: BudgetLine[] = unassigned.isZero()
    ? budget
    : [...budget, { lineNo: null, item: '', budget: '0.00', actual: unassigned.toString() }];
  return {
    lines: budgetLines.map((line) => ({
      ...line,
      budget: money(line.budget).toString(),
      actual: money(line.actual).toString()
    })),
    budgetTotal: Money.sum(budget.map((line) => money(line.budget))).toString(),
    actualTotal: spent.toString()
  };
}

/** The statement of one project; null when the number names no project (an application before approval is none). */
export async function projectStatement(
  sql: Sql,
  input: { fundId: string; number: number }
): Promise<ProjectStatement | null> {
  if (!Number.isSafeInteger(input.number) || input.number < 1 || input.number > 2_147_483_647) return null;
  const project = await statementHeaderOf(sql, input);
  if (project === undefined || !isGrantState(project.status)) return null;
  const { holdId: _holdId, ...header } = project;
  const accounts = projectAccounts(projectKey(project));
  if (!accounts.ok) throw new Error(`statement: project ${project.number} has no account codes`);
  const rows = await statementRowsOf(sql, { fundId: input.fundId, project, accounts: accounts.value });
  const { transitions, payouts, balances, held, evaluations, acceptance, closing } = rows;
  const labels = await personLabelsIn(sql, input.fundId, [
    ...transitions.flatMap((row) => (row.actor === null ? [] : [row.actor])),
    ...payouts.flatMap((row) => [row.requestedBy, ...(row.approvedBy === null ? [] : [row.approvedBy])])
  ]);
  const who = (id: string | null): PersonLabel | null => (id === null ? null : (labels.get(id) ?? null));
  const balanceOf = (code: string) => money(balances.find((row) => row.code === code)?.balance ?? '0');
  const count = (rating: string) => evaluations.find((row) => row.rating === rating)?.count ?? 0;
  return {
    project: header,
    timeline: timelineOf(rows, who),
    ...sourcesAndUsesOf(rows),
    balance: {
      funds: balanceOf(accounts.value.funds).toString(),
      // The payable is a credit balance: what the fund still holds for the households, shown positive.
      selfRaisedHeld: balanceOf(accounts.value.selfRaised).negated().toString(),
      cost: balanceOf(accounts.value.cost).toString()
    },
    budget: budgetOf(rows),
    payouts: payouts.map(({ requestedBy: _requested, approvedBy: _approved, ...row }) => row),
    matchHeld: money(held[0]?.open ?? '0').toString(),
    acceptance,
    evaluation: {
      satisfied: count('satisfied'),
      mostlySatisfied: count('mostly_satisfied'),
      notSatisfied: count('not_satisfied'),
      total: evaluations.reduce((sum, row) => sum + row.count, 0)
    },
    closing
  };
}
