import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDraft,
  matchPreview,
  missingForSubmission,
  applicationView,
  saveDraft
} from '../../apps/web/src/lib/server/grants/applications';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import {
  DEMO_POLICY_JSON,
  adoptPolicy,
  currentPolicy,
  parseFundPolicy,
  type FundPolicyJson
} from '../../apps/web/src/lib/server/fund/fund-policy';
import { createFund } from '../../apps/web/src/lib/server/fund/funds-admin';
import { payoutsOverview } from '../../apps/web/src/lib/server/projects/payouts';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { publicProject } from '../../apps/web/src/lib/server/public/projects';
import { raiseProgressOf, recordSelfRaisedPayment } from '../../apps/web/src/lib/server/projects/self-raising';
import { createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, makeWorld, person, type ReviewDb, type World } from '../support/review-world';

/*
 * Rules that were written twice and drifted, each now with one home, checked where they show:
 * participation (the payout rule, the raise page and the public page), a new fund's first policy
 * and the category a draft must name, a category key that an object inherits, and the match's
 * rounding direction, which the policy now stores.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('rules_one_home'));
});

afterAll(async () => {
  await close();
});

function committeeOf(world: World, userId: string, compound = 'compound-1'): Actor {
  return {
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships: [
      { fundId: world.fundId, role: 'committee', unitId: null, compoundId: world.compounds[compound] ?? null }
    ],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

/** A committee member of compound-1 in the world's fund, and a new draft of theirs. */
async function committeeDraft(
  world: World,
  loginName: string
): Promise<{ committee: Actor; draft: { number: number } }> {
  const userId = await createTestUser(owner, {
    loginName,
    memberships: [{ fundSlug: world.slug, role: 'committee', compoundCode: 'compound-1' }]
  });
  const committee = committeeOf(world, userId);
  const draft = await createDraft(app, {
    actor: committee,
    fundId: world.fundId,
    compoundId: world.compounds['compound-1'] ?? '',
    idempotencyKey: randomUUID(),
    now: NOW,
    ip: null
  });
  if (!draft.ok) throw new Error(draft.code);
  return { committee, draft };
}

