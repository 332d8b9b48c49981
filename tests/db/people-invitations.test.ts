import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginTotpEnrolment, confirmTotpEnrolment, signIn } from '../../apps/web/src/lib/server/people/accounts';
import { loadAccess, validateSessionToken } from '../../apps/web/src/lib/server/auth/session';
import { totpCodeAt } from '../../apps/web/src/lib/server/auth/totp';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { acceptInvitation, resetPassword, viewLink } from '../../apps/web/src/lib/server/people/invitations';
import {
  createInvitation,
  issuePasswordReset,
  revokeInvitation,
  setUserStatus
} from '../../apps/web/src/lib/server/people/members';
import type { Actor, FundRole } from '../../apps/web/src/lib/server/access/policy';
import { TEST_PASSWORD, createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * Joining by invitation link and resetting a password by link, against a real database: the use
 * cases' answers, and the rules the database enforces again on its own.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const fundSlug = 'people-invite';
const otherSlug = 'people-invite-other';
let fundId = '';
let otherFundId = '';
let admin: Actor;
let compoundId = '';
let unitId = '';
let otherCompoundId = '';
let otherUnitId = '';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const ip = '192.0.2.30';
const NEW_PASSWORD = 'plum blossom 梅花 2026';

let counter = 0;
const unique = (label: string) => `iv-${label}-${(counter += 1)}`;

async function actorFor(userId: string): Promise<Actor> {
  const [user] = await app<{ platform_admin: boolean; totp: boolean }[]>`
    select platform_admin, totp_enrolled_at is not null as totp from users where id = ${userId}`;
  if (user === undefined) throw new Error(`no user ${userId}`);
  return {
    kind: 'user',
    userId,
    platformAdmin: user.platform_admin,
    totpEnrolled: user.totp,
    ...(await loadAccess(app, userId))
  };
}

async function placeIds(fund: string): Promise<{ unit: string; compound: string }> {
  const [row] = await owner<{ unit: string; compound: string }[]>`
    select (select id::text from units where fund_id = ${fund}) as unit,
           (select id::text from compounds where fund_id = ${fund}) as compound`;
  if (row === undefined) throw new Error('no places');
  return row;
}

async function invite(role: FundRole, placeId: string | null, now = T0, validDays = 7): Promise<string> {
  const created = await createInvitation(app, {
    actor: admin,
    fundId,
    now,
    ip,
    role,
    placeId,
    label: 'test',
    validDays
  });
  if (!created.ok) throw new Error(`createInvitation failed: ${created.code}`);
  return created.token;
}

const newcomer = (loginName: string, password = NEW_PASSWORD) =>
  ({ kind: 'new', displayName: `新人 ${loginName}`, loginName, password }) as const;

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('people_invitations'));
  fundId = await createTestFund(owner, fundSlug);
  otherFundId = await createTestFund(owner, otherSlug);
  ({ unit: unitId, compound: compoundId } = await placeIds(fundId));
  ({ unit: otherUnitId, compound: otherCompoundId } = await placeIds(otherFundId));
  admin = await actorFor(
    await createTestUser(owner, { loginName: 'invite-admin', memberships: [{ fundSlug, role: 'fund_admin' }] })
  );
});

afterAll(() => close());

