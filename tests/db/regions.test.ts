import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANTED_STATES, Money, money } from '@gongjian/ledger';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { can, type Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadAccess } from '../../apps/web/src/lib/server/auth/session';
import { precheck } from '../../apps/web/src/lib/server/grants/review';
import { quotaUsedByCompound } from '../../apps/web/src/lib/server/grants/quota';
import { recordSelfRaisedPayment } from '../../apps/web/src/lib/server/projects/self-raising';
import { fundPage } from '../../apps/web/src/lib/server/public/fund-page';
import { publicProjects } from '../../apps/web/src/lib/server/public/projects';
import { appointOfficer, attachFund, createRegion } from '../../apps/web/src/lib/server/regions/admin';
import { regionPage, sumFigures, type MoneyFigures } from '../../apps/web/src/lib/server/regions/reads';
import { openPeopleDatabase } from '../support/people-db';
import { createTestUser } from '../support/people';
import {
  activeProject,
  makeWorld,
  person,
  submittedApplication,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * Regions (sql/027_regions.sql, lib/server/regions/): the tree's shape is the database's to keep
 * (GJ030); a region's figures are its funds' public figures added up; the quota is shown year by
 * year as each fund's page counted it; a region officer reads every fund of the region and writes
 * nothing.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });
let platformAdmin: Actor;
let north: World;
let south: World;
let elsewhere: World;
let northAdmin: Actor;

const command = () => ({ actor: platformAdmin, now: NOW, ip: null });