describe('participation', () => {
  it('is households paid over households expected on the raise page, for the payout rule and in public', async () => {
    const policy: FundPolicyJson = { ...DEMO_POLICY_JSON, participationMin: '0.6' };
    const world = await makeWorld(db(), { slug: 'rules-participation', pool: '100000.00', policy });
    const admin = await person(db(), world, 'rp-admin', [{ role: 'fund_admin' }]);
    const leaders = [
      await person(db(), world, 'rp-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
      await person(db(), world, 'rp-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
      await person(db(), world, 'rp-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
    ];
    const committee = await person(db(), world, 'rp-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
    // Five households are expected to pay; the compound's register holds twenty in all.
    const project = await activeProject(db(), world, { number: 1, admin, leaders, committee, households: 5 });
    await owner`
      insert into households (fund_id, compound_id, building, unit_no, room, name)
      select ${world.fundId}, ${world.compounds['compound-1'] ?? '0'}, '2', '1', (200 + n)::text, '住户' || n
        from generate_series(1, 15) as n`;
    for (const householdId of project.households.slice(0, 3)) {
      const paid = await recordSelfRaisedPayment(app, {
        actor: committee,
        fundId: world.fundId,
        number: 1,
        now: NOW,
        ip: null,
        householdId,
        amount: '400.00',
        date: '2026-03-09',
        method: 'cash',
        receipt: null,
        idempotencyKey: randomUUID()
      });
      expect(paid.ok).toBe(true);
    }
    const row = await loadProject(app, { fundId: world.fundId, number: 1, lock: false });
    if (row === null) throw new Error('no project');
    const raise = await raiseProgressOf(app, world.fundId, row);
    const payout = await payoutsOverview(app, world.fundId, row);
    const shown = await publicProject(app, world.fundId, 1, NOW);
    // 3 of 5 is 60%: the minimum is met everywhere, and something may be paid out.
    expect(raise).toMatchObject({ householdsPaid: 3, householdsExpected: 5, participationPercent: '60' });
    expect(raise.participationMet).toBe(true);
    expect(payout.limit).not.toBe('participation_below_minimum');
    expect(shown?.selfRaising).toMatchObject({
      householdsPaid: 3,
      householdsExpected: 5,
      participationPercent: '60',
      participationMinPercent: '60',
      participationMet: true
    });
  });
});

describe('a new fund’s first policy and the category a draft names', () => {
  it('starts a new fund with the default ratio and no categories, so a draft needs none', async () => {
    const platformId = await createTestUser(owner, { loginName: 'rules-platform', platformAdmin: true });
    const platform: Actor = {
      kind: 'user',
      userId: platformId,
      platformAdmin: true,
      memberships: [],
      totpEnrolled: false,
      fundsRequiringTotp: []
    };
    const created = await createFund(app, {
      slug: 'rules-new-fund',
      nameZh: '新基金',
      nameEn: 'A new fund',
      community: '',
      street: '',
      description: '',
      fiscalYear: 2026,
      adminInvitationLabel: '',
      actor: platform,
      idempotencyKey: randomUUID(),
      now: NOW,
      ip: null
    });
    if (!created.ok) throw new Error(created.code);
    const policy = await currentPolicy(app, created.fundId);
    expect(policy?.policy.match.categories).toEqual({});
    expect(policy?.policy.match.ratioDefault).toBe('0.6');
    expect(policy?.policy.match.roundingDirection).toBe('down');

    const [compound] = await owner<{ id: string }[]>`
      insert into compounds (fund_id, code, name) values (${created.fundId}, 'c-1', '一号院')
      returning id::text as id`;
    const userId = await createTestUser(owner, {
      loginName: 'rules-new-committee',
      memberships: [{ fundSlug: 'rules-new-fund', role: 'committee', compoundCode: 'c-1' }]
    });
    const committee = committeeOf(
      { fundId: created.fundId, slug: '', units: {}, compounds: { 'c-1': compound?.id ?? '' } },
      userId,
      'c-1'
    );
    const draft = await createDraft(app, {
      actor: committee,
      fundId: created.fundId,
      compoundId: compound?.id ?? '',
      idempotencyKey: randomUUID(),
      now: NOW,
      ip: null
    });
    if (!draft.ok) throw new Error(draft.code);
    const save = (input: Parameters<typeof saveDraft>[1]['draft']) =>
      saveDraft(app, {
        actor: committee,
        fundId: created.fundId,
        number: draft.number,
        draft: input,
        now: NOW,
        ip: null
      });
    expect(await save({ step: 'basics', title: '更换道闸', category: '', description: '', location: '' })).toEqual({
      ok: true
    });
    expect(
      await save({ step: 'basics', title: '更换道闸', category: 'repairs', description: '', location: '' })
    ).toMatchObject({
      ok: false,
      errors: { category: 'category_not_in_policy' }
    });
    expect(await save({ step: 'budget', lines: [{ item: '道闸', quantity: '1', unitPrice: '5,000.00' }] })).toEqual({
      ok: true
    });
    const view = await applicationView(app, { fundId: created.fundId, number: draft.number });
    if (view === null) throw new Error('no draft');
    const preview = await matchPreview(app, { fundId: created.fundId, application: view, now: NOW });
    // The new fund's pool is empty, so the match itself is 0 until money comes in; the ratio is the default's.
    if (!preview.ok) throw new Error(preview.code);
    expect(preview.decision.steps[0]).toMatchObject({ step: 'ratio_chosen', ratio: '0.6', source: 'default' });
    expect(preview.decision.steps[1]).toMatchObject({ step: 'ratio_applied' });
    expect(preview.decision.steps[1]?.step === 'ratio_applied' && preview.decision.steps[1].amount.toString()).toBe(
      '3000.00'
    );
    expect(await missingForSubmission(app, { fundId: created.fundId, application: view })).not.toContain('category');
  });

  it('asks for the category at the basics step when the policy has categories', async () => {
    const world = await makeWorld(db(), { slug: 'rules-categories', pool: '1000.00' });
    const { committee, draft } = await committeeDraft(world, 'rules-cat-committee');
    const basics = (category: string) =>
      saveDraft(app, {
        actor: committee,
        fundId: world.fundId,
        number: draft.number,
        draft: { step: 'basics', title: '楼道照明', category, description: '', location: '' },
        now: NOW,
        ip: null
      });
    expect(await basics('')).toMatchObject({ ok: false, errors: { category: 'category_is_required' } });
    // A key every plain object inherits is no category: it would have escaped its category's ratio and cap.
    for (const inherited of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(await basics(inherited), inherited).toMatchObject({
        ok: false,
        errors: { category: 'category_not_in_policy' }
      });
    }
    expect(await basics('safety')).toEqual({ ok: true });
  });

  it('never gives a stored category named constructor the default ratio', async () => {
    const world = await makeWorld(db(), { slug: 'rules-proto', pool: '100000.00' });
    const { committee, draft } = await committeeDraft(world, 'rules-proto-committee');
    await saveDraft(app, {
      actor: committee,
      fundId: world.fundId,
      number: draft.number,
      draft: { step: 'budget', lines: [{ item: '灯', quantity: '1', unitPrice: '1000' }] },
      now: NOW,
      ip: null
    });
    // As an older build would have stored it, past the check.
    await owner`update applications set category = 'constructor' where fund_id = ${world.fundId} and number = ${draft.number}`;
    const view = await applicationView(app, { fundId: world.fundId, number: draft.number });
    if (view === null) throw new Error('no draft');
    expect(await matchPreview(app, { fundId: world.fundId, application: view, now: NOW })).toEqual({
      ok: false,
      code: 'category_not_in_policy'
    });
    expect(await missingForSubmission(app, { fundId: world.fundId, application: view })).toContain('category');
  });
});

describe('the rounding direction', () => {
  it('is stored with the policy, read back, and used for the match; older versions read as down', async () => {
    const world = await makeWorld(db(), { slug: 'rules-rounding', pool: '100000.00' });
    const admin = await person(db(), world, 'rr-admin', [{ role: 'fund_admin' }]);
    const current = await currentPolicy(app, world.fundId);
    if (current === null) throw new Error('no policy');
    expect(current.policy.match.roundingDirection).toBe('down');
    const halfUp = parseFundPolicy({
      ...DEMO_POLICY_JSON,
      match: { ...DEMO_POLICY_JSON.match, roundingUnit: '10.00', roundingDirection: 'half_up' }
    });
    if (!halfUp.ok) throw new Error(halfUp.code);
    const adopted = await adoptPolicy(app, {
      actor: admin,
      fundId: world.fundId,
      policy: halfUp.value,
      baseVersion: current.version,
      note: '四舍五入到十元',
      now: NOW,
      ip: null
    });
    expect(adopted).toMatchObject({ ok: true, version: 2 });
    const [stored] = await owner<{ direction: string }[]>`
      select policy -> 'match' ->> 'roundingDirection' as direction from fund_policies
       where fund_id = ${world.fundId} and version = 2`;
    expect(stored?.direction).toBe('half_up');
    const older = parseFundPolicy({
      ...DEMO_POLICY_JSON,
      match: { ...DEMO_POLICY_JSON.match, roundingDirection: undefined }
    });
    expect(older.ok && older.value.match.roundingDirection).toBe('down');

    const { committee, draft } = await committeeDraft(world, 'rules-round-committee');
    const save = (input: Parameters<typeof saveDraft>[1]['draft']) =>
      saveDraft(app, {
        actor: committee,
        fundId: world.fundId,
        number: draft.number,
        draft: input,
        now: NOW,
        ip: null
      });
    await save({ step: 'basics', title: '道闸', category: 'repairs', description: '', location: '' });
    // 4,326 × 60% = 2,595.6: 2,600 to the nearest ten, where rounding down would give 2,590.
    await save({ step: 'budget', lines: [{ item: '道闸', quantity: '1', unitPrice: '4326' }] });
    const view = await applicationView(app, { fundId: world.fundId, number: draft.number });
    if (view === null) throw new Error('no draft');
    const preview = await matchPreview(app, { fundId: world.fundId, application: view, now: NOW });
    expect(preview.ok && preview.decision.match.toString()).toBe('2600.00');
    expect(preview.ok && preview.working['zh-CN'][1]).toContain('四舍五入');
  });
});
