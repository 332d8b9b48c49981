import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { qrDataUrl } from '$lib/server/auth/totp';
import { sql } from '$lib/server/platform/database';
import { authorize, clientAddress, publicOrigin } from '$lib/server/access/guard';
import * as members from '$lib/server/people/members';
import { MEMBER_REFUSALS, MEMBERS_REFUSED, memberRefusalCode } from '$lib/server/people/member-refusals';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { FUND_ROLES, can, type Actor, type DenyReason, type FundRole } from '$lib/server/access/policy';
import { DIGITS_ID, fundFromSlug } from '../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The fund office's people page. Every action finds the fund from the URL (never from the form),
 * authorizes, parses with valibot (whose objects drop keys they do not name, so extra fields such
 * as fund_id or platform_admin change nothing), and calls one use case. A new link's token is
 * returned once in the action result and kept nowhere else.
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.members.read', { fundId: fund.id });
  const overview = await members.membersOverview(sql(), fund.id, new Date());
  const actor = event.locals.actor;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn, totpRequired: fund.totpRequired },
    groups: groupByRole(overview.members),
    invitations: overview.invitations,
    units: overview.units,
    compounds: overview.compounds,
    // The supervisor reads everything here but changes nothing; the forms are hidden for them,
    // and each action asks the policy again anyway.
    canManage: can(actor, 'fund.members.manage', { fundId: fund.id }).allowed,
    selfUserId: actor.kind === 'user' ? actor.userId : null
  };
};

/** The order in which the page lists roles: the office first, the committees (the most) last. */
const ROLE_ORDER: readonly FundRole[] = ['fund_admin', 'leader', 'supervisor', 'committee'];

function groupByRole(list: readonly members.MemberView[]) {
  return ROLE_ORDER.map((role) => ({ role, members: list.filter((member) => member.role === role) }));
}

const Id = v.pipe(v.string(), v.regex(DIGITS_ID));
const OptionalId = v.optional(v.union([v.literal(''), Id]), '');

const InviteForm = v.object({
  role: v.picklist(FUND_ROLES),
  // The page has one select per kind of place; `placeId` serves clients that post one field.
  unitId: OptionalId,
  compoundId: OptionalId,
  placeId: OptionalId,
  label: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(60)), ''),
  validDays: v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^[0-9]{1,2}$/), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(14)),
    '7'
  )
});
type InviteField = 'role' | 'place' | 'label' | 'validDays';

const InvitationForm = v.object({ invitationId: Id });
const MembershipForm = v.object({ membershipId: Id });
const UserForm = v.object({ userId: Id });
const TotpForm = v.object({ required: v.picklist(['on', 'off']) });

type ActionName = 'invite' | 'revoke' | 'remove' | 'disable' | 'enable' | 'reset' | 'requireTotp';

type UseCaseFailure =
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: 'item_is_not_in_this_fund' }
  | { ok: false; code: 'place_must_belong_to_fund' };

/** The fund from the URL and a command on it by the current actor, once they may manage it. */
async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.members.manage', { fundId: fund.id });
  const actor: Actor = event.locals.actor;
  return { actor, fundId: fund.id, now: new Date(), ip: clientAddress(event) };
}

async function formOf(request: Request): Promise<Record<string, FormDataEntryValue>> {
  return Object.fromEntries(await request.formData());
}

function invalid(action: ActionName) {
  return fail(400, { action, code: 'invalid_input' as const, message: m.members_error_invalid() });
}

/** A use case's refusal as the page shows it; `values` keeps a refused invitation form filled in. */
function refused(action: ActionName, result: UseCaseFailure, values?: InviteValues) {
  const { field, message } = refusalMessage(MEMBER_REFUSALS, memberRefusalCode(result), MEMBERS_REFUSED);
  const status = failureStatusOf(result.code);
  if (field === 'form') return fail(status, { action, code: result.code, message, values });
  return fail(status, { action, code: result.code, message, field, values });
}

const fieldMessages: { [F in InviteField]: () => string } = {
  role: () => m.members_error_role(),
  place: () => m.members_error_place_required(),
  label: () => m.members_error_label(),
  validDays: () => m.members_error_days()
};

function inviteFieldOf(key: unknown): InviteField {
  if (key === 'label' || key === 'validDays' || key === 'role') return key;
  return 'place';
}

