import { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';
import { signedAmountOfLine, type BankLine } from './lines.js';

/*
 * A statement as a whole: its balance must follow from its lines, and each line gets a
 * fingerprint so that the same line imported twice (the same file, or an overlapping one) is
 * recognised and adds nothing.
 */

export type BankBalanceCode = 'bank_balance_must_follow_from_lines';

export interface BankStatement {
  /** The lines, oldest first. */
  readonly lines: readonly BankLine[];
  /** The balance before the first line. */
  readonly openingBalance: Money;
  readonly closingBalance: Money;
}

/**
 * Checks that each line's balance is the previous balance + credit − debit, and returns the lines
 * oldest first. Some banks list the newest line first; a statement whose balances follow only in
 * the reverse order is read that way. A refusal names the first row (as the file numbers it) whose
 * balance does not follow.
 */
export function checkBankBalances(lines: readonly BankLine[]): Result<BankStatement, BankBalanceCode> {
  const forward = firstBrokenRow(lines);
  if (forward === null) return ok(statementOf(lines));
  const reversed = [...lines].reverse();
  if (lines.length > 1 && firstBrokenRow(reversed) === null) return ok(statementOf(reversed));
  return reject('bank_balance_must_follow_from_lines', { row: forward });
}

function firstBrokenRow(lines: readonly BankLine[]): number | null {
  for (let index = 1; index < lines.length; index += 1) {
    const previous = lines[index - 1];
    const line = lines[index];
    if (previous === undefined || line === undefined) break;
    if (!previous.balance.plus(signedAmountOfLine(line)).equals(line.balance)) return line.row;
  }
  return null;
}

function statementOf(lines: readonly BankLine[]): BankStatement {
  const first = lines[0];
  const last = lines[lines.length - 1];
  return {
    lines,
    openingBalance: first === undefined ? Money.zero() : first.balance.minus(signedAmountOfLine(first)),
    closingBalance: last === undefined ? Money.zero() : last.balance
  };
}

/**
 * Each line's fingerprint text, in the lines' order: what the bank says about it (date,
 * direction, amount, balance after it, serial, counterparty, description), and, for lines that
 * say exactly the same, which of them it is. The running balance makes two real lines almost
 * always differ; the count keeps two that do not (+100, −100, +100 on one day) apart, while the
 * same file imported twice gives the same fingerprints. The server hashes the text.
 */
export function bankLineFingerprints(lines: readonly BankLine[]): string[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const said = [
      line.date,
      line.direction,
      line.amount.toString(),
      line.balance.toString(),
      line.serial,
      line.counterparty,
      line.description
    ].join('\u001f');
    const count = (seen.get(said) ?? 0) + 1;
    seen.set(said, count);
    return `${said}\u001f${String(count)}`;
  });
}
