import { m } from '$lib/paraglide/messages';
import {
  amountRefusals,
  dateRefusals,
  refusalTable,
  type RefusalEntry,
  type RefusalTable
} from '../../platform/refusal-messages';

/** The fields of the resources forms, and `form` for what concerns the whole form. */
export type ResourceField =
  | 'unitId'
  | 'providerName'
  | 'kind'
  | 'description'
  | 'quantity'
  | 'measure'
  | 'value'
  | 'availableFrom'
  | 'availableUntil'
  | 'conditions'
  | 'givenOn'
  | 'note'
  | 'listItemId'
  | 'form';

/** The amount parser's refusals, read for a quantity or a value (codes `quantity_…`, `value_…`). */
function prefixed(prefix: 'quantity' | 'value', field: ResourceField): RefusalTable<ResourceField> {
  const table = new Map<string, RefusalEntry<ResourceField>>();
  for (const [code, entry] of Object.entries(amountRefusals(field, '12.5'))) table.set(`${prefix}_${code}`, entry);
  return table;
}

/** What the resources forms say for each refusal of recordResource, endResource and recordContribution. */
export const RESOURCE_REFUSALS = refusalTable<ResourceField>(
  prefixed('quantity', 'quantity'),
  prefixed('value', 'value'),
  dateRefusals('givenOn', () => m.res_given_on()),
  {
    unit_must_belong_to_fund: ['unitId', () => m.res_error_unit()],
    provider_is_required: ['providerName', () => m.res_error_provider()],
    provider_must_be_short: ['providerName', () => m.res_error_provider()],
    description_is_required: ['description', () => m.res_error_description()],
    description_must_be_short: ['description', () => m.res_error_description()],
    measure_must_be_short: ['measure', () => m.res_error_measure()],
    conditions_must_be_short: ['conditions', () => m.res_error_conditions()],
    period_must_be_dates: ['availableFrom', () => m.res_error_period_dates()],
    period_must_end_after_it_starts: ['availableUntil', () => m.res_error_period_order()],
    note_must_be_short: ['note', () => m.res_error_note()],
    resource_not_found: ['form', () => m.res_error_not_found()],
    resource_was_withdrawn: ['form', () => m.res_error_withdrawn()],
    resource_is_no_longer_offered: ['form', () => m.res_error_no_longer_offered()],
    money_comes_in_through_money_in: ['form', () => m.res_error_money()],
    list_item_must_belong_to_fund: ['listItemId', () => m.res_error_list_item()],
    form_was_already_used_for_something_else: ['form', () => m.res_error_form_used()]
  }
);

/** Any other refusal: the books refused the entry for a reason the form cannot correct. */
export const RESOURCE_REFUSED: RefusalEntry<ResourceField> = ['form', () => m.res_error_refused()];