type InviteValues = ReturnType<typeof inviteValues>;

/** The invitation form's non-secret fields, sent back so that a refused form keeps its values. */
function inviteValues(form: Record<string, FormDataEntryValue>) {
  const text = (key: string) => {
    const value = form[key];
    return typeof value === 'string' ? value.slice(0, 100) : '';
  };
  return {
    role: text('role'),
    unitId: text('unitId'),
    compoundId: text('compoundId'),
    label: text('label'),
    validDays: text('validDays')
  };
}

function placeFor(role: FundRole, form: v.InferOutput<typeof InviteForm>): string | null {
  if (role === 'leader') return form.unitId || form.placeId || null;
  if (role === 'committee') return form.compoundId || form.placeId || null;
  return null;
}

export const actions: Actions = {
  invite: async (event) => {
    const command = await commandFor(event);
    const form = await formOf(event.request);
    const values = inviteValues(form);
    const parsed = v.safeParse(InviteForm, form);
    if (!parsed.success) {
      const field = inviteFieldOf(parsed.issues[0].path?.[0]?.key);
      return fail(400, {
        action: 'invite' as const,
        code: 'invalid_input' as const,
        message: fieldMessages[field](),
        field,
        values
      });
    }
    const { role } = parsed.output;
    const placeId = placeFor(role, parsed.output);
    if ((role === 'leader' || role === 'committee') && placeId === null) {
      return fail(400, {
        action: 'invite' as const,
        code: 'place_required' as const,
        message: fieldMessages.place(),
        field: 'place' as const,
        values
      });
    }
    const result = await members.createInvitation(sql(), {
      ...command,
      role,
      placeId,
      label: parsed.output.label,
      validDays: parsed.output.validDays
    });
    if (!result.ok) return refused('invite', result, values);
    const url = `${publicOrigin(event)}/invite/${result.token}`;
    return { action: 'invite' as const, invited: { url, qr: qrDataUrl(url), expiresAt: result.expiresAt } };
  },

  revoke: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(InvitationForm, await formOf(event.request));
    if (!parsed.success) return invalid('revoke');
    const result = await members.revokeInvitation(sql(), { ...command, invitationId: parsed.output.invitationId });
    if (!result.ok) return refused('revoke', result);
    return { action: 'revoke' as const, done: m.members_done_revoke() };
  },

  remove: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(MembershipForm, await formOf(event.request));
    if (!parsed.success) return invalid('remove');
    const result = await members.removeMembership(sql(), { ...command, membershipId: parsed.output.membershipId });
    if (!result.ok) return refused('remove', result);
    return { action: 'remove' as const, done: m.members_done_remove() };
  },

  disable: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(UserForm, await formOf(event.request));
    if (!parsed.success) return invalid('disable');
    const result = await members.setUserStatus(sql(), { ...command, userId: parsed.output.userId, status: 'disabled' });
    if (!result.ok) return refused('disable', result);
    return { action: 'disable' as const, done: m.members_done_disable() };
  },

  enable: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(UserForm, await formOf(event.request));
    if (!parsed.success) return invalid('enable');
    const result = await members.setUserStatus(sql(), { ...command, userId: parsed.output.userId, status: 'active' });
    if (!result.ok) return refused('enable', result);
    return { action: 'enable' as const, done: m.members_done_enable() };
  },

  reset: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(UserForm, await formOf(event.request));
    if (!parsed.success) return invalid('reset');
    const result = await members.issuePasswordReset(sql(), { ...command, userId: parsed.output.userId });
    if (!result.ok) return refused('reset', result);
    const url = `${publicOrigin(event)}/reset/${result.token}`;
    return {
      action: 'reset' as const,
      resetLink: { url, qr: qrDataUrl(url), expiresAt: result.expiresAt, userId: parsed.output.userId }
    };
  },

  requireTotp: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(TotpForm, await formOf(event.request));
    if (!parsed.success) return invalid('requireTotp');
    const required = parsed.output.required === 'on';
    const result = await members.setTotpRequired(sql(), { ...command, required });
    if (!result.ok) return refused('requireTotp', result);
    return {
      action: 'requireTotp' as const,
      done: required ? m.members_done_totp_on() : m.members_done_totp_off()
    };
  }
};