describe('invitations', () => {
  it('makes a new account with the role, once', async () => {
    const token = await invite('committee', compoundId);
    expect(await viewLink(app, { token, kind: 'invite', now: T0 })).toMatchObject({
      ok: true,
      view: { kind: 'invite', role: 'committee', compoundName: '测试小区', fundName: { zh: `测试基金 ${fundSlug}` } }
    });
    // A reset link's page does not open an invitation.
    expect(await viewLink(app, { token, kind: 'reset', now: T0 })).toEqual({ ok: false, code: 'link_is_unknown' });

    const loginName = unique('newcomer');
    const accepted = await acceptInvitation(app, { token, now: T0, ip, account: newcomer(loginName) });
    expect(accepted).toMatchObject({ ok: true, fundId });
    if (!accepted.ok) return;
    const memberships = await owner<{ role: string; compound_id: string; unit_id: string | null }[]>`
      select m.role, m.compound_id::text as compound_id, m.unit_id::text as unit_id
        from memberships m join users u on u.id = m.user_id where u.login_name = ${loginName} and m.fund_id = ${fundId}`;
    expect(memberships).toEqual([{ role: 'committee', compound_id: compoundId, unit_id: null }]);
    expect(await validateSessionToken(app, accepted.session?.token ?? '', T0)).toMatchObject({
      user: { loginName },
      secondFactorPending: false
    });
    expect(await signIn(app, { loginName, password: NEW_PASSWORD, ip, now: T0 })).toMatchObject({ ok: true });

    const second = await acceptInvitation(app, { token, now: T0, ip, account: newcomer(unique('late')) });
    expect(second).toEqual({ ok: false, code: 'link_was_used' });
    expect(await viewLink(app, { token, kind: 'invite', now: T0 })).toEqual({ ok: false, code: 'link_was_used' });
  });

  it('refuses an expired link', async () => {
    const token = await invite('supervisor', null, T0, 1);
    expect(await viewLink(app, { token, kind: 'invite', now: at(DAY - 1) })).toMatchObject({ ok: true });
    const accepted = await acceptInvitation(app, { token, now: at(DAY), ip, account: newcomer(unique('expired')) });
    expect(accepted).toEqual({ ok: false, code: 'link_has_expired' });
    expect(await viewLink(app, { token, kind: 'invite', now: at(DAY) })).toEqual({
      ok: false,
      code: 'link_has_expired'
    });
  });

  it('refuses a revoked link', async () => {
    const token = await invite('leader', unitId);
    const [row] = await owner<{ id: string }[]>`select id::text as id from invitations order by id desc limit 1`;
    expect(await revokeInvitation(app, { actor: admin, fundId, now: T0, ip, invitationId: row?.id ?? '' })).toEqual({
      ok: true
    });
    const accepted = await acceptInvitation(app, { token, now: T0, ip, account: newcomer(unique('revoked')) });
    expect(accepted).toEqual({ ok: false, code: 'link_was_revoked' });
    // Revoking twice (the form sent again) answers as the first time and writes nothing more.
    expect(await revokeInvitation(app, { actor: admin, fundId, now: T0, ip, invitationId: row?.id ?? '' })).toEqual({
      ok: true
    });
    const events = await owner`
      select 1 from events where action = 'invitation.revoked' and resource_id = ${row?.id ?? ''}`;
    expect(events.length).toBe(1);
  });

  it('refuses a bad login name or password and leaves the link usable', async () => {
    const token = await invite('committee', compoundId);
    const taken = unique('taken');
    await createTestUser(owner, { loginName: taken });
    const attempts: [ReturnType<typeof newcomer>, string][] = [
      [newcomer('王丽'), 'login_name_is_not_valid'],
      [newcomer(taken), 'login_name_is_taken'],
      [newcomer(unique('short'), 'short'), 'password_is_too_short'],
      [newcomer(unique('common'), 'Password1'), 'password_is_too_common'],
      [newcomer('13952479999', '13952479999'), 'password_is_too_common']
    ];
    for (const [account, code] of attempts) {
      expect(await acceptInvitation(app, { token, now: T0, ip, account }), code).toEqual({ ok: false, code });
    }
    expect(await acceptInvitation(app, { token, now: T0, ip, account: newcomer(unique('finally')) })).toMatchObject({
      ok: true
    });
  });

  it('offers only places of the fund, and only its administrator invites', async () => {
    const base = { actor: admin, fundId, now: T0, ip, label: '', validDays: 7 };
    const refused = { ok: false, code: 'place_must_belong_to_fund' };
    expect(await createInvitation(app, { ...base, role: 'committee', placeId: otherCompoundId })).toEqual(refused);
    expect(await createInvitation(app, { ...base, role: 'leader', placeId: otherUnitId })).toEqual(refused);
    expect(await createInvitation(app, { ...base, role: 'leader', placeId: '999999' })).toEqual(refused);
    expect(await createInvitation(app, { ...base, role: 'committee', placeId: null })).toEqual(refused);
    expect(await createInvitation(app, { ...base, role: 'supervisor', placeId: compoundId })).toEqual(refused);
    expect(await createInvitation(app, { ...base, fundId: otherFundId, role: 'supervisor', placeId: null })).toEqual({
      ok: false,
      code: 'not_allowed',
      reason: 'role_required'
    });
  });
});

