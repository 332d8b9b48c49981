import { Money, money } from '../money/money.js';
import { parseAmountInput, type AmountInputCode } from '../money/input.js';
import { checkBookDate, type BookDateCode } from '../money/days.js';
import { ok, reject, type Result } from '../result.js';
import { selfRaiseShares } from './budget.js';

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

/*
 * The committee's checklist: many households' payments recorded at once, each with its planned
 * share filled in, and all of them recorded or none.
 */

/** The most households one checklist may record at once: a compound has a few hundred at most. */
export const SELF_RAISE_BATCH_MAX = 500;

/**
 * Each register household's planned share, in the register's order: the target split into as many
 * equal parts as the project expects households (allocate, so the parts add up to the target and
 * the few fen left over go one each to the first households, as `selfRaiseShares` shows them).
 * Households beyond the expected count are planned at the smallest part; none when the target is
 * not positive or no household is expected.
 */
export function plannedSharesOf(target: Money, householdsExpected: number, registerCount: number): Money[] {
  if (!Number.isSafeInteger(registerCount) || registerCount < 1) return [];
  const groups = selfRaiseShares(target, householdsExpected);
  const parts = groups.flatMap((group) => Array.from({ length: group.households }, () => money(group.amount)));
  const smallest = parts.at(-1);
  if (smallest === undefined || !smallest.greaterThan(Money.zero())) return [];
  return Array.from({ length: registerCount }, (_, index) => parts[index] ?? smallest);
}

/** What a household still owes of its planned share: the share less what it paid, never negative. */
export function shareStillDueOf(planned: Money, paid: Money): Money {
  return Money.max(Money.zero(), planned.minus(paid));
}

export type SelfRaisedBatchLineCode = SelfRaisedPaymentCode | 'household_listed_twice';

export type SelfRaisedBatchCode = 'batch_needs_a_line' | 'batch_is_too_long' | 'batch_has_bad_lines';

export type SelfRaisedBatchLine = {
  /** The household's id as the form sent it. */
  readonly household: string;
  /** As typed. */
  readonly amount: string;
  readonly householdInCompound: boolean;
};

/** A line the rule refused: its place in the batch, its code, and for the target what was left. */
export type SelfRaisedBatchLineRefusal = {
  readonly index: number;
  readonly household: string;
  readonly code: SelfRaisedBatchLineCode;
  readonly remaining?: string;
};

/**
 * Whether a checklist of payments, all made on one day, may be recorded: each line by the one
 * payment rule (`decideSelfRaisedPayment`), in order, as if the lines before it were already
 * recorded, so the lines together never pass the target; a household listed twice is refused. Any
 * bad line refuses the whole batch (`batch_has_bad_lines`, with `lines`: every bad line's refusal),
 * so a committee corrects the lines and sends the checklist again, and nothing is half-recorded.
 */
export function decideSelfRaisedBatch(
  figures: Omit<SelfRaisedPaymentFigures, 'householdInCompound'>,
  command: { readonly date: string; readonly lines: readonly SelfRaisedBatchLine[] }
): Result<{ readonly amounts: readonly Money[] }, SelfRaisedBatchCode> {
  if (command.lines.length === 0) return reject('batch_needs_a_line');
  if (command.lines.length > SELF_RAISE_BATCH_MAX) return reject('batch_is_too_long');
  const seen = new Set<string>();
  const amounts: Money[] = [];
  const refused: SelfRaisedBatchLineRefusal[] = [];
  let received = figures.received;
  command.lines.forEach((line, index) => {
    if (seen.has(line.household)) {
      refused.push({ index, household: line.household, code: 'household_listed_twice' });
      return;
    }
    seen.add(line.household);
    const decision = decideSelfRaisedPayment(
      { ...figures, received, householdInCompound: line.householdInCompound },
      { amount: line.amount, date: command.date }
    );
    if (decision.ok) {
      amounts.push(decision.value.amount);
      received = received.plus(decision.value.amount);
    } else {
      const remaining = decision['remaining'];
      refused.push({
        index,
        household: line.household,
        code: decision.code,
        ...(typeof remaining === 'string' ? { remaining } : {})
      });
    }
  });
  return refused.length > 0 ? reject('batch_has_bad_lines', { lines: refused }) : ok({ amounts });
}
