import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOwnersConsent, type OwnersConsentPolicy } from './owners-consent.js';

const half: OwnersConsentPolicy = { presentShareMin: '0.5', agreeShareMin: '0.5' };
const meeting = (householdsTotal: number, householdsPresent: number, householdsAgreeing: number) => ({
  householdsTotal,
  householdsPresent,
  householdsAgreeing
});

describe('checkOwnersConsent', () => {
  it("passes the issue's meeting: 24 of 40 households present, 20 of them agreeing", () => {
    expect(checkOwnersConsent(meeting(40, 24, 20), half)).toEqual({
      ok: true,
      value: { presentShare: '0.6', agreeShare: '0.8333', presentNeeded: 20, agreeingNeeded: 12 }
    });
  });

  it('measures agreement against the households present, not the total', () => {
    // 11 of 40 households agree: too few of the total, but more than half of the 20 present.
    expect(checkOwnersConsent(meeting(40, 20, 11), half).ok).toBe(true);
  });

  it.each([
    // At the boundary: exactly half present and exactly half of them agreeing passes.
    [meeting(20, 10, 5), true],
    [meeting(20, 9, 9), 'too_few_households_present'],
    [meeting(20, 10, 4), 'too_few_households_agreeing'],
    // An odd total: half of 21 is 10.5, so 11 must be present, and 6 of 11 agree.
    [meeting(21, 11, 6), true],
    [meeting(21, 10, 10), 'too_few_households_present'],
    [meeting(21, 11, 5), 'too_few_households_agreeing']
  ])('%j at "0.5"/"0.5" → %s', (input, expected) => {
    const result = checkOwnersConsent(input, half);
    if (expected === true) expect(result.ok).toBe(true);
    else expect(result).toMatchObject({ ok: false, code: expected });
  });

  it('compares two-thirds exactly, with no float rounding', () => {
    const twoThirds = { presentShareMin: '0.6667', agreeShareMin: '0.6667' };
    // 0.6667 × 30 = 20.001, so 21 are needed; a float share of 20/30 would round the wrong way.
    expect(checkOwnersConsent(meeting(30, 20, 20), twoThirds)).toMatchObject({
      code: 'too_few_households_present',
      presentNeeded: 21
    });
    // "0.6667" is a little more than two thirds, so 14 of 21 (exactly two thirds) is too few.
    expect(checkOwnersConsent(meeting(30, 21, 14), twoThirds)).toMatchObject({
      code: 'too_few_households_agreeing',
      agreeingNeeded: 15
    });
    expect(checkOwnersConsent(meeting(30, 21, 15), twoThirds)).toMatchObject({ ok: true });
    // A strict majority ("过半数") is a share just above one half.
    const strict = { presentShareMin: '0.5', agreeShareMin: '0.5001' };
    expect(checkOwnersConsent(meeting(20, 20, 10), strict)).toMatchObject({ code: 'too_few_households_agreeing' });
    expect(checkOwnersConsent(meeting(20, 20, 11), strict)).toMatchObject({ ok: true });
  });

  it.each([
    [meeting(20.5, 10, 10), half, 'counts_must_be_whole_numbers'],
    [meeting(20, -1, 0), half, 'counts_must_be_whole_numbers'],
    [meeting(20, 10, Number.NaN), half, 'counts_must_be_whole_numbers'],
    [meeting(0, 0, 0), half, 'households_total_must_be_positive'],
    [meeting(20, 21, 10), half, 'present_must_not_exceed_total'],
    [meeting(20, 10, 11), half, 'agreeing_must_not_exceed_present'],
    [meeting(20, 10, 10), { presentShareMin: '1.5', agreeShareMin: '0.5' }, 'share_must_be_between_0_and_1'],
    [meeting(20, 10, 10), { presentShareMin: '0.5', agreeShareMin: '50%' }, 'share_must_be_between_0_and_1']
  ])('refuses %j under %j with %s', (input, policy, code) => {
    expect(checkOwnersConsent(input, policy)).toMatchObject({ ok: false, code });
  });

  it('passes exactly when present ≥ share × total and agreeing ≥ share × present', () => {
    const shares = ['0', '0.5', '0.51', '0.6667', '0.75', '1'];
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 2000 })
          .chain((total) =>
            fc
              .integer({ min: 0, max: total })
              .chain((present) =>
                fc.tuple(fc.constant(total), fc.constant(present), fc.integer({ min: 0, max: present }))
              )
          ),
        fc.constantFrom(...shares),
        fc.constantFrom(...shares),
        ([total, present, agreeing], presentShareMin, agreeShareMin) => {
          const result = checkOwnersConsent(meeting(total, present, agreeing), { presentShareMin, agreeShareMin });
          // In ten-thousandths every share is a whole number, so integer arithmetic is exact here.
          const presentOk = present * 10_000 >= Math.round(Number(presentShareMin) * 10_000) * total;
          const agreeOk = agreeing * 10_000 >= Math.round(Number(agreeShareMin) * 10_000) * present;
          expect(result.ok).toBe(presentOk && agreeOk);
        }
      )
    );
  });
});
