import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { DEMO_POLICY_JSON, type FundPolicyJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import type { Actor, FundRole, Membership } from '../../apps/web/src/lib/server/access/policy';
import { contribution } from './books';
import { createTestFund, createTestUser } from './people';

/*
 * A fund ready for review, written straight into the tables: four units, two compounds, the
 * demo policy as version 1, the chart opened and a pool of money posted through the real posting
 * path. The review tests and the review benchmark both start from it.
 */

export interface ReviewDb {
  /** The owner's connection, for set-up the app's role may not do. */
  owner: Sql;
  /** The app's connection, for what the app does. */
  app: Sql;
  now: Date;
}

export interface World {
  slug: string;
  fundId: string;
  units: Record<string, string>;
  compounds: Record<string, string>;
}

async function codesToIds(owner: Sql, table: 'units' | 'compounds', fundId: string): Promise<Record<string, string>> {
  const rows = await owner<{ code: string; id: string }[]>`
    select code, id::text as id from ${owner(table)} where fund_id = ${fundId}`;
  return Object.fromEntries(rows.map((row) => [row.code, row.id]));
}

export async function makeWorld(
  db: ReviewDb,
  input: { slug: string; pool: string; policy?: FundPolicyJson; compoundCodes?: readonly string[] }
): Promise<World> {
  const { owner, app } = db;
  const fundId = await createTestFund(owner, input.slug);
  for (const code of ['unit-2', 'unit-3', 'unit-4']) {
    await owner`insert into units (fund_id, code, name) values (${fundId}, ${code}, ${`单位 ${code}`})`;
  }
  for (const code of input.compoundCodes ?? ['compound-2']) {
    await owner`insert into compounds (fund_id, code, name) values (${fundId}, ${code}, ${`小区 ${code}`})`;
  }
  const policy = input.policy ?? DEMO_POLICY_JSON;
  await owner`
    insert into fund_policies (fund_id, version, policy, adopted_at, note)
    values (${fundId}, 1, ${owner.json(JSON.parse(JSON.stringify(policy)) as Record<string, never>)}, ${db.now}, 'test')`;
  await app.begin((transaction) => books.openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
  const posted = await books.post(app, { fundId, command: contribution(input.pool) });
  if (!posted.ok) throw new Error(`pool: ${posted.code}`);
  return {
    slug: input.slug,
    fundId,
    units: await codesToIds(owner, 'units', fundId),
    compounds: await codesToIds(owner, 'compounds', fundId)
  };
}

/** A user with roles in the world's fund, and the actor the hooks would make of them. */
export async function person(
  db: ReviewDb,
  world: World,
  loginName: string,
  roles: { role: FundRole; unitCode?: string; compoundCode?: string }[]
): Promise<Actor> {
  const userId = await createTestUser(db.owner, {
    loginName,
    memberships: roles.map((role) => ({ fundSlug: world.slug, ...role }))
  });
  const memberships: Membership[] = roles.map((role) => ({
    fundId: world.fundId,
    role: role.role,
    unitId: role.unitCode === undefined ? null : (world.units[role.unitCode] ?? null),
    compoundId: role.compoundCode === undefined ? null : (world.compounds[role.compoundCode] ?? null)
  }));
  return { kind: 'user', userId, platformAdmin: false, memberships, totpEnrolled: false, fundsRequiringTotp: [] };
}

export const idOf = (actor: Actor): string => (actor.kind === 'user' ? actor.userId : '0');

/** A submitted application written straight into the tables, as a submission leaves it. */
export async function submittedApplication(
  db: ReviewDb,
  world: World,
  input: {
    number: number;
    createdBy: Actor;
    compound?: string;
    cost: string;
    match: string;
    category?: string;
    selfRaiseTarget?: string;
    householdsExpected?: number;
  }
): Promise<string> {
  const { owner, now } = db;
  const compoundId = world.compounds[input.compound ?? 'compound-1'] ?? '0';
  const [row] = await owner<{ id: string }[]>`
    insert into applications (fund_id, number, compound_id, status, title, category, description, location,
                              requested_ratio, created_by, created_at, updated_at, self_raise_target, households_expected)
    values (${world.fundId}, ${input.number}, ${compoundId}, 'draft', ${`项目 ${input.number}`},
            ${input.category ?? 'repairs'}, '说明', '地点', '0.6', ${idOf(input.createdBy)}, ${now}, ${now},
            ${input.selfRaiseTarget ?? null}, ${input.householdsExpected ?? null})
    returning id::text as id`;
  if (row === undefined) throw new Error('no application');
  await owner`
    insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
    values (${world.fundId}, ${row.id}, 1, '道闸', 1, ${input.cost}, ${input.cost})`;
  await owner`
    insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present, households_agreeing)
    values (${world.fundId}, ${row.id}, '2026-03-01', 25, 20, 18)`;
  await owner`
    update applications set status = 'submitted', policy_version = 1, match_amount = ${input.match},
           submitted_at = ${now}
     where id = ${row.id}`;
  return row.id;
}

export interface ActiveProject {
  number: number;
  applicationId: string;
  /** The compound's households, created for the project: ids in the order of their rooms. */
  households: string[];
}

/**
 * An active grant made the real way: written as submitted (5,000.00 budget, 2,000.00 to raise
 * from the expected households), pre-checked by the administrator, approved by three leaders at
 * the policy's ratio (3,000.00 held on the pool under the demo policy), and activated once its
 * notice period has ended. The compound gets `households` households (building 1, rooms 101…).
 */
export async function activeProject(
  db: ReviewDb,
  world: World,
  input: {
    number: number;
    admin: Actor;
    leaders: readonly Actor[];
    committee: Actor;
    compound?: string;
    households?: number;
    cost?: string;
    match?: string;
    selfRaiseTarget?: string;
  }
): Promise<ActiveProject> {
  const { precheck, castVote, activateEndedNotices } = await import('../../apps/web/src/lib/server/grants/review');
  const compound = input.compound ?? 'compound-1';
  const count = input.households ?? 25;
  const applicationId = await submittedApplication(db, world, {
    number: input.number,
    createdBy: input.committee,
    compound,
    cost: input.cost ?? '5000.00',
    match: input.match ?? '3000.00',
    selfRaiseTarget: input.selfRaiseTarget ?? '2000.00',
    householdsExpected: count
  });
  const compoundId = world.compounds[compound] ?? '0';
  await db.owner`
    insert into households (fund_id, compound_id, building, unit_no, room, name)
    select ${world.fundId}, ${compoundId}, '1', '1', (100 + n)::text || '-' || ${input.number}, '住户' || n
      from generate_series(1, ${count}) as n`;
  const command = { fundId: world.fundId, number: input.number, now: db.now, ip: null };
  const checked = await precheck(db.app, { ...command, actor: input.admin, outcome: 'pass', comments: '' });
  if (!checked.ok) throw new Error(`precheck: ${checked.code}`);
  for (const leader of input.leaders) {
    const voted = await castVote(db.app, { ...command, actor: leader, choice: 'approve', reason: '' });
    if (!voted.ok) throw new Error(`vote: ${voted.code}`);
  }
  const [row] = await db.owner<{ status: string; ends: string }[]>`
    select status, to_char(notice_ends_on + 1, 'YYYY-MM-DD') as ends from applications where id = ${applicationId}`;
  if (row?.status !== 'approved') throw new Error(`activeProject: the vote left it ${row?.status ?? 'missing'}`);
  await activateEndedNotices(db.app, { fundId: world.fundId, today: row.ends, now: db.now });
  const households = await db.owner<{ id: string }[]>`
    select id::text as id from households where compound_id = ${compoundId} and room like ${`%-${input.number}`}
     order by id`;
  return { number: input.number, applicationId, households: households.map((household) => household.id) };
}
