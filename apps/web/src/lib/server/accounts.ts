import { recordEvent } from './audit';
import { normaliseLoginName } from './auth/login-name';
import {
  checkNewPassword,
  hashPassword,
  verifyAgainstNothing,
  verifyPassword,
  type PasswordProblem
} from './auth/password';
import { createSession, invalidateSession, invalidateUserSessions, loadAccess, type NewSession } from './auth/session';
import { clearAccountFailures, lockedUntil, recordFailure, throttleKeys } from './auth/throttle';
import { matchTotpStep, newTotpKey } from './auth/totp';
import { hashToken, isWellFormedToken } from './auth/tokens';
import type { Sql, Transaction } from './db/client';
import { needsStrictSession } from './policy';

/**
 * Signing in and out, the second factor, and a user's own password: the use cases behind
 * /login, /logout and /account. Every outcome a person can cause is a typed result; every
 * security event lands in the audit trail, with no secret in it.
 */

export type Throttled = { ok: false; code: 'sign_in_is_throttled'; retryAt: Date };

export type SignInResult =
  | { ok: true; session: NewSession; secondFactorRequired: boolean }
  | Throttled
  | { ok: false; code: 'login_name_or_password_is_wrong' };

interface Attempt {
  ip: string | null;
  now: Date;
}

interface UserRow {
  id: string;
  login_name: string;
  password_hash: string;
  status: 'active' | 'disabled';
  platform_admin: boolean;
  totp_enrolled: boolean;
}

export async function signIn(
  sql: Sql,
  input: Attempt & { loginName: string; password: string; replacingToken?: string | null }
): Promise<SignInResult> {
  const { ip, now } = input;
  const loginName = normaliseLoginName(input.loginName);
  const keys = throttleKeys({ ip, loginName });
  const retryAt = await lockedUntil(sql, keys, now);
  if (retryAt !== null) {
    await recordEvent(sql, { action: 'session.throttled', outcome: 'denied', at: now, ip });
    return { ok: false, code: 'sign_in_is_throttled', retryAt };
  }
  const [user] = await sql<UserRow[]>`
    select id::text as id, login_name, password_hash, status, platform_admin, totp_enrolled_at is not null as totp_enrolled
      from users where login_name = ${loginName}`;
  const passwordIsRight = user
    ? await verifyPassword(user.password_hash, input.password)
    : await verifyAgainstNothing(input.password);
  if (user === undefined || !passwordIsRight || user.status !== 'active') {
    await recordFailure(sql, keys, now);
    // The attempted login name is not recorded for unknown accounts: people type their password
    // into the wrong field, and the audit trail must never hold one.
    await recordEvent(sql, {
      action: 'session.sign_in',
      outcome: 'failed',
      at: now,
      ip,
      actorUserId: user?.id ?? null,
      detail: {
        reason: user === undefined ? 'unknown_login_name' : passwordIsRight ? 'user_is_disabled' : 'wrong_password'
      }
    });
    return { ok: false, code: 'login_name_or_password_is_wrong' };
  }
  await clearAccountFailures(sql, loginName, now);
  const session = await sql.begin(async (transaction) => {
    // Whatever session this browser had before (perhaps someone else's on a shared phone) ends
    // here; the new sign-in always gets a new session.
    if (input.replacingToken) await invalidateSession(transaction, input.replacingToken);
    const access = await loadAccess(transaction, user.id);
    const strict = needsStrictSession({ platformAdmin: user.platform_admin, memberships: access.memberships });
    const created = await createSession(transaction, {
      userId: user.id,
      strict,
      secondFactorPending: user.totp_enrolled,
      now,
      ip
    });
    await recordEvent(transaction, {
      action: 'session.sign_in',
      outcome: 'ok',
      at: now,
      ip,
      actorUserId: user.id,
      ...(user.totp_enrolled ? { detail: { reason: 'second_factor_pending' } } : {})
    });
    return created;
  });
  return { ok: true, session, secondFactorRequired: user.totp_enrolled };
}

export type SecondFactorResult =
  | { ok: true; session: NewSession }
  | Throttled
  | { ok: false; code: 'second_factor_session_is_over' | 'totp_code_is_wrong' };

