import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { participationOf } from './participation.js';

describe('participationOf', () => {
  it('divides households paid by households expected, and compares exactly', () => {
    expect(participationOf({ householdsPaid: 7, householdsExpected: 10, participationMin: '0.7' })).toEqual({
      householdsPaid: 7,
      householdsExpected: 10,
      percent: '70',
      percentMin: '70',
      met: true
    });
    expect(participationOf({ householdsPaid: 6, householdsExpected: 10, participationMin: '0.7' }).met).toBe(false);
    // 2 of 3 is 66.66…%: shown rounded down, never overstated.
    expect(participationOf({ householdsPaid: 2, householdsExpected: 3, participationMin: null }).percent).toBe('66.6');
  });

  it('is met without a minimum or without expected households', () => {
    expect(participationOf({ householdsPaid: 0, householdsExpected: 25, participationMin: null }).met).toBe(true);
    expect(participationOf({ householdsPaid: 0, householdsExpected: 0, participationMin: '0.5' })).toMatchObject({
      percent: null,
      met: true
    });
  });

  it('is met exactly when paid ≥ expected × minimum, and the shown percent never exceeds the true share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 100 }),
        (expected, paidRaw, minPercent) => {
          const paid = Math.min(paidRaw, expected);
          const min = (minPercent / 100).toString();
          const result = participationOf({ householdsPaid: paid, householdsExpected: expected, participationMin: min });
          expect(result.met).toBe(paid * 100 >= expected * minPercent);
          expect(Number(result.percent) * expected <= paid * 100 + 1e-9).toBe(true);
        }
      )
    );
  });
});
