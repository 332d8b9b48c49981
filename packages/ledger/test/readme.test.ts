/** The README's examples, run as written, so that the documentation cannot drift from the code. */
import { describe, expect, it } from 'vitest';
import {
  Book,
  Money,
  allocate,
  amountInWords,
  computeMatch,
  explainMatch,
  matchFinal,
  matchReleasable,
  money,
  projectAccounts,
  subAccountCode,
  type MatchPolicy
} from '../src/index.js';

describe('README examples', () => {
  it('the opening example', () => {
    const book = Book.create({ fundId: 'chengguan' });
    const posted = book.post(
      {
        date: '2026-03-01',
        memo: '网格单位出资：启动资金',
        postings: [
          { account: '1002.01', side: 'debit', amount: money('100000') },
          { account: '4101.01', side: 'credit', amount: money('100000') }
        ]
      },
      { recordedAt: '2026-03-01T09:00:00.000Z' }
    );
    expect(posted).toMatchObject({ ok: true, value: { seq: 1 } });
    book.hold(
      { holdId: 'match-barrier', account: '1002.01', amount: money('3000'), reference: 'barrier' },
      { recordedAt: '2026-03-10T09:00:00.000Z' }
    );
    expect(book.available('1002.01').format()).toBe('¥97,000.00');
    expect(amountInWords(money('5000'))).toBe('人民币伍仟元整');
  });

  it('money', () => {
    expect(Money.parse('12.345')).toEqual({
      ok: false,
      code: 'amount_must_have_at_most_two_decimals',
      input: '12.345'
    });
    expect(Money.parse(5000)).toEqual({ ok: false, code: 'amount_must_not_be_a_number', input: '5000' });
    expect(money('1234567.8').format({ locale: 'zh-CN' })).toBe('¥1,234,567.80');
    expect(money('16409.02').toMinor()).toBe(1640902n);
    expect(amountInWords(money('1409.50'))).toBe('人民币壹仟肆佰零玖元伍角');
  });

  it('codes', () => {
    expect(subAccountCode({ parent: '4101.01', dimension: 'unit', id: 'school-3' })).toEqual({
      ok: true,
      value: '4101.01.U-school-3'
    });
    expect(projectAccounts('barrier')).toEqual({
      ok: true,
      value: { funds: '1002.02.P-barrier', selfRaised: '2209.P-barrier', cost: '5101.P-barrier' }
    });
  });

  it('the match rule', () => {
    const policy: MatchPolicy = {
      ratioDefault: '0.6',
      capPerProject: money('20000'),
      categories: { security: { ratio: '0.7', capPerProject: money('10000') } },
      capPerCompoundPerYear: money('30000'),
      selfRaisedShareMin: '0.2',
      roundingUnit: money('1'),
      overrideBand: { ratioMin: '0.3', ratioMax: '0.8' },
      releaseMode: 'proportional'
    };
    const request = { costEligible: money('5000'), compoundMatchedThisYear: money('0'), poolAvailable: money('97000') };
    const result = computeMatch(policy, request);
    expect(result.ok && [result.value.match.format(), result.value.selfRaised.format(), result.value.boundBy]).toEqual([
      '¥3,000.00',
      '¥2,000.00',
      'ratio'
    ]);
    expect(explainMatch(result.ok ? result.value.steps : [], 'zh-CN')[0]).toBe('配额比例 60%（政策默认）');
    expect(computeMatch(policy, { ...request, ratioOverride: { ratio: '0.9', reason: '紧急维修' } })).toEqual({
      ok: false,
      code: 'ratio_outside_policy_band',
      ratio: '0.9',
      ratioMin: '0.3',
      ratioMax: '0.8'
    });
    expect(
      matchReleasable({
        releaseMode: 'proportional',
        match: money('3000'),
        selfRaisedTarget: money('2000'),
        selfRaisedReceived: money('800'),
        matchReleased: money('0')
      }).format()
    ).toBe('¥1,200.00');
    const final = matchFinal(policy, {
      ratio: '0.6',
      matchApproved: money('3000'),
      costActual: money('4500'),
      selfRaisedReceived: money('2000')
    });
    expect(
      [final.match, final.matchUnused, final.selfRaised, final.selfRaisedSurplus].map((amount) => amount.format())
    ).toEqual(['¥2,700.00', '¥300.00', '¥1,800.00', '¥200.00']);
  });

  it('allocation', () => {
    const split = allocate(money('100'), [1n, 1n, 1n]);
    expect(split.ok && split.value.map(String)).toEqual(['33.34', '33.33', '33.33']);
  });
});
