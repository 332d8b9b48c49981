import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBookDate, chinaDateOf } from './days.js';

describe('chinaDateOf', () => {
  it('turns the day at midnight in China, not in UTC', () => {
    expect(chinaDateOf(new Date('2026-12-31T15:59:59.999Z'))).toBe('2026-12-31');
    expect(chinaDateOf(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027-01-01');
  });

  it('agrees with Intl for Asia/Shanghai at any instant of this century', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit'
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2099, 11, 31) }), (time) => {
        expect(chinaDateOf(new Date(time))).toBe(intl.format(new Date(time)).slice(0, 10));
      })
    );
  });

  it('refuses an invalid instant as a bug', () => {
    expect(() => chinaDateOf(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('checkBookDate', () => {
  const base = { today: '2026-03-10', fiscalYear: 2026 };
  it('names what is wrong with a date', () => {
    expect(checkBookDate({ ...base, date: '2026-02-30' })).toBe('date_must_be_valid');
    expect(checkBookDate({ ...base, date: '2026-03-11' })).toBe('date_must_not_be_in_the_future');
    expect(checkBookDate({ ...base, date: '2024-12-31' })).toBe('date_must_be_in_the_fiscal_year');
    expect(checkBookDate({ ...base, date: '2025-12-31' })).toBeNull();
    expect(checkBookDate({ ...base, date: '2026-03-10' })).toBeNull();
  });
});
