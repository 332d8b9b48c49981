import { m } from '$lib/paraglide/messages';
import { SLUG_LENGTH_MAX, SLUG_LENGTH_MIN } from '../fund/funds-admin';
import { REGION_NAME_LENGTH_MAX, type RegionCode } from './admin';

/**
 * What the region forms say for each refusal of the region commands, in the visitor's language. A
 * Map, so a code never finds a property of Object.prototype.
 */
const REGION_REFUSALS = new Map<RegionCode, () => string>([
  ['not_allowed', () => m.region_error_not_allowed()],
  [
    'region_slug_must_be_well_formed',
    () => m.region_error_slug({ min: String(SLUG_LENGTH_MIN), max: String(SLUG_LENGTH_MAX) })
  ],
  ['region_slug_is_taken', () => m.region_error_slug_taken()],
  ['region_name_must_be_given', () => m.region_error_name({ max: String(REGION_NAME_LENGTH_MAX) })],
  ['region_parent_must_be_a_county', () => m.region_error_parent()],
  ['region_must_exist', () => m.region_error_region_missing()],
  ['fund_must_exist', () => m.region_error_fund_missing()],
  ['region_officer_must_exist', () => m.region_error_officer_missing()],
  ['region_tree_must_keep_its_shape', () => m.region_error_shape()]
]);

export function regionRefusalMessage(code: string): string {
  return (REGION_REFUSALS.get(code as RegionCode) ?? (() => m.region_error_invalid()))();
}
