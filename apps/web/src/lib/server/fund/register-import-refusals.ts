import { m } from '$lib/paraglide/messages';
import { refusalMessage, refusalTable, type RefusalEntry } from '../platform/refusal-messages';
import type { ImportLineCode } from './register-import';

/** What the register import says about the file (the whole upload) and about each of its rows. */
const FILE_REFUSALS = refusalTable<'file' | 'form'>({
  register_file_is_empty: ['file', () => m.regimport_error_empty()],
  register_file_must_not_exceed_1_mb: ['file', () => m.regimport_error_size()],
  register_file_must_have_at_most_500_rows: ['file', () => m.regimport_error_rows()],
  register_file_must_be_csv_or_xlsx: ['file', () => m.regimport_error_type()],
  register_file_cannot_be_read: ['file', () => m.regimport_error_unreadable()],
  not_allowed: ['form', () => m.registers_error_not_allowed()],
  item_is_not_in_this_fund: ['form', () => m.registers_error_not_found()]
});

const FILE_REFUSED: RefusalEntry<'file' | 'form'> = ['file', () => m.regimport_error_unreadable()];

export function registerFileRefusalOf(code: string) {
  return refusalMessage(FILE_REFUSALS, code, FILE_REFUSED);
}

const LINE_MESSAGES: Record<ImportLineCode, () => string> = {
  line_is_missing_a_number: () => m.regimport_line_missing(),
  line_has_a_bad_format: () => m.regimport_line_format(),
  line_is_repeated: () => m.regimport_line_repeated(),
  line_is_registered_under_another_name: () => m.regimport_line_other_name()
};

/** One row's message in the preview. */
export function importLineMessageOf(code: ImportLineCode): string {
  return LINE_MESSAGES[code]();
}
