import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Money,
  computeMatch,
  explainMatch,
  matchFinal,
  matchReleasable,
  money,
  checkMatchPolicy,
  categoryPolicyOf,
  policyHasCategory,
  type MatchPolicy
} from '../src/index.js';

const POLICY: MatchPolicy = {
  ratioDefault: '0.6',
  capPerProject: money('20000'),
  categories: {
    parking: { ratio: '0.6' },
    security: { ratio: '0.7', capPerProject: money('10000') },
    greening: {}
  },
  capPerCompoundPerYear: money('30000'),
  selfRaisedShareMin: '0.2',
  roundingUnit: money('1'),
  overrideBand: { ratioMin: '0.3', ratioMax: '0.8' },
  releaseMode: 'proportional'
};

const REQUEST = {
  costEligible: money('5000'),
  category: 'parking',
  compoundMatchedThisYear: money('0'),
  poolAvailable: money('100000')
};

function matched(result: ReturnType<typeof computeMatch>) {
  if (!result.ok) throw new Error(result.code);
  return result.value;
}

describe('computeMatch', () => {
  it('the worked example: 5,000 at 60% is a match of 3,000 and 2,000 self-raised', () => {
    const decision = matched(computeMatch(POLICY, REQUEST));
    expect([decision.match.toString(), decision.selfRaised.toString(), decision.boundBy]).toEqual([
      '3000.00',
      '2000.00',
      'ratio'
    ]);
    expect(explainMatch(decision.steps, 'zh-CN')).toEqual([
      '配额比例 60%（类别“parking”）',
      '合格费用 ¥5,000.00 × 60% = 3000，按 ¥1.00 向下取整为 ¥3,000.00',
      '单个项目上限 ¥20,000.00',
      '本小区本年度上限 ¥30,000.00，已配套 ¥0.00，尚可配套 ¥30,000.00',
      '基金池可用余额 ¥100,000.00',
      '配套资金取以上最小值 ¥3,000.00（受配额比例限制）',
      '自筹资金 ¥5,000.00 − ¥3,000.00 = ¥2,000.00，占 40%，不低于 20%'
    ]);
    expect(explainMatch(decision.steps, 'en')[5]).toBe(
      'The match is the smallest of these, ¥3,000.00, set by the ratio.'
    );
  });

  it.each([
    ['ratio', { costEligible: money('1234.56') }, '740.00'],
    ['cap_per_project', { costEligible: money('20000'), category: 'security' }, '10000.00'],
    [
      'cap_per_compound_per_year',
      { costEligible: money('40000'), compoundMatchedThisYear: money('15000.50') },
      '14999.00'
    ],
    ['pool_available', { poolAvailable: money('2500.99') }, '2500.00']
  ])('reports the binding limit: %s', (boundBy, change, match) => {
    const decision = matched(computeMatch(POLICY, { ...REQUEST, ...change }));
    expect([decision.boundBy, decision.match.toString()]).toEqual([boundBy, match]);
  });

  it('takes a leadership override within the band, with its reason', () => {
    const decision = matched(
      computeMatch(POLICY, { ...REQUEST, ratioOverride: { ratio: '0.75', reason: '低保户占比高' } })
    );
    expect(decision.match.toString()).toBe('3750.00');
    expect(explainMatch(decision.steps, 'zh-CN')[0]).toBe('配额比例 75%（领导小组调整，理由：低保户占比高）');
  });

  it.each([
    [
      'cost_must_be_positive',
      { costEligible: money('0'), category: 'nope', ratioOverride: { ratio: '2', reason: '' } }
    ],
    ['category_not_in_policy', { category: 'nope', ratioOverride: { ratio: '2', reason: '' } }],
    ['ratio_must_be_between_0_and_1', { ratioOverride: { ratio: '2', reason: '' } }],
    ['override_reason_required', { ratioOverride: { ratio: '0.9', reason: ' ' } }],
    ['ratio_outside_policy_band', { ratioOverride: { ratio: '0.9', reason: 'Urgent repair' } }]
  ])('rejects, in precedence order: %s', (code, change) => {
    expect(computeMatch(POLICY, { ...REQUEST, ...change })).toMatchObject({ ok: false, code });
  });

  it.each([
    ['ratio_must_be_between_0_and_1', { ratioDefault: '1.5' }],
    ['cap_must_be_positive', { capPerProject: money('0') }],
    ['rounding_unit_must_be_positive', { roundingUnit: money('0') }],
    ['override_band_must_be_ordered', { overrideBand: { ratioMin: '0.7', ratioMax: '0.5' } }],
    ['ratio_must_leave_self_raised_minimum', { overrideBand: { ratioMin: '0.3', ratioMax: '0.85' } }]
  ])('checkMatchPolicy rejects %s', (code, change) => {
    expect(checkMatchPolicy({ ...POLICY, ...change })).toMatchObject({ ok: false, code });
  });

  const amount = (max: bigint) => fc.bigInt({ min: 0n, max }).map((minor) => Money.fromMinor(minor));

  it('never exceeds the ratio, any cap or the pool, and leaves the minimum self-raised share', () => {
    fc.assert(
      fc.property(
        amount(10n ** 9n).filter((cost) => cost.isPositive()),
        amount(5n * 10n ** 6n),
        amount(10n ** 8n),
        fc.constantFrom('parking', 'security', 'greening'),
        fc.constantFrom('1', '0.01', '10', '100'),
        (costEligible, compoundMatchedThisYear, poolAvailable, category, unit) => {
          const policy = { ...POLICY, roundingUnit: money(unit) };
          const decision = matched(
            computeMatch(policy, { costEligible, category, compoundMatchedThisYear, poolAvailable })
          );
          const capProject = policy.categories[category]?.capPerProject ?? money('20000');
          const ratio = policy.categories[category]?.ratio ?? '0.6';
          expect(decision.match.isNegative()).toBe(false);
          expect(decision.match.lessThanOrEqual(capProject)).toBe(true);
          expect(
            decision.match
              .plus(compoundMatchedThisYear)
              .lessThanOrEqual(Money.max(money('30000'), compoundMatchedThisYear))
          ).toBe(true);
          expect(decision.match.lessThanOrEqual(poolAvailable)).toBe(true);
          expect(decision.match.toDecimal().lte(costEligible.toDecimal().times(ratio))).toBe(true);
          expect(decision.selfRaised.toDecimal().gte(costEligible.toDecimal().times('0.2'))).toBe(true);
          expect(decision.match.toDecimal().mod(unit).isZero()).toBe(true);
        }
      )
    );
  });
});

