import { isDate } from '../journal/limits.js';

/**
 * China's offset from UTC, all year: China has kept no daylight saving time since 1991. The books'
 * days are China's days wherever the server runs.
 */
export const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The date in China (YYYY-MM-DD) at an instant: the day a fund's books say "today" is. */
export function chinaDateOf(instant: Date): string {
  const time = instant.getTime();
  if (!Number.isFinite(time)) throw new RangeError('chinaDateOf: the instant is not a valid date');
  return new Date(time + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export type BookDateCode = 'date_must_be_valid' | 'date_must_not_be_in_the_future' | 'date_must_be_in_the_fiscal_year';

/**
 * The day money moved, as a form gives it: a real date, not after today, and in the fund's fiscal
 * year or the year before (a slip from late December is often booked in January).
 */
export function checkBookDate(input: { date: string; today: string; fiscalYear: number }): BookDateCode | null {
  if (!isDate(input.date)) return 'date_must_be_valid';
  if (input.date > input.today) return 'date_must_not_be_in_the_future';
  const year = Number(input.date.slice(0, 4));
  if (year !== input.fiscalYear && year !== input.fiscalYear - 1) return 'date_must_be_in_the_fiscal_year';
  return null;
}
