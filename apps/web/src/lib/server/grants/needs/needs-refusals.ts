import { formatRetry } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { refusalTable, type RefusalEntry } from '../../platform/refusal-messages';

/** The fields of the needs forms (raise, record, support, triage), and `form` for the whole form. */
export type NeedField =
  | 'compoundId'
  | 'category'
  | 'body'
  | 'place'
  | 'contact'
  | 'photos'
  | 'source'
  | 'code'
  | 'reason'
  | 'mergeInto'
  | 'form';

/** What the needs forms say for each refusal of the needs use cases. */
export const NEED_REFUSALS = refusalTable<NeedField>({
  compound_not_found: ['compoundId', () => m.needs_error_compound()],
  category_is_unknown: ['category', () => m.needs_error_category()],
  body_is_required: ['body', () => m.needs_error_body()],
  photo_must_be_jpeg_or_png: ['photos', () => m.needs_error_photo_type()],
  attachment_must_be_pdf_jpeg_or_png: ['photos', () => m.needs_error_photo_type()],
  attachment_must_not_exceed_10_mb: ['photos', () => m.needs_error_photo_size()],
  too_many_photos: ['photos', () => m.needs_error_photo_count()],
  form_was_already_used_for_something_else: ['form', () => m.needs_error_form_used()],
  need_not_found: ['form', () => m.needs_error_not_found()],
  need_does_not_take_support: ['form', () => m.needs_error_not_supportable()],
  household_is_not_of_the_compound: ['code', () => m.needs_error_other_compound()],
  code_is_unknown: ['code', () => m.needs_error_code()],
  reason_is_required: ['reason', () => m.needs_error_reason()],
  reason_must_be_short: ['reason', () => m.needs_error_reason()],
  merge_target_not_found: ['mergeInto', () => m.needs_error_merge_target()],
  need_cannot_merge_into_itself: ['mergeInto', () => m.needs_error_merge_itself()],
  need_state_does_not_allow_it: ['form', () => m.needs_error_state()],
  not_allowed: ['form', () => m.needs_error_not_allowed()]
});

/** Any other refusal. */
export const NEED_REFUSED: RefusalEntry<NeedField> = ['form', () => m.needs_error_refused()];

/** The sentence of a throttled raise or support: when the person may try again. */
export function needThrottledMessage(kind: 'raise' | 'code', retryAt: Date, now: Date): string {
  const { time } = formatRetry(retryAt, now, getLocale());
  return kind === 'raise' ? m.needs_error_throttled({ time }) : m.needs_error_code_throttled({ time });
}
