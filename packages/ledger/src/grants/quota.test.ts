import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, money } from '../money/money.js';
import { APPLICATION_STATES } from './application.js';
import {
  GRANT_STATES,
  QUOTA_STATES,
  countsAgainstQuota,
  decideQuotaAtApproval,
  quotaLeft,
  quotaYearBounds,
  quotaYearOf
} from './quota.js';

describe('the compound’s yearly quota', () => {
  it('counts every grant that stands, and nothing before approval or after a cancellation', () => {
    expect(APPLICATION_STATES.filter(countsAgainstQuota)).toEqual(['approved', 'active', 'accepted', 'closed']);
    expect(QUOTA_STATES.every((state) => (GRANT_STATES as readonly string[]).includes(state))).toBe(true);
  });

  it('puts a decision in China’s calendar year, whatever the server’s time zone', () => {
    expect(quotaYearOf(new Date('2026-12-31T15:59:59.999Z'))).toBe(2026);
    expect(quotaYearOf(new Date('2026-12-31T16:00:00.000Z'))).toBe(2027);
    expect(quotaYearBounds(2027)).toEqual({ from: '2027-01-01T00:00:00+08:00', until: '2028-01-01T00:00:00+08:00' });
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), (at) => {
        const bounds = quotaYearBounds(quotaYearOf(at));
        expect(at.getTime() >= Date.parse(bounds.from) && at.getTime() < Date.parse(bounds.until)).toBe(true);
      })
    );
  });

  it('refuses an approval that no longer fits, with the figures, and never goes below zero', () => {
    const policy = { capPerCompoundPerYear: money('1000') };
    expect(decideQuotaAtApproval({ policy, matchedThisYear: money('600'), match: money('400') })).toMatchObject({
      ok: true
    });
    expect(decideQuotaAtApproval({ policy, matchedThisYear: money('600'), match: money('600') })).toEqual({
      ok: false,
      code: 'compound_quota_cannot_cover_the_match',
      left: '400.00',
      match: '600.00',
      cap: '1000.00',
      matchedThisYear: '600.00'
    });
    expect(quotaLeft(policy, money('1800'))?.toString()).toBe('0.00');
    expect(
      decideQuotaAtApproval({
        policy: { capPerCompoundPerYear: null },
        matchedThisYear: money('1000000'),
        match: money('5')
      })
    ).toMatchObject({ ok: true });
  });

  it('lets approvals taken one after another never add up past the cap', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 200_000n }), { maxLength: 30 }), (matches) => {
        const policy = { capPerCompoundPerYear: money('1000') };
        let used = Money.zero();
        for (const minor of matches) {
          const match = Money.fromMinor(minor);
          if (decideQuotaAtApproval({ policy, matchedThisYear: used, match }).ok) used = used.plus(match);
        }
        expect(used.lessThanOrEqual(money('1000'))).toBe(true);
      })
    );
  });
});
