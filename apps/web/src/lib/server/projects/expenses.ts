import {
  Money,
  decideExpense,
  money,
  type ExpenseSplit,
  type Posting,
  checkBookDate,
  chinaDateOf
} from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import { storeAttachmentIn, type Upload } from '../platform/attachments';
import { Refusal, runCommand } from '../platform/command';
import type { Sql, Transaction } from '../db/client';
import { parseAmount, type AmountCode, type DateCode } from '../fund/money-in';
import { can, type Actor, type ApplicationStatus } from '../access/policy';
import {
  loadProject,
  postVoucherIn,
  projectAccountsIn,
  projectKey,
  projectMoneyIn,
  projectRefOf,
  type ProjectRow
} from './project-core';

/**
 * What a project spent, against the budget lines of its application. An expense is one entry
 * that takes the money out of the project's bank sub-account, split the way the books carry it:
 * the match part is the fund's own cost (Dr 5101.P-n), the self-raised part discharges what the
 * fund holds for the households (Dr 2209.P-n); Cr 1002.02.P-n for the whole. The ledger's
 * decideExpense makes the split and refuses spending beyond the money received, with the amount
 * still available. The invoice or receipt is stored as an attachment and its hash is in the entry.
 */

export const SUPPLIER_LENGTH_MAX = 80;
export const INVOICE_NO_LENGTH_MAX = 40;

interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

export interface ExpenseInput {
  /** The budget line the expense is against, or null for one outside the plan. */
  lineNo: number | null;
  supplier: string;
  invoiceNo: string;
  /** YYYY-MM-DD: the invoice's date, which is also the entry's. */
  invoiceDate: string;
  /** As typed: a decimal string. */
  amount: string;
  attachment: Upload | null;
  /** The form's key: the same form sent twice records one expense. */
  key: string;
}

export type ExpenseFailure =
  | { ok: false; code: 'not_allowed' | 'project_not_found' }
  | { ok: false; code: 'expense_exceeds_money_received'; available: string }
  | { ok: false; code: 'project_state_does_not_allow_it'; status: ApplicationStatus }
  | {
      ok: false;
      code:
        | AmountCode
        | DateCode
        | 'supplier_is_required'
        | 'supplier_must_be_short'
        | 'invoice_no_must_be_short'
        | 'budget_line_not_found'
        | 'expense_must_be_positive'
        | 'project_is_closed'
        | 'form_was_already_used_for_something_else'
        | 'expense_was_refused_by_the_books';
    };

export type ExpenseCode = ExpenseFailure['code'];

export type ExpenseResult =
  | {
      ok: true;
      expenseId: string;
      seq: number;
      matchPart: string;
      selfRaisedPart: string;
      replayed: boolean;
    }
  | ExpenseFailure;

const userIdOf = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);

function checkInput(input: ExpenseInput): ExpenseFailure | { ok: true; amount: Money } {
  const amount = parseAmount(input.amount);
  if (!amount.ok) return { ok: false, code: amount.code };
  const supplier = input.supplier.trim();
  if (supplier === '') return { ok: false, code: 'supplier_is_required' };
  if (supplier.length > SUPPLIER_LENGTH_MAX) return { ok: false, code: 'supplier_must_be_short' };
  if (input.invoiceNo.trim().length > INVOICE_NO_LENGTH_MAX) return { ok: false, code: 'invoice_no_must_be_short' };
  return { ok: true, amount: amount.amount };
}

/** Records one expense of a project, by its committee or a fund administrator. */
export async function recordExpense(sql: Sql, input: Command & ExpenseInput): Promise<ExpenseResult> {
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  return runCommand<ExpenseResult, ExpenseFailure>(sql, (transaction) =>
    recordExpenseIn(transaction, { ...input, amountParsed: checked.amount, checkToday: true })
  );
}

