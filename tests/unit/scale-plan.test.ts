import { describe, expect, it } from 'vitest';
import { scalePlan, sizeFactorOf } from '../../bench/support/scale-plan';

describe('the scale benchmark plan', () => {
  it('fills 2,000 funds with 2 million entries at full size, ten of them with 100,000', () => {
    const plan = scalePlan(1);
    expect(plan.sizes).toHaveLength(2_000);
    expect(plan.sizes.reduce((sum, size) => sum + size, 0)).toBe(2_000_000);
    expect(plan.sizes.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 100_000));
    expect(Math.max(...plan.sizes.slice(10))).toBeLessThan(2_000);
  });

  it('keeps the totals exact at a tenth and a hundredth', () => {
    for (const factor of [0.1, 0.01]) {
      const plan = scalePlan(factor);
      expect(plan.sizes).toHaveLength(plan.funds);
      expect(plan.sizes.reduce((sum, size) => sum + size, 0)).toBe(plan.entries);
      expect(Math.min(...plan.sizes)).toBeGreaterThanOrEqual(1);
    }
    expect(scalePlan(0.01)).toMatchObject({ funds: 20, entries: 20_000, largeFunds: 1 });
  });

  it('refuses a factor that is not a positive number', () => {
    expect(() => scalePlan(0)).toThrow();
    expect(() => sizeFactorOf('abc')).toThrow();
    expect(sizeFactorOf(undefined)).toBe(1);
    expect(sizeFactorOf('0.01')).toBe(0.01);
  });
});