/** The TOTP code after the password: the pending session is replaced by a full one. */
export async function completeSecondFactor(
  sql: Sql,
  input: Attempt & { pendingToken: string; code: string }
): Promise<SecondFactorResult> {
  const { ip, now } = input;
  if (!isWellFormedToken(input.pendingToken)) return { ok: false, code: 'second_factor_session_is_over' };
  const [pending] = await sql<
    {
      user_id: string;
      login_name: string;
      totp_key: Uint8Array | null;
      totp_last_step: string | null;
      platform_admin: boolean;
    }[]
  >`
    select s.user_id::text as user_id, u.login_name, u.totp_key, u.totp_last_step::text as totp_last_step, u.platform_admin
      from sessions s join users u on u.id = s.user_id
     where s.token_hash = ${hashToken(input.pendingToken)} and s.second_factor_pending
       and s.expires_at > ${now} and u.status = 'active' and u.totp_enrolled_at is not null`;
  if (pending === undefined || pending.totp_key === null) return { ok: false, code: 'second_factor_session_is_over' };
  const keys = throttleKeys({ ip, loginName: pending.login_name });
  const retryAt = await lockedUntil(sql, keys, now);
  if (retryAt !== null) return { ok: false, code: 'sign_in_is_throttled', retryAt };
  const step = matchTotpStep({ key: pending.totp_key, code: input.code, now });
  const fresh = step !== null && (pending.totp_last_step === null || step > BigInt(pending.totp_last_step));
  if (step === null || !fresh) {
    await recordFailure(sql, keys, now);
    await recordEvent(sql, {
      action: 'session.sign_in_second_factor',
      outcome: 'failed',
      at: now,
      ip,
      actorUserId: pending.user_id,
      detail: { reason: step === null ? 'wrong_code' : 'code_already_used' }
    });
    return { ok: false, code: 'totp_code_is_wrong' };
  }
  return sql.begin(async (transaction): Promise<SecondFactorResult> => {
    // The step only moves forward; a concurrent request with the same code loses here.
    const moved = await transaction`
      update users set totp_last_step = ${step.toString()}
       where id = ${pending.user_id} and (totp_last_step is null or totp_last_step < ${step.toString()})`;
    if (moved.count === 0) return { ok: false, code: 'totp_code_is_wrong' };
    await invalidateSession(transaction, input.pendingToken);
    const access = await loadAccess(transaction, pending.user_id);
    const session = await createSession(transaction, {
      userId: pending.user_id,
      strict: needsStrictSession({ platformAdmin: pending.platform_admin, memberships: access.memberships }),
      secondFactorPending: false,
      now,
      ip
    });
    await recordEvent(transaction, {
      action: 'session.sign_in_second_factor',
      outcome: 'ok',
      at: now,
      ip,
      actorUserId: pending.user_id
    });
    return { ok: true, session };
  });
}

/**
 * Ends the session of this browser ("sign out here"), or, with `everywhere`, every session of its
 * user on every device ("sign out everywhere", for a lost phone or a shared computer left signed
 * in). A half-finished sign-in (the second factor still to come) has no user to end more of.
 */
export async function signOut(
  sql: Sql,
  input: Attempt & { token: string; userId: string | null; everywhere: boolean }
): Promise<void> {
  await sql.begin(async (transaction) => {
    await invalidateSession(transaction, input.token);
    if (input.userId === null) return;
    const ended = input.everywhere ? await invalidateUserSessions(transaction, input.userId) : 0;
    await recordEvent(transaction, {
      action: input.everywhere ? 'session.sign_out_everywhere' : 'session.sign_out',
      outcome: 'ok',
      at: input.now,
      ip: input.ip,
      actorUserId: input.userId,
      ...(input.everywhere ? { detail: { sessionsRevoked: ended } } : {})
    });
  });
}

export type ChangePasswordResult =
  { ok: true; session: NewSession } | Throttled | { ok: false; code: 'current_password_is_wrong' | PasswordProblem };

