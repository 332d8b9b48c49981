import { recordEvent, type EventAction } from '../platform/audit';
import { normaliseLoginName } from '../auth/login-name';
import {
  checkNewPassword,
  hashPassword,
  verifyAgainstNothing,
  verifyPassword,
  type PasswordProblem
} from '../auth/password';
import { createSession, invalidateSession, invalidateUserSessions, loadAccess, type NewSession } from '../auth/session';
import {
  clearAccountFailures,
  lockedUntil,
  recordFailure,
  signInKeys,
  throttleKeys,
  type SignInKeys
} from '../auth/throttle';
import { matchTotpStep, newTotpKey } from '../auth/totp';
import { hashToken, isWellFormedToken } from '../auth/tokens';
import type { Sql, Transaction } from '../db/client';
import { needsStrictSession } from '../access/policy';

/**
 * Signing in and out, the second factor, and a user's own password: the use cases behind
 * /login, /logout and /account. Every outcome a person can cause is a typed result; every
 * security event lands in the audit trail, with no secret in it.
 */

export type Throttled = {
  ok: false;
  code: 'sign_in_is_throttled';
  retryAt: Date;
  /**
   * Only the login name is paused (not the address, nor its second factor): the password with a
   * valid code from the account's authenticator app still signs in now, and the page says so.
   */
  secondFactorPasses: boolean;
};

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
  totp_key: Uint8Array | null;
  totp_last_step: string | null;
}

const WRONG: SignInResult = { ok: false, code: 'login_name_or_password_is_wrong' };

async function throttledAttempt(
  sql: Sql,
  attempt: Attempt & { retryAt: Date; secondFactorPasses: boolean }
): Promise<Throttled> {
  await recordEvent(sql, { action: 'session.throttled', outcome: 'denied', at: attempt.now, ip: attempt.ip });
  return {
    ok: false,
    code: 'sign_in_is_throttled',
    retryAt: attempt.retryAt,
    secondFactorPasses: attempt.secondFactorPasses
  };
}

/** The address, or the login name's second factor, paused: nothing is checked until it ends. */
async function hardLock(sql: Sql, keys: SignInKeys, now: Date): Promise<Date | null> {
  return lockedUntil(sql, keys.address === null ? [keys.secondFactor] : [keys.address, keys.secondFactor], now);
}

/**
 * Signing in. Without a code: the password, then (for an account with a second factor) a
 * pending session that /login/totp completes. With a code (`totpCode`, which the page asks for
 * while the login name is paused): the password and the code together, in one step. While the
 * login name is paused only that second way is open, so a stranger's wrong passwords never keep
 * out someone with two-step verification, and the password alone is not even checked.
 */
export async function signIn(
  sql: Sql,
  input: Attempt & { loginName: string; password: string; totpCode?: string; replacingToken?: string | null }
): Promise<SignInResult> {
  const { ip, now } = input;
  const loginName = normaliseLoginName(input.loginName);
  const keys = signInKeys({ ip, loginName });
  const locked = await hardLock(sql, keys, now);
  if (locked !== null) return throttledAttempt(sql, { ip, now, retryAt: locked, secondFactorPasses: false });
  const paused = await lockedUntil(sql, [keys.loginName], now);
  const code = input.totpCode?.replace(/\s/g, '') ?? '';
  if (paused !== null && code === '') {
    return throttledAttempt(sql, { ip, now, retryAt: paused, secondFactorPasses: true });
  }
  const [user] = await sql<UserRow[]>`
    select id::text as id, login_name, password_hash, status, platform_admin,
           totp_enrolled_at is not null as totp_enrolled, totp_key, totp_last_step::text as totp_last_step
      from users where login_name = ${loginName}`;
  const passwordIsRight = user
    ? await verifyPassword(user.password_hash, input.password)
    : await verifyAgainstNothing(input.password);
  const attempt = { sql, keys, ip, now, user, passwordIsRight, replacingToken: input.replacingToken ?? null };
  // While the name is paused, the code decides alone whether anything is checked; otherwise a code
  // counts only for an account that has a second factor.
  if (code !== '' && (paused !== null || user?.totp_enrolled === true)) return signInWithCode({ ...attempt, code });
  if (user === undefined || !passwordIsRight || user.status !== 'active') {
    await recordFailure(sql, [keys.loginName, ...(keys.address === null ? [] : [keys.address])], now);
    // The attempted login name is not recorded for unknown accounts: people type their password
    // into the wrong field, and the audit trail must never hold one.
    await recordSignInFailure(sql, { ip, now, userId: user?.id ?? null, reason: failureReason(user, passwordIsRight) });
    return WRONG;
  }
  // With a second factor still to come, only the password's count is cleared, not the codes'.
  await clearAccountFailures(sql, loginName, now, { secondFactor: !user.totp_enrolled });
  const session = await startSession(sql, {
    user,
    ip,
    now,
    secondFactorPending: user.totp_enrolled,
    replacingToken: attempt.replacingToken
  });
  return { ok: true, session, secondFactorRequired: user.totp_enrolled };
}

