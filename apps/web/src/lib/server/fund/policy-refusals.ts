import { m } from '$lib/paraglide/messages';
import { refusalMessage, refusalTable, type RefusalEntry, type RefusalTable } from '../platform/refusal-messages';
import type { FundPolicyCode } from './fund-policy';

/**
 * What the policy form says for each refusal of parseFundPolicy. The refusal names the policy's
 * JSON path, which the form turns into one of its fields, so the table is made for that field.
 * The highest match ratio is the ledger's own figure (checkMatchPolicy's ratioMax), never
 * computed again here.
 */
function policyRefusals(field: string, ratioMax: string): RefusalTable<string> {
  const on = (message: () => string): RefusalEntry<string> => [field, message];
  const entries: Record<FundPolicyCode, RefusalEntry<string>> = {
    override_band_must_be_ordered: on(() => m.policy_error_band()),
    ratio_must_leave_self_raised_minimum: on(() => m.policy_error_self_raised({ max: ratioMax })),
    cap_must_be_positive: on(() => m.policy_error_cap()),
    rounding_unit_must_be_positive: on(() => m.policy_error_rounding()),
    rounding_direction_not_known: on(() => m.policy_error_rounding_direction()),
    majority_must_be_between_half_and_one: on(() => m.policy_error_majority()),
    too_many_categories: on(() => m.policy_error_too_many()),
    category_needs_a_label: on(() => m.policy_error_category_label()),
    ratio_must_be_between_0_and_1: on(() => m.policy_error_ratio()),
    policy_is_malformed: on(() => m.policy_error_ratio())
  };
  return refusalTable<string>(entries);
}

/** The sentence for a refusal of the policy, on the form field it is about. */
export function policyRefusalMessage(refusal: { code: string; ratioMax?: string }, field: string) {
  // A refusal the table does not know reads as a ratio out of range, the form's most common mistake.
  return refusalMessage(policyRefusals(field, refusal.ratioMax ?? ''), refusal.code, [
    field,
    () => m.policy_error_ratio()
  ]);
}