/** A new password signs the user out everywhere, then in again here. */
export async function changePassword(
  sql: Sql,
  input: Attempt & { userId: string; currentPassword: string; newPassword: string }
): Promise<ChangePasswordResult> {
  const { ip, now } = input;
  const [user] = await sql<UserRow[]>`
    select id::text as id, login_name, password_hash, status, platform_admin, false as totp_enrolled
      from users where id = ${input.userId} and status = 'active'`;
  if (user === undefined) return { ok: false, code: 'current_password_is_wrong' };
  const keys = throttleKeys({ ip, loginName: user.login_name });
  const retryAt = await lockedUntil(sql, keys, now);
  if (retryAt !== null) return { ok: false, code: 'sign_in_is_throttled', retryAt };
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    // A borrowed, signed-in phone must not become a way to guess the password without limit.
    await recordFailure(sql, keys, now);
    await recordEvent(sql, {
      action: 'account.password_changed',
      outcome: 'failed',
      at: now,
      ip,
      actorUserId: user.id,
      detail: { reason: 'current_password_is_wrong' }
    });
    return { ok: false, code: 'current_password_is_wrong' };
  }
  const problem = checkNewPassword(input.newPassword, { loginName: user.login_name });
  if (problem !== null) return { ok: false, code: problem };
  const passwordHash = await hashPassword(input.newPassword);
  const session = await sql.begin(async (transaction) => {
    await transaction`update users set password_hash = ${passwordHash}, password_changed_at = ${now} where id = ${user.id}`;
    const revoked = await invalidateUserSessions(transaction, user.id);
    const created = await newFullSession(transaction, { userId: user.id, platformAdmin: user.platform_admin, now, ip });
    await recordEvent(transaction, {
      action: 'account.password_changed',
      outcome: 'ok',
      at: now,
      ip,
      actorUserId: user.id,
      detail: { sessionsRevoked: revoked }
    });
    return created;
  });
  return { ok: true, session };
}

export type TotpEnrolment = { enrolled: true } | { enrolled: false; key: Uint8Array; loginName: string };

/** The key to show as a QR code; it is kept until enrolment is confirmed with a code. */
export async function beginTotpEnrolment(sql: Sql, userId: string): Promise<TotpEnrolment> {
  const [user] = await sql<{ login_name: string; totp_key: Uint8Array | null; enrolled: boolean }[]>`
    select login_name, totp_key, totp_enrolled_at is not null as enrolled from users where id = ${userId}`;
  if (user === undefined) throw new Error(`beginTotpEnrolment: user ${userId} does not exist`);
  if (user.enrolled) return { enrolled: true };
  if (user.totp_key !== null) return { enrolled: false, key: user.totp_key, loginName: user.login_name };
  const key = newTotpKey();
  // Two tabs opening the page at once must show the same key, so only the first one sets it.
  const [kept] = await sql<{ totp_key: Uint8Array }[]>`
    update users set totp_key = coalesce(totp_key, ${key}) where id = ${userId} returning totp_key`;
  return { enrolled: false, key: kept?.totp_key ?? key, loginName: user.login_name };
}

export type ConfirmTotpResult = { ok: true } | { ok: false; code: 'totp_code_is_wrong' | 'totp_is_already_enrolled' };

export async function confirmTotpEnrolment(
  sql: Sql,
  input: Attempt & { userId: string; code: string }
): Promise<ConfirmTotpResult> {
  const { ip, now } = input;
  return sql.begin(async (transaction): Promise<ConfirmTotpResult> => {
    const [user] = await transaction<{ totp_key: Uint8Array | null; enrolled: boolean }[]>`
      select totp_key, totp_enrolled_at is not null as enrolled from users where id = ${input.userId} for update`;
    if (user === undefined || user.enrolled) return { ok: false, code: 'totp_is_already_enrolled' };
    const step = user.totp_key === null ? null : matchTotpStep({ key: user.totp_key, code: input.code, now });
    if (step === null) return { ok: false, code: 'totp_code_is_wrong' };
    await transaction`
      update users set totp_enrolled_at = ${now}, totp_last_step = ${step.toString()} where id = ${input.userId}`;
    await recordEvent(transaction, {
      action: 'account.totp_enrolled',
      outcome: 'ok',
      at: now,
      ip,
      actorUserId: input.userId
    });
    return { ok: true };
  });
}

/** A full (not second-factor-pending) session, strict or sliding by the user's current roles. */
export async function newFullSession(
  transaction: Transaction,
  options: { userId: string; platformAdmin: boolean; now: Date; ip: string | null }
): Promise<NewSession> {
  const access = await loadAccess(transaction, options.userId);
  return createSession(transaction, {
    userId: options.userId,
    strict: needsStrictSession({ platformAdmin: options.platformAdmin, memberships: access.memberships }),
    secondFactorPending: false,
    now: options.now,
    ip: options.ip
  });
}