function failureReason(user: UserRow | undefined, passwordIsRight: boolean): string {
  return user === undefined ? 'unknown_login_name' : passwordIsRight ? 'user_is_disabled' : 'wrong_password';
}

async function recordSignInFailure(
  db: Sql | Transaction,
  attempt: Attempt & { userId: string | null; reason: string; action?: EventAction }
): Promise<void> {
  await recordEvent(db, {
    action: attempt.action ?? 'session.sign_in',
    outcome: 'failed',
    at: attempt.now,
    ip: attempt.ip,
    actorUserId: attempt.userId,
    detail: { reason: attempt.reason }
  });
}

/**
 * The password and the code in one step. Every way of being wrong (no such account, no second
 * factor, wrong password, wrong or used code) gets the same answer and the same count, so a paused
 * name tells a guesser nothing about the password. A wrong code after the right password counts
 * against the name's second factor too, which only someone who knows the password can set off.
 */
async function signInWithCode(attempt: {
  sql: Sql;
  keys: SignInKeys;
  ip: string | null;
  now: Date;
  user: UserRow | undefined;
  passwordIsRight: boolean;
  code: string;
  replacingToken: string | null;
}): Promise<SignInResult> {
  const { sql, keys, ip, now, user } = attempt;
  const ready = user !== undefined && user.status === 'active' && user.totp_enrolled && attempt.passwordIsRight;
  const step = ready ? freshTotpStep(user, attempt.code, now) : null;
  const taken = step !== null && user !== undefined && (await takeTotpStep(sql, user.id, step));
  if (!taken || user === undefined) {
    const counted = [keys.loginName, ...(keys.address === null ? [] : [keys.address])];
    await recordFailure(sql, ready ? [...counted, keys.secondFactor] : counted, now);
    const reason = ready
      ? 'wrong_code'
      : user?.totp_enrolled === false
        ? 'no_second_factor'
        : failureReason(user, attempt.passwordIsRight);
    await recordSignInFailure(sql, { ip, now, userId: user?.id ?? null, reason });
    const paused = await lockedUntil(sql, [keys.loginName], now);
    return paused === null
      ? WRONG
      : { ok: false, code: 'sign_in_is_throttled', retryAt: paused, secondFactorPasses: true };
  }
  await clearAccountFailures(sql, user.login_name, now);
  const session = await startSession(sql, { ...attempt, user, secondFactorPending: false, withCode: true });
  return { ok: true, session, secondFactorRequired: false };
}

/** The step of a code that is right now and newer than the last one used, or null. */
function freshTotpStep(user: Pick<UserRow, 'totp_key' | 'totp_last_step'>, code: string, now: Date): bigint | null {
  if (user.totp_key === null) return null;
  const step = matchTotpStep({ key: user.totp_key, code, now });
  if (step === null || (user.totp_last_step !== null && step <= BigInt(user.totp_last_step))) return null;
  return step;
}

/** Marks a code's step used; false when a concurrent request took it (or a later one) first. */
async function takeTotpStep(db: Sql | Transaction, userId: string, step: bigint): Promise<boolean> {
  const moved = await db`
    update users set totp_last_step = ${step.toString()}
     where id = ${userId} and (totp_last_step is null or totp_last_step < ${step.toString()})`;
  return moved.count > 0;
}

