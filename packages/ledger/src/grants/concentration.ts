import { Decimal } from 'decimal.js';
import { Money } from '../money/money.js';

/*
 * How concentrated a region's grant money is across its compounds (the fairness view of a street
 * or county page). Three figures, each exact on decimals: the share the top fifth of compounds
 * took, the Gini coefficient and the Herfindahl–Hirschman index. A compound never served counts
 * with zero, so a region that served one compound of five shows that concentration.
 */

export interface Concentration {
  /** How many compounds the figures are over, the unserved included. */
  readonly compounds: number;
  /** How many of them received nothing. */
  readonly neverServed: number;
  readonly total: Money;
  /**
   * The share of the total the top fifth of compounds received (rounded up to whole compounds,
   * at least one), from 0 to 1; null when nothing was granted.
   */
  readonly topFifthShare: Decimal | null;
  /** The Gini coefficient from 0 (equal) to (n - 1) / n (one compound took all); null when nothing was granted. */
  readonly gini: Decimal | null;
  /** The sum of squared shares, from 1/n (equal) to 1 (one compound took all); null when nothing was granted. */
  readonly hhi: Decimal | null;
}

/** The decimal places the ratios are given to: finer than any page shows, so rounding never shows. */
export const CONCENTRATION_PLACES = 6;

/** The figures of a list of amounts, one a compound; amounts must not be negative. */
export function concentrationOf(amounts: readonly Money[]): Concentration {
  for (const amount of amounts) {
    if (amount.isNegative()) throw new RangeError('concentrationOf: an amount is negative');
  }
  const sorted = [...amounts].sort((a, b) => b.compare(a));
  const total = Money.sum(sorted);
  const neverServed = sorted.filter((amount) => amount.isZero()).length;
  const base = { compounds: sorted.length, neverServed, total };
  if (total.isZero()) return { ...base, topFifthShare: null, gini: null, hhi: null };
  const totalDecimal = total.toDecimal();
  const round = (value: Decimal) => value.toDecimalPlaces(CONCENTRATION_PLACES, Decimal.ROUND_HALF_EVEN);
  const topCount = Math.max(1, Math.ceil(sorted.length / 5));
  const top = Money.sum(sorted.slice(0, topCount));
  return {
    ...base,
    topFifthShare: round(top.toDecimal().dividedBy(totalDecimal)),
    gini: round(giniOf(sorted, totalDecimal)),
    hhi: round(
      sorted.reduce((sum, amount) => sum.plus(amount.toDecimal().dividedBy(totalDecimal).pow(2)), new Decimal(0))
    )
  };
}

/**
 * Gini = Σ_i Σ_j |x_i - x_j| / (2 n² mean), computed in one pass over the amounts sorted from the
 * largest: with x sorted descending, Σ_i Σ_j |x_i - x_j| = 2 Σ_i (n + 1 - 2i) x_i (i from 1).
 */
function giniOf(sortedDescending: readonly Money[], total: Decimal): Decimal {
  const n = sortedDescending.length;
  let weighted = new Decimal(0);
  sortedDescending.forEach((amount, index) => {
    weighted = weighted.plus(amount.toDecimal().times(n + 1 - 2 * (index + 1)));
  });
  // 2 n² mean = 2 n total, and the double sum is 2 × weighted.
  return weighted.dividedBy(total.times(n));
}
