import { CNY, type Currency } from '../currency.js';
import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { ok, reject, type Result } from '../result.js';
import { Decimal, DECIMAL_ZERO } from './decimal.js';
import { formatMoney, type MoneyFormatOptions } from './format.js';

/**
 * Amounts must fit PostgreSQL's numeric(18,2): sixteen digits before the point and two after, so
 * the largest magnitude is 9,999,999,999,999,999.99 and |amount| < 10^16.
 */
const DIGITS_INTEGER_MAX = 16;
const MINOR_PER_MAJOR = 100n;
const MINOR_ABSOLUTE_LIMIT = 10n ** 18n;

/** A decimal string with an optional minus sign, such as "5000", "5000.00" or "-0.5". */
const DECIMAL_PATTERN = /^-?(\d+)(?:\.(\d+))?$/;

export type MoneyParseCode =
  | 'amount_must_not_be_a_number'
  | 'amount_must_be_a_string'
  | 'amount_must_be_a_decimal_string'
  | 'amount_must_have_at_most_two_decimals'
  | 'amount_must_be_within_range';

/** Thrown by money() and Money.fromMinor() for a malformed literal; Money.parse() returns it instead. */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';
  readonly code: MoneyParseCode;

  constructor(code: MoneyParseCode, input: string) {
    super(`${code}: ${input}`);
    this.code = code;
  }
}

let fromDecimalUnchecked: (decimal: Decimal) => Money;

/**
 * An immutable amount of CNY, exact to the fen. It wraps a decimal.js value and is never a JS
 * number: parse it from a string or from bigint minor units.
 */
export class Money {
  readonly currency: Currency = CNY;
  readonly #decimal: Decimal;
  // The fixed two-decimal text is cached because entries serialize the same amounts repeatedly.
  #text: string | undefined;

  private constructor(decimal: Decimal) {
    this.#decimal = decimal;
  }

  static {
    fromDecimalUnchecked = (decimal) => new Money(decimal);
  }

  /** Parses untrusted input (a string, or bigint minor units) into a typed result. */
  static parse(input: unknown): Result<Money, MoneyParseCode> {
    if (typeof input === 'bigint') {
      return parseMinor(input);
    }
    if (typeof input === 'number') {
      return reject('amount_must_not_be_a_number', { input: String(input) });
    }
    if (typeof input !== 'string') {
      return reject('amount_must_be_a_string', { input: typeof input });
    }
    return parseText(input);
  }

  /** Builds an amount from minor units (fen): `Money.fromMinor(500000n)` is ¥5,000.00. */
  static fromMinor(minor: bigint): Money {
    const result = parseMinor(minor);
    if (!result.ok) {
      throw new MoneyError(result.code, String(minor));
    }
    return result.value;
  }

  static zero(): Money {
    return MONEY_ZERO;
  }

  static min(first: Money, second: Money): Money {
    return first.lessThanOrEqual(second) ? first : second;
  }

  static max(first: Money, second: Money): Money {
    return first.greaterThanOrEqual(second) ? first : second;
  }

