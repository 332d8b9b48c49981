import type { Sql } from '../../db/client';

/** What the order form offers: the fund's compounds, accepted needs, offered resources, units and people. */
export interface OrderOptions {
  compounds: { id: string; code: string; name: string }[];
  /** Accepted needs, of every compound (the form names the compound each belongs to). */
  needs: { id: string; number: number; compoundId: string; category: string; body: string }[];
  resources: { id: string; number: number; kind: string; description: string; provider: string }[];
  units: { id: string; name: string }[];
  /** People with a role in the fund, each once, with their roles. */
  officers: { id: string; name: string; roles: string[] }[];
}

export async function orderOptions(sql: Sql, fundId: string): Promise<OrderOptions> {
  const [compounds, needs, resources, units, officers] = await Promise.all([
    sql<OrderOptions['compounds']>`
      select id::text as id, code, name from compounds where fund_id = ${fundId} order by code`,
    sql<OrderOptions['needs']>`
      select id::text as id, number, compound_id::text as "compoundId", category, body from needs
       where fund_id = ${fundId} and status = 'accepted' order by compound_id, number limit 500`,
    sql<OrderOptions['resources']>`
      select r.id::text as id, r.number, r.kind, r.description,
             coalesce(u.name, r.provider_name) as provider
        from resources r left join units u on u.id = r.unit_id
       where r.fund_id = ${fundId} and r.status = 'offered' order by r.number limit 500`,
    sql<OrderOptions['units']>`select id::text as id, name from units where fund_id = ${fundId} order by code`,
    sql<OrderOptions['officers']>`
      select u.id::text as id, u.display_name as name, array_agg(distinct m.role order by m.role) as roles
        from memberships m join users u on u.id = m.user_id
       where m.fund_id = ${fundId} and u.status = 'active'
       group by u.id, u.display_name order by u.display_name`
  ]);
  return { compounds, needs, resources, units, officers };
}
