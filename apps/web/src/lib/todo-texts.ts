import { m } from '$lib/paraglide/messages';

/**
 * The to-do list's shapes and words, shared by the server's read model (lib/server/people/todo.ts)
 * and the pages that show it: the server decides what waits for whom, these say it.
 */

/** What is asked: one kind per step of the books or of an application that waits for a person. */
export type TodoKind =
  | 'vote'
  | 'precheck'
  | 'objection'
  | 'notice_ending'
  | 'notice_ended'
  | 'payout_approve'
  | 'file_check'
  | 'acceptance_confirm'
  | 'correction_confirm'
  | 'month_close'
  | 'draft_submit'
  | 'returned_revise'
  | 'raise'
  | 'expenses'
  | 'evaluation_codes';

/**
 * Where an application or project stands for its committee when nothing waits for the committee:
 * the compound's page shows these, the to-do list does not.
 */
export type StepWaiting = 'waiting_precheck' | 'waiting_vote' | 'notice_running' | 'waiting_close' | 'finished';

/** The page an item leads to (the server asked the policy that the person may open it). */
export type TodoTarget =
  | 'review'
  | 'notice'
  | 'application'
  | 'edit'
  | 'project'
  | 'payouts'
  | 'files'
  | 'acceptance'
  | 'raise'
  | 'expenses'
  | 'evaluation'
  | 'corrections'
  | 'periods';

export type TodoRole = 'fund_admin' | 'leader' | 'committee' | 'supervisor';

export interface TodoItem {
  /** Stable within one list, for keyed rendering and tests. */
  key: string;
  kind: TodoKind;
  /** The role the step is asked of. */
  role: TodoRole;
  fundSlug: string;
  fundNameZh: string;
  fundNameEn: string;
  /** The application or project it is about, if any. */
  number: number | null;
  title: string | null;
  compoundName: string | null;
  /** How many of the kind wait here (files to check, objections open), when more than one may. */
  count: number;
  /** The month to close (YYYY-MM), for month_close. */
  month: string | null;
  /** When the state that asks for it began. */
  since: Date;
  /** The last day to do it (YYYY-MM-DD): a notice's last day, a vote's deadline; null for none. */
  dueOn: string | null;
  /** The page where it is done, or null when the person may not open one. */
  target: TodoTarget | null;
}

const kindTexts: Record<TodoKind, () => string> = {
  vote: () => m.todo_kind_vote(),
  precheck: () => m.todo_kind_precheck(),
  objection: () => m.todo_kind_objection(),
  notice_ending: () => m.todo_kind_notice_ending(),
  notice_ended: () => m.todo_kind_notice_ended(),
  payout_approve: () => m.todo_kind_payout_approve(),
  file_check: () => m.todo_kind_file_check(),
  acceptance_confirm: () => m.todo_kind_acceptance_confirm(),
  correction_confirm: () => m.todo_kind_correction_confirm(),
  month_close: () => m.todo_kind_month_close(),
  draft_submit: () => m.todo_kind_draft_submit(),
  returned_revise: () => m.todo_kind_returned_revise(),
  raise: () => m.todo_kind_raise(),
  expenses: () => m.todo_kind_expenses(),
  evaluation_codes: () => m.todo_kind_evaluation_codes()
};

const waitingTexts: Record<StepWaiting, () => string> = {
  waiting_precheck: () => m.todo_waiting_precheck(),
  waiting_vote: () => m.todo_waiting_vote(),
  notice_running: () => m.todo_waiting_notice(),
  waiting_close: () => m.todo_waiting_close(),
  finished: () => m.todo_waiting_finished()
};

/** What is needed, as a request to the reader ("请您表决"). */
export function todoKindText(kind: TodoKind): string {
  return kindTexts[kind]();
}

/** Where a step stands when it waits for someone else. */
export function stepWaitingText(step: StepWaiting): string {
  return waitingTexts[step]();
}

const roleTexts: Record<TodoRole, () => string> = {
  fund_admin: () => m.role_fund_admin(),
  leader: () => m.role_leader(),
  committee: () => m.role_committee(),
  supervisor: () => m.role_supervisor()
};

export function todoRoleText(role: TodoRole): string {
  return roleTexts[role]();
}
