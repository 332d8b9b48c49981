import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Money,
  dayAfter,
  dayBefore,
  entryVoucherNumber,
  money,
  openingBalancesEntry,
  voucherNumberOf
} from '../src/index.js';

const day = fc
  .date({ min: new Date('1901-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));

describe('dayBefore', () => {
  it('undoes dayAfter, across month, year and leap-day ends', () => {
    expect(dayBefore('2026-03-01')).toBe('2026-02-28');
    expect(dayBefore('2024-03-01')).toBe('2024-02-29');
    expect(dayBefore('2026-01-01')).toBe('2025-12-31');
    fc.assert(fc.property(day, (date) => dayBefore(dayAfter(date)) === date && dayAfter(dayBefore(date)) === date));
  });
});

describe('openingBalancesEntry', () => {
  it('opens every non-zero balance on its side, balanced, the day before the period', () => {
    const balances = new Map([
      ['1002.01', money('150.00')],
      ['4101.01', money('-100.00')],
      ['2241', money('-50.00')],
      ['5101', money('0.00')]
    ]);
    const entry = openingBalancesEntry({ fundId: 'f', periodFrom: '2026-04-01', balances });
    expect(entry?.date).toBe('2026-03-31');
    expect(entry?.seq).toBe(0);
    expect(entry?.postings.map((posting) => [posting.account, posting.side, posting.amount.toString()])).toEqual([
      ['1002.01', 'debit', '150.00'],
      ['2241', 'credit', '50.00'],
      ['4101.01', 'credit', '100.00']
    ]);
    expect(openingBalancesEntry({ fundId: 'f', periodFrom: '2026-04-01', balances: new Map() })).toBeNull();
  });

  it('balances whatever balanced books it is given, and refuses books that do not balance', () => {
    const cents = fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(cents, (amounts) => {
        const balances = new Map(
          amounts.map((cent, index) => [`1${String(index).padStart(3, '0')}`, Money.fromMinor(BigInt(cent))])
        );
        const total = Money.sum(balances.values());
        balances.set('3101', total.negated());
        const entry = openingBalancesEntry({ fundId: 'f', periodFrom: '2026-01-01', balances });
        if (entry === null) return [...balances.values()].every((balance) => balance.isZero());
        const side = (name: 'debit' | 'credit') =>
          Money.sum(entry.postings.filter((posting) => posting.side === name).map((posting) => posting.amount));
        return side('debit').equals(side('credit')) && entry.postings.every((posting) => posting.amount.isPositive());
      })
    );
    expect(() =>
      openingBalancesEntry({ fundId: 'f', periodFrom: '2026-01-01', balances: new Map([['1001', money('1.00')]]) })
    ).toThrow(/do not add up/);
  });
});

describe('entryVoucherNumber', () => {
  it('is the stored number, or 记字第N号 from the seq when none was stored', () => {
    expect(voucherNumberOf(7)).toBe('记字第7号');
    expect(entryVoucherNumber({ seq: 7, voucherNumber: '记-0001' })).toBe('记-0001');
    expect(entryVoucherNumber({ seq: 7 })).toBe('记字第7号');
    expect(entryVoucherNumber({ seq: 12, voucherNumber: null })).toBe('记字第12号');
  });
});
