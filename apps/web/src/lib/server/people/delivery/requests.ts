import type { Membership } from '../../access/policy';

/**
 * What a notification asks of its reader: the one home of that answer, read by the in-app inbox
 * and by the messages that leave the app, so that both say the same thing. A notification asks
 * for an act only when the application is still in the state that needs it and the reader holds
 * the role that does it; everything else stays informational.
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
  fundId: string;
  compoundId: string | null;
  /** The reader's memberships (all funds; only this fund's count). */
  memberships: readonly Membership[];
}

interface Rule {
  verb: RequestVerb;
  /** The application status in which the act is still open; null when the kind has no application. */
  status: string | null;
  roles: readonly ('fund_admin' | 'leader' | 'committee')[];
  deadline: 'notice_end' | null;
}

/** One row per notification kind that asks for an act. */
const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['application.submitted', { verb: 'precheck', status: 'submitted', roles: ['fund_admin'], deadline: null }],
  ['application.in_review', { verb: 'vote', status: 'in_review', roles: ['leader'], deadline: null }],
  ['application.returned', { verb: 'revise', status: 'returned', roles: ['committee'], deadline: null }],
  ['objection.filed', { verb: 'decide_objection', status: 'approved', roles: ['fund_admin'], deadline: 'notice_end' }],
  ['payout.waiting', { verb: 'approve_payout', status: 'active', roles: ['fund_admin', 'leader'], deadline: null }],
  [
    'acceptance.recorded',
    { verb: 'confirm_acceptance', status: 'active', roles: ['fund_admin', 'leader'], deadline: null }
  ],
  ['correction.waiting', { verb: 'confirm_correction', status: null, roles: ['fund_admin', 'leader'], deadline: null }]
]);

export function askOf(input: AskInput): NotificationAsk {
  const information: NotificationAsk = {
    kind: 'information',
    status: input.notificationKind.startsWith('application.') ? input.notificationKind.slice(12) : null
  };
  const rule = RULES.get(input.notificationKind);
  if (rule === undefined) return information;
  if (rule.status !== null && rule.status !== input.applicationStatus) return information;
  const holds = input.memberships.some(
    (membership) =>
      membership.fundId === input.fundId &&
      rule.roles.some((role) => role === membership.role) &&
      (membership.role !== 'committee' || membership.compoundId === input.compoundId)
  );
  if (!holds) return information;
  const deadline = rule.deadline === 'notice_end' ? input.noticeEndsOn : null;
  return { kind: 'request', verb: rule.verb, deadline };
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
