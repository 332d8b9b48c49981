import type { StepWaiting, TodoItem, TodoKind, TodoRole, TodoTarget } from '../../../todo-types';
import { can, type Action, type Actor, type ApplicationRef } from '../../access/policy';
import type { ApplicationStateRow } from './rows';

/*
 * What one application asks of one person, decided from its state and the policy alone (no
 * query): the read model (index.ts) feeds it rows. Every item is gated by the policy action that
 * does the step, and its link by the action that opens the page, as inboxTarget does.
 */

export interface FundOfTodo {
  fundId: string;
  slug: string;
  nameZh: string;
  nameEn: string;
  /** Today in China (YYYY-MM-DD). */
  today: string;
}

/** How many calendar days before a notice's last day the fund office is reminded of it. */
export const NOTICE_SOON_DAYS = 2;

type User = Extract<Actor, { kind: 'user' }>;

export function refOf(fund: FundOfTodo, row: ApplicationStateRow): ApplicationRef {
  return { fundId: fund.fundId, compoundId: row.compoundId, applicantUnitId: row.applicantUnitId, status: row.status };
}

export function holdsRole(actor: User, fundId: string, role: TodoRole): boolean {
  return actor.memberships.some((membership) => membership.fundId === fundId && membership.role === role);
}

/** Whether the person may open the page an item leads to; the page's own load asks the same. */
export function mayOpen(actor: Actor, target: TodoTarget, fundId: string, ref: ApplicationRef | null): boolean {
  switch (target) {
    case 'notice':
      return can(actor, 'notice.read', { fundId }).allowed;
    case 'corrections':
      return can(actor, 'books.correct.confirm', { fundId }).allowed;
    case 'periods':
      return can(actor, 'books.read', { fundId }).allowed;
    case 'review_queue':
      return can(actor, 'fund.office.read', { fundId }).allowed;
    case 'projects':
      return can(actor, 'fund.read_private', { fundId }).allowed;
    case 'needs':
      return can(actor, 'fund.office.read', { fundId }).allowed;
    default:
      break;
  }
  if (ref === null) return false;
  switch (target) {
    case 'review':
      return can(actor, 'fund.office.read', { fundId }).allowed && can(actor, 'application.read', ref).allowed;
    case 'application':
      return can(actor, 'application.read', ref).allowed;
    case 'edit':
      return can(actor, 'application.edit', ref).allowed;
    default:
      return can(actor, 'project.read', ref).allowed;
  }
}

/** One item about one application, its link kept only where the person may open the page. */
export function itemOf(
  actor: Actor,
  fund: FundOfTodo,
  row: ApplicationStateRow,
  item: { kind: TodoKind; role: TodoRole; target: TodoTarget; since: Date; dueOn?: string | null; count?: number }
): TodoItem {
  const ref = refOf(fund, row);
  return {
    key: `${fund.slug}:${row.number}:${item.kind}`,
    kind: item.kind,
    role: item.role,
    fundSlug: fund.slug,
    fundNameZh: fund.nameZh,
    fundNameEn: fund.nameEn,
    number: row.number,
    title: row.title,
    compoundName: row.compoundName,
    count: item.count ?? 1,
    month: null,
    since: item.since,
    dueOn: item.dueOn ?? null,
    target: mayOpen(actor, item.target, fund.fundId, ref) ? item.target : null
  };
}

/** The day `days` calendar days after a date, both YYYY-MM-DD. */
function daysAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * What an application asks of the fund office and the leadership group: a vote not yet cast
 * (a recused leader is refused by the policy), the pre-check, open objections, a notice ending
 * soon or ended and not yet active, an acceptance check to confirm by a second person.
 */