describe('what the database refuses on its own', () => {
  async function usedInvitation(): Promise<string> {
    const token = await invite('supervisor', null);
    const accepted = await acceptInvitation(app, { token, now: T0, ip, account: newcomer(unique('used')) });
    if (!accepted.ok) throw new Error(`accept failed: ${accepted.code}`);
    const [row] = await owner<{ id: string }[]>`
      select id::text as id from invitations where used_at is not null order by id desc limit 1`;
    return row?.id ?? '';
  }

  it('never lets a used invitation be used again (GJ010)', async () => {
    const id = await usedInvitation();
    await expect(app`update invitations set used_at = ${at(1000)} where id = ${id}`).rejects.toMatchObject({
      code: 'GJ010'
    });
    await expect(app`update invitations set used_at = null, used_by = null where id = ${id}`).rejects.toMatchObject({
      code: 'GJ010'
    });
  });

  it('never changes what an invitation grants (GJ010)', async () => {
    await invite('supervisor', null);
    const [row] = await owner<{ id: string }[]>`
      select id::text as id from invitations where role = 'supervisor' and used_at is null order by id desc limit 1`;
    await expect(app`update invitations set role = 'fund_admin' where id = ${row?.id ?? ''}`).rejects.toMatchObject({
      code: 'GJ010'
    });
  });

  it('never uses a revoked or expired invitation (GJ010)', async () => {
    await invite('supervisor', null, T0, 1);
    const [row] = await owner<{ id: string; user_id: string }[]>`
      select i.id::text as id, (select id::text from users limit 1) as user_id
        from invitations i where used_at is null order by id desc limit 1`;
    const id = row?.id ?? '';
    const userId = row?.user_id ?? '';
    await expect(
      app`update invitations set used_at = ${at(2 * DAY)}, used_by = ${userId} where id = ${id}`
    ).rejects.toMatchObject({ code: 'GJ010' });
    await app`update invitations set revoked_at = ${T0} where id = ${id}`;
    await expect(
      app`update invitations set used_at = ${T0}, used_by = ${userId} where id = ${id}`
    ).rejects.toMatchObject({ code: 'GJ010' });
  });

  it('refuses a leader without a unit, and a committee seat on another fund’s compound', async () => {
    const userId = await createTestUser(owner, { loginName: unique('shape') });
    await expect(
      app`insert into memberships (fund_id, user_id, role) values (${fundId}, ${userId}, 'leader')`
    ).rejects.toMatchObject({ code: '23514', constraint_name: 'leader_sits_for_a_unit' });
    await expect(
      app`insert into memberships (fund_id, user_id, role, compound_id)
          values (${fundId}, ${userId}, 'committee', ${otherCompoundId})`
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      app`insert into memberships (fund_id, user_id, role, unit_id) values (${fundId}, ${userId}, 'leader', ${otherUnitId})`
    ).rejects.toMatchObject({ code: '23503' });
    // The same seat in its own fund is fine.
    await app`insert into memberships (fund_id, user_id, role, compound_id)
              values (${fundId}, ${userId}, 'committee', ${compoundId})`;
    await expect(
      app`insert into memberships (fund_id, user_id, role, compound_id)
          values (${fundId}, ${userId}, 'committee', ${compoundId})`
    ).rejects.toMatchObject({ code: '23505' });
  });
});

