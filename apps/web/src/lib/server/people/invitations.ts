import { newFullSession } from './accounts';
import { recordEvent } from '../platform/audit';
import { isValidLoginName, normaliseLoginName } from '../auth/login-name';
import { checkNewPassword, hashPassword, type PasswordProblem } from '../auth/password';
import { invalidateUserSessions, type NewSession } from '../auth/session';
import { hashToken, isWellFormedToken } from '../auth/tokens';
import type { Sql, Transaction } from '../db/client';
import type { FundRole } from '../access/policy';

/**
 * Joining without email or SMS. A fund administrator hands a person a link (or shows its QR code
 * on a phone); the link is single-use, expires, and is stored only as a hash. Opening an
 * invitation lets the invitee choose a login name and password, or add the role to the account
 * they are signed in with; opening a reset link lets them choose a new password.
 */

export type LinkProblem = 'link_is_unknown' | 'link_was_used' | 'link_was_revoked' | 'link_has_expired';

export interface InvitationView {
  kind: 'invite' | 'reset';
  fundName: { zh: string; en: string };
  role: FundRole | null;
  unitName: string | null;
  compoundName: string | null;
  /** For a reset link: whose password it resets. */
  userDisplayName: string | null;
  expiresAt: Date;
}

interface LinkRow {
  id: string;
  kind: 'invite' | 'reset';
  fund_id: string;
  role: FundRole | null;
  unit_id: string | null;
  compound_id: string | null;
  user_id: string | null;
  expires_at: Date;
  used_at: Date | null;
  used_by: string | null;
  revoked_at: Date | null;
}

function problemOf(row: LinkRow | undefined, kind: LinkRow['kind'], now: Date): LinkProblem | null {
  if (row === undefined || row.kind !== kind) return 'link_is_unknown';
  if (row.used_at !== null) return 'link_was_used';
  if (row.revoked_at !== null) return 'link_was_revoked';
  if (row.expires_at.getTime() <= now.getTime()) return 'link_has_expired';
  return null;
}

async function findLink(db: Sql | Transaction, token: string, lock: boolean): Promise<LinkRow | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const [row] = await db<LinkRow[]>`
    select id::text as id, kind, fund_id::text as fund_id, role, unit_id::text as unit_id,
           compound_id::text as compound_id, user_id::text as user_id, expires_at, used_at,
           used_by::text as used_by, revoked_at
      from invitations where token_hash = ${hashToken(token)} ${lock ? db`for update` : db``}`;
  return row;
}

export async function viewLink(
  sql: Sql,
  input: { token: string; kind: 'invite' | 'reset'; now: Date }
): Promise<{ ok: true; view: InvitationView } | { ok: false; code: LinkProblem }> {
  const row = await findLink(sql, input.token, false);
  const problem = problemOf(row, input.kind, input.now);
  if (problem !== null || row === undefined) return { ok: false, code: problem ?? 'link_is_unknown' };
  const [names] = await sql<
    { name_zh: string; name_en: string; unit: string | null; compound: string | null; user_name: string | null }[]
  >`
    select f.name_zh, f.name_en,
           (select name from units where id = ${row.unit_id}) as unit,
           (select name from compounds where id = ${row.compound_id}) as compound,
           (select display_name from users where id = ${row.user_id}) as user_name
      from funds f where f.id = ${row.fund_id}`;
  if (names === undefined) return { ok: false, code: 'link_is_unknown' };
  return {
    ok: true,
    view: {
      kind: row.kind,
      fundName: { zh: names.name_zh, en: names.name_en },
      role: row.role,
      unitName: names.unit,
      compoundName: names.compound,
      userDisplayName: names.user_name,
      expiresAt: row.expires_at
    }
  };
}

export type AcceptResult =
  /** The session is null for a replay: the form sent again by the person who took the link up. */
  | { ok: true; session: NewSession | null; fundId: string }
  | { ok: false; code: LinkProblem | PasswordProblem | 'login_name_is_not_valid' | 'login_name_is_taken' };

type Newcomer = { kind: 'new'; displayName: string; loginName: string; password: string };
type SignedIn = { kind: 'existing'; userId: string };
/** A newcomer whose login name and password passed the checks, the password hashed. */
type CheckedNewcomer = { displayName: string; loginName: string; passwordHash: string };
type AcceptFailure = Exclude<AcceptResult, { ok: true }>;

/** Takes up an invitation: as a new account, or as a role added to the signed-in account. */
export async function acceptInvitation(
  sql: Sql,
  input: {
    token: string;
    now: Date;
    ip: string | null;
    account: Newcomer | SignedIn;
    /** Who sends the form, when signed in: the same form sent again after it went through. */
    signedInUserId?: string | null;
  }
): Promise<AcceptResult> {
  const { now, ip, account } = input;
  const newcomer = account.kind === 'new' ? await checkedNewcomer(account) : null;
  if (newcomer !== null && 'ok' in newcomer) return newcomer;
  return sql.begin(async (transaction): Promise<AcceptResult> => {
    const link = await findLink(transaction, input.token, true);
    const problem = problemOf(link, 'invite', now);
    // Taken up already by the person sending it: the form sent twice. Nothing is written again,
    // and the session the first answer gave is kept.
    if (
      problem === 'link_was_used' &&
      link !== undefined &&
      link.used_by !== null &&
      link.used_by === input.signedInUserId
    ) {
      return { ok: true, session: null, fundId: link.fund_id };
    }
    if (problem !== null || link === undefined || link.role === null)
      return { ok: false, code: problem ?? 'link_is_unknown' };
    const user = await accountIn(transaction, newcomer ?? (account as SignedIn), now);
    if ('ok' in user) return user;
    const session = await takeUpIn(transaction, { ...link, role: link.role }, { ...user, now, ip });
    return { ok: true, session, fundId: link.fund_id };
  });
}

