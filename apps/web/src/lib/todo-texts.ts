import { m } from '$lib/paraglide/messages';
import type { StepWaiting, TodoKind, TodoRole } from './todo-types';

export type * from './todo-types';

/**
 * The to-do list's words: the server (lib/server/people/todo) decides what waits for whom, these
 * say it in the reader's language.
 */

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
  evaluation_codes: () => m.todo_kind_evaluation_codes(),
  watch_prechecks: () => m.todo_kind_watch_prechecks(),
  watch_objections: () => m.todo_kind_watch_objections(),
  watch_payouts: () => m.todo_kind_watch_payouts(),
  watch_files: () => m.todo_kind_watch_files(),
  need_triage: () => m.needs_todo_triage(),
  signoff_ask: () => m.signoff_todo_ask()
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
