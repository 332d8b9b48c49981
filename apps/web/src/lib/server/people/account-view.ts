import type { Sql } from '../db/client';
import type { FundRole } from '../access/policy';

/**
 * What the /account page shows about a user's roles: each membership with the names a person
 * recognises (the fund in both languages, the unit or compound) and the slugs and ids the page
 * needs for its links. It only reads; who may follow a link is still the policy's decision.
 */
export interface AccountRole {
  fundId: string;
  fundSlug: string;
  fundName: { zh: string; en: string };
  role: FundRole;
  unitName: string | null;
  compoundId: string | null;
  compoundName: string | null;
}

export async function accountRoles(sql: Sql, userId: string): Promise<AccountRole[]> {
  const rows = await sql<
    {
      fundId: string;
      fundSlug: string;
      nameZh: string;
      nameEn: string;
      role: FundRole;
      unitName: string | null;
      compoundId: string | null;
      compoundName: string | null;
    }[]
  >`
    select f.id::text as "fundId", f.slug as "fundSlug", f.name_zh as "nameZh", f.name_en as "nameEn", m.role,
           u.name as "unitName", m.compound_id::text as "compoundId", c.name as "compoundName"
      from memberships m
      join funds f on f.id = m.fund_id
      left join units u on u.id = m.unit_id
      left join compounds c on c.id = m.compound_id
     where m.user_id = ${userId}
     order by f.created_at, f.id,
              array_position(array['fund_admin','leader','supervisor','committee'], m.role), m.id`;
  return rows.map(({ nameZh, nameEn, ...row }) => ({ ...row, fundName: { zh: nameZh, en: nameEn } }));
}
