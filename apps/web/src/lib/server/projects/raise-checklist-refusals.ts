import type { SelfRaisedBatchLineRefusal } from '@gongjian/ledger';
import { formatMoney } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import {
  amountRefusals,
  dateRefusals,
  refusalMessage,
  refusalTable,
  type RefusalEntry,
  type RefusalMessage
} from '../platform/refusal-messages';

/** The checklist's fields: the day and the method for all lines, the lines, and the whole form. */
export type ChecklistField = 'date' | 'method' | 'lines' | 'form';

/** What the checklist says for each refusal of recordChecklist that is not about one line. */
export const CHECKLIST_REFUSALS = refusalTable<ChecklistField>(
  dateRefusals('date', () => m.raise_date_what()),
  {
    batch_needs_a_line: ['lines', () => m.checklist_error_none()],
    batch_is_too_long: ['lines', () => m.checklist_error_too_many()],
    batch_has_bad_lines: ['lines', () => m.checklist_error_lines()],
    form_was_already_used_for_something_else: ['form', () => m.raise_error_form_used()],
    // Refused for the project's state under the lock (a role taken away is answered by the route).
    not_allowed: ['form', () => m.raise_error_state()]
  }
);

/** Any other refusal (the books refused an entry): said in general words. */
export const CHECKLIST_REFUSED: RefusalEntry<ChecklistField> = ['form', () => m.raise_error_refused()];

export function checklistRefusalOf(code: string): RefusalMessage<ChecklistField> {
  return refusalMessage(CHECKLIST_REFUSALS, code, CHECKLIST_REFUSED);
}

/** What one line of the checklist says; the amount's codes are the ones every money form shares. */
const LINE_REFUSALS = refusalTable<'amount'>(amountRefusals('amount', '80.00'), {
  household_listed_twice: ['amount', () => m.checklist_error_twice()],
  household_must_be_in_compound: ['amount', () => m.raise_error_household()]
});

/** One bad line's sentence; a line past the target names what the lines before it left. */
export function checklistLineMessageOf(line: SelfRaisedBatchLineRefusal, locale: Locale): string {
  if (line.code === 'payment_exceeds_target' && line.remaining !== undefined) {
    return m.checklist_error_exceeds({ remaining: formatMoney(line.remaining, locale) });
  }
  return refusalMessage(LINE_REFUSALS, line.code, ['amount', () => m.raise_error_refused()]).message;
}
