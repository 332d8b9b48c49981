import type { ListItemStatus } from '@gongjian/ledger';
import type { Sql } from '../../db/client';
import { listItems } from './reads';

/**
 * The notice-board poster of the three lists (三张清单), for one fund or one compound of it: the
 * needs taken up and done, what the units offer, and the project list, each in short. Needs only
 * count once the office or the committee took them up (accepted, in the list, done): a wish not
 * yet triaged, and spam, stay off the board.
 */

export interface PosterData {
  compound: { code: string; name: string } | null;
  needs: { open: number; done: number; latest: { number: number; body: string; status: string }[] };
  resources: { number: number; kind: string; description: string; provider: string }[];
  items: { number: number; title: string; status: ListItemStatus; compoundName: string }[];
}

const LATEST = 5;

export async function posterData(sql: Sql, fundId: string, compoundCode: string | null): Promise<PosterData | null> {
  const [compound] =
    compoundCode === null
      ? [null]
      : await sql<{ id: string; code: string; name: string }[]>`
          select id::text as id, code, name from compounds where fund_id = ${fundId} and code = ${compoundCode}`;
  if (compound === undefined) return null;
  const compoundId = compound?.id ?? null;
  const [counts, latest, resources, items] = await Promise.all([
    sql<{ open: number; done: number }[]>`
      select count(*) filter (where status in ('accepted', 'in_list'))::int as open,
             count(*) filter (where status = 'done')::int as done
        from needs where fund_id = ${fundId} and (${compoundId}::text is null or compound_id::text = ${compoundId})`,
    sql<PosterData['needs']['latest']>`
      select number, left(body, 60) as body, status from needs
       where fund_id = ${fundId} and status in ('accepted', 'in_list', 'done')
         and (${compoundId}::text is null or compound_id::text = ${compoundId})
       order by updated_at desc, number desc limit ${LATEST}`,
    // Only units and organisations are named on the board.
    sql<PosterData['resources']>`
      select r.number, r.kind, left(r.description, 60) as description,
             coalesce(u.name, case when r.provider_is_organisation then r.provider_name else '' end) as provider
        from resources r left join units u on u.id = r.unit_id
       where r.fund_id = ${fundId} and r.status = 'offered' order by r.number desc limit ${LATEST}`,
    listItems(sql, fundId, { compound: compound?.code ?? null, category: null, status: null, year: null })
  ]);
  return {
    compound: compound === null ? null : { code: compound.code, name: compound.name },
    needs: { open: counts[0]?.open ?? 0, done: counts[0]?.done ?? 0, latest },
    resources,
    items: items.slice(0, LATEST + 1).map(({ number, title, status, compoundName }) => ({
      number,
      title,
      status,
      compoundName
    }))
  };
}