  /** Sums a list of amounts; the sum of no amounts is zero. */
  static sum(amounts: Iterable<Money>): Money {
    let total = DECIMAL_ZERO;
    for (const amount of amounts) {
      total = total.plus(amount.#decimal);
    }
    return fromDecimalUnchecked(total);
  }

  plus(other: Money): Money {
    return new Money(this.#decimal.plus(other.#decimal));
  }

  minus(other: Money): Money {
    return new Money(this.#decimal.minus(other.#decimal));
  }

  negated(): Money {
    return new Money(this.#decimal.negated());
  }

  abs(): Money {
    return this.#decimal.isNegative() ? this.negated() : this;
  }

  /** Returns -1, 0 or 1, like a comparator. */
  compare(other: Money): -1 | 0 | 1 {
    return this.#decimal.cmp(other.#decimal) as -1 | 0 | 1;
  }

  equals(other: Money): boolean {
    return this.#decimal.eq(other.#decimal);
  }

  lessThan(other: Money): boolean {
    return this.#decimal.lt(other.#decimal);
  }

  lessThanOrEqual(other: Money): boolean {
    return this.#decimal.lte(other.#decimal);
  }

  greaterThan(other: Money): boolean {
    return this.#decimal.gt(other.#decimal);
  }

  greaterThanOrEqual(other: Money): boolean {
    return this.#decimal.gte(other.#decimal);
  }

  isZero(): boolean {
    return this.#decimal.isZero();
  }

  // The sign and range checks read decimal.js's sign and exponent directly: its comparison
  // methods construct a new Decimal from their argument, and these checks run on every posting.
  isPositive(): boolean {
    return this.#decimal.isPos() && !this.#decimal.isZero();
  }

  isNegative(): boolean {
    return this.#decimal.isNeg() && !this.#decimal.isZero();
  }

  /** True when the amount fits numeric(18,2): |amount| < 10^16, that is, its exponent is below 16. */
  isWithinRange(): boolean {
    return this.#decimal.e < DIGITS_INTEGER_MAX;
  }

  /** The amount in minor units (fen), exactly. */
  toMinor(): bigint {
    return BigInt(this.toString().replace('.', ''));
  }

  /** The underlying decimal.js value, for exact arithmetic that Money does not offer itself. */
  toDecimal(): Decimal {
    return this.#decimal;
  }

  /** The wire form: a fixed two-decimal string such as "5000.00" or "-0.50". */
  toString(): string {
    if (this.#text === undefined) {
      // Negative zero prints as "0.00": a fen is a fen whichever way the sum arrived at it.
      this.#text = this.#decimal.isZero() ? '0.00' : this.#decimal.toFixed(CNY.scale);
    }
    return this.#text;
  }

  toJSON(): string {
    return this.toString();
  }

  /** Figures for people: `¥5,000.00` in both zh-CN and en. */
  format(options: MoneyFormatOptions = {}): string {
    return formatMoney(this.toString(), options);
  }
}

const MONEY_ZERO = fromDecimalUnchecked(DECIMAL_ZERO);

/**
 * Parses a decimal string that the caller knows is valid: `money('5000')`, `money('5000.00')`.
 * A malformed literal is a programmer error and throws a MoneyError with a typed code; use
 * Money.parse() for input that comes from users or the wire.
 */
export function money(text: string): Money {
  const result = Money.parse(text);
  if (!result.ok) {
    throw new MoneyError(result.code, String(text));
  }
  return result.value;
}

/**
 * Wraps a decimal that internal arithmetic produced. The decimal must already be exact to the fen;
 * callers round first.
 */
export function moneyFromDecimal(decimal: Decimal): Money {
  assert(decimal.decimalPlaces() <= CNY.scale, MESSAGES.decimalOutsidePrecision);
  return fromDecimalUnchecked(decimal);
}

function parseText(input: string): Result<Money, MoneyParseCode> {
  const match = DECIMAL_PATTERN.exec(input);
  if (match === null) {
    return reject('amount_must_be_a_decimal_string', { input });
  }
  const digitsInteger = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  const digitsFraction = match[2] ?? '';
  if (digitsFraction.length > CNY.scale) {
    return reject('amount_must_have_at_most_two_decimals', { input });
  }
  if (digitsInteger.length > DIGITS_INTEGER_MAX) {
    return reject('amount_must_be_within_range', { input });
  }
  return ok(fromDecimalUnchecked(new Decimal(input)));
}

function parseMinor(minor: bigint): Result<Money, MoneyParseCode> {
  const magnitude = minor < 0n ? -minor : minor;
  if (magnitude >= MINOR_ABSOLUTE_LIMIT) {
    return reject('amount_must_be_within_range', { input: String(minor) });
  }
  const sign = minor < 0n ? '-' : '';
  const major = magnitude / MINOR_PER_MAJOR;
  const fen = String(magnitude % MINOR_PER_MAJOR).padStart(2, '0');
  return ok(fromDecimalUnchecked(new Decimal(`${sign}${major}.${fen}`)));
}
