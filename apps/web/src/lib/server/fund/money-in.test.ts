import { describe, expect, it } from 'vitest';
import { checkBookDate as checkDate, chinaDateOf as todayOf } from '@gongjian/ledger';
import { parseAmount, sourceOfAccount } from './money-in';

describe('parseAmount', () => {
  it('reads positive amounts of at most two decimals up to 99,999,999.99', () => {
    for (const [text, amount] of [
      ['9090.91', '9090.91'],
      ['20000', '20000.00'],
      [' 1.5 ', '1.50'],
      ['0.01', '0.01'],
      ['99999999.99', '99999999.99'],
      // The one rule for typed amounts, as the policy form reads them too.
      ['1,000', '1000.00'],
      ['1,000.00', '1000.00'],
      ['¥5', '5.00'],
      ['１，０００．５', '1000.50']
    ] as const) {
      const parsed = parseAmount(text);
      expect(parsed.ok && parsed.amount.toString(), text).toBe(amount);
    }
  });

  it('refuses the rest with a code, in precedence order', () => {
    const cases: [string, string][] = [
      ['', 'amount_must_be_a_number'],
      ['1e5', 'amount_must_be_a_number'],
      ['1,00', 'amount_must_be_a_number'],
      ['5 yuan', 'amount_must_be_a_number'],
      ['-1', 'amount_must_be_positive'],
      ['0', 'amount_must_be_positive'],
      ['0.00', 'amount_must_be_positive'],
      ['1.234', 'amount_must_have_at_most_two_decimals'],
      ['100000000', 'amount_must_not_exceed_limit']
    ];
    for (const [text, code] of cases) expect(parseAmount(text), text).toEqual({ ok: false, code });
  });
});

describe('checkDate', () => {
  const rules = { today: '2026-06-30', fiscalYear: 2026 };
  it('takes a real day up to today, in the fiscal year or the year before', () => {
    for (const date of ['2026-06-30', '2026-01-01', '2025-01-01', '2025-12-31']) {
      expect(checkDate({ ...rules, date }), date).toBeNull();
    }
  });

  it('refuses other days with a code', () => {
    expect(checkDate({ ...rules, date: '2026-07-01' })).toBe('date_must_not_be_in_the_future');
    expect(checkDate({ ...rules, date: '2024-12-31' })).toBe('date_must_be_in_the_fiscal_year');
    expect(checkDate({ ...rules, date: '2026-02-29' })).toBe('date_must_be_valid');
    expect(checkDate({ ...rules, date: '26-1-1' })).toBe('date_must_be_valid');
  });
});

describe('todayOf', () => {
  it('counts days in China, eight hours ahead of UTC', () => {
    expect(todayOf(new Date('2026-11-23T15:59:59Z'))).toBe('2026-11-23');
    expect(todayOf(new Date('2026-11-23T16:00:00Z'))).toBe('2026-11-24');
  });
});

describe('sourceOfAccount', () => {
  it('names the source of money by the income account credited', () => {
    expect(sourceOfAccount('4101.01.U-grid-01')).toBe('unit');
    expect(sourceOfAccount('4101.01')).toBe('donation');
    expect(sourceOfAccount('4101.02')).toBe('donation');
    expect(sourceOfAccount('4401.01')).toBe('government');
    expect(sourceOfAccount('4601')).toBe('interest');
    expect(sourceOfAccount('4901')).toBe('other');
  });
});
