/**
 * The shape of the scale benchmark's installation: how many entries each fund gets. At full size
 * (factor 1) it is 2,000 funds and 2,000,000 entries: ten large funds of 100,000 entries each and
 * the other million spread over the small funds, unevenly (between about a fifth and nearly twice
 * the average), as real funds are. Every count scales with the factor, so 0.1 and 0.01 give the
 * same shape ten and a hundred times smaller, which is what the growth curve compares.
 */
export interface ScalePlan {
  readonly factor: number;
  readonly funds: number;
  readonly entries: number;
  /** Entries per fund, large funds first. */
  readonly sizes: readonly number[];
  readonly largeFunds: number;
}

export const FULL_FUNDS = 2_000;
export const FULL_ENTRIES = 2_000_000;
const FULL_LARGE_FUNDS = 10;

export function scalePlan(factor: number): ScalePlan {
  if (!Number.isFinite(factor) || factor <= 0 || factor > 10) {
    throw new Error(`the size factor must be in (0, 10], not ${factor}`);
  }
  const funds = Math.max(2, Math.round(FULL_FUNDS * factor));
  const entries = Math.max(funds * 2, Math.round(FULL_ENTRIES * factor));
  const largeFunds = Math.min(funds - 1, Math.max(1, Math.round(FULL_LARGE_FUNDS * factor)));
  const largeSize = Math.floor(entries / 2 / largeFunds);
  const smallFunds = funds - largeFunds;
  const smallTotal = entries - largeSize * largeFunds;
  // A fixed, spread-out pattern of weights (0.2 to 1.8), not random: the same plan every run.
  const weights = Array.from({ length: smallFunds }, (_, index) => 0.2 + ((index * 37) % 101) / 62.5);
  const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
  const small = weights.map((weight) => Math.max(1, Math.floor((weight / weightTotal) * smallTotal)));
  // Rounding down leaves a few entries over; the first small fund takes them, so totals are exact.
  const assigned = small.reduce((sum, size) => sum + size, 0);
  small[0] = (small[0] ?? 0) + (smallTotal - assigned);
  return {
    factor,
    funds,
    entries,
    sizes: [...Array.from({ length: largeFunds }, () => largeSize), ...small],
    largeFunds
  };
}

/** Reads the size factor from SCALE_SIZE (e.g. 0.01 for a quick run); full size by default. */
export function sizeFactorOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  const factor = Number(value);
  if (!Number.isFinite(factor)) throw new Error(`SCALE_SIZE must be a number, not ${JSON.stringify(value)}`);
  return factor;
}
