import DecimalJs from 'decimal.js';

/**
 * The package's own decimal constructor. It is a clone, so changing the global decimal.js settings
 * elsewhere in an application cannot change how the books add up. Forty significant digits hold
 * any sum of numeric(18,2) amounts this package can meet without rounding, and exponent notation
 * is pushed out of range so that toString() never prints "1e+21".
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_DOWN,
  toExpNeg: -60,
  toExpPos: 60
});

export type Decimal = InstanceType<typeof Decimal>;

export const DECIMAL_ZERO: Decimal = new Decimal(0);
export const DECIMAL_ONE: Decimal = new Decimal(1);
