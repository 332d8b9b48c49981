import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry } from '../platform/refusal-messages';
import { ACCEPTANCE_PHOTOS_PER_KIND_MAX } from './acceptance';

/** The fields of the acceptance form, and `form` for what concerns the whole form or the button. */
export type AcceptanceField = 'checkedOn' | 'note' | 'costFinal' | 'before' | 'after' | 'form';

/**
 * What the acceptance page says for each refusal of recordAcceptance and of a photo's upload. The
 * day of the check and its total cost keep sentences of their own: the day is no day money moved
 * (no fiscal year bounds it), and the cost is optional, which its sentence says.
 */
export const ACCEPTANCE_RECORD_REFUSALS = refusalTable<AcceptanceField>({
  acceptance_date_must_be_valid: ['checkedOn', () => m.acceptance_error_date()],
  acceptance_date_must_not_be_in_the_future: ['checkedOn', () => m.acceptance_error_date_future()],
  acceptance_note_must_be_short: ['note', () => m.acceptance_error_note()],
  acceptance_cost_must_be_positive: ['costFinal', () => m.acceptance_error_cost_positive()],
  amount_must_be_positive: ['costFinal', () => m.acceptance_error_cost_positive()],
  amount_must_be_a_number: ['costFinal', () => m.acceptance_error_cost()],
  amount_must_have_at_most_two_decimals: ['costFinal', () => m.acceptance_error_cost()],
  amount_must_not_exceed_limit: ['costFinal', () => m.acceptance_error_cost()],
  acceptance_photo_must_be_jpeg_or_png: ['after', () => m.acceptance_error_photo_type()],
  attachment_must_be_pdf_jpeg_or_png: ['after', () => m.acceptance_error_photo_type()],
  attachment_must_not_exceed_10_mb: ['after', () => m.acceptance_error_photo_size()],
  acceptance_photos_must_not_exceed_limit: [
    'after',
    () => m.acceptance_error_photo_count({ count: String(ACCEPTANCE_PHOTOS_PER_KIND_MAX) })
  ],
  acceptance_needs_before_and_after_photos: ['after', () => m.acceptance_error_photos_needed()],
  acceptance_before_and_after_photos_must_differ: ['after', () => m.error_acceptance_photos_must_differ()],
  acceptance_is_confirmed: ['form', () => m.acceptance_error_confirmed()],
  project_is_not_active: ['form', () => m.acceptance_error_not_active()],
  not_allowed: ['form', () => m.acceptance_error_not_allowed()]
});

/** What the confirm button says for each refusal of confirmAcceptance. */
export const ACCEPTANCE_CONFIRM_REFUSALS = refusalTable<AcceptanceField>({
  acceptance_is_not_recorded: ['form', () => m.acceptance_error_not_recorded()],
  acceptance_is_confirmed: ['form', () => m.acceptance_error_confirmed()],
  acceptance_needs_two_people: ['form', () => m.acceptance_error_two_people()],
  acceptance_has_changed: ['form', () => m.acceptance_error_changed()],
  confirmer_is_recused: ['form', () => m.acceptance_error_recused()],
  project_is_not_active: ['form', () => m.acceptance_error_not_active()],
  not_allowed: ['form', () => m.acceptance_error_not_allowed()]
});

/** Any other refusal of either form: said in general words. */
export const ACCEPTANCE_REFUSED: RefusalEntry<AcceptanceField> = ['form', () => m.acceptance_error_refused()];
