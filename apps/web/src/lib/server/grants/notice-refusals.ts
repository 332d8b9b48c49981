import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry } from '../platform/refusal-messages';

/** The field of the objection decision form. */
export type ObjectionDecisionField = 'note' | 'publicReason';

/** What the objection decision form says for each refusal of decideObjection. */
export const OBJECTION_DECISION_REFUSALS = refusalTable<ObjectionDecisionField>({
  note_is_required: ['note', () => m.objection_error_note()],
  public_reason_is_required: ['publicReason', () => m.outcome_error_public_reason()],
  objection_already_decided: ['note', () => m.objection_error_decided()],
  not_allowed: ['note', () => m.review_error_not_allowed()]
});

/** Any other refusal of a decision: the application moved on. */
export const OBJECTION_DECISION_REFUSED: RefusalEntry<ObjectionDecisionField> = ['note', () => m.review_error_state()];
