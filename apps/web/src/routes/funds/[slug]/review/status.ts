import { m } from '$lib/paraglide/messages';

/** The name of each application status and timeline event, in the visitor's language. */
export const statusNames: Record<string, () => string> = {
  draft: m.review_status_draft,
  submitted: m.review_status_submitted,
  in_review: m.review_status_in_review,
  returned: m.review_status_returned,
  rejected: m.review_status_rejected,
  withdrawn: m.review_status_withdrawn,
  approved: m.review_status_approved,
  active: m.review_status_active
};

export const eventNames: Record<string, () => string> = {
  submit: m.review_event_submit,
  withdraw: m.review_event_withdraw,
  precheck_pass: m.review_event_precheck_pass,
  return: m.review_event_return,
  reject: m.review_event_reject,
  approve: m.review_event_approve,
  objection_upheld: m.review_event_objection_upheld,
  notice_ended: m.review_event_notice_ended
};

export function statusName(status: string): string {
  return statusNames[status]?.() ?? status;
}

export function eventName(event: string): string {
  return eventNames[event]?.() ?? event;
}
