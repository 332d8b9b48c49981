import type { Cookies } from '@sveltejs/kit';
import type { Sql, Transaction } from '../db/client';
import type postgres from 'postgres';
import type { Membership } from '../access/policy';
import { hashToken, isWellFormedToken, newToken, tokenMatches } from './tokens';

/**
 * Sessions after the Lucia guide (lucia-auth.com, "Sessions"): the cookie carries a random
 * token, the database keeps only its SHA-256, and a lookup compares the two in constant time.
 * Committee members stay signed in for 30 days of use (sliding); leadership members, supervisors
 * and administrators, whose clicks move money, get 12 hours from sign-in and not a minute more.
 * The clock is always passed in, so tests can move it.
 */
export const SESSION_COOKIE = 'gj_session';
export const SLIDING_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** A sliding session is renewed once less than half its lifetime is left, not on every request. */
export const SLIDING_RENEW_WITHIN_MS = SLIDING_LIFETIME_MS / 2;
export const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** Between the password and the TOTP code. */
export const SECOND_FACTOR_WINDOW_MS = 10 * 60 * 1000;

export interface SessionUser {
  id: string;
  loginName: string;
  displayName: string;
  platformAdmin: boolean;
  totpEnrolled: boolean;
}

export interface ValidSession {
  userId: string;
  expiresAt: Date;
  secondFactorPending: boolean;
  /** The expiry moved; the cookie must be set again with the new date. */
  renewed: boolean;
  user: SessionUser;
  memberships: Membership[];
  fundsRequiringTotp: string[];
  /** The funds of the regions the user is a region officer of (see policy.ts, READ_ACTIONS). */
  regionFundIds: string[];
}

export interface NewSession {
  token: string;
  expiresAt: Date;
}

type Db = Sql | Transaction;

export async function createSession(
  db: Db,
  options: { userId: string; strict: boolean; secondFactorPending: boolean; now: Date; ip: string | null }
): Promise<NewSession> {
  const token = newToken();
  const { now } = options;
  const absoluteExpiresAt = options.strict ? new Date(now.getTime() + ABSOLUTE_LIFETIME_MS) : null;
  const lifetime = options.secondFactorPending
    ? SECOND_FACTOR_WINDOW_MS
    : options.strict
      ? ABSOLUTE_LIFETIME_MS
      : SLIDING_LIFETIME_MS;
  const expiresAt = new Date(now.getTime() + lifetime);
  // Expired sessions are otherwise removed only when their cookie comes back; a sign-in clears the
  // user's own, so the table stays the size of the sessions in use.
  await db`delete from sessions where user_id = ${options.userId} and expires_at <= ${now}`;
  await db`
    insert into sessions (token_hash, user_id, created_at, expires_at, absolute_expires_at, second_factor_pending, ip)
    values (${hashToken(token)}, ${options.userId}, ${now}, ${expiresAt}, ${absoluteExpiresAt},
            ${options.secondFactorPending}, ${options.ip})`;
  return { token, expiresAt };
}

interface SessionRow {
  token_hash: Uint8Array;
  user_id: string;
  expires_at: Date;
  absolute_expires_at: Date | null;
  second_factor_pending: boolean;
  login_name: string;
  display_name: string;
  platform_admin: boolean;
  totp_enrolled: boolean;
  access: (Membership & { totpRequired: boolean })[];
  region_funds: string[];
}

