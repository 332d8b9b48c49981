import { Money } from './money.js';
import { ok, reject, type Result } from '../result.js';

/*
 * The one rule for an amount a person types into any form: the money forms, the budget lines, the
 * acceptance cost and the fund's policy all read amounts through parseAmountInput, so "1,000.00"
 * means the same thing on every page.
 */

/**
 * The largest amount one form field takes: 99,999,999.99, a hundred million yuan less a fen.
 * numeric(18,2) holds far more, but no community fund moves that much in one line, and a typo of
 * a few extra digits should be caught, not booked.
 */
export const AMOUNT_INPUT_MAX = Money.fromMinor(9_999_999_999n);

export type AmountInputCode =
  | 'amount_must_be_a_number'
  | 'amount_must_be_positive'
  | 'amount_must_have_at_most_two_decimals'
  | 'amount_must_not_exceed_limit';

export type AmountInputOptions = {
  /** Whether 0 is an answer (a donated item's unit price) or a mistake (a payment). */
  readonly zero: 'allowed' | 'refused';
};

/*
 * Digits grouped by thousands ("12,345.6") or not grouped at all ("12345.6"); a group separator is
 * a comma. Anything else, such as "1,00" or "1,0000", is refused, because a misplaced separator
 * usually means a mistyped amount.
 */
const GROUPED = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;
const PLAIN = /^\d+(?:\.\d*)?$/;
const NO_DIGITS_BEFORE_POINT = /^\.\d+$/;
const CURRENCY_SIGN = /^[¥￥]\s*/;
const YUAN = /\s*元$/;

/**
 * Reads an amount typed by a person. It accepts what people type on a Chinese phone keyboard:
 * full-width digits and separators (NFKC folds them), a leading ¥ and a trailing 元, a leading
 * plus sign, thousands separators in their right places, a trailing point ("12."), and a missing
 * leading zero (".5"). It refuses a minus sign, more than two decimals and anything above
 * AMOUNT_INPUT_MAX, each with its own code.
 */
export function parseAmountInput(text: string, options: AmountInputOptions): Result<Money, AmountInputCode> {
  const folded = text.normalize('NFKC').trim().replace(CURRENCY_SIGN, '').replace(YUAN, '').trim();
  if (folded.startsWith('-')) return reject('amount_must_be_positive');
  const unsigned = folded.startsWith('+') ? folded.slice(1) : folded;
  const shaped = NO_DIGITS_BEFORE_POINT.test(unsigned) ? `0${unsigned}` : unsigned;
  if (!GROUPED.test(shaped) && !PLAIN.test(shaped)) return reject('amount_must_be_a_number');
  const [whole = '', fraction = ''] = shaped.replaceAll(',', '').split('.');
  if (fraction.length > 2) return reject('amount_must_have_at_most_two_decimals');
  const digits = whole.replace(/^0+(?=\d)/, '');
  // Sixteen integer digits is numeric(18,2)'s own limit; anything longer is past the form's too.
  if (digits.length > 16) return reject('amount_must_not_exceed_limit');
  const parsed = Money.parse(fraction === '' ? digits : `${digits}.${fraction}`);
  if (!parsed.ok) return reject('amount_must_not_exceed_limit');
  if (parsed.value.greaterThan(AMOUNT_INPUT_MAX)) return reject('amount_must_not_exceed_limit');
  if (options.zero === 'refused' && !parsed.value.isPositive()) return reject('amount_must_be_positive');
  return ok(parsed.value);
}
