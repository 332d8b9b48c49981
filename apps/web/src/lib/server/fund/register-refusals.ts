import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry, type RefusalTable } from '../platform/refusal-messages';
import type { CompoundResult, HouseholdResult, HouseholdsResult, UnitResult } from './registers';

/**
 * What the register pages say for each refusal of the registers' use cases. `form` is a refusal of
 * the whole form, shown above it; any other field is the input the person corrects.
 */

type CodeOf<Result> = Exclude<Result, { ok: true }> extends { code: infer Code extends string } ? Code : never;

const ROW_REFUSALS = {
  not_allowed: ['form', () => m.registers_error_not_allowed()],
  item_is_not_in_this_fund: ['form', () => m.registers_error_not_found()]
} as const satisfies Record<string, RefusalEntry<'form'>>;

/** The fields of the unit and compound forms a refusal is about. */
export type RegisterField = 'form' | 'code';

const REGISTER_ENTRIES: Record<CodeOf<UnitResult | CompoundResult>, RefusalEntry<RegisterField>> = {
  ...ROW_REFUSALS,
  code_is_taken: ['code', () => m.registers_error_code_taken()],
  code_is_in_use: ['code', () => m.registers_error_code_in_use()]
};

/** The refusals of addUnit, updateUnit, addCompound and updateCompound. */
export const REGISTER_REFUSALS = refusalTable<RegisterField>(REGISTER_ENTRIES);

/** The fields of the household forms a refusal is about: a room typed in, or a line pasted. */
export type HouseholdField = 'form' | 'room' | 'lines';

/**
 * The refusals of addHouseholds and updateHousehold. A household already registered is said on
 * the room of the one-household form, or, for a pasted list, on the list with the line it is on.
 */
export function householdRefusals(pastedLine: number | null): RefusalTable<HouseholdField> {
  const entries: Record<CodeOf<HouseholdsResult | HouseholdResult>, RefusalEntry<HouseholdField>> = {
    ...ROW_REFUSALS,
    household_exists:
      pastedLine === null
        ? ['room', () => m.registers_error_household_exists()]
        : ['lines', () => m.registers_error_line_exists({ line: String(pastedLine) })]
  };
  return refusalTable<HouseholdField>(entries);
}

/** Any other refusal: the row cannot be saved, as for one not found. */
export const REGISTER_REFUSED: RefusalEntry<'form'> = ROW_REFUSALS.item_is_not_in_this_fund;
