import { CNY } from '@gongjian/ledger';
import type { Locale } from './paraglide/runtime';

/** All dates and times are shown in China Standard Time, wherever the server runs. */
export const TIME_ZONE = 'Asia/Shanghai';

const moneyFormats = new Map<Locale, Intl.NumberFormat>();

/**
 * Formats an amount given as a decimal string (`"5000.00"`) as `¥5,000.00`. Intl formats the
 * string itself as an exact decimal, so no binary float ever touches the amount.
 */
export function formatMoney(amount: string, locale: Locale): string {
  if (!/^-?\d+(\.\d+)?$/.test(amount)) throw new Error(`formatMoney expects a decimal string, got ${amount}`);
  let format = moneyFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: CNY.code,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: CNY.scale,
      maximumFractionDigits: CNY.scale
    });
    moneyFormats.set(locale, format);
  }
  // Intl.NumberFormat accepts decimal strings at full precision (ECMA-402 "Intl.NumberFormat v3");
  // the DOM lib types only admit number | bigint, hence the cast.
  return format.format(amount as unknown as number);
}

/** A calendar date, e.g. 2026年11月23日 or Nov 23, 2026. */
export function formatDate(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: TIME_ZONE }).format(date);
}

/** A date and time to the minute, e.g. 2026/11/23 20:05. */
export function formatDateTime(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: TIME_ZONE }).format(date);
}

const MINUTE_MS = 60_000;

/**
 * When someone made to wait may try again: the clock time to the minute and the minutes left,
 * both rounded up, so that nobody is told to retry before they can (a lock that ends at 10:05:40
 * reads 10:06, never 10:05).
 */
export function retryAfter(retryAt: Date, now: Date, locale: Locale): { time: string; minutes: string } {
  const shown = new Date(Math.ceil(retryAt.getTime() / MINUTE_MS) * MINUTE_MS);
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: TIME_ZONE }).format(shown);
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / MINUTE_MS));
  return { time, minutes: String(minutes) };
}