/** Checks a newcomer's login name and password, and hashes the password. */
async function checkedNewcomer(account: Newcomer): Promise<CheckedNewcomer | AcceptFailure> {
  const loginName = normaliseLoginName(account.loginName);
  if (!isValidLoginName(loginName)) return { ok: false, code: 'login_name_is_not_valid' };
  const problem = checkNewPassword(account.password, { loginName });
  if (problem !== null) return { ok: false, code: problem };
  // Hashing takes tens of milliseconds; it happens before the transaction takes any lock.
  return { displayName: account.displayName.trim(), loginName, passwordHash: await hashPassword(account.password) };
}

/** The account that takes the role up: the newcomer's, created now, or the signed-in one, locked. */
async function accountIn(
  transaction: Transaction,
  account: CheckedNewcomer | SignedIn,
  now: Date
): Promise<{ userId: string; platformAdmin: boolean } | AcceptFailure> {
  if (!('kind' in account)) {
    const [created] = await transaction<{ id: string }[]>`
      insert into users (login_name, display_name, password_hash, created_at, password_changed_at)
      values (${account.loginName}, ${account.displayName}, ${account.passwordHash}, ${now}, ${now})
      on conflict (login_name) do nothing
      returning id::text as id`;
    if (created === undefined) return { ok: false, code: 'login_name_is_taken' };
    return { userId: created.id, platformAdmin: false };
  }
  const [user] = await transaction<{ platform_admin: boolean }[]>`
    select platform_admin from users where id = ${account.userId} and status = 'active' for update`;
  if (user === undefined) return { ok: false, code: 'link_is_unknown' };
  return { userId: account.userId, platformAdmin: user.platform_admin };
}

/** Gives the user the invitation's role, uses the link up, and starts the user's one new session. */
async function takeUpIn(
  transaction: Transaction,
  link: LinkRow & { role: FundRole },
  who: { userId: string; platformAdmin: boolean; now: Date; ip: string | null }
): Promise<NewSession> {
  const { userId, platformAdmin, now, ip } = who;
  await transaction`
    insert into memberships (fund_id, user_id, role, unit_id, compound_id, created_at)
    values (${link.fund_id}, ${userId}, ${link.role}, ${link.unit_id}, ${link.compound_id}, ${now})
    on conflict do nothing`;
  await transaction`update invitations set used_at = ${now}, used_by = ${userId} where id = ${link.id}`;
  // A new role can change how long sessions may last, so the user starts afresh everywhere.
  const revoked = await invalidateUserSessions(transaction, userId);
  const session = await newFullSession(transaction, { userId, platformAdmin, now, ip });
  const roleDetail = {
    role: link.role,
    ...(link.unit_id === null ? {} : { unitId: link.unit_id }),
    ...(link.compound_id === null ? {} : { compoundId: link.compound_id })
  };
  const at = { outcome: 'ok' as const, at: now, ip, actorUserId: userId, fundId: link.fund_id };
  await recordEvent(transaction, {
    action: 'invitation.accepted',
    ...at,
    resourceType: 'invitation',
    resourceId: link.id
  });
  await recordEvent(transaction, {
    action: 'membership.added',
    ...at,
    resourceType: 'user',
    resourceId: userId,
    detail: { ...roleDetail, sessionsRevoked: revoked }
  });
  return session;
}

export type ResetResult = { ok: true; session: NewSession } | { ok: false; code: LinkProblem | PasswordProblem };

/**
 * Sets a new password through an administrator's reset link. It also clears the second factor,
 * because a lost phone is the usual reason for the link; the user enrols again after signing in.
 */
export async function resetPassword(
  sql: Sql,
  input: { token: string; password: string; now: Date; ip: string | null }
): Promise<ResetResult> {
  const { now, ip } = input;
  const peek = await findLink(sql, input.token, false);
  const early = problemOf(peek, 'reset', now);
  if (early !== null || peek?.user_id === undefined || peek.user_id === null)
    return { ok: false, code: early ?? 'link_is_unknown' };
  const [owner] = await sql<{ login_name: string }[]>`select login_name from users where id = ${peek.user_id}`;
  const problem = checkNewPassword(input.password, owner === undefined ? {} : { loginName: owner.login_name });
  if (problem !== null) return { ok: false, code: problem };
  const passwordHash = await hashPassword(input.password);
  return sql.begin(async (transaction): Promise<ResetResult> => {
    const link = await findLink(transaction, input.token, true);
    const stillValid = problemOf(link, 'reset', now);
    if (stillValid !== null || link?.user_id === undefined || link.user_id === null)
      return { ok: false, code: stillValid ?? 'link_is_unknown' };
    const [user] = await transaction<{ platform_admin: boolean }[]>`
      update users set password_hash = ${passwordHash}, password_changed_at = ${now},
                       totp_key = null, totp_enrolled_at = null, totp_last_step = null
       where id = ${link.user_id} and status = 'active'
      returning platform_admin`;
    if (user === undefined) return { ok: false, code: 'link_is_unknown' };
    await transaction`update invitations set used_at = ${now}, used_by = ${link.user_id} where id = ${link.id}`;
    const revoked = await invalidateUserSessions(transaction, link.user_id);
    const session = await newFullSession(transaction, {
      userId: link.user_id,
      platformAdmin: user.platform_admin,
      now,
      ip
    });
    await recordEvent(transaction, {
      action: 'account.password_reset',
      outcome: 'ok',
      at: now,
      ip,
      actorUserId: link.user_id,
      fundId: link.fund_id,
      resourceType: 'invitation',
      resourceId: link.id,
      detail: { sessionsRevoked: revoked }
    });
    return { ok: true, session };
  });
}
