import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { currentPolicy } from '../../apps/web/src/lib/server/fund/fund-policy';
import {
  checkNewFund,
  createFund,
  listFunds,
  type CreateFundResult,
  type NewFund
} from '../../apps/web/src/lib/server/fund/funds-admin';
import { acceptInvitation, viewLink } from '../../apps/web/src/lib/server/people/invitations';
import { grantPlatformAdmin } from '../../apps/web/src/lib/server/people/operator';
import { ANONYMOUS, can, type Actor } from '../../apps/web/src/lib/server/access/policy';
import { DEMO_PLATFORM_ADMIN } from '../../apps/web/src/lib/server/demo/platform';
import { createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * Setting up a fund as a platform administrator, against a real PostgreSQL with the app's own
 * role: the fund's row, its books, its first policy version, the first administrator's link and
 * the events, in one transaction; a form sent twice sets up one fund; and nobody else may do it.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let platform: Actor;
let platformUserId = '';
let fundAdmin: Actor;
const now = new Date('2026-04-01T02:00:00.000Z');
const ip = '192.0.2.81';

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('funds-admin'));
  const existingFund = await createTestFund(owner, 'existing-fund');
  platformUserId = await createTestUser(owner, { loginName: 'fa-platform', platformAdmin: true });
  const adminId = await createTestUser(owner, {
    loginName: 'fa-fund-admin',
    memberships: [{ fundSlug: 'existing-fund', role: 'fund_admin' }]
  });
  platform = {
    kind: 'user',
    userId: platformUserId,
    platformAdmin: true,
    memberships: [],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
  fundAdmin = {
    kind: 'user',
    userId: adminId,
    platformAdmin: false,
    memberships: [{ fundId: existingFund, role: 'fund_admin', unitId: null, compoundId: null }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}, 60_000);

afterAll(async () => {
  await close();
});

/** A complete, valid form for the fund `slug`. */
function form(slug: string, changes: Partial<NewFund> = {}): NewFund {
  return {
    slug,
    nameZh: '南街社区共建基金',
    nameEn: 'Nanjie Community Co-building Fund',
    community: '南街社区',
    street: '城关街道',
    description: '驻区单位共同出资，配套支持居民自筹的小区改善项目。',
    fiscalYear: 2026,
    adminInvitationLabel: '李秘书',
    ...changes
  };
}

function create(fund: NewFund, options: { actor?: Actor; key?: string } = {}): Promise<CreateFundResult> {
  return createFund(app, {
    ...fund,
    actor: options.actor ?? platform,
    idempotencyKey: options.key ?? randomUUID(),
    now,
    ip
  });
}

async function created(fund: NewFund, key?: string): Promise<Extract<CreateFundResult, { ok: true }>> {
  const result = await create(fund, key === undefined ? {} : { key });
  if (!result.ok) throw new Error(`createFund refused ${fund.slug}: ${result.code}`);
  return result;
}

async function countOf(query: Promise<{ count: number }[]>): Promise<number> {
  const [row] = await query;
  return row?.count ?? -1;
}

describe('createFund', () => {
  it('sets up the fund with its books, policy version 1, the first administrator’s link and its events', async () => {
    const key = randomUUID();
    const result = await created(form('nanjie'), key);
    expect(result).toMatchObject({ slug: 'nanjie', replayed: false });
    const [fund] = await owner<
      { slug: string; name_zh: string; name_en: string; community: string; street: string; fiscal_year: number }[]
    >`select slug, name_zh, name_en, community, street, fiscal_year from funds where id = ${result.fundId}`;
    expect(fund).toEqual({
      slug: 'nanjie',
      name_zh: '南街社区共建基金',
      name_en: 'Nanjie Community Co-building Fund',
      community: '南街社区',
      street: '城关街道',
      fiscal_year: 2026
    });

    // The chart is open: every account of the 民非 chart, and a chain head at zero entries.
    const accounts = await owner<{ code: string }[]>`
      select code from accounts where fund_id = ${result.fundId} order by code`;
    expect(accounts.map((account) => account.code)).toEqual(
      CHART_MINFEI_2026.accounts.map((account) => account.code).sort()
    );
    const [head] = await owner<{ last_seq: string }[]>`
      select last_seq::text from chain_heads where fund_id = ${result.fundId}`;
    expect(head?.last_seq).toBe('0');

    const policy = await currentPolicy(app, result.fundId);
    expect(policy?.version).toBe(1);
    expect(policy?.policy.noticeWorkingDays).toBe(5);
    expect(policy?.policy.vote.quorum).toBe(3);

    // The link works once, for the fund administrator role of this fund.
    if (result.invitation === null) throw new Error('no invitation');
    const view = await viewLink(app, { token: result.invitation.token, kind: 'invite', now });
    expect(view).toMatchObject({ ok: true, view: { role: 'fund_admin', fundName: { zh: '南街社区共建基金' } } });
    expect(result.invitation.expiresAt.getTime() - now.getTime()).toBe(7 * 24 * 60 * 60 * 1000);

    const events = await owner<{ action: string; actor: string; detail: Record<string, unknown> }[]>`
      select action, actor_user_id::text as actor, detail from events
       where fund_id = ${result.fundId} order by id`;
    expect(events.map((event) => event.action)).toEqual(['fund.policy_adopted', 'invitation.created', 'fund.created']);
    expect(events.every((event) => event.actor === platformUserId)).toBe(true);
    expect(events.at(-1)?.detail).toEqual({ idempotencyKey: key, version: 1 });
    // The token itself is never written anywhere but the result.
    expect(JSON.stringify(events)).not.toContain(result.invitation.token);

    const listed = (await listFunds(app, now)).find((item) => item.slug === 'nanjie');
    expect(listed).toMatchObject({ entryCount: '0', poolBalance: '0.00', adminCount: 0, adminInvitationsOpen: 1 });
  });

  it('makes whoever accepts the link the new fund’s administrator', async () => {
    const result = await created(form('dongcheng'));
    if (result.invitation === null) throw new Error('no invitation');
    const accepted = await acceptInvitation(app, {
      token: result.invitation.token,
      now,
      ip,
      account: { kind: 'new', displayName: '孙秘书', loginName: 'fa-new-admin', password: 'a long new passphrase 7' }
    });
    expect(accepted).toMatchObject({ ok: true, fundId: result.fundId });
    const listed = (await listFunds(app, now)).find((item) => item.slug === 'dongcheng');
    expect(listed).toMatchObject({ adminCount: 1, adminInvitationsOpen: 0 });
  });

  it('issues no link when none is asked for', async () => {
    const result = await created(form('xicheng', { adminInvitationLabel: null }));
    expect(result.invitation).toBeNull();
    expect(await countOf(owner`select count(*)::int as count from invitations where fund_id = ${result.fundId}`)).toBe(
      0
    );
  });

  it('sets up one fund when the same form is sent twice, one after the other or at once', async () => {
    const key = randomUUID();
    const first = await created(form('beiguan'), key);
    const again = await created(form('beiguan'), key);
    expect(again).toEqual({ ok: true, fundId: first.fundId, slug: 'beiguan', replayed: true, invitation: null });

    const raceKey = randomUUID();
    const both = await Promise.all([created(form('nanguan'), raceKey), created(form('nanguan'), raceKey)]);
    expect(new Set(both.map((result) => result.fundId)).size).toBe(1);
    expect(both.map((result) => result.replayed).sort()).toEqual([false, true]);
    expect(await countOf(owner`select count(*)::int as count from funds where slug in ('beiguan', 'nanguan')`)).toBe(2);
    expect(
      await countOf(
        owner`select count(*)::int as count from events e join funds f on f.id = e.fund_id
               where f.slug in ('beiguan', 'nanguan') and e.action = 'fund.created'`
      )
    ).toBe(2);
  });

  it('refuses a slug another fund has, and writes nothing', async () => {
    await created(form('taken-slug'));
    const eventsBefore = await countOf(owner`select count(*)::int as count from events`);
    const result = await create(form('taken-slug', { nameZh: '另一个基金' }));
    expect(result).toEqual({
      ok: false,
      code: 'slug_is_taken',
      field: 'slug',
      problems: [{ field: 'slug', code: 'slug_is_taken' }]
    });
    expect(await countOf(owner`select count(*)::int as count from events`)).toBe(eventsBefore);
    expect(await countOf(owner`select count(*)::int as count from funds where name_zh = '另一个基金'`)).toBe(0);
  });

  it.each([
    ['ab', 'slug_must_be_well_formed'],
    ['x'.repeat(41), 'slug_must_be_well_formed'],
    ['Nanjie', 'slug_must_be_well_formed'],
    ['2nd-fund', 'slug_must_be_well_formed'],
    ['nan_jie', 'slug_must_be_well_formed'],
    ['nanjie-', 'slug_must_be_well_formed'],
    ['nan--jie', 'slug_must_be_well_formed'],
    ['南街', 'slug_must_be_well_formed'],
    ['new', 'slug_is_reserved'],
    ['admin', 'slug_is_reserved']
  ])('refuses the slug %j as %s', async (slug, code) => {
    const result = await create(form(slug));
    expect(result).toMatchObject({ ok: false, code, field: 'slug' });
    expect(await countOf(owner`select count(*)::int as count from funds where slug = ${slug}`)).toBe(0);
  });

  it('accepts slugs at the edges of the rule', () => {
    expect(checkNewFund(form('abc'), now)).toEqual([]);
    const longest = `a${'b1-'.repeat(12)}b1c`;
    expect(longest).toHaveLength(40);
    expect(checkNewFund(form(longest), now)).toEqual([]);
    expect(checkNewFund(form('nan-jie-2'), now)).toEqual([]);
  });

  it('lists every problem of the form, in the order of its fields', () => {
    const problems = checkNewFund(
      form('new', {
        nameZh: '   ',
        nameEn: 'N'.repeat(61),
        community: '社'.repeat(61),
        description: '长'.repeat(2001),
        fiscalYear: 2030,
        adminInvitationLabel: '名'.repeat(61)
      }),
      now
    );
    expect(problems).toEqual([
      { field: 'slug', code: 'slug_is_reserved' },
      { field: 'nameZh', code: 'name_must_be_given' },
      { field: 'nameEn', code: 'name_must_be_short' },
      { field: 'community', code: 'text_must_be_short' },
      { field: 'description', code: 'text_must_be_short' },
      { field: 'fiscalYear', code: 'fiscal_year_must_be_plausible' },
      { field: 'adminInvitationLabel', code: 'text_must_be_short' }
    ]);
  });

  it.each([[Number.NaN], [2024], [2028], [2026.5]])('refuses the fiscal year %s', async (fiscalYear) => {
    const result = await create(form('year-check', { fiscalYear }));
    expect(result).toMatchObject({ ok: false, code: 'fiscal_year_must_be_plausible', field: 'fiscalYear' });
  });

  it('takes last year, this year and next year as the first fiscal year', () => {
    for (const fiscalYear of [2025, 2026, 2027]) expect(checkNewFund(form('ok-year', { fiscalYear }), now)).toEqual([]);
  });

  it('refuses anyone but a platform administrator, before checking the form, writing nothing', async () => {
    expect(can(fundAdmin, 'platform.funds.manage', null)).toEqual({ allowed: false, reason: 'role_required' });
    expect(await create(form('by-fund-admin'), { actor: fundAdmin })).toEqual({
      ok: false,
      code: 'not_allowed',
      reason: 'role_required'
    });
    expect(await create(form('new'), { actor: ANONYMOUS })).toEqual({
      ok: false,
      code: 'not_allowed',
      reason: 'sign_in_required'
    });
    expect(await countOf(owner`select count(*)::int as count from funds where slug = 'by-fund-admin'`)).toBe(0);
  });
});

describe('grantPlatformAdmin', () => {
  it('makes an active user a platform administrator once, ending their sessions, with an event', async () => {
    const userId = await createTestUser(owner, { loginName: 'fa-becomes-platform' });
    await owner`
      insert into sessions (token_hash, user_id, created_at, expires_at)
      values (decode(repeat('ab', 32), 'hex'), ${userId}, ${now}, ${new Date(now.getTime() + 86_400_000)})`;
    const granted = await grantPlatformAdmin(app, { loginName: ' FA-Becomes-Platform ', now });
    expect(granted).toEqual({ ok: true, displayName: 'fa-becomes-platform', alreadyGranted: false });
    const [user] = await owner<{ platform_admin: boolean }[]>`select platform_admin from users where id = ${userId}`;
    expect(user?.platform_admin).toBe(true);
    expect(await countOf(owner`select count(*)::int as count from sessions where user_id = ${userId}`)).toBe(0);
    const events = await owner<{ detail: Record<string, unknown> }[]>`
      select detail from events where action = 'user.platform_admin_granted' and resource_id = ${userId}`;
    expect(events.map((event) => event.detail)).toEqual([{ reason: 'granted_by_operator', sessionsRevoked: 1 }]);

    expect(await grantPlatformAdmin(app, { loginName: 'fa-becomes-platform', now })).toMatchObject({
      ok: true,
      alreadyGranted: true
    });
    expect(
      await countOf(
        owner`select count(*)::int as count from events
               where action = 'user.platform_admin_granted' and resource_id = ${userId}`
      )
    ).toBe(1);
  });

  it('answers user_is_unknown for a login name nobody has, or a disabled user', async () => {
    expect(await grantPlatformAdmin(app, { loginName: 'fa-nobody', now })).toEqual({
      ok: false,
      code: 'user_is_unknown'
    });
    const disabledId = await createTestUser(owner, { loginName: 'fa-disabled' });
    await owner`update users set status = 'disabled' where id = ${disabledId}`;
    expect(await grantPlatformAdmin(app, { loginName: 'fa-disabled', now })).toEqual({
      ok: false,
      code: 'user_is_unknown'
    });
  });
});

describe('the demo seed', () => {
  it('adds the demo platform administrator in step 009', async () => {
    const ran = await seedDemo(app);
    expect(ran).toContain('009_demo_platform');
    const [user] = await owner<{ display_name: string; platform_admin: boolean }[]>`
      select display_name, platform_admin from users where login_name = ${DEMO_PLATFORM_ADMIN.loginName}`;
    expect(user).toEqual({ display_name: '平台管理员', platform_admin: true });
  });
});
