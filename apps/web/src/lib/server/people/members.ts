import { recordEvent, type EventDetail, type EventRecord } from '../platform/audit';
import { invalidateUserSessions } from '../auth/session';
import { hashToken, newToken } from '../auth/tokens';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor, type DenyReason, type FundRole } from '../access/policy';

/**
 * A fund administrator's people page: who holds which role, the open invitation and reset links,
 * and the fund's second-factor rule. Each command is one transaction that re-asks the policy
 * about the rows it locked, and leaves an event.
 */

export const INVITATION_VALID_DAYS_MAX = 14;
export const RESET_LINK_VALID_HOURS = 24;

export interface FundRow {
  id: string;
  slug: string;
  nameZh: string;
  nameEn: string;
  totpRequired: boolean;
}

export async function findFund(sql: Sql, slug: string): Promise<FundRow | null> {
  const [fund] = await sql<FundRow[]>`
    select id::text as id, slug, name_zh as "nameZh", name_en as "nameEn", totp_required as "totpRequired"
      from funds where slug = ${slug}`;
  return fund ?? null;
}

export interface MemberView {
  membershipId: string;
  userId: string;
  displayName: string;
  loginName: string;
  status: 'active' | 'disabled';
  role: FundRole;
  unitName: string | null;
  compoundName: string | null;
  totpEnrolled: boolean;
}

export interface InvitationListItem {
  id: string;
  kind: 'invite' | 'reset';
  role: FundRole | null;
  label: string;
  forUser: string | null;
  unitName: string | null;
  compoundName: string | null;
  createdAt: Date;
  expiresAt: Date;
  state: 'open' | 'used' | 'revoked' | 'expired';
}

export interface Place {
  id: string;
  name: string;
}

export interface MembersOverview {
  members: MemberView[];
  invitations: InvitationListItem[];
  units: Place[];
  compounds: Place[];
}

export async function membersOverview(sql: Sql, fundId: string, now: Date): Promise<MembersOverview> {
  const members = await sql<MemberView[]>`
    select m.id::text as "membershipId", u.id::text as "userId", u.display_name as "displayName",
           u.login_name as "loginName", u.status, m.role, un.name as "unitName", c.name as "compoundName",
           u.totp_enrolled_at is not null as "totpEnrolled"
      from memberships m
      join users u on u.id = m.user_id
      left join units un on un.id = m.unit_id
      left join compounds c on c.id = m.compound_id
     where m.fund_id = ${fundId}
     order by array_position(array['fund_admin','leader','supervisor','committee'], m.role), u.display_name, m.id`;
  const invitations = await sql<InvitationListItem[]>`
    select i.id::text as id, i.kind, i.role, i.label, u.display_name as "forUser",
           un.name as "unitName", c.name as "compoundName", i.created_at as "createdAt", i.expires_at as "expiresAt",
           case when i.used_at is not null then 'used' when i.revoked_at is not null then 'revoked'
                when i.expires_at <= ${now} then 'expired' else 'open' end as state
      from invitations i
      left join users u on u.id = i.user_id
      left join units un on un.id = i.unit_id
      left join compounds c on c.id = i.compound_id
     where i.fund_id = ${fundId}
     order by i.created_at desc, i.id desc
     limit 50`;
  const units = await sql<Place[]>`select id::text as id, name from units where fund_id = ${fundId} order by code`;
  const compounds = await sql<
    Place[]
  >`select id::text as id, name from compounds where fund_id = ${fundId} order by code`;
  return { members, invitations, units, compounds };
}

type Denied = { ok: false; code: 'not_allowed'; reason: DenyReason };

