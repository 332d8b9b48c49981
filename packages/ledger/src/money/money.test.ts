import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Money, MoneyError, money } from './money.js';
import { amountInWords } from './words.js';

describe('money', () => {
  it('parses decimal strings and bigint minor units to the same amount', () => {
    expect(money('5000').toString()).toBe('5000.00');
    expect(money('5000.00').equals(money('5000'))).toBe(true);
    expect(Money.fromMinor(500000n).toString()).toBe('5000.00');
    expect(money('-0.5').toString()).toBe('-0.50');
    expect(money('-0').toString()).toBe('0.00');
    expect(money('12.34').toMinor()).toBe(1234n);
  });

  it.each([
    [5000, 'amount_must_not_be_a_number'],
    [Number.NaN, 'amount_must_not_be_a_number'],
    [Number.POSITIVE_INFINITY, 'amount_must_not_be_a_number'],
    [null, 'amount_must_be_a_string'],
    ['NaN', 'amount_must_be_a_decimal_string'],
    ['Infinity', 'amount_must_be_a_decimal_string'],
    ['1e5', 'amount_must_be_a_decimal_string'],
    ['5,000.00', 'amount_must_be_a_decimal_string'],
    [' 5', 'amount_must_be_a_decimal_string'],
    ['', 'amount_must_be_a_decimal_string'],
    ['1.005', 'amount_must_have_at_most_two_decimals'],
    ['10000000000000000', 'amount_must_be_within_range'],
    [10n ** 18n, 'amount_must_be_within_range']
  ])('rejects %s with %s', (input, code) => {
    const result = Money.parse(input);
    expect(result).toMatchObject({ ok: false, code });
  });

  it('throws a typed MoneyError when a literal is misused at runtime', () => {
    expect(() => money(5000 as unknown as string)).toThrow(MoneyError);
    try {
      money(5000 as unknown as string);
    } catch (error) {
      expect((error as MoneyError).code).toBe('amount_must_not_be_a_number');
    }
  });

  it('accepts the largest numeric(18,2) amount and nothing larger', () => {
    expect(money('9999999999999999.99').isWithinRange()).toBe(true);
    expect(money('-9999999999999999.99').toMinor()).toBe(-999999999999999999n);
  });

  it('adds, subtracts and compares exactly', () => {
    expect(money('0.10').plus(money('0.20')).equals(money('0.30'))).toBe(true);
    expect(money('100').minus(money('0.01')).toString()).toBe('99.99');
    expect(money('1').compare(money('2'))).toBe(-1);
    expect(Money.sum([money('1.10'), money('2.20'), money('3.30')]).toString()).toBe('6.60');
    expect(Money.min(money('3'), money('2')).toString()).toBe('2.00');
  });

  it('formats figures with separators for zh-CN and en', () => {
    expect(money('5000').format({ locale: 'zh-CN' })).toBe('¥5,000.00');
    expect(money('5000').format({ locale: 'en' })).toBe('¥5,000.00');
    expect(money('1234567.8').format()).toBe('¥1,234,567.80');
    expect(money('-999.5').format()).toBe('-¥999.50');
    expect(money('0.05').format({ symbol: false })).toBe('0.05');
  });

  it('round-trips every amount through minor units and text', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }), (minor) => {
        const amount = Money.fromMinor(minor);
        expect(amount.toMinor()).toBe(minor);
        expect(money(amount.toString()).equals(amount)).toBe(true);
      })
    );
  });
});

describe('amountInWords, by the People’s Bank of China rules', () => {
  it.each([
    ['1409.50', '壹仟肆佰零玖元伍角'],
    ['6007.14', '陆仟零柒元壹角肆分'],
    ['1680.32', '壹仟陆佰捌拾元叁角贰分'],
    ['16409.02', '壹万陆仟肆佰零玖元零贰分'],
    ['325.04', '叁佰贰拾伍元零肆分'],
    ['0.50', '伍角'],
    ['100000000.00', '壹亿元整'],
    ['5000', '伍仟元整'],
    ['107000.53', '壹拾万柒仟元伍角叁分'],
    ['100700', '壹拾万零柒佰元整'],
    ['10', '壹拾元整'],
    ['0.05', '伍分'],
    ['0', '零元整'],
    ['100000007', '壹亿零柒元整'],
    ['1000100000000', '壹万零壹亿元整'],
    ['9999999999999999.99', '玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分']
  ])('%s → %s', (figures, words) => {
    expect(amountInWords(money(figures), { prefix: false })).toBe(words);
  });

  it('writes 人民币 before the words by default, as vouchers do', () => {
    expect(amountInWords(money('5000'))).toBe('人民币伍仟元整');
  });
});
