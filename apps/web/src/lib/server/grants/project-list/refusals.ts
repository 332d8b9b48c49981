import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry } from '../../platform/refusal-messages';

/** The fields of the project list's forms, and `form` for what concerns the whole form. */
export type ListField =
  | 'compoundId'
  | 'title'
  | 'needIds'
  | 'resourceIds'
  | 'unitId'
  | 'followUpUserId'
  | 'note'
  | 'deliveredOn'
  | 'feedback'
  | 'photos'
  | 'code'
  | 'rating'
  | 'comment'
  | 'form';

/** What the project list's forms say for each refusal of its use cases. */
export const LIST_REFUSALS = refusalTable<ListField>({
  title_is_required: ['title', () => m.plist_error_title()],
  title_must_be_short: ['title', () => m.plist_error_title()],
  note_must_be_short: ['note', () => m.plist_error_note()],
  needs_are_required: ['needIds', () => m.plist_error_needs_required()],
  too_many_needs_or_resources: ['needIds', () => m.plist_error_too_many()],
  compound_not_in_fund: ['compoundId', () => m.plist_error_compound()],
  unit_not_in_fund: ['unitId', () => m.plist_error_unit()],
  follow_up_officer_has_no_role: ['followUpUserId', () => m.plist_error_officer()],
  need_not_found: ['needIds', () => m.plist_error_need_not_found()],
  need_of_another_compound: ['needIds', () => m.plist_error_need_other_compound()],
  need_is_not_accepted: ['needIds', () => m.plist_error_need_not_accepted()],
  need_state_does_not_allow_it: ['needIds', () => m.plist_error_need_not_accepted()],
  resource_is_not_offered: ['resourceIds', () => m.plist_error_resource()],
  list_item_not_found: ['form', () => m.error_not_found()],
  list_item_state_does_not_allow_it: ['form', () => m.plist_error_state()],
  grant_item_follows_its_application: ['form', () => m.plist_error_grant_follows()],
  delivery_date_is_invalid: ['deliveredOn', () => m.plist_error_date()],
  feedback_is_required: ['feedback', () => m.plist_error_feedback_required()],
  feedback_must_be_short: ['feedback', () => m.plist_error_feedback_long()],
  too_many_photos: ['photos', () => m.plist_error_photos()],
  attachment_must_be_pdf_jpeg_or_png: ['photos', () => m.plist_error_photos()],
  attachment_must_not_exceed_10_mb: ['photos', () => m.plist_error_photos()],
  photo_not_found: ['form', () => m.plist_error_photo_not_found()],
  not_allowed: ['form', () => m.plist_error_not_allowed()],
  code_is_unknown: ['code', () => m.plist_eval_error_code()],
  code_is_of_another_compound: ['code', () => m.plist_eval_error_compound()],
  household_has_evaluated: ['code', () => m.plist_eval_error_used()],
  code_is_throttled: ['code', () => m.plist_eval_error_throttled()],
  rating_is_unknown: ['rating', () => m.plist_eval_error_rating()],
  comment_is_too_long: ['comment', () => m.plist_eval_error_comment()],
  list_item_is_not_evaluable: ['form', () => m.plist_eval_error_not_evaluable()]
});

/** Any other refusal. */
export const LIST_REFUSED: RefusalEntry<ListField> = ['form', () => m.plist_error_refused()];
