import { can, type Actor, type ApplicationStatus } from '../../access/policy';

/**
 * What a notification asks of its reader: the one home of that answer, read by the in-app inbox
 * and by the messages that leave the app, so that both say the same thing. A notification asks
 * for an act only when the application is still in the state that needs it and the policy lets
 * the reader do that act now; everything else stays informational. Who may act is the policy's
 * rule (access/policy.ts), asked here, never a second list of roles.
 */
export type RequestVerb =
  'precheck' | 'vote' | 'revise' | 'decide_objection' | 'approve_payout' | 'confirm_acceptance' | 'confirm_correction';

export type NotificationAsk =
  { kind: 'request'; verb: RequestVerb; deadline: string | null } | { kind: 'information'; status: string | null };

export interface AskInput {
  /** The notification's kind, such as `application.in_review` or `payout.waiting`. */
  notificationKind: string;
  /** The application's status now (not when the notification was written), or null. */
  applicationStatus: string | null;
  /** The notice's last day (YYYY-MM-DD) when the application is under notice, else null. */
  noticeEndsOn: string | null;
  /** The last day of the leaders' vote when the policy sets a vote period, else null. */
  voteEndsOn?: string | null;
  fundId: string;
  compoundId: string | null;
  applicantUnitId: string | null;
  /** The reader, whose memberships the policy reads. */
  actor: Actor;
}

/** The policy's actions that answer a request, each on an application or on the fund's books. */
type ApplicationAct =
  | 'application.precheck'
  | 'application.vote'
  | 'application.edit'
  | 'project.payout.approve'
  | 'project.accept.confirm';
type FundAct = 'objection.decide' | 'books.correct.confirm';

interface Rule {
  verb: RequestVerb;
  /** The application status in which the act is still open; null when the kind has no application. */
  status: string | null;
  action: ApplicationAct | FundAct;
  deadline: 'notice_end' | 'vote_end' | null;
}

/** One row per notification kind that asks for an act. */
const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['application.submitted', { verb: 'precheck', status: 'submitted', action: 'application.precheck', deadline: null }],
  ['application.in_review', { verb: 'vote', status: 'in_review', action: 'application.vote', deadline: 'vote_end' }],
  ['application.returned', { verb: 'revise', status: 'returned', action: 'application.edit', deadline: null }],
  [
    'objection.filed',
    { verb: 'decide_objection', status: 'approved', action: 'objection.decide', deadline: 'notice_end' }
  ],
  ['payout.waiting', { verb: 'approve_payout', status: 'active', action: 'project.payout.approve', deadline: null }],
  [
    'acceptance.recorded',
    { verb: 'confirm_acceptance', status: 'active', action: 'project.accept.confirm', deadline: null }
  ],
  ['correction.waiting', { verb: 'confirm_correction', status: null, action: 'books.correct.confirm', deadline: null }],
  // The scheduler's reminders (lib/server/schedule/reminders.ts) ask again for the same acts.
  ['reminder.vote', { verb: 'vote', status: 'in_review', action: 'application.vote', deadline: 'vote_end' }],
  [
    'reminder.objections',
    { verb: 'decide_objection', status: 'approved', action: 'objection.decide', deadline: 'notice_end' }
  ]
]);

export function askOf(input: AskInput): NotificationAsk {
  const information: NotificationAsk = {
    kind: 'information',
    status: input.notificationKind.startsWith('application.') ? input.notificationKind.slice(12) : null
  };
  const rule = RULES.get(input.notificationKind);
  if (rule === undefined) return information;
  if (rule.status !== null && rule.status !== input.applicationStatus) return information;
  if (!mayAct(rule.action, input)) return information;
  const deadline =
    rule.deadline === 'notice_end'
      ? input.noticeEndsOn
      : rule.deadline === 'vote_end'
        ? (input.voteEndsOn ?? null)
        : null;
  return { kind: 'request', verb: rule.verb, deadline };
}

/** Whether the policy lets the reader do the act now. */
function mayAct(action: ApplicationAct | FundAct, input: AskInput): boolean {
  if (action === 'objection.decide' || action === 'books.correct.confirm') {
    return can(input.actor, action, { fundId: input.fundId }).allowed;
  }
  if (input.compoundId === null || input.applicationStatus === null) return false;
  const application = {
    fundId: input.fundId,
    compoundId: input.compoundId,
    applicantUnitId: input.applicantUnitId,
    // The rule's own status was compared above; the policy reads the same status.
    status: input.applicationStatus as ApplicationStatus
  };
  return can(input.actor, action, application).allowed;
}

/** A day (YYYY-MM-DD) as the reader writes it in a sentence: `12月11日`, `11 Dec`. */
export function shortDay(day: string, lang: 'zh-CN' | 'en'): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return day;
  const month = Number(match[2]);
  const date = Number(match[3]);
  if (lang === 'zh-CN') return `${month}月${date}日`;
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${date} ${names[month - 1] ?? ''}`;
}
