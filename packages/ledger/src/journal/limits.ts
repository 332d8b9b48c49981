/**
 * Limits on every input, so that one command can never grow without bound. They are generous for
 * a community fund and small enough that a mistaken loop fails fast.
 */
export const POSTINGS_MAX = 1000;
export const MEMO_LENGTH_MAX = 2000;
export const REFERENCE_LENGTH_MAX = 200;
export const ATTACHMENTS_MAX = 100;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const RECORDED_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Ids and keys are opaque text; control characters are refused so that every export stays one
// record per line.
const ID_PATTERN = /^[^\u0000-\u001f\u007f]{1,128}$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** True for a real calendar day written YYYY-MM-DD, from year 1900 to 9999. */
export function isDate(text: string): boolean {
  if (text.length !== 10 || !DATE_PATTERN.test(text)) {
    return false;
  }
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (year < 1900 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= daysInMonth;
}

/** True for an ISO-8601 UTC time with milliseconds, whose text order is also its time order. */
export function isRecordedAt(text: string): boolean {
  return RECORDED_AT_PATTERN.test(text) && isDate(text.slice(0, 10));
}

export function isId(text: string): boolean {
  return ID_PATTERN.test(text);
}
