import { Money } from '../money/money.js';
import { parseAmountInput, type AmountInputCode } from '../money/input.js';
import { checkBookDate, type BookDateCode } from '../money/days.js';
import { ok, reject, type Result } from '../result.js';

/*
 * One household's self-raised payment (自筹) toward its compound's share of a project. The server
 * reads the figures under the project's row lock and asks this rule; it writes the entry only when
 * the rule says yes, so two payments racing for the last of the target never both pass.
 */

export type SelfRaisedPaymentCode =
  AmountInputCode | BookDateCode | 'household_must_be_in_compound' | 'payment_exceeds_target';

/** What the server knows when a payment is recorded. */
export type SelfRaisedPaymentFigures = {
  /** The households' share of the cost the project was approved with. */
  readonly target: Money;
  /** What the households have paid toward it so far. */
  readonly received: Money;
  /** Whether the household named is one of the project's compound. */
  readonly householdInCompound: boolean;
  /**
   * The day's rules: China's today and the fund's fiscal year; null when dates are not checked
   * (the demo seed, whose payments are dated back from whatever day it runs).
   */
  readonly dateRules: { readonly today: string; readonly fiscalYear: number } | null;
};

export type SelfRaisedPaymentCommand = {
  /** As typed: a decimal string. */
  readonly amount: string;
  /** YYYY-MM-DD, the day the household paid. */
  readonly date: string;
};

/**
 * What may still be paid before the target is reached, never negative: the page shows it, and a
 * refusal names it.
 */
export function selfRaiseRemainingOf(figures: Pick<SelfRaisedPaymentFigures, 'target' | 'received'>): Money {
  return Money.max(Money.zero(), figures.target.minus(figures.received));
}

/**
 * Whether a payment may be recorded, checked in the order a person corrects a form: the amount as
 * typed (above zero), the day, the household, and last the target, which a payment may reach but
 * not pass. A payment beyond the target is refused with what may still be paid (`remaining`).
 */
export function decideSelfRaisedPayment(
  figures: SelfRaisedPaymentFigures,
  command: SelfRaisedPaymentCommand
): Result<{ readonly amount: Money }, SelfRaisedPaymentCode> {
  const amount = parseAmountInput(command.amount, { zero: 'refused' });
  if (!amount.ok) return reject(amount.code);
  if (figures.dateRules !== null) {
    const dateCode = checkBookDate({ date: command.date, ...figures.dateRules });
    if (dateCode !== null) return reject(dateCode);
  }
  if (!figures.householdInCompound) return reject('household_must_be_in_compound');
  const remaining = figures.target.minus(figures.received);
  if (amount.value.greaterThan(remaining)) {
    return reject('payment_exceeds_target', { remaining: selfRaiseRemainingOf(figures).toString() });
  }
  return ok({ amount: amount.value });
}
