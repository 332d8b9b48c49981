import { m } from '$lib/paraglide/messages';

/** The name of each source of money in, as the money page and its list show it. */
export const sourceNames = {
  unit: () => m.money_kind_unit(),
  government: () => m.money_kind_government(),
  donation: () => m.money_kind_donation(),
  interest: () => m.money_kind_interest(),
  other: () => m.money_kind_other()
} as const;