/** The use case inside a transaction the caller holds (the demo seed too). */
export async function recordExpenseIn(
  transaction: Transaction,
  input: Command & ExpenseInput & { amountParsed: Money; checkToday: boolean }
): Promise<ExpenseResult> {
  const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
  if (project === null) return { ok: false, code: 'project_not_found' };
  const decision = can(input.actor, 'project.expense', projectRefOf(input.fundId, project));
  if (!decision.allowed && decision.reason !== 'state_does_not_allow_it') return { ok: false, code: 'not_allowed' };
  // The same form sent again is answered as the first time, even once the project has moved on.
  const replay = await replayOf(transaction, { ...input, project });
  if (replay !== null) return replay;
  // A role that may record spending, on a project not yet active or already closed, is told so.
  if (!decision.allowed) return { ok: false, code: 'project_state_does_not_allow_it', status: project.status };
  const [fund] = await transaction<{ fiscalYear: number }[]>`
    select fiscal_year as "fiscalYear" from funds where id = ${input.fundId}`;
  const dateCode = checkBookDate({
    date: input.invoiceDate,
    today: input.checkToday ? chinaDateOf(input.now) : '9999-12-31',
    fiscalYear: fund?.fiscalYear ?? Number(chinaDateOf(input.now).slice(0, 4))
  });
  if (dateCode !== null) return { ok: false, code: dateCode };
  const line = await budgetLineOf(transaction, project, input.lineNo);
  if (line === undefined) return { ok: false, code: 'budget_line_not_found' };
  const spending = await projectMoneyIn(transaction, input.fundId, project);
  const closed = project.status === 'closed' || project.status === 'cancelled';
  const split = decideExpense({ ...spending, ratioApproved: project.approvedRatio, closed }, input.amountParsed);
  if (!split.ok) {
    if (split.code === 'expense_exceeds_money_received') {
      const available = typeof split['available'] === 'string' ? split['available'] : '0.00';
      return { ok: false, code: 'expense_exceeds_money_received', available };
    }
    return { ok: false, code: split.code };
  }
  const actorUserId = userIdOf(input.actor);
  if (actorUserId === null) return { ok: false, code: 'not_allowed' };
  if (input.attachment !== null) {
    await storeAttachmentIn(transaction, {
      fundId: input.fundId,
      upload: input.attachment,
      uploadedBy: actorUserId,
      at: input.now
    });
  }
  const seq = await postExpenseIn(transaction, { ...input, project, line, split: split.value });
  const expenseId = await insertExpenseIn(transaction, { ...input, project, split: split.value, seq, actorUserId });
  return {
    ok: true,
    expenseId,
    seq,
    matchPart: split.value.match.toString(),
    selfRaisedPart: split.value.selfRaised.toString(),
    replayed: false
  };
}

/** The expense's row and its audit event, beside the entry just posted. */
async function insertExpenseIn(
  transaction: Transaction,
  input: Command &
    ExpenseInput & { amountParsed: Money; project: ProjectRow; split: ExpenseSplit; seq: number; actorUserId: string }
): Promise<string> {
  const { project, split, seq, actorUserId } = input;
  const [row] = await transaction<{ id: string }[]>`
    insert into expenses (fund_id, application_id, line_no, supplier, invoice_no, invoice_date, amount, match_part,
                          self_raised_part, attachment_sha256, entry_seq, recorded_by, recorded_at, create_key)
    values (${input.fundId}, ${project.id}, ${input.lineNo}, ${input.supplier.trim()}, ${input.invoiceNo.trim()},
            ${input.invoiceDate}, ${input.amountParsed.toString()}, ${split.match.toString()},
            ${split.selfRaised.toString()}, ${input.attachment?.sha256 ?? null}, ${seq}, ${actorUserId},
            ${input.now}, ${input.key})
    returning id::text as id`;
  if (row === undefined) throw new Error('expenses: the insert returned no row');
  await recordEvent(transaction, {
    action: 'expense.recorded',
    outcome: 'ok',
    at: input.now,
    actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'expense',
    resourceId: row.id,
    detail: { applicationNumber: project.number, amount: input.amountParsed.toString(), entrySeq: seq }
  });
  return row.id;
}

async function replayOf(
  transaction: Transaction,
  input: { fundId: string; key: string; project: ProjectRow; amountParsed: Money }
): Promise<ExpenseResult | null> {
  const [row] = await transaction<
    { id: string; applicationId: string; amount: string; seq: string; matchPart: string; selfPart: string }[]
  >`
    select id::text as id, application_id::text as "applicationId", amount::text as amount, entry_seq::text as seq,
           match_part::text as "matchPart", self_raised_part::text as "selfPart"
      from expenses where fund_id = ${input.fundId} and create_key = ${input.key}`;
  if (row === undefined) return null;
  if (row.applicationId !== input.project.id || !money(row.amount).equals(input.amountParsed)) {
    return { ok: false, code: 'form_was_already_used_for_something_else' };
  }
  return {
    ok: true,
    expenseId: row.id,
    seq: Number(row.seq),
    matchPart: row.matchPart,
    selfRaisedPart: row.selfPart,
    replayed: true
  };
}

/** The budget line named, or null for none; undefined when the application has no such line. */
async function budgetLineOf(
  transaction: Transaction,
  project: ProjectRow,
  lineNo: number | null
): Promise<{ item: string } | null | undefined> {
  if (lineNo === null) return null;
  const [line] = await transaction<{ item: string }[]>`
    select item from budget_lines where application_id = ${project.id} and line_no = ${lineNo}`;
  return line;
}

