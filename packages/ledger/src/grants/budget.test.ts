import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, money } from '../money/money.js';
import { budgetTotal, lineAmount, parseBudgetLines, parseQuantity, parseUnitPrice, selfRaiseShares } from './budget.js';

const LIMITS = { itemLengthMax: 120 };

describe('budget lines', () => {
  it('computes a line as quantity × unit price, rounded half up to the fen', () => {
    expect(lineAmount('1', money('5000.00')).toString()).toBe('5000.00');
    expect(lineAmount('2.5', money('3.33')).toString()).toBe('8.33');
    // 0.15 × 0.15 = 0.0225, half up: 0.02; 0.25 × 0.1 = 0.025: 0.03.
    expect(lineAmount('0.15', money('0.15')).toString()).toBe('0.02');
    expect(lineAmount('0.25', money('0.10')).toString()).toBe('0.03');
    expect(lineAmount('3', money('0.00')).toString()).toBe('0.00');
  });

  it('reads quantities and prices as typed, refusing what the table would refuse', () => {
    expect(parseQuantity(' 2.5 ')).toEqual({ ok: true, value: '2.50' });
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
    const parsed = parseBudgetLines(
      [
        { item: '器材配件更换', quantity: '6', unitPrice: '800' },
        { item: '', quantity: '', unitPrice: '' },
        { item: '防锈漆及人工', quantity: '1', unitPrice: '2600.00' },
        { item: '地面防滑垫', quantity: '4', unitPrice: '300.00' }
      ],
      LIMITS
    );
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
    const parsed = parseBudgetLines(
      [
        { item: 'a', quantity: '1', unitPrice: '0.1' },
        { item: 'b', quantity: '1', unitPrice: '0.2' }
      ],
      LIMITS
    );
    expect(parsed.ok && parsed.total.toString()).toBe('0.30');
  });

  it('keys a refused row by its index and field, and refuses a long item', () => {
    const parsed = parseBudgetLines(
      [
        { item: 'a', quantity: '1', unitPrice: '1' },
        { item: 'x'.repeat(121), quantity: 'two', unitPrice: '1.234' },
        { item: '', quantity: '1', unitPrice: '99999999.99' }
      ],
      LIMITS
    );
    expect(parsed).toEqual({
      ok: false,
      code: null,
      errors: {
        '1.item': 'item_must_be_short',
        '1.quantity': 'quantity_must_be_a_number',
        '1.unitPrice': 'unit_price_must_have_at_most_two_decimals',
        '2.item': 'item_is_required'
      }
    });
  });

  it('refuses an empty budget, more than 50 lines, and a line or total past the limit', () => {
    expect(parseBudgetLines([{ item: '', quantity: '', unitPrice: '' }], LIMITS)).toMatchObject({
      ok: false,
      code: 'budget_needs_a_line'
    });
    const rows = Array.from({ length: 51 }, (_, index) => ({ item: `第${index}项`, quantity: '1', unitPrice: '1' }));
    expect(parseBudgetLines(rows, LIMITS)).toMatchObject({ ok: false, code: 'too_many_budget_lines' });
    expect(parseBudgetLines([{ item: 'a', quantity: '2', unitPrice: '99999999.99' }], LIMITS)).toMatchObject({
      ok: false,
      errors: { '0.unitPrice': 'line_amount_must_not_exceed_limit' }
    });
    const big = { item: 'a', quantity: '1', unitPrice: '60000000' };
    expect(parseBudgetLines([big, big], LIMITS)).toMatchObject({
      ok: false,
      code: 'budget_total_must_not_exceed_limit'
    });
  });

  it('totals every accepted budget to the fen: the sum of its lines, each quantity × price half up', () => {
    const row = fc.record({
      quantity: fc.integer({ min: 1, max: 100_000 }).map((hundredths) => (hundredths / 100).toFixed(2)),
      unitPrice: fc.bigInt({ min: 0n, max: 10_000_000n }).map((fen) => Money.fromMinor(fen).toString())
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 50 }), (rows) => {
        const parsed = parseBudgetLines(
          rows.map((item, index) => ({ item: `第${index + 1}项`, ...item })),
          LIMITS
        );
        if (!parsed.ok) return;
        const fen = rows.reduce((sum, item) => {
          // quantity × price in ten-thousandths of a yuan, rounded half up to the fen, in integers.
          const exact = BigInt(item.quantity.replace('.', '')) * money(item.unitPrice).toMinor();
          return sum + (exact + 50n) / 100n;
        }, 0n);
        expect(parsed.total.toMinor()).toBe(fen);
        expect(budgetTotal(parsed.lines).toString()).toBe(parsed.total.toString());
      })
    );
  });
});

describe('the self-raise split', () => {
  it('shows equal shares as one group', () => {
    expect(selfRaiseShares(money('2000.00'), 25)).toEqual([{ households: 25, amount: '80.00' }]);
  });

  it('gives the leftover fen to the first households', () => {
    expect(selfRaiseShares(money('2000.24'), 25)).toEqual([
      { households: 24, amount: '80.01' },
      { households: 1, amount: '80.00' }
    ]);
  });

  it('has shares that sum back to the target exactly, one per household', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 9_999_999_999n }), fc.integer({ min: 1, max: 500 }), (fen, households) => {
        const target = Money.fromMinor(fen);
        const groups = selfRaiseShares(target, households);
        const sum = Money.sum(
          groups.flatMap((group) => Array.from({ length: group.households }, () => money(group.amount)))
        );
        expect(sum.toString()).toBe(target.toString());
        expect(groups.reduce((count, group) => count + group.households, 0)).toBe(households);
      }),
      { numRuns: 200 }
    );
  });

  it('has no shares without households', () => {
    expect(selfRaiseShares(money('10.00'), 0)).toEqual([]);
  });
});