interface Command {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

function actorId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

function refuse(actor: Actor, fundId: string): Denied | null {
  const decision = can(actor, 'fund.members.manage', { fundId });
  return decision.allowed ? null : { ok: false, code: 'not_allowed', reason: decision.reason };
}

/** The event of a command that went through: by the command's actor, in its fund, at its time. */
async function recordDone(
  transaction: Transaction,
  input: Command,
  event: Pick<EventRecord, 'action' | 'resourceType' | 'resourceId' | 'detail'>
): Promise<void> {
  await recordEvent(transaction, {
    ...event,
    outcome: 'ok',
    at: input.now,
    ip: input.ip,
    actorUserId: actorId(input.actor),
    fundId: input.fundId
  });
}

/** A role as an event tells it: the role, and the unit or compound it is for when it has one. */
function roleDetail(role: FundRole, unitId: string | null, compoundId: string | null): EventDetail {
  return { role, ...(unitId === null ? {} : { unitId }), ...(compoundId === null ? {} : { compoundId }) };
}

export type CreateInvitationResult =
  | { ok: true; token: string; invitationId: string; expiresAt: Date }
  | Denied
  | { ok: false; code: 'place_must_belong_to_fund' };

export async function createInvitation(
  sql: Sql,
  input: Command & { role: FundRole; placeId: string | null; label: string; validDays: number }
): Promise<CreateInvitationResult> {
  const denied = refuse(input.actor, input.fundId);
  if (denied) return denied;
  const unitId = input.role === 'leader' ? input.placeId : null;
  const compoundId = input.role === 'committee' ? input.placeId : null;
  const needsPlace = input.role === 'leader' || input.role === 'committee';
  if (needsPlace !== (input.placeId !== null)) return { ok: false, code: 'place_must_belong_to_fund' };
  const token = newToken();
  const days = Math.min(Math.max(Math.trunc(input.validDays), 1), INVITATION_VALID_DAYS_MAX);
  const expiresAt = new Date(input.now.getTime() + days * 24 * 60 * 60 * 1000);
  return sql.begin(async (transaction): Promise<CreateInvitationResult> => {
    const placeTable = input.role === 'leader' ? 'units' : 'compounds';
    if (input.placeId !== null) {
      const [place] = await transaction`
        select 1 from ${transaction(placeTable)} where id = ${input.placeId} and fund_id = ${input.fundId}`;
      if (place === undefined) return { ok: false, code: 'place_must_belong_to_fund' };
    }
    const [created] = await transaction<{ id: string }[]>`
      insert into invitations (fund_id, kind, token_hash, role, unit_id, compound_id, label, created_by, created_at, expires_at)
      values (${input.fundId}, 'invite', ${hashToken(token)}, ${input.role}, ${unitId}, ${compoundId},
              ${input.label.trim()}, ${actorId(input.actor)}, ${input.now}, ${expiresAt})
      returning id::text as id`;
    if (created === undefined) throw new Error('createInvitation: insert returned no row');
    await recordDone(transaction, input, {
      action: 'invitation.created',
      resourceType: 'invitation',
      resourceId: created.id,
      detail: roleDetail(input.role, unitId, compoundId)
    });
    return { ok: true, token, invitationId: created.id, expiresAt };
  });
}

export type SimpleResult = { ok: true } | Denied | { ok: false; code: 'item_is_not_in_this_fund' };

export async function revokeInvitation(sql: Sql, input: Command & { invitationId: string }): Promise<SimpleResult> {
  const denied = refuse(input.actor, input.fundId);
  if (denied) return denied;
  return sql.begin(async (transaction): Promise<SimpleResult> => {
    const [invitation] = await transaction<{ used: boolean; revoked: boolean }[]>`
      select used_at is not null as used, revoked_at is not null as revoked
        from invitations where id = ${input.invitationId} and fund_id = ${input.fundId} for update`;
    if (invitation === undefined || invitation.used) return { ok: false, code: 'item_is_not_in_this_fund' };
    // Revoked already: the same form sent twice changes nothing and says so as the first did.
    if (invitation.revoked) return { ok: true };
    await transaction`update invitations set revoked_at = ${input.now} where id = ${input.invitationId}`;
    await recordDone(transaction, input, {
      action: 'invitation.revoked',
      resourceType: 'invitation',
      resourceId: input.invitationId
    });
    return { ok: true };
  });
}

/** Ends one role in this fund; the person is signed out everywhere, as after any role change. */
export async function removeMembership(sql: Sql, input: Command & { membershipId: string }): Promise<SimpleResult> {
  const denied = refuse(input.actor, input.fundId);
  if (denied) return denied;
  return sql.begin(async (transaction): Promise<SimpleResult> => {
    const [membership] = await transaction<
      { user_id: string; role: FundRole; unit_id: string | null; compound_id: string | null }[]
    >`
      select user_id::text as user_id, role, unit_id::text as unit_id, compound_id::text as compound_id
        from memberships where id = ${input.membershipId} and fund_id = ${input.fundId} for update`;
    if (membership === undefined) {
      // Removed already by this fund's office: the same form sent twice.
      return (await membershipRemovedIn(transaction, input))
        ? { ok: true }
        : { ok: false, code: 'item_is_not_in_this_fund' };
    }
    if (membership.user_id === actorId(input.actor)) {
      return { ok: false, code: 'not_allowed', reason: 'own_account_is_managed_elsewhere' };
    }
    await transaction`delete from memberships where id = ${input.membershipId}`;
    const revoked = await invalidateUserSessions(transaction, membership.user_id);
    await recordDone(transaction, input, {
      action: 'membership.removed',
      resourceType: 'user',
      resourceId: membership.user_id,
      detail: {
        ...roleDetail(membership.role, membership.unit_id, membership.compound_id),
        sessionsRevoked: revoked,
        membershipId: input.membershipId
      }
    });
    return { ok: true };
  });
}

/** Whether this fund's office removed the membership (its row is gone, its event stays). */
async function membershipRemovedIn(
  transaction: Transaction,
  input: { fundId: string; membershipId: string }
): Promise<boolean> {
  const [removed] = await transaction`
    select 1 from events
     where fund_id = ${input.fundId} and action = 'membership.removed'
       and detail ->> 'membershipId' = ${input.membershipId}`;
  return removed !== undefined;
}

/** The target user, locked, and whether the actor may manage them from this fund. */
async function lockManagedUser(
  transaction: Transaction,
  input: Command & { userId: string }
): Promise<{ ok: true; status: string } | Denied | { ok: false; code: 'item_is_not_in_this_fund' }> {
  const [user] = await transaction<{ status: string; platform_admin: boolean; fund_ids: string[] }[]>`
    select u.status, u.platform_admin,
           array(select distinct fund_id::text from memberships where user_id = u.id) as fund_ids
      from users u where u.id = ${input.userId} for update`;
  if (user === undefined || !user.fund_ids.includes(input.fundId))
    return { ok: false, code: 'item_is_not_in_this_fund' };
  const decision = can(input.actor, 'user.manage', {
    fundId: input.fundId,
    userId: input.userId,
    platformAdmin: user.platform_admin,
    fundIds: user.fund_ids
  });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  return { ok: true, status: user.status };
}

export async function setUserStatus(
  sql: Sql,
  input: Command & { userId: string; status: 'active' | 'disabled' }
): Promise<SimpleResult> {
  return sql.begin(async (transaction): Promise<SimpleResult> => {
    const managed = await lockManagedUser(transaction, input);
    if (!managed.ok) return managed;
    // Already so: the same form sent twice writes nothing more (no second event, no sign-out).
    if (managed.status === input.status) return { ok: true };
    await transaction`update users set status = ${input.status} where id = ${input.userId}`;
    const revoked = input.status === 'disabled' ? await invalidateUserSessions(transaction, input.userId) : 0;
    await recordDone(transaction, input, {
      action: input.status === 'disabled' ? 'user.disabled' : 'user.enabled',
      resourceType: 'user',
      resourceId: input.userId,
      detail: { sessionsRevoked: revoked }
    });
    return { ok: true };
  });
}

export type IssueResetResult =
  { ok: true; token: string; expiresAt: Date } | Denied | { ok: false; code: 'item_is_not_in_this_fund' };

export async function issuePasswordReset(sql: Sql, input: Command & { userId: string }): Promise<IssueResetResult> {
  const token = newToken();
  const expiresAt = new Date(input.now.getTime() + RESET_LINK_VALID_HOURS * 60 * 60 * 1000);
  return sql.begin(async (transaction): Promise<IssueResetResult> => {
    const managed = await lockManagedUser(transaction, input);
    if (!managed.ok) return managed;
    // An older open reset link for the same person stops working: only the newest one counts.
    await transaction`
      update invitations set revoked_at = ${input.now}
       where kind = 'reset' and user_id = ${input.userId} and used_at is null and revoked_at is null`;
    const [created] = await transaction<{ id: string }[]>`
      insert into invitations (fund_id, kind, token_hash, user_id, created_by, created_at, expires_at)
      values (${input.fundId}, 'reset', ${hashToken(token)}, ${input.userId}, ${actorId(input.actor)}, ${input.now}, ${expiresAt})
      returning id::text as id`;
    await recordDone(transaction, input, {
      action: 'password_reset.issued',
      resourceType: 'user',
      resourceId: input.userId,
      ...(created === undefined ? {} : { detail: { reason: `invitation ${created.id}` } })
    });
    return { ok: true, token, expiresAt };
  });
}

export async function setTotpRequired(sql: Sql, input: Command & { required: boolean }): Promise<SimpleResult> {
  const denied = refuse(input.actor, input.fundId);
  if (denied) return denied;
  return sql.begin(async (transaction): Promise<SimpleResult> => {
    const [fund] = await transaction<{ required: boolean }[]>`
      select totp_required as required from funds where id = ${input.fundId} for update`;
    // Already so: the same form sent twice writes nothing more.
    if (fund?.required === input.required) return { ok: true };
    await transaction`update funds set totp_required = ${input.required} where id = ${input.fundId}`;
    await recordDone(transaction, input, {
      action: 'fund.totp_requirement_changed',
      resourceType: 'fund',
      resourceId: input.fundId,
      detail: { required: input.required }
    });
    return { ok: true };
  });
}

/** A compound's page for its committee and the fund office: its name and its committee. */
export async function compoundOverview(
  sql: Sql,
  input: { fundId: string; compoundId: string }
): Promise<{ name: string; code: string; committee: { displayName: string; loginName: string }[] } | null> {
  const [compound] = await sql<{ name: string; code: string }[]>`
    select name, code from compounds where id = ${input.compoundId} and fund_id = ${input.fundId}`;
  if (compound === undefined) return null;
  const committee = await sql<{ displayName: string; loginName: string }[]>`
    select u.display_name as "displayName", u.login_name as "loginName"
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and m.compound_id = ${input.compoundId} and m.role = 'committee'
       and u.status = 'active'
     order by u.display_name`;
  return { name: compound.name, code: compound.code, committee };
}