export function officeItemsOf(
  actor: User,
  fund: FundOfTodo,
  row: ApplicationStateRow,
  voteDueOn: string | null
): TodoItem[] {
  const ref = refOf(fund, row);
  const items: TodoItem[] = [];
  const add = (item: Parameters<typeof itemOf>[3]) => items.push(itemOf(actor, fund, row, item));
  if (!row.voted && can(actor, 'application.vote', ref).allowed) {
    add({ kind: 'vote', role: 'leader', target: 'review', since: row.since, dueOn: voteDueOn });
  }
  if (can(actor, 'application.precheck', ref).allowed) {
    add({ kind: 'precheck', role: 'fund_admin', target: 'review', since: row.since });
  }
  const decides = row.status === 'approved' && can(actor, 'objection.decide', { fundId: fund.fundId }).allowed;
  if (decides && row.objectionsOpen > 0) {
    const since = row.objectionsSince ?? row.since;
    add({ kind: 'objection', role: 'fund_admin', target: 'notice', since, count: row.objectionsOpen });
  }
  if (decides && row.objectionsOpen === 0 && row.noticeEndsOn !== null) {
    const ended = row.noticeEndsOn < fund.today;
    const soon = !ended && row.noticeEndsOn <= daysAfter(fund.today, NOTICE_SOON_DAYS);
    if (ended || soon) {
      const kind = ended ? 'notice_ended' : 'notice_ending';
      add({ kind, role: 'fund_admin', target: 'notice', since: row.since, dueOn: row.noticeEndsOn });
    }
  }
  const recordedBy = row.acceptanceRecordedBy;
  if (recordedBy !== null && recordedBy !== actor.userId && can(actor, 'project.accept.confirm', ref).allowed) {
    add({
      kind: 'acceptance_confirm',
      role: 'leader',
      target: 'acceptance',
      since: row.acceptanceRecordedAt ?? row.since
    });
  }
  return items;
}

/** A step the committee takes, and the policy action that lets a person take it. */
const COMMITTEE_ACTIONS = {
  draft_submit: 'application.edit',
  returned_revise: 'application.edit',
  raise: 'project.raise',
  expenses: 'project.expense',
  evaluation_codes: 'project.evaluation.codes'
} as const satisfies Partial<Record<TodoKind, Action>>;

type CommitteeKind = keyof typeof COMMITTEE_ACTIONS;

/**
 * The next step of an application or project for its committee: what to do (`todo`, only when
 * this person may do it) or what it waits for, and the page it is done or followed on.
 */
export interface CommitteeStep {
  step: CommitteeKind | StepWaiting;
  todo: TodoItem | null;
  target: TodoTarget | null;
}

/**
 * The one home of "what is next" for a compound's committee, read by its to-do list and by the
 * compound's page: a draft to submit, a returned application to revise, the residents' share to
 * raise (from approval on, while it falls short), spending to record, evaluation codes to issue.
 * The step follows from the state alone; whether it is this person's to do is the policy's answer.
 */
export function committeeStepOf(actor: Actor, fund: FundOfTodo, row: ApplicationStateRow): CommitteeStep {
  const ref = refOf(fund, row);
  const [step, target] = nextStepOf(row);
  const open = mayOpen(actor, target, fund.fundId, ref) ? target : null;
  if (!Object.hasOwn(COMMITTEE_ACTIONS, step)) return { step, todo: null, target: open };
  const kind = step as CommitteeKind;
  if (!can(actor, COMMITTEE_ACTIONS[kind], ref).allowed) return { step, todo: null, target: open };
  return { step, todo: itemOf(actor, fund, row, { kind, role: 'committee', target, since: row.since }), target: open };
}

function nextStepOf(row: ApplicationStateRow): [CommitteeKind | StepWaiting, TodoTarget] {
  switch (row.status) {
    case 'draft':
      return ['draft_submit', 'application'];
    case 'returned':
      return ['returned_revise', 'edit'];
    case 'submitted':
      return ['waiting_precheck', 'application'];
    case 'in_review':
      return ['waiting_vote', 'application'];
    case 'approved':
      return row.raiseShort ? ['raise', 'raise'] : ['notice_running', 'notice'];
    case 'active':
      return row.raiseShort ? ['raise', 'raise'] : ['expenses', 'expenses'];
    case 'accepted':
      return row.evaluationCodesIssued ? ['waiting_close', 'project'] : ['evaluation_codes', 'evaluation'];
    case 'closed':
    case 'cancelled':
      return ['finished', 'project'];
    default:
      return ['finished', 'application'];
  }
}