async function postExpenseIn(
  transaction: Transaction,
  input: Command &
    ExpenseInput & {
      project: ProjectRow;
      line: { item: string } | null;
      split: { match: Money; selfRaised: Money };
      amountParsed: Money;
    }
): Promise<number> {
  const { project, split } = input;
  const accounts = await projectAccountsIn(transaction, input.fundId, project);
  const postings: Posting[] = [
    ...(split.match.isPositive() ? [{ account: accounts.cost, side: 'debit' as const, amount: split.match }] : []),
    ...(split.selfRaised.isPositive()
      ? [{ account: accounts.selfRaised, side: 'debit' as const, amount: split.selfRaised }]
      : []),
    { account: accounts.funds, side: 'credit', amount: input.amountParsed }
  ];
  const what = input.line === null ? '' : `·${input.line.item}`;
  const invoice = input.invoiceNo.trim() === '' ? '' : `（发票 ${input.invoiceNo.trim()}）`;
  const posted = await postVoucherIn(transaction, {
    fundId: input.fundId,
    key: `expense:${input.key}`,
    now: input.now,
    posting: {
      kind: 'post',
      command: {
        date: input.invoiceDate,
        memo: `项目支出：${project.title}${what}，${input.supplier.trim()}${invoice}`.slice(0, 200),
        postings
      },
      references: {
        applicationId: projectKey(project),
        ...(input.attachment === null ? {} : { attachmentHashes: [input.attachment.sha256] })
      }
    }
  });
  if (!posted.ok) throw new Refusal<ExpenseFailure>({ ok: false, code: 'expense_was_refused_by_the_books' });
  return posted.seq;
}

// ---------------------------------------------------------------------------------------------
// The expenses page

export interface BudgetLineActual {
  lineNo: number;
  item: string;
  budget: string;
  actual: string;
  /** Budget less actual: negative when the line ran over. */
  left: string;
}

export interface ExpenseView {
  id: string;
  lineNo: number | null;
  item: string | null;
  supplier: string;
  invoiceNo: string;
  invoiceDate: string;
  amount: string;
  matchPart: string;
  selfRaisedPart: string;
  attachmentSha256: string | null;
  seq: number;
  recordedByName: string;
}

export interface ExpensesOverview {
  lines: BudgetLineActual[];
  /** Spent against no budget line. */
  unplanned: string;
  budgetTotal: string;
  actualTotal: string;
  matchPaid: string;
  selfRaisedReceived: string;
  matchSpent: string;
  selfRaisedSpent: string;
  /** What the project's bank sub-account holds: received less spent. */
  accountBalance: string;
  /** What a new expense may be now, as decideExpense counts it. */
  available: string;
  expenses: ExpenseView[];
}

export async function expensesOverview(sql: Sql, fundId: string, project: ProjectRow): Promise<ExpensesOverview> {
  const lines = await sql<{ lineNo: number; item: string; budget: string; actual: string }[]>`
    select b.line_no as "lineNo", b.item, b.amount::text as budget,
           coalesce((select sum(e.amount) from standing_expenses e
                      where e.application_id = b.application_id and e.line_no = b.line_no), 0)::numeric(18, 2)::text as actual
      from budget_lines b where b.application_id = ${project.id} order by b.line_no`;
  const expenses = await sql<ExpenseView[]>`
    select e.id::text as id, e.line_no as "lineNo", b.item, e.supplier, e.invoice_no as "invoiceNo",
           to_char(e.invoice_date, 'YYYY-MM-DD') as "invoiceDate", e.amount::text as amount,
           e.match_part::text as "matchPart", e.self_raised_part::text as "selfRaisedPart",
           e.attachment_sha256 as "attachmentSha256", e.entry_seq::int as seq, u.display_name as "recordedByName"
      from expenses e join users u on u.id = e.recorded_by
      left join budget_lines b on b.application_id = e.application_id and b.line_no = e.line_no
     where e.application_id = ${project.id}
     order by e.id desc`;
  const spending = await projectMoneyIn(sql, fundId, project);
  const unplanned = expenses
    .filter((expense) => expense.lineNo === null)
    .reduce((total, expense) => total.plus(money(expense.amount)), Money.zero());
  const budgetTotal = lines.reduce((total, line) => total.plus(money(line.budget)), Money.zero());
  const received = spending.matchPaid.plus(spending.selfRaisedReceived);
  const matchLeft = Money.max(Money.zero(), spending.matchPaid.minus(spending.matchSpent));
  const selfLeft = Money.max(Money.zero(), spending.selfRaisedReceived.minus(spending.selfRaisedSpent));
  return {
    lines: lines.map((line) => ({
      ...line,
      left: money(line.budget).minus(money(line.actual)).toString()
    })),
    unplanned: unplanned.toString(),
    budgetTotal: budgetTotal.toString(),
    actualTotal: spending.costActual.toString(),
    matchPaid: spending.matchPaid.toString(),
    selfRaisedReceived: spending.selfRaisedReceived.toString(),
    matchSpent: spending.matchSpent.toString(),
    selfRaisedSpent: spending.selfRaisedSpent.toString(),
    accountBalance: received.minus(spending.costActual).toString(),
    available: matchLeft.plus(selfLeft).toString(),
    expenses
  };
}

// ---------------------------------------------------------------------------------------------
// The demo fund
