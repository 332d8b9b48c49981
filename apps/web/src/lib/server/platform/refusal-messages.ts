import { AMOUNT_INPUT_MAX, type AmountInputCode, type BookDateCode, type PeriodCode } from '@gongjian/ledger';
import { formatMoney } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

/**
 * How a form shows a use case's refusal: the field it is about and the sentence, in the visitor's
 * language. Each feature keeps one table from its refusal codes to these (beside its use cases);
 * the codes every money form shares, amounts and dates, are written once here. A route asks
 * `refusalMessage(table, code)` and carries no switch of its own.
 */
export interface RefusalMessage<Field extends string> {
  field: Field;
  message: string;
}

/** A code's field and a function for its sentence, so the sentence is made in the request's locale. */
export type RefusalEntry<Field extends string> = readonly [Field, () => string];

/**
 * A feature's refusals. It is a Map, not an object indexed by the code, because a code can come
 * from input ("constructor" must not find Object.prototype.constructor).
 */
export type RefusalTable<Field extends string> = ReadonlyMap<string, RefusalEntry<Field>>;

export function refusalTable<Field extends string>(
  ...parts: readonly (Readonly<Record<string, RefusalEntry<Field>>> | RefusalTable<Field>)[]
): RefusalTable<Field> {
  const table = new Map<string, RefusalEntry<Field>>();
  for (const part of parts) {
    const entries = part instanceof Map ? part.entries() : Object.entries(part);
    for (const [code, entry] of entries) table.set(code, entry);
  }
  return table;
}

/**
 * The field and sentence for a code. A code the table does not list falls to the form-wide
 * `fallback`: a new refusal is still shown, in general words, until its own sentence is written.
 */
export function refusalMessage<Field extends string>(
  table: RefusalTable<Field>,
  code: string,
  fallback: RefusalEntry<Field>
): RefusalMessage<Field> {
  const [field, message] = table.get(code) ?? fallback;
  return { field, message: message() };
}

/** The four ways a typed amount is refused (the ledger's parseAmountInput), on the given field. */
export function amountRefusals<Field extends string>(
  field: Field,
  example: string
): Record<AmountInputCode, RefusalEntry<Field>> {
  return {
    amount_must_be_a_number: [field, () => m.amount_error_number({ example })],
    amount_must_be_positive: [field, () => m.amount_error_positive()],
    amount_must_have_at_most_two_decimals: [field, () => m.amount_error_decimals()],
    amount_must_not_exceed_limit: [
      field,
      () => m.amount_error_limit({ max: formatMoney(AMOUNT_INPUT_MAX.toString(), getLocale()) })
    ]
  };
}

/**
 * The ways a day money moved is refused, on the given field: the ledger's checkBookDate, and a day
 * in a period the office has closed (结账; checkOpenPeriod, or the database's GJ020, which
 * runCommand answers as this code); `what` names the day as the form does (到账日期, 发票日期, …).
 */
export function dateRefusals<Field extends string>(
  field: Field,
  what: () => string
): Record<BookDateCode | PeriodCode, RefusalEntry<Field>> {
  return {
    date_must_be_valid: [field, () => m.date_error_valid({ what: what() })],
    date_must_not_be_in_the_future: [field, () => m.date_error_future({ what: what() })],
    date_must_be_in_the_fiscal_year: [field, () => m.date_error_fiscal_year({ what: what() })],
    entry_date_must_be_in_open_period: [field, () => m.period_error_date_closed({ what: what() })]
  };
}
