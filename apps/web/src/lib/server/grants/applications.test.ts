import { Decimal } from 'decimal.js';
import { Money, money } from '@gongjian/ledger';
import { describe, expect, it } from 'vitest';
import {
  budgetTotal,
  lineAmount,
  parseBudgetLines,
  parseQuantity,
  parseUnitPrice,
  selfRaiseShares
} from './applications';

describe('budget lines', () => {
  it('computes a line as quantity × unit price, rounded half up to the fen', () => {
    expect(lineAmount(new Decimal('1'), money('5000.00')).toString()).toBe('5000.00');
    expect(lineAmount(new Decimal('2.5'), money('3.33')).toString()).toBe('8.33');
    // 0.15 × 0.15 = 0.0225, half up: 0.02; 0.25 × 0.1 = 0.025: 0.03.
    expect(lineAmount(new Decimal('0.15'), money('0.15')).toString()).toBe('0.02');
    expect(lineAmount(new Decimal('0.25'), money('0.10')).toString()).toBe('0.03');
    expect(lineAmount(new Decimal('3'), money('0.00')).toString()).toBe('0.00');
  });

  it('reads quantities and prices as typed, refusing what the table would refuse', () => {
    expect(parseQuantity(' 2.50 ')).toMatchObject({ ok: true });
    expect(parseQuantity('0')).toEqual({ ok: false, code: 'quantity_must_be_positive' });
    expect(parseQuantity('-1')).toEqual({ ok: false, code: 'quantity_must_be_positive' });
    expect(parseQuantity('1.005')).toEqual({ ok: false, code: 'quantity_must_have_at_most_two_decimals' });
    expect(parseQuantity('1e3')).toEqual({ ok: false, code: 'quantity_must_be_a_number' });
    expect(parseQuantity('1000001')).toEqual({ ok: false, code: 'quantity_must_not_exceed_limit' });
    expect(parseUnitPrice('0')).toMatchObject({ ok: true });
    expect(parseUnitPrice('1.234')).toEqual({ ok: false, code: 'unit_price_must_have_at_most_two_decimals' });
    expect(parseUnitPrice('100000000')).toEqual({ ok: false, code: 'unit_price_must_not_exceed_limit' });
    expect(parseUnitPrice('5元')).toMatchObject({ ok: true });
    expect(parseUnitPrice('5 yuan')).toEqual({ ok: false, code: 'unit_price_must_be_a_number' });
    expect(parseUnitPrice('-5')).toEqual({ ok: false, code: 'unit_price_must_be_a_number' });
  });

  it('skips blank rows, numbers the lines and sums them exactly', () => {
    const parsed = parseBudgetLines([
      { item: '器材配件更换', quantity: '6', unitPrice: '800' },
      { item: '', quantity: '', unitPrice: '' },
      { item: '防锈漆及人工', quantity: '1', unitPrice: '2600.00' },
      { item: '地面防滑垫', quantity: '4', unitPrice: '300.00' }
    ]);
    if (!parsed.ok) throw new Error('refused');
    expect(parsed.lines.map((line) => [line.lineNo, line.amount])).toEqual([
      [1, '4800.00'],
      [2, '2600.00'],
      [3, '1200.00']
    ]);
    expect(parsed.total.toString()).toBe('8600.00');
    expect(budgetTotal(parsed.lines).toString()).toBe('8600.00');
  });

  it('adds 0.1 + 0.2 as money, not as floating point', () => {
    const parsed = parseBudgetLines([
      { item: 'a', quantity: '1', unitPrice: '0.1' },
      { item: 'b', quantity: '1', unitPrice: '0.2' }
    ]);
    expect(parsed.ok && parsed.total.toString()).toBe('0.30');
  });

  it('refuses an empty budget and more than 50 lines', () => {
    expect(parseBudgetLines([{ item: '', quantity: '', unitPrice: '' }])).toMatchObject({
      ok: false,
      code: 'budget_needs_a_line'
    });
    const rows = Array.from({ length: 51 }, (_, index) => ({ item: `第${index}项`, quantity: '1', unitPrice: '1' }));
    expect(parseBudgetLines(rows)).toMatchObject({ ok: false, code: 'too_many_budget_lines' });
  });
});

describe('the self-raise split', () => {
  it('shows equal shares as one group', () => {
    expect(selfRaiseShares(money('2000.00'), 25)).toEqual([{ households: 25, amount: '80.00' }]);
  });

  it('gives the leftover fen to the first households, and the shares sum back exactly', () => {
    const groups = selfRaiseShares(money('2000.24'), 25);
    expect(groups).toEqual([
      { households: 24, amount: '80.01' },
      { households: 1, amount: '80.00' }
    ]);
    for (const [target, households] of [
      ['3440.00', 100],
      ['0.01', 3],
      ['99999.99', 7],
      ['1234.56', 48]
    ] as const) {
      const sum = Money.sum(
        selfRaiseShares(money(target), households).flatMap((group) =>
          Array.from({ length: group.households }, () => money(group.amount))
        )
      );
      expect(sum.toString(), `${target} over ${households}`).toBe(money(target).toString());
    }
  });

  it('has no shares without households', () => {
    expect(selfRaiseShares(money('10.00'), 0)).toEqual([]);
  });
});
