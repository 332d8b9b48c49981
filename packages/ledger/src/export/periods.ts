import { Money } from '../money/money.js';
import type { Entry } from '../journal/types.js';

export type AssertionPeriod = 'month' | 'year' | 'none';

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The last day of the month or year that contains a date. */
export function periodEnd(date: string, period: Exclude<AssertionPeriod, 'none'>): string {
  const year = Number(date.slice(0, 4));
  const month = period === 'year' ? 12 : Number(date.slice(5, 7));
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(daysInMonth(year, month), 2)}`;
}

/** The day after a date, by calendar arithmetic rather than a clock. */
export function dayAfter(date: string): string {
  let year = Number(date.slice(0, 4));
  let month = Number(date.slice(5, 7));
  let day = Number(date.slice(8, 10)) + 1;
  if (day > daysInMonth(year, month)) {
    day = 1;
    month += 1;
  }
  if (month > 12) {
    month = 1;
    year += 1;
  }
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** The day before a date, by calendar arithmetic rather than a clock. */
export function dayBefore(date: string): string {
  let year = Number(date.slice(0, 4));
  let month = Number(date.slice(5, 7));
  let day = Number(date.slice(8, 10)) - 1;
  if (day < 1) {
    month -= 1;
    if (month < 1) {
      month = 12;
      year -= 1;
    }
    day = daysInMonth(year, month);
  }
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Every period end at which the books get a balance assertion, in date order. */
export function periodEnds(entries: readonly Entry[], period: AssertionPeriod): string[] {
  if (period === 'none') {
    return [];
  }
  return [...new Set(entries.map((entry) => periodEnd(entry.date, period)))].sort();
}

/**
 * The signed (debit-positive) balance of every account at each period end, for the assertions.
 * The map for each end holds only accounts that moved by then.
 */
export function balancesAtEnds(entries: readonly Entry[], ends: readonly string[]): Map<string, Map<string, Money>> {
  const sorted = [...entries].sort((first, second) =>
    first.date < second.date ? -1 : first.date > second.date ? 1 : first.seq - second.seq
  );
  const running = new Map<string, Money>();
  const result = new Map<string, Map<string, Money>>();
  let index = 0;
  for (const end of ends) {
    for (; index < sorted.length && (sorted[index] as Entry).date <= end; index += 1) {
      for (const posting of (sorted[index] as Entry).postings) {
        const signed = posting.side === 'debit' ? posting.amount : posting.amount.negated();
        running.set(posting.account, (running.get(posting.account) ?? Money.zero()).plus(signed));
      }
    }
    result.set(end, new Map(running));
  }
  return result;
}

/** Free text on one line: control characters become spaces, runs of space collapse. */
export function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
