import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money } from '../money/money.js';
import { Decimal } from '../money/decimal.js';
import { inKindDisclosure, recognitionOf, type InKindContribution } from './in-kind.js';
import { RESOURCE_KINDS } from './three-lists.js';

describe('what the books do with a contribution', () => {
  it('recognises materials with a reliable fair value, and only those', () => {
    expect(recognitionOf('materials', { valueReliable: true })).toBe('recognise');
    expect(recognitionOf('materials', { valueReliable: false })).toBe('disclose');
  });

  it('discloses services, expertise and a room, whatever value is stated', () => {
    for (const kind of ['volunteer_hours', 'expertise', 'room', 'other'] as const) {
      expect(recognitionOf(kind, { valueReliable: true })).toBe('disclose');
      expect(recognitionOf(kind, { valueReliable: false })).toBe('disclose');
    }
  });

  it('leaves money to the money-in form', () => {
    expect(recognitionOf('money', { valueReliable: true })).toBe('money_in');
    expect(recognitionOf('money', { valueReliable: false })).toBe('money_in');
  });

  it('recognises only when both the kind is goods and the value is reliable, for every pair', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RESOURCE_KINDS), fc.boolean(), (kind, valueReliable) => {
        const recognition = recognitionOf(kind, { valueReliable });
        expect(recognition === 'recognise').toBe(kind === 'materials' && valueReliable);
        expect(recognition === 'money_in').toBe(kind === 'money');
      })
    );
  });
});

const contribution: fc.Arbitrary<InKindContribution> = fc.record({
  kind: fc.constantFrom(...RESOURCE_KINDS),
  quantity: fc.integer({ min: 1, max: 1_000_000 }).map((cents) => new Decimal(cents).div(100).toFixed(2)),
  measure: fc.constantFrom('小时', '件', '次', '平方米'),
  value: fc.option(
    fc.integer({ min: 0, max: 10_000_000 }).map((cents) => money(new Decimal(cents).div(100).toFixed(2))),
    { nil: null }
  )
});

describe('the year’s disclosure', () => {
  it('reads like the notes: hours with hours, recognised goods apart', () => {
    const lines = inKindDisclosure([
      { kind: 'volunteer_hours', quantity: '12', measure: '小时', value: null },
      { kind: 'volunteer_hours', quantity: '8.5', measure: '小时', value: money('300') },
      { kind: 'materials', quantity: '20', measure: '件', value: money('1600') },
      { kind: 'materials', quantity: '3', measure: '件', value: null },
      { kind: 'money', quantity: '5000', measure: '元', value: money('5000') }
    ]);
    expect(
      lines.map((line) => [line.recognition, line.kind, line.count, line.quantity, line.value.toString()])
    ).toEqual([
      ['disclose', 'materials', 1, '3.00', '0.00'],
      ['disclose', 'volunteer_hours', 2, '20.50', '300.00'],
      ['recognise', 'materials', 1, '20.00', '1600.00']
    ]);
  });

  it('keeps every stated value of what is not money, to the fen, and nothing of money', () => {
    fc.assert(
      fc.property(fc.array(contribution, { maxLength: 30 }), (contributions) => {
        const lines = inKindDisclosure(contributions);
        const notMoney = contributions.filter((item) => item.kind !== 'money');
        const stated = notMoney.reduce((sum, item) => sum.plus(item.value ?? money('0')), money('0'));
        const disclosed = lines.reduce((sum, line) => sum.plus(line.value), money('0'));
        expect(disclosed.toString()).toBe(stated.toString());
        expect(lines.reduce((count, line) => count + line.count, 0)).toBe(notMoney.length);
        expect(lines.every((line) => line.kind !== 'money')).toBe(true);
      })
    );
  });

  it('does not depend on the order the contributions come in', () => {
    fc.assert(
      fc.property(fc.array(contribution, { maxLength: 20 }), (contributions) => {
        const forward = inKindDisclosure(contributions);
        const backward = inKindDisclosure([...contributions].reverse());
        const text = (lines: typeof forward) =>
          lines.map((line) => `${line.recognition}|${line.kind}|${line.measure}|${line.quantity}|${line.value}`);
        expect(text(backward)).toEqual(text(forward));
      })
    );
  });
});