async function sqlState(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('regions'));
  const adminId = await createTestUser(owner, { loginName: 'rg-platform', platformAdmin: true });
  platformAdmin = {
    kind: 'user',
    userId: adminId,
    platformAdmin: true,
    memberships: [],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
  north = await makeWorld(db(), { slug: 'rg-north', pool: '50000.00', compoundCodes: ['compound-2', 'compound-3'] });
  south = await makeWorld(db(), { slug: 'rg-south', pool: '8000.00' });
  elsewhere = await makeWorld(db(), { slug: 'rg-elsewhere', pool: '1000.00' });
  northAdmin = await person(db(), north, 'rg-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db(), north, 'rg-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db(), north, 'rg-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db(), north, 'rg-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person(db(), north, 'rg-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  const project = await activeProject(db(), north, { number: 1, admin: northAdmin, leaders, committee, households: 3 });
  const paid = await recordSelfRaisedPayment(app, {
    actor: committee,
    fundId: north.fundId,
    number: 1,
    now: NOW,
    ip: null,
    householdId: project.households[0] ?? '',
    amount: '80.00',
    date: '2026-03-09',
    method: 'cash',
    receipt: null,
    idempotencyKey: randomUUID()
  });
  expect(paid.ok).toBe(true);
  // A second grant of compound-1, decided the year before (set straight in the table: only the
  // year of the decision matters here).
  const lastYear = await submittedApplication(db(), north, {
    number: 2,
    createdBy: committee,
    cost: '1000.00',
    match: '600.00'
  });
  await owner.begin(async (transaction) => {
    await transaction`set local session_replication_role = replica`;
    await transaction`
      update applications set status = 'closed', approved_amount = 600.00, decided_at = '2025-06-01T02:00:00Z'
       where id = ${lastYear}`;
  });
  // One submitted application in review in the south fund: not a public project.
  const southCommittee = await person(db(), south, 'rg-south-committee', [
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  await submittedApplication(db(), south, { number: 1, createdBy: southCommittee, cost: '500.00', match: '300.00' });
});

afterAll(async () => {
  await close();
});

describe('the tree', () => {
  it('keeps its shape in the database, whoever writes (GJ030)', async () => {
    await app`insert into regions (kind, slug, name_zh, name_en, created_at) values ('county', 'shape-county', '县', 'County', now())`;
    await app`
      insert into regions (kind, parent_id, slug, name_zh, name_en, created_at)
      select 'street', id, 'shape-street', '街', 'Street', now() from regions where slug = 'shape-county'`;
    // A street under a street, a street with no county, a county with a parent.
    expect(
      await sqlState(app`
        insert into regions (kind, parent_id, slug, name_zh, name_en, created_at)
        select 'street', id, 'shape-sub', '街', 'Sub', now() from regions where slug = 'shape-street'`)
    ).toBe('GJ030');
    expect(
      await sqlState(
        app`insert into regions (kind, slug, name_zh, name_en, created_at) values ('street', 'shape-lone', '街', 'S', now())`
      )
    ).toBe('GJ030');
    expect(await sqlState(app`update regions set kind = 'street' where slug = 'shape-county'`)).toBe('GJ030');
    expect(
      await sqlState(app`
        update regions set parent_id = (select id from regions where slug = 'shape-county') where slug = 'shape-county'`)
    ).toBe('23514');
    // A fund points to a street, never to a county.
    expect(
      await sqlState(
        app`update funds set region_id = (select id from regions where slug = 'shape-county') where id = ${elsewhere.fundId}`
      )
    ).toBe('GJ030');
    await app`update funds set region_id = (select id from regions where slug = 'shape-street') where id = ${elsewhere.fundId}`;
  });

  it('is kept by the platform administrator alone, and answers a wrong shape as a refusal', async () => {
    expect(
      await createRegion(app, {
        ...command(),
        kind: 'county',
        slug: 'rg-county',
        nameZh: '东城区',
        nameEn: 'Dongcheng',
        parentSlug: null
      })
    ).toEqual({ ok: true, slug: 'rg-county' });
    for (const [slug, nameZh] of [
      ['rg-street-a', '北街道'],
      ['rg-street-b', '南街道']
    ] as const) {
      const made = await createRegion(app, {
        ...command(),
        kind: 'street',
        slug,
        nameZh,
        nameEn: slug,
        parentSlug: 'rg-county'
      });
      expect(made.ok).toBe(true);
    }
    expect(
      await createRegion(app, {
        ...command(),
        kind: 'street',
        slug: 'rg-bad',
        nameZh: '街',
        nameEn: 'x',
        parentSlug: 'rg-street-a'
      })
    ).toEqual({ ok: false, code: 'region_parent_must_be_a_county' });
    expect(
      await createRegion(app, {
        ...command(),
        kind: 'county',
        slug: 'rg-county',
        nameZh: '县',
        nameEn: 'x',
        parentSlug: null
      })
    ).toEqual({ ok: false, code: 'region_slug_is_taken' });
    const refused = await createRegion(app, {
      ...command(),
      actor: northAdmin,
      kind: 'county',
      slug: 'rg-other',
      nameZh: '县',
      nameEn: 'x',
      parentSlug: null
    });
    expect(refused).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(await attachFund(app, { ...command(), fundSlug: 'rg-north', streetSlug: 'rg-county' })).toEqual({
      ok: false,
      code: 'region_tree_must_keep_its_shape'
    });
    expect(await attachFund(app, { ...command(), fundSlug: 'rg-north', streetSlug: 'rg-street-a' })).toEqual({
      ok: true
    });
    expect(await attachFund(app, { ...command(), fundSlug: 'rg-south', streetSlug: 'rg-street-b' })).toEqual({
      ok: true
    });
  });
});

/** A fund's figures as its own public pages show them: the fund page's pool, the projects page's rows. */
async function publicFiguresOf(world: World): Promise<MoneyFigures> {
  const page = await fundPage(app, world.fundId, NOW);
  if (page === null) throw new Error('no fund page');
  const projects = await publicProjects(app, world.fundId, {
    status: null,
    compound: null,
    category: null,
    year: null
  });
  const sum = (pick: (row: (typeof projects.rows)[number]) => string, rows = projects.rows) =>
    Money.sum(rows.map((row) => money(pick(row)))).toString();
  const granted = projects.rows.filter((row) => (GRANTED_STATES as readonly string[]).includes(row.status));
  return {
    balance: page.pool.balance,
    reserved: page.pool.reserved,
    available: page.pool.available,
    matched: sum((row) => row.matchApproved, granted),
    matchPaid: sum((row) => row.matchPaid),
    selfRaised: sum((row) => row.selfRaisedReceived)
  };
}

describe('the region pages', () => {
  it("give each fund its public page's figures, and the street and county their sum", async () => {
    const [northFigures, southFigures] = [await publicFiguresOf(north), await publicFiguresOf(south)];
    expect(northFigures).toMatchObject({ reserved: '3000.00', matched: '3600.00', selfRaised: '80.00' });
    const county = await regionPage(app, 'rg-county', NOW);
    expect(
      county?.funds.map(({ slug, balance, reserved, available, matched, matchPaid, selfRaised }) => ({
        slug,
        figures: { balance, reserved, available, matched, matchPaid, selfRaised }
      }))
    ).toEqual([
      { slug: 'rg-north', figures: northFigures },
      { slug: 'rg-south', figures: southFigures }
    ]);
    expect(county?.totals).toEqual(sumFigures([northFigures, southFigures]));
    expect(county?.streets.map((street) => [street.slug, street.funds, street.balance])).toEqual([
      ['rg-street-a', 1, northFigures.balance],
      ['rg-street-b', 1, southFigures.balance]
    ]);
    const street = await regionPage(app, 'rg-street-a', NOW);
    expect(street?.totals).toEqual(northFigures);
    expect(street?.parent?.slug).toBe('rg-county');
    expect(await regionPage(app, 'no-such-region', NOW)).toBeNull();
  });

  it('counts projects by status and category, the compounds served and the never served', async () => {
    const county = await regionPage(app, 'rg-county', NOW);
    expect(county?.byStatus).toEqual([
      { status: 'active', count: 1, matched: '3000.00' },
      { status: 'closed', count: 1, matched: '600.00' }
    ]);
    expect(county?.byCategory.map((row) => [row.category, row.count, row.matched])).toEqual([
      ['repairs', 2, '3600.00']
    ]);
    // North has compound-1 to -3, south compound-1 and -2: one of five served, and it took everything.
    expect([county?.compounds, county?.compoundsServed]).toEqual([5, 1]);
    expect(county?.fairness).toMatchObject({ topFifthPercent: '100.0', gini: '0.800', hhi: '1.000' });
    expect(county?.fairness.neverServed).toHaveLength(4);
  });

  it("shows each compound's quota year by year, as the fund's page counted each year", async () => {
    const street = await regionPage(app, 'rg-street-a', NOW);
    const row = street?.quota.find((quota) => quota.compoundName === '测试小区');
    expect(row?.years.slice(0, 2)).toEqual([
      { year: 2026, used: '3000.00', left: '47000.00' },
      { year: 2025, used: '600.00', left: '49400.00' }
    ]);
    for (const year of [2026, 2025]) {
      const counted = await quotaUsedByCompound(app, { fundId: north.fundId, at: new Date(`${year}-07-01T00:00:00Z`) });
      const used = counted.find((compound) => compound.name === '测试小区')?.used;
      expect(row?.years.find((cell) => cell.year === year)?.used).toBe(used);
    }
  });
});

describe('a region officer', () => {
  it('reads every fund of the county, private pages included, and writes nothing', async () => {
    const userId = await createTestUser(owner, { loginName: 'rg-officer' });
    expect(await appointOfficer(app, { ...command(), regionSlug: 'rg-county', loginName: 'rg-officer' })).toEqual({
      ok: true
    });
    expect(await appointOfficer(app, { ...command(), regionSlug: 'rg-county', loginName: 'nobody-here' })).toEqual({
      ok: false,
      code: 'region_officer_must_exist'
    });
    const access = await loadAccess(app, userId);
    expect([...access.regionFundIds].sort()).toEqual([north.fundId, south.fundId].sort());
    const officer: Actor = { kind: 'user', userId, platformAdmin: false, totpEnrolled: false, ...access };
    for (const fundId of [north.fundId, south.fundId]) {
      expect(can(officer, 'fund.office.read', { fundId }).allowed).toBe(true);
      expect(can(officer, 'books.read', { fundId }).allowed).toBe(true);
      expect(can(officer, 'fund.office.manage', { fundId }).allowed).toBe(false);
    }
    expect(can(officer, 'fund.office.read', { fundId: elsewhere.fundId }).allowed).toBe(false);
    // A write use case refuses them, and nothing moves.
    const refused = await precheck(app, {
      actor: officer,
      fundId: south.fundId,
      number: 1,
      now: NOW,
      ip: null,
      outcome: 'pass',
      comments: ''
    });
    expect(refused).toMatchObject({ ok: false, code: 'not_allowed' });
    const [row] = await owner<
      { status: string }[]
    >`select status from applications where fund_id = ${south.fundId} and number = 1`;
    expect(row?.status).toBe('submitted');
  });
});