describe('rounding direction', () => {
  const halfUp: MatchPolicy = { ...POLICY, roundingDirection: 'half_up', roundingUnit: money('10') };

  it('rounds the ratio share half up when the policy says so, and says so in the working', () => {
    // 4,321 × 60% = 2,592.6, to the nearest 10: 2,590; 4,326 × 60% = 2,595.6: 2,600.
    expect(matched(computeMatch(halfUp, { ...REQUEST, costEligible: money('4321') })).match.toString()).toBe('2590.00');
    const up = matched(computeMatch(halfUp, { ...REQUEST, costEligible: money('4326') }));
    expect(up.match.toString()).toBe('2600.00');
    expect(explainMatch(up.steps, 'zh-CN')[1]).toBe(
      '合格费用 ¥4,326.00 × 60% = 2595.6，按 ¥10.00 四舍五入为 ¥2,600.00'
    );
    expect(explainMatch(up.steps, 'en')[1]).toBe(
      'Eligible cost ¥4,326.00 × 60% = 2595.6, rounded half up to ¥10.00: ¥2,600.00.'
    );
    const down = matched(computeMatch(POLICY, REQUEST));
    expect(explainMatch(down.steps, 'zh-CN')[1]).toContain('向下取整');
  });

  it('never rounds up past the residents’ minimum share, nor past a cap', () => {
    // At 80% (the band's top, 1 − the 20% minimum), 5,001 × 0.8 = 4,000.8 rounds half up to 4,001,
    // which would leave 1,000 of 5,001 (19.996%) to the residents: it rounds down instead.
    const policy: MatchPolicy = { ...POLICY, roundingDirection: 'half_up' };
    const decision = matched(
      computeMatch(policy, {
        ...REQUEST,
        costEligible: money('5001'),
        ratioOverride: { ratio: '0.8', reason: '困难小区' }
      })
    );
    expect(decision.match.toString()).toBe('4000.00');
    expect(explainMatch(decision.steps, 'en')[1]).toContain('rounded down to ¥1.00 (rounding half up would leave');
    const capped = matched(
      computeMatch(policy, { ...REQUEST, costEligible: money('40000'), poolAvailable: money('2500.99') })
    );
    expect(capped.match.toString()).toBe('2500.00');
  });

  it('gives the same final match on an exact budget as at approval, in either direction', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 9n }).map((minor) => Money.fromMinor(minor)),
        fc.constantFrom('down', 'half_up'),
        fc.constantFrom('1', '0.01', '10', '100'),
        (costEligible, roundingDirection, unit) => {
          const policy: MatchPolicy = { ...POLICY, roundingDirection, roundingUnit: money(unit), capPerProject: null };
          const request = { ...REQUEST, category: 'greening', costEligible, poolAvailable: money('99999999999') };
          const approved = matched(computeMatch({ ...policy, capPerCompoundPerYear: null }, request));
          const final = matchFinal(policy, {
            ratio: approved.ratio,
            matchApproved: approved.match,
            costActual: costEligible,
            selfRaisedReceived: approved.selfRaised
          });
          expect(final.match.equals(approved.match)).toBe(true);
          expect(approved.selfRaised.toDecimal().gte(costEligible.toDecimal().times('0.2'))).toBe(true);
        }
      )
    );
  });

  it('refuses a direction it does not know', () => {
    const policy = { ...POLICY, roundingDirection: 'up' } as unknown as MatchPolicy;
    expect(checkMatchPolicy(policy)).toMatchObject({ ok: false, code: 'rounding_direction_not_known' });
  });
});

