import { m } from '$lib/paraglide/messages';

/**
 * The names of an application's statuses and of its timeline's events, in the visitor's language:
 * one source for the committee's pages, the review pages and the inbox, so that a status reads the
 * same wherever it is shown.
 */

const statusNames: Record<string, () => string> = {
  draft: () => m.application_status_draft(),
  submitted: () => m.application_status_submitted(),
  in_review: () => m.application_status_in_review(),
  returned: () => m.application_status_returned(),
  rejected: () => m.application_status_rejected(),
  withdrawn: () => m.application_status_withdrawn(),
  approved: () => m.application_status_approved(),
  active: () => m.application_status_active(),
  accepted: () => m.application_status_accepted(),
  closed: () => m.application_status_closed(),
  cancelled: () => m.application_status_cancelled()
};

/** A status's name; a status this list does not know reads as its code. */
export function statusName(status: string): string {
  return (statusNames[status] ?? (() => status))();
}

const eventNames: Record<string, () => string> = {
  submit: () => m.application_event_submit(),
  withdraw: () => m.application_event_withdraw(),
  precheck_pass: () => m.application_event_precheck_pass(),
  return: () => m.application_event_return(),
  reject: () => m.application_event_reject(),
  approve: () => m.application_event_approve(),
  objection_upheld: () => m.application_event_objection_upheld(),
  notice_ended: () => m.application_event_notice_ended(),
  accept: () => m.application_event_accept(),
  close: () => m.application_event_close(),
  cancel: () => m.application_event_cancel()
};

/** A timeline event's name; an event this list does not know reads as its code. */
export function eventName(event: string): string {
  return (eventNames[event] ?? (() => event))();
}
