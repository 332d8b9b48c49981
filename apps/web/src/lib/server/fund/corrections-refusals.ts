import { m } from '$lib/paraglide/messages';
import {
  dateRefusals,
  refusalMessage,
  refusalTable,
  type RefusalEntry,
  type RefusalMessage
} from '../platform/refusal-messages';
import type { CorrectionCode } from './corrections';

/** The fields of the correction form, and `form` for what concerns the whole form or a button. */
export type CorrectionField = 'reason' | 'date' | 'form';

/** What the voucher page and the corrections page say for each refusal of the corrections. */
export const CORRECTION_REFUSALS = refusalTable<CorrectionField>(
  dateRefusals('date', () => m.correction_date_what()),
  {
    reason_is_required: ['reason', () => m.correction_error_reason()],
    reason_must_be_short: ['reason', () => m.correction_error_reason()],
    date_must_not_be_before_the_original: ['date', () => m.correction_error_before_original()],
    entry_date_must_be_in_open_period: ['date', () => m.correction_error_closed_period()],
    entry_not_found: ['form', () => m.correction_error_not_found()],
    correction_not_found: ['form', () => m.correction_error_not_found()],
    reversal_must_not_be_reversed: ['form', () => m.correction_error_reversal()],
    entry_already_reversed: ['form', () => m.correction_error_already()],
    entry_is_being_corrected: ['form', () => m.correction_error_waiting()],
    form_was_already_used_for_something_else: ['form', () => m.correction_error_form_used()],
    correction_is_not_waiting: ['form', () => m.correction_error_not_waiting()],
    confirmer_must_differ: ['form', () => m.correction_error_four_eyes()],
    project_is_closed: ['form', () => m.correction_error_project_closed()],
    reversal_would_overdraw_an_account: ['form', () => m.correction_error_overdraw()],
    not_allowed: ['form', () => m.correction_error_not_allowed()]
  }
);

/** Any other refusal: the books refused the reversal for a reason the form cannot correct. */
export const CORRECTION_REFUSED: RefusalEntry<CorrectionField> = ['form', () => m.correction_error_refused()];

export function correctionRefusalOf(code: CorrectionCode): RefusalMessage<CorrectionField> {
  return refusalMessage(CORRECTION_REFUSALS, code, CORRECTION_REFUSED);
}
