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

/**
 * A ratio given as a decimal string ("0.6", "0.125") as a percentage ("60%", "12.5%"). The digits
 * are moved, not multiplied, so no binary float ever touches the ratio.
 */
export function formatRatio(ratio: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(ratio);
  if (match === null) throw new Error(`formatRatio expects a decimal string, got ${ratio}`);
  const fraction = match[2] ?? '';
  const digits = `${match[1] ?? '0'}${fraction.padEnd(2, '0')}`;
  const point = digits.length - Math.max(0, fraction.length - 2);
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(point).replace(/0+$/, '');
  return rest === '' ? `${whole}%` : `${whole}.${rest}%`;
}

/** A list of years in running text: 2027、2028 in Chinese, 2027, 2028 in English. */
export function formatYears(years: readonly number[], locale: Locale): string {
  return years.map(String).join(locale === 'en' ? ', ' : '、');
}

/**
 * When someone who was throttled may try again, for a message: the moment rounded UP to the whole
 * minute (a time rounded down would send them back while they are still refused), shown as the
 * time alone when it is today in China and with the date otherwise, and the minutes left, also
 * rounded up and at least 1.
 */
export function formatRetry(retryAt: Date, now: Date, locale: Locale): { time: string; minutes: number } {
  const minute = 60_000;
  const at = new Date(Math.ceil(retryAt.getTime() / minute) * minute);
  const day = (date: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(date);
  const time =
    day(at) === day(now)
      ? new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: TIME_ZONE }).format(at)
      : formatDateTime(at, locale);
  return { time, minutes: Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / minute)) };
}
