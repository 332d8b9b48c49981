import { isDate } from '../journal/limits.js';
import { ok, reject, type Rejection, type Result } from '../result.js';

/**
 * An application's life as a pure state machine (DOMAIN.md, "A grant's life"; issue 6, "Review and
 * decision"). The server loads the application's state, builds the event from the request and the
 * rows it read, and writes the transition this returns in the same transaction. The state names
 * are the same as `ApplicationStatus` in the web app's authorization policy.
 */
export const APPLICATION_STATES = [
  'draft',
  'submitted',
  'in_review',
  'returned',
  'rejected',
  'withdrawn',
  'approved',
  'active',
  'accepted',
  'closed',
  'cancelled'
] as const;

export type ApplicationState = (typeof APPLICATION_STATES)[number];

export const APPLICATION_EVENTS = [
  'submit',
  'withdraw',
  'precheck_pass',
  'return',
  'reject',
  'approve',
  'objection_upheld',
  'notice_ended',
  'accept',
  'close',
  'cancel'
] as const;

export type ApplicationEventName = (typeof APPLICATION_EVENTS)[number];

export type ApplicationTransition = {
  readonly event: ApplicationEventName;
  readonly from: readonly ApplicationState[];
  readonly to: ApplicationState;
};

/**
 * Every allowed transition, as data, so that tests and the UI read the same table the decision
 * uses. Each event leads to one state; any state not listed in its `from` refuses it.
 */
export const APPLICATION_TRANSITIONS: readonly ApplicationTransition[] = [
  // The committee sends in a complete draft, or a returned application after revising it.
  { event: 'submit', from: ['draft', 'returned'], to: 'submitted' },
  // The committee may withdraw at any point before the leadership group decides.
  { event: 'withdraw', from: ['draft', 'submitted', 'in_review', 'returned'], to: 'withdrawn' },
  // The fund administrator's community pre-check: complete and eligible, so it goes to the vote.
  { event: 'precheck_pass', from: ['submitted'], to: 'in_review' },
  // Returned with comments, by the pre-check or by the vote.
  { event: 'return', from: ['submitted', 'in_review'], to: 'returned' },
  // Rejected with a reason, by the pre-check or by the vote.
  { event: 'reject', from: ['submitted', 'in_review'], to: 'rejected' },
  // Only a vote that settled on approval approves; the match is reserved in the same transaction.
  { event: 'approve', from: ['in_review'], to: 'approved' },
  // An objection upheld during the notice period sends the application back to review.
  { event: 'objection_upheld', from: ['approved'], to: 'in_review' },
  // The notice period ended with no open objection: the grant is active.
  { event: 'notice_ended', from: ['approved'], to: 'active' },
  // The work is done and checked (验收) by the fund administrator and a second person.
  { event: 'accept', from: ['active'], to: 'accepted' },
  // The books of the project are closed: the final match, the released reservation, the refunds.
  { event: 'close', from: ['accepted'], to: 'closed' },
  // A grant that will not go ahead: its reservation is released and self-raised money refunded.
  { event: 'cancel', from: ['approved', 'active'], to: 'cancelled' }
];

/** What was still missing when the committee tried to submit, such as ['budget', 'owners_meeting']. */
export type ApplicationCompleteness = { readonly missing: readonly string[] };

export type ApplicationEvent =
  | { readonly event: 'submit'; readonly completeness: ApplicationCompleteness }
  | { readonly event: 'withdraw' }
  | { readonly event: 'precheck_pass' }
  | { readonly event: 'return'; readonly comments: string }
  | { readonly event: 'reject'; readonly reason: string }
  | {
      readonly event: 'approve';
      /** The vote's tally (see tallyVotes); only a tally decided for approval may approve. */
      readonly tally: { readonly status: 'open' | 'decided'; readonly outcome?: 'approve' | 'reject' | 'return' };
    }
  | { readonly event: 'objection_upheld' }
  | {
      readonly event: 'notice_ended';
      /** Today's date in China, YYYY-MM-DD; the package reads no clock. */
      readonly today: string;
      /** The last day of the notice period (see addWorkingDays). */
      readonly noticeEndsOn: string;
      /**
       * Whether that day is certain (addWorkingDays' `certain`): false while the period runs into
       * a year whose holidays are not yet in the calendar, when the true end may come later.
       */
      readonly noticeEndCertain: boolean;
      /** Objections filed and not yet decided by the fund administrator. */
      readonly openObjections: number;
    }
  | {
      readonly event: 'accept';
      /** Who recorded the acceptance check and who confirmed it: two different people. */
      readonly recordedBy: string;
      readonly confirmedBy: string;
    }
  | { readonly event: 'close' }
  | { readonly event: 'cancel'; readonly reason: string };

export type ApplicationDecision = {
  readonly from: ApplicationState;
  readonly to: ApplicationState;
  readonly event: ApplicationEventName;
};

