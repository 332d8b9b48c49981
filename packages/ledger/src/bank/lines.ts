import { isDate } from '../journal/limits.js';
import { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';

/*
 * A bank statement's lines, as the bank exported them. A bank speaks from its own side: money
 * into the account is its credit (贷方, 收入) and money out is its debit (借方, 支出), and the
 * running balance (余额) after each line is the previous balance + credit − debit. The server
 * maps a file's columns to the cells below; this module reads them into typed lines.
 */

/** Money into the bank account ('in') or out of it ('out'). */
export type BankDirection = 'in' | 'out';

/** One line's cells, as text, after the kept column mapping picked them from a row. */
export interface BankCells {
  /** The statement's row number (1-based, as a spreadsheet shows it), for the sentences. */
  readonly row: number;
  readonly date: string;
  /** A signed amount in one column (negative is money out), when the bank has one column. */
  readonly amount?: string | undefined;
  /** Money out (借方), when the bank has two columns. */
  readonly debit?: string | undefined;
  /** Money in (贷方), when the bank has two columns. */
  readonly credit?: string | undefined;
  readonly balance: string;
  readonly counterparty?: string | undefined;
  readonly description?: string | undefined;
  readonly serial?: string | undefined;
}

export interface BankLine {
  readonly row: number;
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly direction: BankDirection;
  /** Above zero; the direction carries the sign. */
  readonly amount: Money;
  readonly balance: Money;
  readonly counterparty: string;
  readonly description: string;
  readonly serial: string;
}

export type BankLineCode =
  | 'bank_date_must_be_a_date'
  | 'bank_amount_must_be_a_number'
  | 'bank_amount_must_not_be_zero'
  | 'bank_line_must_have_one_amount'
  | 'bank_balance_must_be_a_number';

/** The longest text kept from a counterparty, description or serial cell. */
export const BANK_TEXT_LENGTH_MAX = 200;

const DATE_PARTS = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$/;
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[\sT]?\d{2}:?\d{2}(?::?\d{2})?)?$/;

/**
 * A statement's date cell as YYYY-MM-DD, or null. Banks write 2026-03-05, 2026/3/5, 2026.03.05,
 * 20260305 or 2026年3月5日, often followed by the time of day, which the books do not keep.
 */
export function parseBankDate(text: string): string | null {
  const folded = text.normalize('NFKC').trim();
  const match = DATE_PARTS.exec(folded) ?? DATE_COMPACT.exec(folded);
  if (match === null) return null;
  const [, year = '', month = '', day = ''] = match;
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isDate(date) ? date : null;
}

const SIGNED_AMOUNT = /^([+-]?)(\d+(?:\.\d{1,2})?)$/;
const PARENTHESES = /^\((.*)\)$/;

/**
 * A statement's amount cell, signed, or null for a blank cell, or 'not_a_number'. Banks group
 * thousands with commas, add ¥ or 元, write a minus sign before or after the figure, or put a
 * payment in parentheses; more than two decimals is not an amount of money.
 */
export function parseBankAmount(text: string): Money | null | 'not_a_number' {
  let folded = text
    .normalize('NFKC')
    .replace(/[\s,¥元]/g, '')
    .replace(/^CNY/i, '');
  if (folded === '' || folded === '-' || folded === '--') return null;
  const parenthesised = PARENTHESES.exec(folded);
  if (parenthesised !== null) folded = `-${parenthesised[1] ?? ''}`;
  if (folded.endsWith('-') && !folded.startsWith('-')) folded = `-${folded.slice(0, -1)}`;
  const match = SIGNED_AMOUNT.exec(folded);
  if (match === null) return 'not_a_number';
  const parsed = Money.parse(match[2] ?? '');
  if (!parsed.ok) return 'not_a_number';
  return match[1] === '-' ? parsed.value.negated() : parsed.value;
}

/** Reads one line's cells; a refusal names the row and what is wrong with it. */
export function parseBankLine(cells: BankCells): Result<BankLine, BankLineCode> {
  const refused = (code: BankLineCode) => reject(code, { row: cells.row });
  const date = parseBankDate(cells.date);
  if (date === null) return refused('bank_date_must_be_a_date');
  const signed = signedAmountOf(cells);
  if (typeof signed === 'string') return refused(signed);
  const balance = parseBankAmount(cells.balance);
  if (balance === null || balance === 'not_a_number') return refused('bank_balance_must_be_a_number');
  return ok({
    row: cells.row,
    date,
    direction: signed.isNegative() ? 'out' : 'in',
    amount: signed.abs(),
    balance,
    counterparty: textOf(cells.counterparty),
    description: textOf(cells.description),
    serial: textOf(cells.serial)
  });
}

/** The line's amount, signed (in is positive), from one signed column or a debit and a credit column. */
function signedAmountOf(cells: BankCells): Money | BankLineCode {
  if (cells.amount !== undefined) {
    const amount = parseBankAmount(cells.amount);
    if (amount === 'not_a_number') return 'bank_amount_must_be_a_number';
    if (amount === null || amount.isZero()) return 'bank_amount_must_not_be_zero';
    return amount;
  }
  const debit = parseBankAmount(cells.debit ?? '');
  const credit = parseBankAmount(cells.credit ?? '');
  if (debit === 'not_a_number' || credit === 'not_a_number') return 'bank_amount_must_be_a_number';
  // Banks often print 0.00 in the column a line does not use; only one column may carry money.
  const out = debit === null || debit.isZero() ? null : debit;
  const into = credit === null || credit.isZero() ? null : credit;
  if (out === null && into === null) return 'bank_amount_must_not_be_zero';
  if (out !== null && into !== null) return 'bank_line_must_have_one_amount';
  if (out !== null) return out.abs().negated();
  return (into ?? Money.zero()).abs();
}

function textOf(cell: string | undefined): string {
  return (cell ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, BANK_TEXT_LENGTH_MAX);
}

/** The line's effect on the balance: its amount, signed by its direction. */
export function signedAmountOfLine(line: Pick<BankLine, 'direction' | 'amount'>): Money {
  return line.direction === 'in' ? line.amount : line.amount.negated();
}
