import { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';
import type { BankDirection } from './lines.js';

/*
 * The bank reconciliation statement (银行存款余额调节表) for a date. Items in transit are the
 * bank's lines not in the books (matched to no posting, whether explained or not) and the book's
 * postings not on the statement. Both sides are brought to the same figure:
 *
 *   book balance + bank received, not booked − bank paid, not booked
 *     = bank balance + booked received, not yet in the bank − booked paid, not yet in the bank
 *
 * (the standard 调节表: 企业已收银行未收 is added to the bank's balance, because the bank will
 * receive it; the reverse signs would not agree on any statement with items in transit).
 * When the two adjusted balances differ, something is missing from the statement or the books.
 */

export interface BankItem {
  readonly direction: BankDirection;
  readonly amount: Money;
}

export interface ReconciliationInput {
  readonly bookBalance: Money;
  readonly bankBalance: Money;
  /** Bank lines up to the date that match no posting. */
  readonly bankOnly: readonly BankItem[];
  /** Postings on the account up to the date that match no bank line. */
  readonly bookOnly: readonly BankItem[];
}

export interface Reconciliation {
  readonly bookBalance: Money;
  readonly bankReceivedNotBooked: Money;
  readonly bankPaidNotBooked: Money;
  readonly bookAdjusted: Money;
  readonly bankBalance: Money;
  readonly bookReceivedNotInBank: Money;
  readonly bookPaidNotInBank: Money;
  readonly bankAdjusted: Money;
  /** Book adjusted − bank adjusted: zero when the statement reconciles. */
  readonly difference: Money;
  readonly agrees: boolean;
}

export function reconciliationOf(input: ReconciliationInput): Reconciliation {
  const total = (items: readonly BankItem[], direction: BankDirection) =>
    Money.sum(items.filter((item) => item.direction === direction).map((item) => item.amount));
  const bankReceivedNotBooked = total(input.bankOnly, 'in');
  const bankPaidNotBooked = total(input.bankOnly, 'out');
  const bookReceivedNotInBank = total(input.bookOnly, 'in');
  const bookPaidNotInBank = total(input.bookOnly, 'out');
  const bookAdjusted = input.bookBalance.plus(bankReceivedNotBooked).minus(bankPaidNotBooked);
  const bankAdjusted = input.bankBalance.plus(bookReceivedNotInBank).minus(bookPaidNotInBank);
  const difference = bookAdjusted.minus(bankAdjusted);
  return {
    bookBalance: input.bookBalance,
    bankReceivedNotBooked,
    bankPaidNotBooked,
    bookAdjusted,
    bankBalance: input.bankBalance,
    bookReceivedNotInBank,
    bookPaidNotInBank,
    bankAdjusted,
    difference,
    agrees: difference.isZero()
  };
}

export type ReconciledCode = 'bank_adjusted_balances_must_agree' | 'bank_lines_must_be_matched_or_explained';

/**
 * Whether a period may be marked reconciled through the date: the adjusted balances agree, and
 * every bank line up to the date is matched to a posting or explained with a note.
 */
export function decideReconciled(input: {
  readonly reconciliation: Reconciliation;
  readonly linesUnresolved: number;
}): Result<true, ReconciledCode> {
  if (input.linesUnresolved > 0) {
    return reject('bank_lines_must_be_matched_or_explained', { lines: input.linesUnresolved });
  }
  if (!input.reconciliation.agrees) {
    return reject('bank_adjusted_balances_must_agree', { difference: input.reconciliation.difference.toString() });
  }
  return ok(true);
}
