import { formatRetry } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import { refusalMessage, refusalTable, type RefusalEntry, type RefusalMessage } from '../platform/refusal-messages';
import type { CodeRefusal } from './evaluation';

/** The public evaluation form has one field people type: the code. */
export type EvaluationField = 'code';

/** What the evaluation page says for a code it refuses. */
const EVALUATION_CODE_REFUSALS = refusalTable<EvaluationField>({
  code_is_unknown: ['code', () => m.evaluation_public_error_unknown()],
  code_was_used: ['code', () => m.evaluation_public_error_used()]
});

const CODE_REFUSED: RefusalEntry<EvaluationField> = ['code', () => m.evaluation_public_error_unknown()];

/**
 * A refused code on the page. Too many wrong codes names the time the visitor may try again, so it
 * is said here with it; the other two are the table's.
 */
export function evaluationCodeRefusalOf(
  refusal: CodeRefusal,
  now: Date,
  locale: Locale
): RefusalMessage<EvaluationField> {
  if (refusal.code === 'evaluation_is_throttled') {
    const retry = formatRetry(refusal.retryAt, now, locale);
    return {
      field: 'code',
      message: m.evaluation_public_error_throttled({ time: retry.time, minutes: String(retry.minutes) })
    };
  }
  return refusalMessage(EVALUATION_CODE_REFUSALS, refusal.code, CODE_REFUSED);
}