/** The session behind a cookie token, renewed if it slides, or null if it is unknown or over. */
export async function validateSessionToken(sql: Sql, token: string, now: Date): Promise<ValidSession | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await sql<SessionRow[]>`
    select s.token_hash, s.user_id::text as user_id, s.expires_at, s.absolute_expires_at, s.second_factor_pending,
           u.login_name, u.display_name, u.platform_admin, u.totp_enrolled_at is not null as totp_enrolled,
           -- The roles come in the same round trip: this runs on every signed-in request.
           coalesce((
             select json_agg(json_build_object(
                      'fundId', m.fund_id::text, 'role', m.role, 'unitId', m.unit_id::text,
                      'compoundId', m.compound_id::text, 'totpRequired', f.totp_required)
                    order by m.fund_id, m.role, m.id)
               from memberships m join funds f on f.id = m.fund_id
              where m.user_id = s.user_id), '[]') as access,
           ${regionFundsOf(sql, sql`s.user_id`)} as region_funds
      from sessions s join users u on u.id = s.user_id
     where s.token_hash = ${hashToken(token)} and u.status = 'active'`;
  if (row === undefined || !tokenMatches(token, row.token_hash)) return null;
  if (now.getTime() >= row.expires_at.getTime()) {
    await sql`delete from sessions where token_hash = ${row.token_hash}`;
    return null;
  }
  let expiresAt = row.expires_at;
  let renewed = false;
  const slides = row.absolute_expires_at === null && !row.second_factor_pending;
  if (slides && expiresAt.getTime() - now.getTime() < SLIDING_RENEW_WITHIN_MS) {
    expiresAt = new Date(now.getTime() + SLIDING_LIFETIME_MS);
    renewed = true;
    await sql`update sessions set expires_at = ${expiresAt} where token_hash = ${row.token_hash}`;
  }
  const access = splitAccess(row.access);
  return {
    userId: row.user_id,
    expiresAt,
    secondFactorPending: row.second_factor_pending,
    renewed,
    user: {
      id: row.user_id,
      loginName: row.login_name,
      displayName: row.display_name,
      platformAdmin: row.platform_admin,
      totpEnrolled: row.totp_enrolled
    },
    ...access,
    regionFundIds: row.region_funds
  };
}

/**
 * The funds of every region the user is an officer of, as a text array: a street's funds, and a
 * county's through its streets. It runs in the session's own round trip.
 */
function regionFundsOf(db: Db, userId: postgres.Fragment) {
  return db`coalesce((
    select array_agg(distinct f.id::text)
      from region_officers o
      join regions street on street.id = o.region_id or street.parent_id = o.region_id
      join funds f on f.region_id = street.id
     where o.user_id = ${userId}), '{}')`;
}

/** A user's roles, and which of their funds require a second factor. */
export async function loadAccess(
  db: Db,
  userId: string
): Promise<{ memberships: Membership[]; fundsRequiringTotp: string[]; regionFundIds: string[] }> {
  const rows = await db<(Membership & { totpRequired: boolean })[]>`
    select m.fund_id::text as "fundId", m.role, m.unit_id::text as "unitId", m.compound_id::text as "compoundId",
           f.totp_required as "totpRequired"
      from memberships m join funds f on f.id = m.fund_id
     where m.user_id = ${userId}
     order by m.fund_id, m.role, m.id`;
  const [region] = await db<{ funds: string[] }[]>`select ${regionFundsOf(db, db`${userId}::bigint`)} as funds`;
  return { ...splitAccess(rows), regionFundIds: region?.funds ?? [] };
}

function splitAccess(rows: readonly (Membership & { totpRequired: boolean })[]): {
  memberships: Membership[];
  fundsRequiringTotp: string[];
} {
  const memberships = rows.map(({ fundId, role, unitId, compoundId }) => ({ fundId, role, unitId, compoundId }));
  const fundsRequiringTotp = [...new Set(rows.filter((row) => row.totpRequired).map((row) => row.fundId))];
  return { memberships, fundsRequiringTotp };
}

export async function invalidateSession(db: Db, token: string): Promise<void> {
  if (!isWellFormedToken(token)) return;
  await db`delete from sessions where token_hash = ${hashToken(token)}`;
}

/** How many signed-in sessions the user has now, on every device, for the account page. */
export async function countUserSessions(db: Db, userId: string, now: Date): Promise<number> {
  const [row] = await db<{ count: number }[]>`
    select count(*)::int as count from sessions
     where user_id = ${userId} and expires_at > ${now} and not second_factor_pending`;
  return row?.count ?? 0;
}

/**
 * Signs the user out everywhere: when they ask to ("sign out everywhere" on the account page),
 * after a password change, a role change, or disabling.
 */
export async function invalidateUserSessions(db: Db, userId: string): Promise<number> {
  const deleted = await db`delete from sessions where user_id = ${userId}`;
  return deleted.count;
}

export function setSessionCookie(cookies: Cookies, session: NewSession, secure: boolean): void {
  cookies.set(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires: session.expiresAt
  });
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean): void {
  cookies.set(SESSION_COOKIE, '', { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 0 });
}
