import { encodeBase32LowerCaseNoPadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beginTotpEnrolment,
  changePassword,
  completeSecondFactor,
  confirmTotpEnrolment,
  signIn,
  signOut
} from '../../apps/web/src/lib/server/people/accounts';
import { ACCOUNT_FAILURES_FREE } from '../../apps/web/src/lib/server/auth/throttle';
import { loadAccess } from '../../apps/web/src/lib/server/auth/session';
import { TOTP_PERIOD_SECONDS, totpCodeAt } from '../../apps/web/src/lib/server/auth/totp';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { acceptInvitation, resetPassword } from '../../apps/web/src/lib/server/people/invitations';
import {
  createInvitation,
  issuePasswordReset,
  removeMembership,
  revokeInvitation,
  setTotpRequired,
  setUserStatus
} from '../../apps/web/src/lib/server/people/members';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { TEST_PASSWORD, createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * The audit trail after a scripted day of people coming and going: every security event is
 * there with its outcome and actor, no row holds a secret, and nobody can change the past.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const fundSlug = 'people-events';
let fundId = '';

const STEP = TOTP_PERIOD_SECONDS * 1000;
const T0 = new Date('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const ip = '192.0.2.40';

/** Every secret the script handles; none may ever reach the events table. */
const secrets = new Set<string>();
const ids: Record<'admin' | 'member' | 'victim' | 'leaver' | 'invitee', string> = {
  admin: '',
  member: '',
  victim: '',
  leaver: '',
  invitee: ''
};

async function actorFor(userId: string): Promise<Actor> {
  const [user] = await app<{ platform_admin: boolean; totp: boolean }[]>`
    select platform_admin, totp_enrolled_at is not null as totp from users where id = ${userId}`;
  if (user === undefined) throw new Error(`no user ${userId}`);
  const access = await loadAccess(app, userId);
  return { kind: 'user', userId, platformAdmin: user.platform_admin, totpEnrolled: user.totp, ...access };
}

function ok<T extends { ok: boolean }>(result: T, what: string): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`${what} failed: ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

/** The scripted run; it leaves its events, and remembers every secret it used. */
async function script(): Promise<void> {
  secrets.add(TEST_PASSWORD);
  const committee = [{ fundSlug, role: 'committee' as const, compoundCode: 'compound-1' }];
  ids.admin = await createTestUser(owner, { loginName: 'ev-admin', memberships: [{ fundSlug, role: 'fund_admin' }] });
  ids.member = await createTestUser(owner, { loginName: 'ev-member', memberships: committee });
  ids.victim = await createTestUser(owner, { loginName: 'ev-victim', memberships: committee });
  ids.leaver = await createTestUser(owner, { loginName: 'ev-leaver', memberships: committee });

  // Signing in, right and wrong, and a password typed into the login-name field.
  const session = ok(await signIn(app, { loginName: 'ev-member', password: TEST_PASSWORD, ip, now: T0 }), 'sign-in');
  secrets.add(session.session.token);
  for (const [loginName, password] of [
    ['ev-member', 'wrong secret one'],
    ['my secret password in the name field', TEST_PASSWORD]
  ] as const) {
    secrets.add(password);
    if (loginName !== 'ev-member') secrets.add(loginName);
    expect(await signIn(app, { loginName, password, ip, now: T0 })).toMatchObject({ ok: false });
  }
  // Eleven guesses against one account: five fail, then the name is paused.
  for (let guess = 1; guess <= 11; guess += 1) {
    secrets.add(`guess secret ${guess}`);
    await signIn(app, { loginName: 'ev-victim', password: `guess secret ${guess}`, ip: '198.51.100.40', now: T0 });
  }

  // Signing out; changing the password, first with a wrong current one.
  await signOut(app, { token: session.session.token, userId: ids.member, everywhere: false, ip, now: T0 });
  secrets.add('wrong current secret').add('new member secret 2026');
  await changePassword(app, {
    userId: ids.member,
    currentPassword: 'wrong current secret',
    newPassword: 'new member secret 2026',
    ip,
    now: T0
  });
  const changed = ok(
    await changePassword(app, {
      userId: ids.member,
      currentPassword: TEST_PASSWORD,
      newPassword: 'new member secret 2026',
      ip,
      now: T0
    }),
    'changePassword'
  );
  secrets.add(changed.session.token);

  // The administrator enrols a second factor, and signs in with it.
  const begun = await beginTotpEnrolment(app, ids.admin);
  if (begun.enrolled) throw new Error('the administrator was not enrolled yet');
  secrets
    .add(Buffer.from(begun.key).toString('hex'))
    .add(encodeBase32UpperCaseNoPadding(begun.key))
    .add(encodeBase32LowerCaseNoPadding(begun.key))
    .add(Buffer.from(begun.key).toString('base64'));
  const enrolCode = totpCodeAt(begun.key, T0);
  secrets.add(enrolCode);
  ok(await confirmTotpEnrolment(app, { userId: ids.admin, code: enrolCode, ip, now: T0 }), 'confirmTotpEnrolment');
  const pending = ok(
    await signIn(app, { loginName: 'ev-admin', password: TEST_PASSWORD, ip, now: at(STEP) }),
    'admin sign-in'
  );
  secrets.add(pending.session.token);
  const wrongCode = [...Array(1000).keys()]
    .map((n) => String(100000 + n * 7919).slice(0, 6))
    .find((code) => ![0, 1, 2].some((step) => totpCodeAt(begun.key, at(step * STEP)) === code));
  if (wrongCode === undefined) throw new Error('no wrong code');
  secrets.add(wrongCode);
  await completeSecondFactor(app, { pendingToken: pending.session.token, code: wrongCode, ip, now: at(STEP) });
  const code = totpCodeAt(begun.key, at(2 * STEP));
  secrets.add(code);
  const full = ok(
    await completeSecondFactor(app, { pendingToken: pending.session.token, code, ip, now: at(2 * STEP) }),
    'completeSecondFactor'
  );
  secrets.add(full.session.token);
  const admin = await actorFor(ids.admin);

  // Invitations: one accepted, one revoked.
  const base = { actor: admin, fundId, now: at(3 * STEP), ip, label: 'neighbour', validDays: 7 };
  const invitation = ok(await createInvitation(app, { ...base, role: 'supervisor', placeId: null }), 'invite');
  secrets.add(invitation.token).add('invitee secret 2026');
  const accepted = ok(
    await acceptInvitation(app, {
      token: invitation.token,
      now: at(3 * STEP),
      ip,
      account: { kind: 'new', displayName: '新邻居', loginName: 'ev-invitee', password: 'invitee secret 2026' }
    }),
    'acceptInvitation'
  );
  secrets.add(accepted.session?.token ?? '');
  const [invitee] = await owner<{ id: string }[]>`select id::text as id from users where login_name = 'ev-invitee'`;
  ids.invitee = invitee?.id ?? '';
  const revoked = ok(
    await createInvitation(app, { ...base, role: 'committee', placeId: await compoundId() }),
    'second invite'
  );
  secrets.add(revoked.token);
  ok(await revokeInvitation(app, { ...base, invitationId: revoked.invitationId }), 'revokeInvitation');

  // A role ends, a user is disabled, a password is reset, and the fund requires a second factor.
  const [membership] = await owner<{ id: string }[]>`
    select id::text as id from memberships where user_id = ${ids.leaver}`;
  ok(await removeMembership(app, { ...base, membershipId: membership?.id ?? '' }), 'removeMembership');
  ok(await setUserStatus(app, { ...base, userId: ids.victim, status: 'disabled' }), 'setUserStatus');
  const reset = ok(await issuePasswordReset(app, { ...base, userId: ids.member }), 'issuePasswordReset');
  secrets.add(reset.token).add('reset member secret 2026');
  const afterReset = ok(
    await resetPassword(app, { token: reset.token, password: 'reset member secret 2026', now: at(3 * STEP), ip }),
    'resetPassword'
  );
  secrets.add(afterReset.session.token);
  ok(await setTotpRequired(app, { ...base, required: true }), 'setTotpRequired');
}

async function compoundId(): Promise<string> {
  const [row] = await owner<{ id: string }[]>`select id::text as id from compounds where fund_id = ${fundId}`;
  return row?.id ?? '';
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('people_events'));
  fundId = await createTestFund(owner, fundSlug);
  await script();
});

afterAll(() => close());

interface EventRow {
  action: string;
  outcome: string;
  actor: string | null;
  fund: string | null;
  resource: string | null;
  detail: Record<string, unknown>;
}

async function events(): Promise<EventRow[]> {
  return owner<EventRow[]>`
    select action, outcome, actor_user_id::text as actor, fund_id::text as fund, resource_id as resource, detail
      from events order by id`;
}

describe('the audit trail', () => {
  it('holds every security event of the script, with its outcome and actor', async () => {
    const rows = await events();
    const expected: Partial<EventRow>[] = [
      { action: 'session.sign_in', outcome: 'ok', actor: ids.member },
      { action: 'session.sign_in', outcome: 'failed', actor: ids.member, detail: { reason: 'wrong_password' } },
      { action: 'session.sign_in', outcome: 'failed', actor: null, detail: { reason: 'unknown_login_name' } },
      { action: 'session.throttled', outcome: 'denied', actor: null },
      { action: 'session.sign_out', outcome: 'ok', actor: ids.member },
      {
        action: 'account.password_changed',
        outcome: 'failed',
        actor: ids.member,
        detail: { reason: 'current_password_is_wrong' }
      },
      { action: 'account.password_changed', outcome: 'ok', actor: ids.member, detail: { sessionsRevoked: 0 } },
      { action: 'account.totp_enrolled', outcome: 'ok', actor: ids.admin },
      { action: 'session.sign_in_second_factor', outcome: 'failed', actor: ids.admin },
      { action: 'session.sign_in_second_factor', outcome: 'ok', actor: ids.admin },
      { action: 'invitation.created', outcome: 'ok', actor: ids.admin, fund: fundId, detail: { role: 'supervisor' } },
      { action: 'invitation.accepted', outcome: 'ok', actor: ids.invitee, fund: fundId },
      { action: 'membership.added', outcome: 'ok', actor: ids.invitee, resource: ids.invitee },
      { action: 'invitation.revoked', outcome: 'ok', actor: ids.admin, fund: fundId },
      { action: 'membership.removed', outcome: 'ok', actor: ids.admin, resource: ids.leaver },
      { action: 'user.disabled', outcome: 'ok', actor: ids.admin, resource: ids.victim },
      { action: 'password_reset.issued', outcome: 'ok', actor: ids.admin, resource: ids.member },
      { action: 'account.password_reset', outcome: 'ok', actor: ids.member, fund: fundId },
      {
        action: 'fund.totp_requirement_changed',
        outcome: 'ok',
        actor: ids.admin,
        resource: fundId,
        detail: { required: true }
      }
    ];
    for (const event of expected) expect(rows).toContainEqual(expect.objectContaining(event));
    // Five failures paused the name, and the six attempts after them were throttled, not checked.
    const victimFailures = rows.filter((row) => row.action === 'session.sign_in' && row.actor === ids.victim);
    expect(victimFailures).toHaveLength(ACCOUNT_FAILURES_FREE);
    expect(rows.filter((row) => row.action === 'session.throttled')).toHaveLength(11 - ACCOUNT_FAILURES_FREE);
  });

  it('holds no password, token, TOTP code or TOTP key, in any row', async () => {
    const rows = await owner<{ row: string }[]>`select e::text as row from events e order by id`;
    const text = rows.map(({ row }) => row).join('\n');
    expect(rows.length).toBeGreaterThan(30);
    expect(secrets.size).toBeGreaterThan(25);
    for (const secret of secrets) {
      expect(text, `events must not hold ${JSON.stringify(secret)}`).not.toContain(secret);
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it('cannot be changed by the app: UPDATE, DELETE and TRUNCATE are not granted to gongjian_app', async () => {
    const denied = { code: '42501' };
    await expect(app`update events set outcome = 'ok' where outcome = 'failed'`).rejects.toMatchObject(denied);
    await expect(app`delete from events`).rejects.toMatchObject(denied);
    await expect(app`truncate events`).rejects.toMatchObject(denied);
  });

  it('cannot be changed by the owner either: the trigger refuses with GJ011', async () => {
    const before = await events();
    await expect(owner`update events set outcome = 'ok' where outcome = 'failed'`).rejects.toMatchObject({
      code: 'GJ011'
    });
    await expect(owner`delete from events`).rejects.toMatchObject({ code: 'GJ011' });
    await expect(owner`truncate events`).rejects.toMatchObject({ code: 'GJ011' });
    expect(await events()).toEqual(before);
  });
});