/** A new session for a sign-in that passed, replacing whatever session this browser had. */
async function startSession(
  sql: Sql,
  options: Attempt & {
    user: UserRow;
    secondFactorPending: boolean;
    replacingToken: string | null;
    withCode?: boolean;
  }
): Promise<NewSession> {
  const { user, ip, now } = options;
  return sql.begin(async (transaction) => {
    // Whatever session this browser had before (perhaps someone else's on a shared phone) ends
    // here; the new sign-in always gets a new session.
    if (options.replacingToken) await invalidateSession(transaction, options.replacingToken);
    const access = await loadAccess(transaction, user.id);
    const created = await createSession(transaction, {
      userId: user.id,
      strict: needsStrictSession({ platformAdmin: user.platform_admin, ...access }),
      secondFactorPending: options.secondFactorPending,
      now,
      ip
    });
    const reason = options.secondFactorPending
      ? 'second_factor_pending'
      : options.withCode
        ? 'password_and_code'
        : null;
    await recordEvent(transaction, {
      action: 'session.sign_in',
      outcome: 'ok',
      at: now,
      ip,
      actorUserId: user.id,
      ...(reason === null ? {} : { detail: { reason } })
    });
    return created;
  });
}

export type SecondFactorResult =
  | { ok: true; session: NewSession }
  | Throttled
  | { ok: false; code: 'second_factor_session_is_over' | 'totp_code_is_wrong' };

/**
 * The TOTP code after the password: the pending session is replaced by a full one. The password
 * was right, so a paused login name does not stop it; the address and the second factor's own
 * count do.
 */
export async function completeSecondFactor(
  sql: Sql,
  input: Attempt & { pendingToken: string; code: string }
): Promise<SecondFactorResult> {
  const { ip, now } = input;
  if (!isWellFormedToken(input.pendingToken)) return { ok: false, code: 'second_factor_session_is_over' };
  const [pending] = await sql<
    (Pick<UserRow, 'login_name' | 'totp_key' | 'totp_last_step' | 'platform_admin'> & { user_id: string })[]
  >`
    select s.user_id::text as user_id, u.login_name, u.totp_key, u.totp_last_step::text as totp_last_step, u.platform_admin
      from sessions s join users u on u.id = s.user_id
     where s.token_hash = ${hashToken(input.pendingToken)} and s.second_factor_pending
       and s.expires_at > ${now} and u.status = 'active' and u.totp_enrolled_at is not null`;
  if (pending === undefined || pending.totp_key === null) return { ok: false, code: 'second_factor_session_is_over' };
  const keys = signInKeys({ ip, loginName: pending.login_name });
  const retryAt = await hardLock(sql, keys, now);
  if (retryAt !== null) return { ok: false, code: 'sign_in_is_throttled', retryAt, secondFactorPasses: false };
  const step = freshTotpStep(pending, input.code, now);
  if (step === null) {
    await recordFailure(sql, keys.address === null ? [keys.secondFactor] : [keys.address, keys.secondFactor], now);
    const reason =
      matchTotpStep({ key: pending.totp_key, code: input.code, now }) === null ? 'wrong_code' : 'code_already_used';
    await recordSignInFailure(sql, {
      ip,
      now,
      userId: pending.user_id,
      reason,
      action: 'session.sign_in_second_factor'
    });
    return { ok: false, code: 'totp_code_is_wrong' };
  }
  return sql.begin(async (transaction): Promise<SecondFactorResult> => {
    // The step only moves forward; a concurrent request with the same code loses here.
    if (!(await takeTotpStep(transaction, pending.user_id, step))) return { ok: false, code: 'totp_code_is_wrong' };
    await clearAccountFailures(transaction, pending.login_name, now);
    await invalidateSession(transaction, input.pendingToken);
    const session = await newFullSession(transaction, {
      userId: pending.user_id,
      platformAdmin: pending.platform_admin,
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
  const [user] = await sql<Pick<UserRow, 'id' | 'login_name' | 'password_hash' | 'platform_admin'>[]>`
    select id::text as id, login_name, password_hash, platform_admin
      from users where id = ${input.userId} and status = 'active'`;
  if (user === undefined) return { ok: false, code: 'current_password_is_wrong' };
  const keys = throttleKeys({ ip, loginName: user.login_name });
  const retryAt = await lockedUntil(sql, keys, now);
  if (retryAt !== null) return { ok: false, code: 'sign_in_is_throttled', retryAt, secondFactorPasses: false };
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
    strict: needsStrictSession({ platformAdmin: options.platformAdmin, ...access }),
    secondFactorPending: false,
    now: options.now,
    ip: options.ip
  });
}
