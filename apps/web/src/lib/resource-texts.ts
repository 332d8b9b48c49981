import type { Recognition, ResourceKind } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';

/**
 * The words of the resources list, in the visitor's language: one source for the office's pages
 * and the public page, so that a kind or a status reads the same wherever it is shown.
 */

export const resourceKindNames: Readonly<Record<ResourceKind, () => string>> = {
  money: () => m.res_kind_money(),
  volunteer_hours: () => m.res_kind_volunteer_hours(),
  materials: () => m.res_kind_materials(),
  expertise: () => m.res_kind_expertise(),
  room: () => m.res_kind_room(),
  other: () => m.res_kind_other()
};

export const resourceStatusNames: Readonly<Record<'offered' | 'withdrawn' | 'used_up', () => string>> = {
  offered: () => m.res_status_offered(),
  withdrawn: () => m.res_status_withdrawn(),
  used_up: () => m.res_status_used_up()
};

/** What the books make of a contribution, as a sentence. */
export const recognitionNames: Readonly<Record<Recognition, () => string>> = {
  recognise: () => m.res_recognition_recognise(),
  disclose: () => m.res_recognition_disclose(),
  money_in: () => m.res_recognition_money_in()
};

/** Who offered it: the name, or "an individual" when the public page may not name them. */
export function providerText(provider: string | null): string {
  return provider ?? m.res_provider_individual();
}
