import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { Money } from '../money/money.js';
import { concentrationOf } from './concentration.js';

const amount = fc.bigInt({ min: 0n, max: 10_000_000n }).map((minor) => Money.fromMinor(minor));
const amounts = fc.array(amount, { minLength: 1, maxLength: 40 });
const TOLERANCE = new Decimal('0.000001');

describe('how concentrated the money is', () => {
  it('gives no ratios when nothing was granted, and counts every compound as never served', () => {
    const figures = concentrationOf([Money.zero(), Money.zero()]);
    expect(figures).toMatchObject({ compounds: 2, neverServed: 2, topFifthShare: null, gini: null, hhi: null });
  });

  it('reads one compound of five taking everything as the most concentrated', () => {
    const figures = concentrationOf([Money.fromMinor(300000n), ...Array.from({ length: 4 }, () => Money.zero())]);
    expect(figures.topFifthShare?.toString()).toBe('1');
    expect(figures.gini?.toString()).toBe('0.8');
    expect(figures.hhi?.toString()).toBe('1');
    expect(figures.neverServed).toBe(4);
  });

  it('reads equal grants as perfectly even', () => {
    const figures = concentrationOf(Array.from({ length: 10 }, () => Money.fromMinor(50000n)));
    expect(figures.gini?.toString()).toBe('0');
    expect(figures.hhi?.toString()).toBe('0.1');
    expect(figures.topFifthShare?.toString()).toBe('0.2');
  });

  it('keeps every ratio within its bounds, whatever the order of the compounds', () => {
    fc.assert(
      fc.property(amounts, (list) => {
        const figures = concentrationOf(list);
        const reversed = concentrationOf([...list].reverse());
        expect(reversed.gini?.toString()).toBe(figures.gini?.toString());
        expect(figures.total.equals(Money.sum(list))).toBe(true);
        if (figures.total.isZero()) return;
        const n = list.length;
        const { gini, hhi, topFifthShare } = figures;
        expect(gini?.greaterThanOrEqualTo(0)).toBe(true);
        expect(gini?.lessThanOrEqualTo(new Decimal(n - 1).dividedBy(n).plus(TOLERANCE))).toBe(true);
        expect(hhi?.greaterThanOrEqualTo(new Decimal(1).dividedBy(n).minus(TOLERANCE))).toBe(true);
        expect(hhi?.lessThanOrEqualTo(1)).toBe(true);
        // The top fifth holds at least its head count's share, and never more than all.
        const topCount = Math.max(1, Math.ceil(n / 5));
        expect(topFifthShare?.greaterThanOrEqualTo(new Decimal(topCount).dividedBy(n).minus(TOLERANCE))).toBe(true);
        expect(topFifthShare?.lessThanOrEqualTo(1)).toBe(true);
      }),
      { numRuns: 200 }
    );
  });

  it('agrees with the double sum of differences for the Gini coefficient', () => {
    fc.assert(
      fc.property(amounts, (list) => {
        const figures = concentrationOf(list);
        if (figures.total.isZero()) return;
        let pairs = new Decimal(0);
        for (const a of list) for (const b of list) pairs = pairs.plus(a.minus(b).abs().toDecimal());
        const expected = pairs.dividedBy(figures.total.toDecimal().times(2 * list.length));
        expect(figures.gini?.minus(expected).abs().lessThanOrEqualTo(TOLERANCE)).toBe(true);
      }),
      { numRuns: 100 }
    );
  });

  it('refuses a negative amount as a bug', () => {
    expect(() => concentrationOf([Money.fromMinor(-1n)])).toThrow(RangeError);
  });
});
