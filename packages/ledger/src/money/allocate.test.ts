import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate } from './allocate.js';
import { Money, money } from './money.js';

function parts(result: ReturnType<typeof allocate>): string[] {
  if (!result.ok) throw new Error(result.code);
  return result.value.map((part) => part.toString());
}

describe('allocate', () => {
  it('splits 100.00 three ways, the spare fen to the first part', () => {
    expect(parts(allocate(money('100'), [1n, 1n, 1n]))).toEqual(['33.34', '33.33', '33.33']);
  });

  it('refunds a surplus pro rata to what each household paid', () => {
    expect(parts(allocate(money('200'), [money('80'), money('80'), money('40')]))).toEqual(['80.00', '80.00', '40.00']);
    expect(parts(allocate(money('0.05'), ['0.5', '0.3', '0.2']))).toEqual(['0.03', '0.01', '0.01']);
  });

  it('splits a negative total as its magnitude', () => {
    expect(parts(allocate(money('-1'), [1n, 2n]))).toEqual(['-0.33', '-0.67']);
  });

  it.each([
    [[], 'weights_must_not_be_empty'],
    [['x'], 'weight_must_be_a_decimal_string'],
    [['-1'], 'weight_must_not_be_negative'],
    [['0', '0'], 'weights_must_not_all_be_zero']
  ])('rejects weights %j with %s', (weights, code) => {
    expect(allocate(money('1'), weights as string[])).toMatchObject({ ok: false, code });
  });

  it('always sums to the total, each part within a fen of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
        fc
          .array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 60 })
          .filter((weights) => weights.some((weight) => weight > 0n)),
        (minor, weights) => {
          const result = allocate(Money.fromMinor(minor), weights);
          if (!result.ok) throw new Error(result.code);
          const split = result.value.map((part) => part.toMinor());
          expect(split.reduce((sum, part) => sum + part, 0n)).toBe(minor);
          const weightTotal = weights.reduce((sum, weight) => sum + weight, 0n);
          split.forEach((part, index) => {
            // |part × W − total × w| < W is "within one fen of the exact share", in integers.
            const gap = part * weightTotal - minor * (weights[index] ?? 0n);
            expect(gap < 0n ? -gap : gap).toBeLessThan(weightTotal);
          });
        }
      )
    );
  });

  it('gives the same split for the same input', () => {
    const weights = Array.from({ length: 1000 }, (_, index) => BigInt((index % 7) + 1));
    expect(parts(allocate(money('12345.67'), weights))).toEqual(parts(allocate(money('12345.67'), weights)));
  });
});
