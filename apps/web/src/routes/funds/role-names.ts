import { m } from '$lib/paraglide/messages';
import type { FundRole } from '$lib/server/access/policy';

/** Each role's name as people in the fund say it; the key is what the database stores. */
export const roleNames: { readonly [R in FundRole]: () => string } = {
  fund_admin: () => m.role_fund_admin(),
  leader: () => m.role_leader(),
  committee: () => m.role_committee(),
  supervisor: () => m.role_supervisor()
};
