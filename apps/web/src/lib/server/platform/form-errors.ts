import type * as v from 'valibot';

/**
 * A form's valibot issues as one message per field, in the visitor's language: the first issue
 * of each field names it, and an issue about anything the page does not show (a hidden key, an
 * unknown name) falls to the form-wide `form` message.
 */
export function fieldErrorsOf<Field extends string>(
  issues: readonly v.BaseIssue<unknown>[],
  messages: Record<Field | 'form', () => string>
): Partial<Record<Field | 'form', string>> {
  const errors: Partial<Record<Field | 'form', string>> = {};
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    const field = typeof key === 'string' && key !== 'form' && key in messages ? (key as Field) : 'form';
    errors[field] ??= messages[field]();
  }
  return errors;
}

/**
 * The HTTP status of a use case's refusal, decided here once for every form: whether the person
 * can put it right by correcting what they typed (400), or the thing cannot be done whatever they
 * type, because it moved on, a race was lost or the money is not there (409). ErrorSummary heads
 * the first "please correct the following" and every other "this could not be done", from the
 * status alone, so a page never decides that on its own.
 */
export function failureStatusOf(code: string): 400 | 403 | 404 | 409 | 429 {
  if (FORBIDDEN.has(code)) return 403;
  if (code.endsWith('_not_found') || code === 'item_is_not_in_this_fund') return 404;
  if (REFUSED.has(code)) return 409;
  if (THROTTLED.has(code)) return 429;
  return 400;
}

/** Not this person's to do: no role, or a conflict of interest. */
const FORBIDDEN: ReadonlySet<string> = new Set([
  'not_allowed',
  'voter_has_no_seat',
  'voter_is_recused',
  'confirmer_is_recused',
  'conflict_of_interest'
]);

/** Refusals that no correction of the form changes: the state, the money, a race, an old form. */
const REFUSED: ReadonlySet<string> = new Set([
  // The review.
  'application_is_not_editable',
  'application_is_not_in_review',
  'transition_not_allowed',
  'vote_already_cast',
  'vote_already_decided',
  'policy_version_missing',
  'match_cannot_be_computed',
  'pool_cannot_cover_the_match',
  'fund_has_no_policy',
  'policy_changed_meanwhile',
  'objection_already_decided',
  'notice_is_not_open',
  // The project's money: what may be paid or spent depends on figures the form does not hold.
  'payout_exceeds_releasable',
  'project_is_closed',
  'project_state_does_not_allow_it',
  'payout_is_not_waiting',
  'second_approver_must_differ',
  'project_has_no_hold',
  'payout_was_refused_by_the_books',
  'expense_exceeds_money_received',
  'expense_was_refused_by_the_books',
  'insufficient_available_balance',
  'hold_already_released',
  // A form's key used already for something else: a stale form, not a typing error.
  'form_was_already_used_for_something_else',
  'idempotency_key_reused',
  // Acceptance and the close.
  'acceptance_is_confirmed',
  'acceptance_is_not_recorded',
  'acceptance_has_changed',
  'acceptance_needs_two_people',
  'project_is_not_active',
  'project_is_not_accepted',
  'project_is_already_ended',
  'final_tranche_is_not_paid',
  'self_raised_is_short',
  'expenses_are_short_of_the_accepted_cost',
  'project_has_spending',
  'refund_has_no_payers',
  'payouts_are_waiting',
  // Corrections: the entry was reversed meanwhile, or the reversal cannot be posted.
  'reversal_must_not_be_reversed',
  'entry_already_reversed',
  'entry_is_being_corrected',
  'correction_is_not_waiting',
  'confirmer_must_differ',
  'reversal_would_overdraw_an_account',
  'reversal_was_refused_by_the_books',
  'closing_entry_was_refused',
  // Evaluation codes: used already, or issued again since.
  'code_was_used',
  // A register's code that accounts or people already use cannot change (a code taken by another
  // row is an input to correct: choose another).
  'code_is_in_use',
  // The period close: months close in order, once, after they ended; a year after its December.
  'month_is_already_closed',
  'month_has_not_ended',
  'month_must_follow_the_last_close',
  'year_is_already_closed',
  'year_needs_december_closed',
  // Residents' sign-off: the project's policy version asks for none, whatever code is typed.
  'signoffs_are_not_asked'
]);

/** Too many tries in a short time. */
const THROTTLED: ReadonlySet<string> = new Set([
  'evaluation_is_throttled',
  'objection_is_throttled',
  // Too many wrong household codes (户码) from one address.
  'code_is_throttled'
]);