describe('password reset links', () => {
  it('set the password, clear the second factor and end every session', async () => {
    const loginName = unique('forgetful');
    const userId = await createTestUser(owner, {
      loginName,
      memberships: [{ fundSlug, role: 'committee', compoundCode: 'compound-1' }]
    });
    const begun = await beginTotpEnrolment(app, userId);
    if (begun.enrolled) throw new Error('not enrolled yet');
    expect(await confirmTotpEnrolment(app, { userId, code: totpCodeAt(begun.key, T0), ip, now: T0 })).toEqual({
      ok: true
    });
    const before = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: T0 });
    if (!before.ok) throw new Error('sign-in failed');

    const first = await issuePasswordReset(app, { actor: admin, fundId, now: T0, ip, userId });
    const issued = await issuePasswordReset(app, { actor: admin, fundId, now: T0, ip, userId });
    if (!first.ok || !issued.ok) throw new Error('issuePasswordReset failed');
    // Only the newest link counts.
    expect(await viewLink(app, { token: first.token, kind: 'reset', now: T0 })).toEqual({
      ok: false,
      code: 'link_was_revoked'
    });
    expect(await viewLink(app, { token: issued.token, kind: 'reset', now: T0 })).toMatchObject({
      ok: true,
      view: { kind: 'reset', userDisplayName: loginName }
    });
    expect(await resetPassword(app, { token: issued.token, password: 'short', now: T0, ip })).toEqual({
      ok: false,
      code: 'password_is_too_short'
    });

    const reset = await resetPassword(app, { token: issued.token, password: NEW_PASSWORD, now: T0, ip });
    expect(reset).toMatchObject({ ok: true });
    if (!reset.ok) return;
    const [user] = await owner<{ key: Uint8Array | null; enrolled: Date | null; step: string | null }[]>`
      select totp_key as key, totp_enrolled_at as enrolled, totp_last_step::text as step from users where id = ${userId}`;
    expect(user).toEqual({ key: null, enrolled: null, step: null });
    expect(await validateSessionToken(app, before.session.token, T0)).toBeNull();
    expect(await validateSessionToken(app, reset.session.token, T0)).toMatchObject({ userId });
    expect(await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: T0 })).toMatchObject({ ok: false });
    expect(await signIn(app, { loginName, password: NEW_PASSWORD, ip, now: T0 })).toMatchObject({
      ok: true,
      secondFactorRequired: false
    });
    expect(await resetPassword(app, { token: issued.token, password: NEW_PASSWORD, now: T0, ip })).toEqual({
      ok: false,
      code: 'link_was_used'
    });
  });

  it('are not the fund administrator’s to issue for someone who also holds a role in another fund', async () => {
    const userId = await createTestUser(owner, {
      loginName: unique('two-funds'),
      memberships: [
        { fundSlug, role: 'committee', compoundCode: 'compound-1' },
        { fundSlug: otherSlug, role: 'leader', unitCode: 'unit-1' }
      ]
    });
    const denied = { ok: false, code: 'not_allowed', reason: 'role_required' };
    expect(await issuePasswordReset(app, { actor: admin, fundId, now: T0, ip, userId })).toEqual(denied);
    expect(await setUserStatus(app, { actor: admin, fundId, now: T0, ip, userId, status: 'disabled' })).toEqual(denied);
    const [open] = await owner<{ count: number }[]>`
      select count(*)::int as count from invitations where user_id = ${userId}`;
    expect(open?.count).toBe(0);
    // Nor for themselves, nor for someone outside the fund.
    expect(
      await issuePasswordReset(app, {
        actor: admin,
        fundId,
        now: T0,
        ip,
        userId: admin.kind === 'user' ? admin.userId : ''
      })
    ).toEqual({
      ok: false,
      code: 'not_allowed',
      reason: 'own_account_is_managed_elsewhere'
    });
    const outsider = await createTestUser(owner, { loginName: unique('outsider') });
    expect(await issuePasswordReset(app, { actor: admin, fundId, now: T0, ip, userId: outsider })).toEqual({
      ok: false,
      code: 'item_is_not_in_this_fund'
    });
  });
});
