/**
 * The to-do list's shapes, shared by the server's read model (lib/server/people/todo) and the
 * pages that show it (through lib/todo-texts.ts, which words them). No imports, so that the read
 * model and its tests take the types without the message catalogue.
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
  | 'evaluation_codes'
  | 'watch_prechecks'
  | 'watch_objections'
  | 'watch_payouts'
  | 'watch_files'
  | 'need_triage'
  | 'signoff_ask';

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
  | 'periods'
  | 'review_queue'
  | 'projects'
  | 'needs';

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
