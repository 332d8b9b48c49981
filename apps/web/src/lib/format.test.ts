import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMoney, formatRetry } from './format';

describe('formatMoney', () => {
  it('shows yuan with fen and grouping in both languages', () => {
    expect(formatMoney('5000', 'zh-CN')).toBe('¥5,000.00');
    expect(formatMoney('5000.00', 'en')).toBe('¥5,000.00');
    expect(formatMoney('0.5', 'zh-CN')).toBe('¥0.50');
  });

  it('keeps every digit of amounts too large for a float', () => {
    expect(formatMoney('9999999999999999.99', 'en')).toBe('¥9,999,999,999,999,999.99');
    expect(formatMoney('90071992547409.93', 'zh-CN')).toBe('¥90,071,992,547,409.93');
  });

  it('refuses anything but a decimal string', () => {
    expect(() => formatMoney('1e3', 'en')).toThrow(/decimal string/);
    expect(() => formatMoney('', 'en')).toThrow(/decimal string/);
  });
});

describe('dates', () => {
  // 2026-11-23 17:30 UTC is 2026-11-24 01:30 in Shanghai: the day must follow Shanghai.
  const lateEvening = new Date('2026-11-23T17:30:00Z');

  it('are shown in China Standard Time', () => {
    expect(formatDate(lateEvening, 'zh-CN')).toBe('2026年11月24日');
    expect(formatDate(lateEvening, 'en')).toBe('Nov 24, 2026');
    expect(formatDateTime(lateEvening, 'zh-CN')).toBe('2026/11/24 01:30');
  });
});

describe('formatRetry', () => {
  const now = new Date('2026-11-23T02:00:10Z'); // 10:00:10 in Shanghai

  it('rounds the time and the minutes up, so the visitor never comes back too early', () => {
    expect(formatRetry(new Date('2026-11-23T02:23:40Z'), now, 'zh-CN')).toEqual({ time: '10:24', minutes: 24 });
    expect(formatRetry(new Date('2026-11-23T02:24:00Z'), now, 'en')).toEqual({ time: '10:24 AM', minutes: 24 });
    expect(formatRetry(new Date('2026-11-23T02:00:15Z'), now, 'zh-CN')).toEqual({ time: '10:01', minutes: 1 });
    // A lock that ends at 10:05:40 is not over at 10:05.
    expect(formatRetry(new Date('2026-11-23T02:05:40Z'), now, 'zh-CN')).toEqual({ time: '10:06', minutes: 6 });
  });

  it('names the date when the time is on another day in China', () => {
    expect(formatRetry(new Date('2026-11-24T01:59:30Z'), now, 'zh-CN')).toEqual({
      time: '2026/11/24 10:00',
      minutes: 1440
    });
  });
});