export type ApplicationCode =
  | 'transition_not_allowed'
  | 'application_must_be_complete'
  | 'return_needs_comments'
  | 'reject_needs_a_reason'
  | 'approval_needs_a_vote_decided_for_it'
  | 'date_must_be_valid'
  | 'open_objections_must_be_a_whole_number'
  | 'notice_period_has_not_ended'
  | 'notice_end_is_provisional'
  | 'objections_are_still_open'
  | 'acceptance_needs_two_people'
  | 'cancel_needs_a_reason';

const TRANSITION_BY_EVENT: ReadonlyMap<ApplicationEventName, ApplicationTransition> = new Map(
  APPLICATION_TRANSITIONS.map((transition) => [transition.event, transition])
);

/** The events the state allows, in table order, for the UI to offer only what can happen. */
export function applicationEventsFrom(state: ApplicationState): ApplicationEventName[] {
  return APPLICATION_TRANSITIONS.filter((transition) => transition.from.includes(state)).map(
    (transition) => transition.event
  );
}

/**
 * Decides whether the event may move the application out of its state. The table is checked
 * first, so a forbidden pair is always `transition_not_allowed` whatever the event carries; then
 * the event's own conditions, in the order of the ApplicationCode list.
 */
export function decideTransition(
  state: ApplicationState,
  event: ApplicationEvent
): Result<ApplicationDecision, ApplicationCode> {
  const transition = TRANSITION_BY_EVENT.get(event.event);
  if (transition === undefined || !transition.from.includes(state)) {
    return reject('transition_not_allowed', { from: state, to: transition?.to ?? null, event: event.event });
  }
  const refused = eventRefused(event);
  if (refused !== null) {
    return refused;
  }
  return ok({ from: state, to: transition.to, event: event.event });
}

function eventRefused(event: ApplicationEvent): Rejection<ApplicationCode> | null {
  switch (event.event) {
    case 'submit':
      return event.completeness.missing.length === 0
        ? null
        : reject('application_must_be_complete', { missing: [...event.completeness.missing] });
    case 'return':
      return isBlank(event.comments) ? reject('return_needs_comments') : null;
    case 'reject':
      return isBlank(event.reason) ? reject('reject_needs_a_reason') : null;
    case 'approve':
      return event.tally.status === 'decided' && event.tally.outcome === 'approve'
        ? null
        : reject('approval_needs_a_vote_decided_for_it', {
            status: event.tally.status,
            outcome: event.tally.outcome ?? null
          });
    case 'notice_ended':
      return noticeEndRefused(event);
    case 'accept':
      return event.recordedBy === event.confirmedBy ? reject('acceptance_needs_two_people') : null;
    case 'cancel':
      return isBlank(event.reason) ? reject('cancel_needs_a_reason') : null;
    case 'withdraw':
    case 'precheck_pass':
    case 'objection_upheld':
    case 'close':
      return null;
  }
}

/**
 * The notice period runs to the end of `noticeEndsOn`, so the grant becomes active from the next
 * day on, and only when no objection is still waiting for the fund administrator's decision.
 */
function noticeEndRefused(
  event: Extract<ApplicationEvent, { event: 'notice_ended' }>
): Rejection<ApplicationCode> | null {
  if (!isDate(event.today)) {
    return reject('date_must_be_valid', { field: 'today', date: event.today });
  }
  if (!isDate(event.noticeEndsOn)) {
    return reject('date_must_be_valid', { field: 'noticeEndsOn', date: event.noticeEndsOn });
  }
  if (!Number.isSafeInteger(event.openObjections) || event.openObjections < 0) {
    return reject('open_objections_must_be_a_whole_number', { openObjections: event.openObjections });
  }
  // YYYY-MM-DD strings sort in date order, so comparing the text compares the days.
  if (event.today <= event.noticeEndsOn) {
    return reject('notice_period_has_not_ended', { today: event.today, noticeEndsOn: event.noticeEndsOn });
  }
  // A provisional end counted some holidays as working days (or the reverse): activating on it
  // could cut the notice short, so the grant waits until the year's calendar is entered.
  if (event.noticeEndCertain !== true) {
    return reject('notice_end_is_provisional', { noticeEndsOn: event.noticeEndsOn });
  }
  if (event.openObjections > 0) {
    return reject('objections_are_still_open', { openObjections: event.openObjections });
  }
  return null;
}

/**
 * Whether an approved application's notice is running on `today`, so that objections are heard:
 * from its first day through its last. A provisional last day has not come yet, whatever the date
 * says, because the true one may be later; the notice runs until the year's calendar is entered
 * and the true end has passed (decideTransition's `notice_ended` refuses such an end too).
 */
export function noticeIsRunning(notice: {
  readonly today: string;
  readonly noticeStartsOn: string;
  readonly noticeEndsOn: string;
  readonly noticeEndCertain: boolean;
}): boolean {
  // YYYY-MM-DD strings sort in date order, so comparing the text compares the days.
  return notice.today >= notice.noticeStartsOn && (!notice.noticeEndCertain || notice.today <= notice.noticeEndsOn);
}

function isBlank(text: string): boolean {
  return typeof text !== 'string' || text.trim() === '';
}
