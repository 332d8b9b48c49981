import { recordEvent } from '../platform/audit';
import { normaliseLoginName } from '../auth/login-name';
import { invalidateUserSessions } from '../auth/session';
import { hashToken, newToken } from '../auth/tokens';
import type { Sql } from '../db/client';
import { FUND_ROLES, type FundRole } from '../access/policy';

/**
 * What the operator of an installation does from the command line (`npm run invite`): issuing
 * the first fund administrator's invitation, when no administrator exists yet who could do it in
 * the browser. The operator already holds the database; the command only spares them writing SQL.
 */
export type OperatorInvitationResult =
  | { ok: true; token: string; expiresAt: Date; fundName: string }
  | { ok: false; code: 'fund_is_unknown' | 'role_is_unknown' | 'place_is_unknown' | 'place_is_needed' };

export async function createOperatorInvitation(
  sql: Sql,
  input: { fundSlug: string; role: string; placeCode: string | null; label: string; validDays: number; now: Date }
): Promise<OperatorInvitationResult> {
  if (!(FUND_ROLES as readonly string[]).includes(input.role)) return { ok: false, code: 'role_is_unknown' };
  const role = input.role as FundRole;
  const needsPlace = role === 'leader' || role === 'committee';
  if (needsPlace && input.placeCode === null) return { ok: false, code: 'place_is_needed' };
  const token = newToken();
  const expiresAt = new Date(input.now.getTime() + Math.min(Math.max(input.validDays, 1), 14) * 86_400_000);
  return sql.begin(async (transaction): Promise<OperatorInvitationResult> => {
    const [fund] = await transaction<{ id: string; name_zh: string }[]>`
      select id::text as id, name_zh from funds where slug = ${input.fundSlug}`;
    if (fund === undefined) return { ok: false, code: 'fund_is_unknown' };
    let placeId: string | null = null;
    if (needsPlace) {
      const table = role === 'leader' ? 'units' : 'compounds';
      const [place] = await transaction<{ id: string }[]>`
        select id::text as id from ${transaction(table)} where fund_id = ${fund.id} and code = ${input.placeCode}`;
      if (place === undefined) return { ok: false, code: 'place_is_unknown' };
      placeId = place.id;
    }
    const [created] = await transaction<{ id: string }[]>`
      insert into invitations (fund_id, kind, token_hash, role, unit_id, compound_id, label, created_by, created_at, expires_at)
      values (${fund.id}, 'invite', ${hashToken(token)}, ${role}, ${role === 'leader' ? placeId : null},
              ${role === 'committee' ? placeId : null}, ${input.label.slice(0, 60)}, null, ${input.now}, ${expiresAt})
      returning id::text as id`;
    await recordEvent(transaction, {
      action: 'invitation.created',
      outcome: 'ok',
      at: input.now,
      fundId: fund.id,
      resourceType: 'invitation',
      ...(created === undefined ? {} : { resourceId: created.id }),
      detail: { role, reason: 'issued_by_operator' }
    });
    return { ok: true, token, expiresAt, fundName: fund.name_zh };
  });
}

export type GrantPlatformAdminResult =
  { ok: true; displayName: string; alreadyGranted: boolean } | { ok: false; code: 'user_is_unknown' };

/**
 * Makes an existing, active user a platform administrator (`npm run platform-admin`), who may
 * then set up funds at /admin/funds. Like the fund roles an invitation grants, it changes how long
 * the user's sessions may last, so they sign in afresh. Granting it twice changes nothing.
 */
export async function grantPlatformAdmin(
  sql: Sql,
  input: { loginName: string; now: Date }
): Promise<GrantPlatformAdminResult> {
  const loginName = normaliseLoginName(input.loginName);
  return sql.begin(async (transaction): Promise<GrantPlatformAdminResult> => {
    const [user] = await transaction<{ id: string; display_name: string; platform_admin: boolean }[]>`
      select id::text as id, display_name, platform_admin from users
       where login_name = ${loginName} and status = 'active' for update`;
    if (user === undefined) return { ok: false, code: 'user_is_unknown' };
    if (user.platform_admin) return { ok: true, displayName: user.display_name, alreadyGranted: true };
    await transaction`update users set platform_admin = true where id = ${user.id}`;
    const revoked = await invalidateUserSessions(transaction, user.id);
    await recordEvent(transaction, {
      action: 'user.platform_admin_granted',
      outcome: 'ok',
      at: input.now,
      resourceType: 'user',
      resourceId: user.id,
      detail: { reason: 'granted_by_operator', sessionsRevoked: revoked }
    });
    return { ok: true, displayName: user.display_name, alreadyGranted: false };
  });
}