describe('categories are the policy’s own keys', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'refuses a category named %s, which a plain object inherits',
    (category) => {
      expect(computeMatch(POLICY, { ...REQUEST, category })).toMatchObject({
        ok: false,
        code: 'category_not_in_policy'
      });
      expect(categoryPolicyOf(POLICY, category)).toBeUndefined();
      expect(policyHasCategory(POLICY, category)).toBe(false);
    }
  );
});

describe('releasing and finishing a match', () => {
  const base = { match: money('3000'), selfRaisedTarget: money('2000'), matchReleased: money('0') };

  it.each([
    ['proportional', '0', '0.00'],
    ['proportional', '800', '1200.00'],
    ['proportional', '1999.99', '2999.98'],
    ['proportional', '2500', '3000.00'],
    ['all_when_target_met', '1999.99', '0.00'],
    ['all_when_target_met', '2000', '3000.00']
  ] as const)('%s with %s received releases %s', (releaseMode, received, releasable) => {
    expect(matchReleasable({ ...base, releaseMode, selfRaisedReceived: money(received) }).toString()).toBe(releasable);
  });

  it('subtracts what was already released', () => {
    expect(
      matchReleasable({
        ...base,
        releaseMode: 'proportional',
        selfRaisedReceived: money('2000'),
        matchReleased: money('1200')
      }).toString()
    ).toBe('1800.00');
  });

  it('an underrun shrinks the match: 60% of an actual 4,500 is 2,700, and 300 goes back to the pool', () => {
    const final = matchFinal(POLICY, {
      ratio: '0.6',
      matchApproved: money('3000'),
      costActual: money('4500'),
      selfRaisedReceived: money('2000')
    });
    expect([final.match, final.matchUnused, final.selfRaised, final.selfRaisedSurplus].map(String)).toEqual([
      '2700.00',
      '300.00',
      '1800.00',
      '200.00'
    ]);
  });

  it('an overrun never raises the match above what was approved', () => {
    const final = matchFinal(POLICY, {
      ratio: '0.6',
      matchApproved: money('3000'),
      costActual: money('5600'),
      selfRaisedReceived: money('2000')
    });
    expect([final.match, final.matchUnused, final.selfRaised].map(String)).toEqual(['3000.00', '0.00', '2600.00']);
  });
});
