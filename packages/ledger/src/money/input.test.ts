import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AMOUNT_INPUT_MAX, parseAmountInput } from './input.js';
import { Money } from './money.js';

const refused = { zero: 'refused' } as const;
const allowed = { zero: 'allowed' } as const;

/** Full-width forms of digits, the point and the comma, as a Chinese phone keyboard may type them. */
const fullWidth = (text: string): string =>
  text.replace(/[0-9.,]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xfee0));

describe('parseAmountInput', () => {
  it('reads an amount however it is grouped, signed or written', () => {
    for (const [text, amount] of [
      ['1000', '1000.00'],
      ['1,000.00', '1000.00'],
      ['12,345,678.9', '12345678.90'],
      [' +80 ', '80.00'],
      ['¥80', '80.00'],
      ['￥ 1,200', '1200.00'],
      ['80元', '80.00'],
      ['.5', '0.50'],
      ['12.', '12.00'],
      ['007', '7.00'],
      ['１，０００．５０', '1000.50']
    ] as const) {
      const parsed = parseAmountInput(text, refused);
      expect(parsed.ok && parsed.value.toString(), text).toBe(amount);
    }
  });

  it('refuses the rest with a code, in precedence order', () => {
    for (const [text, code] of [
      ['', 'amount_must_be_a_number'],
      ['-5', 'amount_must_be_positive'],
      ['1e5', 'amount_must_be_a_number'],
      ['1,00', 'amount_must_be_a_number'],
      ['1,0000', 'amount_must_be_a_number'],
      ['1.000,00', 'amount_must_be_a_number'],
      ['1 000', 'amount_must_be_a_number'],
      ['12.345', 'amount_must_have_at_most_two_decimals'],
      ['100,000,000', 'amount_must_not_exceed_limit'],
      ['99999999999999999999', 'amount_must_not_exceed_limit'],
      ['0', 'amount_must_be_positive'],
      ['0.00', 'amount_must_be_positive']
    ] as const) {
      expect(parseAmountInput(text, refused), text).toEqual({ ok: false, code });
    }
    expect(parseAmountInput('0', allowed)).toMatchObject({ ok: true });
  });

  it('gives back every amount up to the limit, as the pages print it, grouped or plain, half- or full-width', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: AMOUNT_INPUT_MAX.toMinor() }), (fen) => {
        const amount = Money.fromMinor(fen);
        const grouped = amount.format({ locale: 'zh-CN' });
        for (const text of [amount.toString(), grouped, fullWidth(grouped.replace('¥', ''))]) {
          const parsed = parseAmountInput(text, refused);
          expect(parsed.ok && parsed.value.equals(amount), text).toBe(true);
        }
      })
    );
  });

  it('refuses everything above the limit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: AMOUNT_INPUT_MAX.toMinor() + 1n, max: 10n ** 17n }), (fen) => {
        const text = Money.fromMinor(fen).toString();
        expect(parseAmountInput(text, allowed)).toEqual({ ok: false, code: 'amount_must_not_exceed_limit' });
      })
    );
  });
});
