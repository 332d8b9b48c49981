import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { DEMO_GRID_UNITS, seedDemoBooks } from '../../apps/web/src/lib/server/demo/books';
import { seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { officeDashboard, unitStatements, updateFundProfile } from '../../apps/web/src/lib/server/fund/fund-office';
import {
  DEMO_POLICY_JSON,
  adoptPolicy,
  currentPolicy,
  fundPolicyToJson,
  parseFundPolicy,
  policyHistory,
  policyVersion,
  type FundPolicy,
  type FundPolicyJson
} from '../../apps/web/src/lib/server/fund/fund-policy';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import {
  addCompound,
  addHouseholds,
  addUnit,
  compoundHouseholds,
  listUnits,
  parseHouseholdLines,
  updateHousehold,
  updateUnit
} from '../../apps/web/src/lib/server/fund/registers';
import { createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * The fund office against a real PostgreSQL: policy versions (numbered by the database, never
 * changed), policy checks, the registers' uniqueness and fund boundaries, and the demo seed's
 * office figures.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundId = '';
let otherFundId = '';
let admin: Actor;
let otherAdmin: Actor;
let supervisor: Actor;
let demoFundId = '';
let adminId = '';
const now = new Date('2026-04-01T02:00:00.000Z');
const ip = '192.0.2.60';

function userActor(
  userId: string,
  fund: string,
  role: 'fund_admin' | 'supervisor' | 'committee',
  compoundId: string | null = null
): Actor {
  return {
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships: [{ fundId: fund, role, unitId: null, compoundId }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

function demoPolicy(): FundPolicy {
  const parsed = parseFundPolicy(DEMO_POLICY_JSON);
  if (!parsed.ok) throw new Error(`the demo policy does not parse: ${parsed.code}`);
  return parsed.value;
}

/** The demo policy with one change, given as a function of its JSON. */
function changed(edit: (json: FundPolicyJson) => void): unknown {
  const json = structuredClone(DEMO_POLICY_JSON);
  edit(json);
  return json;
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('fund-office'));
  fundId = await createTestFund(owner, 'fund-office');
  otherFundId = await createTestFund(owner, 'fund-office-other');
  adminId = await createTestUser(owner, {
    loginName: 'fo-admin',
    memberships: [{ fundSlug: 'fund-office', role: 'fund_admin' }]
  });
  const otherId = await createTestUser(owner, {
    loginName: 'fo-other-admin',
    memberships: [{ fundSlug: 'fund-office-other', role: 'fund_admin' }]
  });
  const supervisorId = await createTestUser(owner, {
    loginName: 'fo-supervisor',
    memberships: [{ fundSlug: 'fund-office', role: 'supervisor' }]
  });
  admin = userActor(adminId, fundId, 'fund_admin');
  otherAdmin = userActor(otherId, otherFundId, 'fund_admin');
  supervisor = userActor(supervisorId, fundId, 'supervisor');
  await seedDemo(app);
  const [demo] = await owner<{ id: string }[]>`select id::text as id from funds where slug = 'guihuajing'`;
  demoFundId = demo?.id ?? '';
}, 60_000);

afterAll(async () => {
  await close();
});

describe('parsing a policy', () => {
  it('reads the demo policy and writes it back unchanged', () => {
    const policy = demoPolicy();
    expect(policy.match.capPerProject?.toString()).toBe('30000.00');
    expect(policy.categoryLabels['safety']).toEqual({ labelZh: '安全防护', labelEn: 'Safety' });
    expect(fundPolicyToJson(policy)).toEqual(DEMO_POLICY_JSON);
  });

  it.each([
    ['a ratio above 1', changed((j) => (j.match.ratioDefault = '1.2')), 'policy_is_malformed', 'match.ratioDefault'],
    [
      'an unordered band',
      changed((j) => (j.match.overrideBand = { ratioMin: '0.7', ratioMax: '0.4' })),
      'override_band_must_be_ordered',
      'match.overrideBand.ratioMax'
    ],
    [
      'a ratio above 1 − the self-raised minimum',
      changed((j) => (j.match.categories['safety'] = { ratio: '0.85' })),
      'ratio_must_leave_self_raised_minimum',
      'match.categories.safety.ratio'
    ],
    [
      'money as a JSON number',
      changed((j) => ((j as { secondApproverAbove: unknown }).secondApproverAbove = 10000)),
      'policy_is_malformed',
      'secondApproverAbove'
    ],
    ['a zero cap', changed((j) => (j.match.capPerProject = '0')), 'cap_must_be_positive', 'match.capPerProject'],
    [
      'a majority under half',
      changed((j) => (j.vote.majority = '0.4')),
      'majority_must_be_between_half_and_one',
      'vote.majority'
    ],
    ['a notice of 31 days', changed((j) => (j.noticeWorkingDays = 31)), 'policy_is_malformed', 'noticeWorkingDays'],
    [
      'a category without a label',
      changed((j) => (j.match.categories['lights'] = {})),
      'category_needs_a_label',
      'categoryLabels.lights'
    ]
  ])('refuses %s', (_label, json, code, field) => {
    expect(parseFundPolicy(json)).toMatchObject({ ok: false, code, field });
  });

  it('says the highest ratio the ledger allows, for the form to show', () => {
    const json = changed((j) => (j.match.categories['safety'] = { ratio: '0.85' }));
    const ratioMax = new Decimal(1).minus(DEMO_POLICY_JSON.match.selfRaisedShareMin).toString();
    expect(parseFundPolicy(json)).toEqual({
      ok: false,
      code: 'ratio_must_leave_self_raised_minimum',
      field: 'match.categories.safety.ratio',
      ratioMax
    });
  });
});

describe('policy versions', () => {
  it('adopts version 1 and 2, keeps both, and reads each back', async () => {
    expect(await currentPolicy(app, fundId)).toBeNull();
    const first = await adoptPolicy(app, {
      actor: admin,
      fundId,
      policy: demoPolicy(),
      baseVersion: null,
      note: 'v1',
      now,
      ip
    });
    expect(first).toEqual({ ok: true, version: 1, replayed: false });
    // The same form sent again is the same adoption, not a third version.
    const replay = await adoptPolicy(app, {
      actor: admin,
      fundId,
      policy: demoPolicy(),
      baseVersion: null,
      note: 'v1',
      now,
      ip
    });
    expect(replay).toEqual({ ok: true, version: 1, replayed: true });
    const second = parseFundPolicy(changed((j) => (j.match.ratioDefault = '0.5')));
    if (!second.ok) throw new Error('v2 should parse');
    expect(
      await adoptPolicy(app, { actor: admin, fundId, policy: second.value, baseVersion: 1, note: 'v2', now, ip })
    ).toEqual({ ok: true, version: 2, replayed: false });
    // A form still showing version 1 with other content is stale.
    const stale = parseFundPolicy(changed((j) => (j.match.ratioDefault = '0.4')));
    if (!stale.ok) throw new Error('stale should parse');
    expect(
      await adoptPolicy(app, { actor: admin, fundId, policy: stale.value, baseVersion: 1, note: 'v2b', now, ip })
    ).toEqual({ ok: false, code: 'policy_changed_meanwhile', version: 2 });

    expect((await currentPolicy(app, fundId))?.version).toBe(2);
    expect((await currentPolicy(app, fundId))?.policy.match.ratioDefault).toBe('0.5');
    expect((await policyVersion(app, fundId, 1))?.policy.match.ratioDefault).toBe('0.6');
    expect(await policyVersion(app, fundId, 3)).toBeNull();
    expect((await policyHistory(app, fundId)).map((item) => item.version)).toEqual([2, 1]);
    const [event] = await owner<{ count: number }[]>`
      select count(*)::int as count from events where fund_id = ${fundId} and action = 'fund.policy_adopted'`;
    expect(event?.count).toBe(2);
  });

  it('refuses the supervisor and another fund’s administrator', async () => {
    for (const actor of [supervisor, otherAdmin]) {
      expect(
        await adoptPolicy(app, { actor, fundId, policy: demoPolicy(), baseVersion: 2, note: '', now, ip })
      ).toEqual({
        ok: false,
        code: 'not_allowed',
        reason: 'role_required'
      });
    }
  });

  it('never lets a version be changed, deleted or skipped (GJ012)', async () => {
    await expect(
      owner`update fund_policies set note = 'x' where fund_id = ${fundId} and version = 1`
    ).rejects.toMatchObject({
      code: 'GJ012'
    });
    await expect(owner`delete from fund_policies where fund_id = ${fundId} and version = 1`).rejects.toMatchObject({
      code: 'GJ012'
    });
    await expect(
      owner`insert into fund_policies (fund_id, version, policy, adopted_at) values (${fundId}, 4, '{}', now())`
    ).rejects.toMatchObject({ code: 'GJ012' });
    // The app's role may not even try to change a version.
    await expect(app`update fund_policies set note = 'x' where fund_id = ${fundId}`).rejects.toMatchObject({
      code: '42501'
    });
  });
});

describe('the registers', () => {
  it('keeps unit codes unique within a fund and fixed once used', async () => {
    const unit = { code: 'u-post', name: '邮政', hasSeat: true, contact: '0731-1234' };
    const added = await addUnit(app, { actor: admin, fundId, now, ip, unit });
    expect(added.ok).toBe(true);
    expect(await addUnit(app, { actor: admin, fundId, now, ip, unit })).toEqual(added);
    expect(await addUnit(app, { actor: admin, fundId, now, ip, unit: { ...unit, name: '另一个' } })).toEqual({
      ok: false,
      code: 'code_is_taken'
    });
    // The same code in another fund is another unit.
    expect((await addUnit(app, { actor: otherAdmin, fundId: otherFundId, now, ip, unit })).ok).toBe(true);
    if (!added.ok) return;
    expect(
      (
        await updateUnit(app, {
          actor: admin,
          fundId,
          now,
          ip,
          unitId: added.unitId,
          unit: { ...unit, code: 'u-post-2' }
        })
      ).ok
    ).toBe(true);
    expect(
      await updateUnit(app, { actor: admin, fundId, now, ip, unitId: added.unitId, unit: { ...unit, code: 'unit-1' } })
    ).toEqual({
      ok: false,
      code: 'code_is_taken'
    });
    await owner`insert into pledges (fund_id, unit_id, fiscal_year, amount, recorded_at) values (${fundId}, ${added.unitId}, 2026, 5000, now())`;
    expect(
      await updateUnit(app, {
        actor: admin,
        fundId,
        now,
        ip,
        unitId: added.unitId,
        unit: { ...unit, code: 'u-post-3' }
      })
    ).toEqual({
      ok: false,
      code: 'code_is_in_use'
    });
    expect((await listUnits(app, fundId)).find((row) => row.id === added.unitId)?.codeInUse).toBe(true);
    // Another fund's administrator cannot edit it through their own fund.
    expect(
      await updateUnit(app, { actor: otherAdmin, fundId: otherFundId, now, ip, unitId: added.unitId, unit })
    ).toEqual({ ok: false, code: 'item_is_not_in_this_fund' });
    expect(await updateUnit(app, { actor: supervisor, fundId, now, ip, unitId: added.unitId, unit })).toMatchObject({
      ok: false,
      code: 'not_allowed'
    });
  });

  it('adds households once per building, unit and room, and only to a compound of the fund', async () => {
    const compound = await addCompound(app, {
      actor: admin,
      fundId,
      now,
      ip,
      compound: { code: 'c-east', name: '东院', householdsCount: 10, committeeType: 'owners' }
    });
    if (!compound.ok) throw new Error('compound not added');
    const lines = parseHouseholdLines('1-1-101 张桂兰\n1-1-102\n\n2-201 李建国');
    expect(lines).toEqual({
      ok: true,
      households: [
        { building: '1', unitNo: '1', room: '101', name: '张桂兰' },
        { building: '1', unitNo: '1', room: '102', name: '' },
        { building: '2', unitNo: '', room: '201', name: '李建国' }
      ],
      lineNumbers: [1, 2, 4]
    });
    expect(parseHouseholdLines('1-1-101\nhello')).toEqual({ ok: false, code: 'line_is_not_an_address', line: 2 });
    expect(parseHouseholdLines('1-1-101\n1-1-101 王')).toEqual({ ok: false, code: 'line_is_repeated', line: 2 });
    if (!lines.ok) return;
    const input = { actor: admin, fundId, now, ip, compoundId: compound.compoundId, households: lines.households };
    expect(await addHouseholds(app, input)).toEqual({ ok: true, added: 3 });
    // Sent twice: nothing new. The same door under another name: refused, nothing half-saved.
    expect(await addHouseholds(app, input)).toEqual({ ok: true, added: 0 });
    expect(
      await addHouseholds(app, {
        ...input,
        households: [
          { building: '3', unitNo: '1', room: '101', name: '' },
          { building: '1', unitNo: '1', room: '101', name: '王' }
        ]
      })
    ).toEqual({ ok: false, code: 'household_exists', index: 1 });
    const listed = await compoundHouseholds(app, { fundId, compoundId: compound.compoundId });
    expect(listed?.households.map((h) => `${h.building}-${h.unitNo}-${h.room}`)).toEqual([
      '1-1-101',
      '1-1-102',
      '2--201'
    ]);
    const [first, second] = listed?.households ?? [];
    if (first === undefined || second === undefined) return;
    expect(
      await updateHousehold(app, {
        actor: admin,
        fundId,
        now,
        ip,
        compoundId: compound.compoundId,
        householdId: second.id,
        household: { ...first }
      })
    ).toEqual({ ok: false, code: 'household_exists', index: 0 });

    // A compound of another fund, named through this fund: refused, and the database would refuse too.
    const [foreign] = await owner<{ id: string }[]>`
      select id::text as id from compounds where fund_id = ${otherFundId} and code = 'compound-1'`;
    expect(
      await addHouseholds(app, { ...input, compoundId: foreign?.id ?? '', households: [lines.households[0]!] })
    ).toEqual({ ok: false, code: 'item_is_not_in_this_fund' });
    await expect(
      owner`insert into households (fund_id, compound_id, building, room) values (${fundId}, ${foreign?.id ?? ''}, '1', '101')`
    ).rejects.toMatchObject({ code: '23503' });
    // A committee member of this compound may add; one of another compound may not.
    const committee = userActor(adminId, fundId, 'committee', compound.compoundId);
    expect(
      await addHouseholds(app, {
        ...input,
        actor: committee,
        households: [{ building: '9', unitNo: '', room: '1', name: '' }]
      })
    ).toEqual({ ok: true, added: 1 });
    const elsewhere = userActor(adminId, fundId, 'committee', foreign?.id ?? '');
    expect(await addHouseholds(app, { ...input, actor: elsewhere })).toMatchObject({ ok: false, code: 'not_allowed' });
  });
});

describe('the office figures', () => {
  let booksFundId = '';

  beforeAll(async () => {
    // A fund of its own with the demo's books (the start capital split over eleven grid units),
    // so later demo seed steps that record money in do not move these figures.
    booksFundId = await createTestFund(owner, 'fund-office-books');
    for (const code of DEMO_GRID_UNITS) {
      await owner`insert into units (fund_id, code, name) values (${booksFundId}, ${code}, ${`单位 ${code}`})`;
    }
    await app.begin(async (transaction) => {
      await seedDemoBooks(transaction, booksFundId);
    });
  });

  it('shows the start capital and each unit’s contribution for the fiscal year', async () => {
    const dashboard = await officeDashboard(app, booksFundId, 2026);
    expect(dashboard).toMatchObject({ hasBooks: true, balance: '100000.00', reserved: '0.00', available: '100000.00' });
    const statements = await unitStatements(app, booksFundId, 2026);
    expect(statements.map((row) => row.code)).toEqual(['grid-01', ...DEMO_GRID_UNITS.slice(1), 'unit-1'].sort());
    expect(statements[0]).toMatchObject({ code: 'grid-01', paid: '9090.91', pledged: null, outstanding: '0.00' });
    expect(statements.find((row) => row.code === 'grid-11')).toMatchObject({ paid: '9090.90' });
    expect((await unitStatements(app, booksFundId, 2025))[0]?.paid).toBe('0.00');
    expect(await officeDashboard(app, fundId, 2026)).toMatchObject({ hasBooks: false, balance: '0.00' });
  });

  it('counts a pledge as outstanding until it is paid', async () => {
    const [unit] = await owner<{ id: string }[]>`
      select id::text as id from units where fund_id = ${booksFundId} and code = 'grid-02'`;
    await owner`
      insert into pledges (fund_id, unit_id, fiscal_year, amount, recorded_at)
      values (${booksFundId}, ${unit?.id ?? ''}, 2026, 12000, now())`;
    const statements = await unitStatements(app, booksFundId, 2026);
    expect(statements.find((row) => row.code === 'grid-02')).toMatchObject({
      pledged: '12000.00',
      paid: '9090.91',
      outstanding: '2909.09'
    });
    expect(await officeDashboard(app, booksFundId, 2026)).toMatchObject({
      pledged: '12000.00',
      paid: '100000.00',
      pledgedUnpaid: '2909.09'
    });
  });

  it('seeds the demo fund’s profile, policy version 1 and households', async () => {
    const policy = await policyVersion(app, demoFundId, 1);
    expect(fundPolicyToJson(policy?.policy ?? demoPolicy())).toEqual(DEMO_POLICY_JSON);
    // 019_demo_signoffs adopts version 2, the same rules asking for two residents' sign-offs.
    const current = await currentPolicy(app, demoFundId);
    expect(current?.version).toBe(2);
    expect(fundPolicyToJson(current?.policy ?? demoPolicy())).toEqual({ ...DEMO_POLICY_JSON, residentSignoffs: 2 });
    const [row] = await owner<{ community: string; street: string; households: number; owners: string }[]>`
      select f.community, f.street,
             (select count(*)::int from households h where h.fund_id = f.id) as households,
             (select committee_type from compounds c where c.fund_id = f.id and c.code = 'c-nanjie') as owners
        from funds f where f.id = ${demoFundId}`;
    expect(row).toEqual({ community: '桂花井社区', street: '城关街道', households: 25, owners: 'owners' });
  });

  it('saves the profile and records who did', async () => {
    const profile = {
      nameZh: '测试基金',
      nameEn: 'Test fund',
      community: '东社区',
      street: '东街道',
      description: '说明',
      fiscalYear: 2027
    };
    expect(await updateFundProfile(app, { actor: admin, fundId, profile, now, ip })).toEqual({ ok: true });
    expect(await updateFundProfile(app, { actor: supervisor, fundId, profile, now, ip })).toMatchObject({ ok: false });
    const [row] = await owner<
      { street: string; fiscal_year: number }[]
    >`select street, fiscal_year from funds where id = ${fundId}`;
    expect(row).toEqual({ street: '东街道', fiscal_year: 2027 });
  });
});
