import { allocate } from '../money/allocate.js';
import { Decimal } from '../money/decimal.js';
import { AMOUNT_INPUT_MAX, parseAmountInput, type AmountInputCode } from '../money/input.js';
import { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';

/*
 * The arithmetic of an application's budget: the lines a committee types (item, quantity, unit
 * price), each line's amount, the budget's total, and each household's share of what the compound
 * raises itself. The application form, the submission's snapshot and the review page all use these
 * rules, so they are written once, here, and exactly as the database checks them again.
 */

/** The most lines one budget has. */
export const BUDGET_LINES_MAX = 50;

/** The largest quantity of one budget line; numeric(12, 2) holds more, but no project needs it. */
export const QUANTITY_MAX = '1000000';

export type QuantityCode =
  | 'quantity_must_be_a_number'
  | 'quantity_must_be_positive'
  | 'quantity_must_have_at_most_two_decimals'
  | 'quantity_must_not_exceed_limit';

export type UnitPriceCode =
  'unit_price_must_be_a_number' | 'unit_price_must_have_at_most_two_decimals' | 'unit_price_must_not_exceed_limit';

export type BudgetLineCode =
  QuantityCode | UnitPriceCode | 'item_is_required' | 'item_must_be_short' | 'line_amount_must_not_exceed_limit';

export type BudgetCode = 'budget_needs_a_line' | 'too_many_budget_lines' | 'budget_total_must_not_exceed_limit';

export interface BudgetLineInput {
  readonly item: string;
  readonly quantity: string;
  readonly unitPrice: string;
}

export interface BudgetLine {
  lineNo: number;
  item: string;
  /** Decimal strings, as the database returns them: quantity to 2 places, money to the fen. */
  quantity: string;
  unitPrice: string;
  amount: string;
}

const DECIMAL_TEXT = /^\d{1,12}(\.\d*)?$/;

/** A quantity as typed: positive, at most two decimals, at most QUANTITY_MAX; the value to 2 places. */
export function parseQuantity(text: string): Result<string, QuantityCode> {
  const trimmed = text.trim();
  if (!DECIMAL_TEXT.test(trimmed)) {
    return reject(trimmed.startsWith('-') ? 'quantity_must_be_positive' : 'quantity_must_be_a_number');
  }
  if ((trimmed.split('.')[1] ?? '').length > 2) return reject('quantity_must_have_at_most_two_decimals');
  const value = new Decimal(trimmed.replace(/\.$/, ''));
  if (!value.isPositive() || value.isZero()) return reject('quantity_must_be_positive');
  if (value.gt(QUANTITY_MAX)) return reject('quantity_must_not_exceed_limit');
  return ok(value.toFixed(2));
}

/** The unit price's own name for each way an amount can be mistyped. */
const UNIT_PRICE_CODES = new Map<AmountInputCode, UnitPriceCode>([
  ['amount_must_be_a_number', 'unit_price_must_be_a_number'],
  ['amount_must_be_positive', 'unit_price_must_be_a_number'],
  ['amount_must_have_at_most_two_decimals', 'unit_price_must_have_at_most_two_decimals'],
  ['amount_must_not_exceed_limit', 'unit_price_must_not_exceed_limit']
]);

/**
 * A unit price as typed, by the one rule for typed amounts (parseAmountInput): zero or more (a
 * donated item costs nothing), at most two decimals.
 */
export function parseUnitPrice(text: string): Result<Money, UnitPriceCode> {
  const parsed = parseAmountInput(text, { zero: 'allowed' });
  if (parsed.ok) return parsed;
  return reject(UNIT_PRICE_CODES.get(parsed.code) ?? 'unit_price_must_be_a_number');
}

/**
 * A line's amount: quantity × unit price rounded half up to the fen, exactly as the database's
 * check (round(quantity * unit_price, 2)) computes it, so a line the form accepts is a line the
 * table accepts. The quantity is a decimal string (parseQuantity's value, or the database's).
 */
export function lineAmount(quantity: string, unitPrice: Money): Money {
  const exact = new Decimal(quantity).times(unitPrice.toDecimal()).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const parsed = Money.parse(exact.toFixed(2));
  if (!parsed.ok) throw new Error(`lineAmount: ${exact.toString()} is not an amount`);
  return parsed.value;
}

/** The budget's total: the sum of its lines' amounts, to the fen. */
export function budgetTotal(lines: readonly Pick<BudgetLine, 'amount'>[]): Money {
  return Money.sum(lines.map((line) => amountOf(line.amount)));
}

function amountOf(text: string): Money {
  const parsed = Money.parse(text);
  if (!parsed.ok) throw new Error(`budget: ${text} is not an amount`);
  return parsed.value;
}

type LineErrors = Record<string, BudgetLineCode>;

/** One row's line, or null when it is refused (its errors are added, keyed `<index>.<field>`). */
function lineOf(
  row: BudgetLineInput,
  index: number,
  context: { lineNo: number; itemLengthMax: number; errors: LineErrors }
): BudgetLine | null {
  const { errors } = context;
  const item = row.item.trim();
  if (item === '') errors[`${index}.item`] = 'item_is_required';
  else if (item.length > context.itemLengthMax) errors[`${index}.item`] = 'item_must_be_short';
  const quantity = parseQuantity(row.quantity);
  if (!quantity.ok) errors[`${index}.quantity`] = quantity.code;
  const unitPrice = parseUnitPrice(row.unitPrice);
  if (!unitPrice.ok) errors[`${index}.unitPrice`] = unitPrice.code;
  if (!quantity.ok || !unitPrice.ok) return null;
  const amount = lineAmount(quantity.value, unitPrice.value);
  if (amount.greaterThan(AMOUNT_INPUT_MAX)) {
    errors[`${index}.unitPrice`] = 'line_amount_must_not_exceed_limit';
    return null;
  }
  return {
    lineNo: context.lineNo,
    item,
    quantity: quantity.value,
    unitPrice: unitPrice.value.toString(),
    amount: amount.toString()
  };
}

function isBlank(row: BudgetLineInput): boolean {
  return row.item.trim() === '' && row.quantity.trim() === '' && row.unitPrice.trim() === '';
}

/**
 * Reads the budget form's rows. A row left entirely blank is not a line (the form offers spare
 * rows); any other row must be complete. Errors are keyed `<row index>.<field>`; a refusal of the
 * budget as a whole has a code and no field errors. `itemLengthMax` is the form's own maxlength.
 */
export function parseBudgetLines(
  rows: readonly BudgetLineInput[],
  options: { readonly itemLengthMax: number }
):
  | { ok: true; lines: BudgetLine[]; total: Money }
  | { ok: false; code: BudgetCode | null; errors: Record<string, BudgetLineCode> } {
  const errors: LineErrors = {};
  const lines: BudgetLine[] = [];
  for (const [index, row] of rows.entries()) {
    if (isBlank(row)) continue;
    const line = lineOf(row, index, { lineNo: lines.length + 1, itemLengthMax: options.itemLengthMax, errors });
    if (line !== null) lines.push(line);
  }
  if (Object.keys(errors).length > 0) return { ok: false, code: null, errors };
  if (lines.length === 0) return { ok: false, code: 'budget_needs_a_line', errors };
  if (lines.length > BUDGET_LINES_MAX) return { ok: false, code: 'too_many_budget_lines', errors };
  const total = budgetTotal(lines);
  if (total.greaterThan(AMOUNT_INPUT_MAX)) return { ok: false, code: 'budget_total_must_not_exceed_limit', errors };
  return { ok: true, lines, total };
}

/** Households paying the same share: "25 户 × ¥80.00", or 24 × 80.01 and 1 × 80.00. */
export interface ShareGroup {
  households: number;
  amount: string;
}

/**
 * Each household's suggested share of the self-raise target: the target split into equal parts
 * by allocate, so the shares add up to the target exactly; the few fen left over go one each to
 * the first households. Consecutive equal shares are grouped for display.
 */
export function selfRaiseShares(target: Money, households: number): ShareGroup[] {
  if (!Number.isSafeInteger(households) || households < 1) return [];
  const split = allocate(
    target,
    Array.from({ length: households }, () => '1')
  );
  if (!split.ok) throw new Error(`selfRaiseShares: allocate refused (${split.code})`);
  const groups: ShareGroup[] = [];
  for (const share of split.value) {
    const last = groups.at(-1);
    if (last !== undefined && last.amount === share.toString()) last.households += 1;
    else groups.push({ households: 1, amount: share.toString() });
  }
  return groups;
}
