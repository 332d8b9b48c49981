import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMoney, retryAfter } from './format';

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

describe('retryAfter', () => {
  it('rounds the time and the minutes up, never telling anyone to retry too early', () => {
    const now = new Date('2026-03-02T02:00:30.000Z');
    // 10:05:40 in Beijing: the lock is not over at 10:05.
    expect(retryAfter(new Date('2026-03-02T02:05:40.000Z'), now, 'zh-CN')).toEqual({ time: '10:06', minutes: '6' });
    expect(retryAfter(new Date('2026-03-02T02:05:00.000Z'), now, 'zh-CN')).toEqual({ time: '10:05', minutes: '5' });
    expect(retryAfter(new Date('2026-03-02T02:00:31.000Z'), now, 'en')).toEqual({ time: '10:01 AM', minutes: '1' });
  });
});
