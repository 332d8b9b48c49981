import { isDate } from '@gongjian/ledger';
import * as v from 'valibot';

/**
 * The rules every value a visitor types must follow, whatever the form. The request hook
 * (input-guard.ts) applies the control-character rule to every field of every form and to every
 * URL parameter; form schemas use `formText` and `calendarDate` for their own fields.
 */

/**
 * Control characters (Unicode Cc) other than tab, line feed and carriage return. Nobody types
 * them, PostgreSQL refuses NUL in text outright, and the others would break the one-record-a-line
 * exports and printed notices.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/**
 * A browser counts a textarea's line break as one character against `maxlength` but sends it as
 * CR LF, so the server counts (and keeps) line breaks as LF; otherwise the same text would be
 * allowed by the page and refused by the server.
 */
export function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * An optional text field whose page says `maxlength={max}`: at most `max` UTF-16 code units, the
 * unit a browser's `maxlength` counts, so the server takes exactly what the page lets a person type.
 */
export function formText(max: number) {
  return v.optional(v.pipe(v.string(), v.transform(normaliseLineBreaks), v.maxLength(max)), '');
}

/** A date field (`<input type="date">`): a real calendar day, by the ledger's one rule. */
export const calendarDate = v.pipe(v.string(), v.trim(), v.check(isDate));
