import { ACCOUNTS, CHART_MINFEI_2026 } from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import { hashToken, newToken } from '../auth/tokens';
import * as books from '../books';
import type { Sql, Transaction } from '../db/client';
import { FIRST_POLICY_JSON, fundPolicyToJson, parseFundPolicy } from './fund-policy';
import { can, type Actor, type DenyReason } from '../access/policy';

/**
 * The platform's side of funds: a platform administrator sets up a new fund (its row, its books
 * on the 民非 chart, a first policy version and, if wanted, the invitation for its first
 * administrator) in one transaction, and sees every fund of the installation in a list. Everything
 * after that belongs to the fund's own administrator.
 */

/** A slug is part of every URL of the fund, so it is short, lowercase and stable. */
export const SLUG_LENGTH_MIN = 3;
export const SLUG_LENGTH_MAX = 40;
/** Lowercase words joined by single hyphens, starting with a letter. */
const SLUG_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/**
 * Words a slug may not be: they read as pages of the site rather than as a fund's name, and some
 * may become routes under /funds one day.
 */
export const RESERVED_SLUGS: readonly string[] = [
  'new',
  'admin',
  'edit',
  'create',
  'api',
  'funds',
  'fund',
  'account',
  'login',
  'logout',
  'settings',
  'about',
  'inbox',
  'invite',
  'reset',
  'healthz',
  'platform',
  'static'
];

/** As the database allows (sql/001 and sql/007) and the fund's own settings form asks. */
export const NAME_LENGTH_MAX = 60;
export const PLACE_LENGTH_MAX = 60;
export const DESCRIPTION_LENGTH_MAX = 2000;
export const INVITATION_LABEL_LENGTH_MAX = 60;
/** A new fund's first fiscal year is last year (set up late), this year or next year. */
const FISCAL_YEARS_AROUND_NOW = 1;
/** The first administrator's link lasts a week, as `npm run invite` gives by default. */
export const FIRST_ADMIN_INVITATION_VALID_DAYS = 7;
/** What the first policy version's history says about where it came from. */
const FIRST_POLICY_NOTE = '设立基金时采用的默认规则，待领导小组审议';

export interface NewFund {
  slug: string;
  nameZh: string;
  nameEn: string;
  community: string;
  street: string;
  description: string;
  /** NaN when the form's text was not a year at all; the check reports it like any bad year. */
  fiscalYear: number;
  /** The label of the first administrator's invitation, or null to issue none. */
  adminInvitationLabel: string | null;
}

export type NewFundField = keyof NewFund;

export type NewFundCode =
  | 'slug_must_be_well_formed'
  | 'slug_is_reserved'
  | 'slug_is_taken'
  | 'name_must_be_given'
  | 'name_must_be_short'
  | 'text_must_be_short'
  | 'fiscal_year_must_be_plausible';

export interface NewFundProblem {
  field: NewFundField;
  code: NewFundCode;
}

/** Every problem of the form at once, in the order of its fields, so a page can mark them all. */
export function checkNewFund(fund: NewFund, now: Date): NewFundProblem[] {
  const problems: NewFundProblem[] = [];
  const slugCode = slugProblem(fund.slug);
  if (slugCode !== null) problems.push({ field: 'slug', code: slugCode });
  for (const field of ['nameZh', 'nameEn'] as const) {
    const name = fund[field].trim();
    if (name === '') problems.push({ field, code: 'name_must_be_given' });
    else if ([...name].length > NAME_LENGTH_MAX) problems.push({ field, code: 'name_must_be_short' });
  }
  for (const field of ['community', 'street'] as const) {
    if ([...fund[field]].length > PLACE_LENGTH_MAX) problems.push({ field, code: 'text_must_be_short' });
  }
  if ([...fund.description].length > DESCRIPTION_LENGTH_MAX) {
    problems.push({ field: 'description', code: 'text_must_be_short' });
  }
  const year = now.getUTCFullYear();
  if (
    !Number.isInteger(fund.fiscalYear) ||
    fund.fiscalYear < year - FISCAL_YEARS_AROUND_NOW ||
    fund.fiscalYear > year + FISCAL_YEARS_AROUND_NOW
  ) {
    problems.push({ field: 'fiscalYear', code: 'fiscal_year_must_be_plausible' });
  }
  if (fund.adminInvitationLabel !== null && [...fund.adminInvitationLabel].length > INVITATION_LABEL_LENGTH_MAX) {
    problems.push({ field: 'adminInvitationLabel', code: 'text_must_be_short' });
  }
  return problems;
}

function slugProblem(slug: string): NewFundCode | null {
  if (slug.length < SLUG_LENGTH_MIN || slug.length > SLUG_LENGTH_MAX || !SLUG_PATTERN.test(slug)) {
    return 'slug_must_be_well_formed';
  }
  return RESERVED_SLUGS.includes(slug) ? 'slug_is_reserved' : null;
}

export type CreateFundResult =
  | {
      ok: true;
      fundId: string;
      slug: string;
      /** The same form was sent before: this is the fund it created, and nothing new was written. */
      replayed: boolean;
      /** The first administrator's link, shown once; null on a replay or when none was asked for. */
      invitation: { token: string; expiresAt: Date } | null;
    }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: NewFundCode; field: NewFundField; problems: NewFundProblem[] };

/**
 * Sets up a new fund. The form's idempotency key (a UUID made when the page was loaded) makes a
 * double submit return the fund the first one created: an advisory lock on the key makes the two
 * queue, and the second finds the first one's `fund.created` event.
 */
export async function createFund(
  sql: Sql,
  input: NewFund & { actor: Actor; idempotencyKey: string; now: Date; ip: string | null }
): Promise<CreateFundResult> {
  const decision = can(input.actor, 'platform.funds.manage', null);
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  // The policy lets only a signed-in platform administrator through, so this only narrows the type.
  if (input.actor.kind !== 'user') throw new Error('createFund: the policy allowed an anonymous actor');
  const actorUserId = input.actor.userId;
  const fund: NewFund = {
    ...input,
    nameZh: input.nameZh.trim(),
    nameEn: input.nameEn.trim(),
    community: input.community.trim(),
    street: input.street.trim(),
    description: input.description.trim(),
    adminInvitationLabel: input.adminInvitationLabel?.trim() ?? null
  };
  const problems = checkNewFund(fund, input.now);
  const [first] = problems;
  if (first !== undefined) return { ok: false, code: first.code, field: first.field, problems };
  return (await books.transact(sql, async (transaction): Promise<CreateFundResult> => {
    await transaction`select pg_advisory_xact_lock(hashtextextended(${`gongjian.fund.create:${input.idempotencyKey}`}, 0))`;
    const [earlier] = await transaction<{ id: string; slug: string }[]>`
      select f.id::text as id, f.slug
        from events e join funds f on f.id = e.fund_id
       where e.actor_user_id = ${actorUserId} and e.action = 'fund.created'
         and e.detail ->> 'idempotencyKey' = ${input.idempotencyKey}
       limit 1`;
    if (earlier !== undefined) {
      return { ok: true, fundId: earlier.id, slug: earlier.slug, replayed: true, invitation: null };
    }
    // A slug taken by a fund committing meanwhile waits for it here, then counts as taken.
    const [created] = await transaction<{ id: string }[]>`
      insert into funds (slug, name_zh, name_en, community, street, description, fiscal_year, created_at)
      values (${fund.slug}, ${fund.nameZh}, ${fund.nameEn}, ${fund.community}, ${fund.street}, ${fund.description},
              ${fund.fiscalYear}, ${input.now})
      on conflict (slug) do nothing
      returning id::text as id`;
    if (created === undefined) {
      const taken: NewFundProblem = { field: 'slug', code: 'slug_is_taken' };
      return { ok: false, ...taken, problems: [taken] };
    }
    const command = { transaction, fundId: created.id, actorUserId, now: input.now, ip: input.ip };
    await books.openChartIn(transaction, { fundId: created.id, chart: CHART_MINFEI_2026 });
    await adoptFirstPolicy(command);
    const invitation =
      fund.adminInvitationLabel === null ? null : await inviteFirstAdmin(command, fund.adminInvitationLabel);
    await recordEvent(transaction, {
      action: 'fund.created',
      outcome: 'ok',
      at: input.now,
      actorUserId,
      fundId: created.id,
      ip: input.ip,
      resourceType: 'fund',
      resourceId: created.id,
      detail: { idempotencyKey: input.idempotencyKey, version: 1 }
    });
    return { ok: true, fundId: created.id, slug: fund.slug, replayed: false, invitation };
  })) as CreateFundResult;
}

interface InFund {
  transaction: Transaction;
  fundId: string;
  actorUserId: string;
  now: Date;
  ip: string | null;
}

/**
 * Version 1 of the new fund's policy: the worked example's rules (a 60% ratio, a 5-working-day
 * notice, three votes, simple majority) and no categories, so that the default ratio applies to
 * every application until the leadership group adopts its own version.
 */
async function adoptFirstPolicy({ transaction, fundId, actorUserId, now, ip }: InFund): Promise<void> {
  const parsed = parseFundPolicy(FIRST_POLICY_JSON);
  if (!parsed.ok) throw new Error(`createFund: the default policy does not parse (${parsed.code} at ${parsed.field})`);
  await transaction`
    insert into fund_policies (fund_id, version, policy, adopted_at, adopted_by, note)
    values (${fundId}, 1, ${transaction.json(fundPolicyToJson(parsed.value))}, ${now}, ${actorUserId},
            ${FIRST_POLICY_NOTE})`;
  await recordEvent(transaction, {
    action: 'fund.policy_adopted',
    outcome: 'ok',
    at: now,
    actorUserId,
    fundId,
    ip,
    resourceType: 'fund_policy',
    resourceId: `${fundId}/1`,
    detail: { version: 1 }
  });
}

/** The first administrator's invitation, as a fund administrator's people page would issue it. */
async function inviteFirstAdmin(
  { transaction, fundId, actorUserId, now, ip }: InFund,
  label: string
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + FIRST_ADMIN_INVITATION_VALID_DAYS * 24 * 60 * 60 * 1000);
  const [invitation] = await transaction<{ id: string }[]>`
    insert into invitations (fund_id, kind, token_hash, role, label, created_by, created_at, expires_at)
    values (${fundId}, 'invite', ${hashToken(token)}, 'fund_admin', ${label}, ${actorUserId}, ${now}, ${expiresAt})
    returning id::text as id`;
  if (invitation === undefined) throw new Error('createFund: the invitation insert returned no row');
  await recordEvent(transaction, {
    action: 'invitation.created',
    outcome: 'ok',
    at: now,
    actorUserId,
    fundId,
    ip,
    resourceType: 'invitation',
    resourceId: invitation.id,
    detail: { role: 'fund_admin' }
  });
  return { token, expiresAt };
}

export interface PlatformFundSummary {
  slug: string;
  nameZh: string;
  nameEn: string;
  createdAt: Date;
  /** How many journal entries the fund's books hold (its chain head). */
  entryCount: string;
  /** The pool account's balance (1002.01) as a decimal string; null before the fund has books. */
  poolBalance: string | null;
  /** Active people holding the fund administrator role. */
  adminCount: number;
  /** Open, unexpired invitations for the fund administrator role. */
  adminInvitationsOpen: number;
}

/** Every fund of the installation, newest first, with what a platform administrator checks on. */
export async function listFunds(sql: Sql, now: Date): Promise<PlatformFundSummary[]> {
  return await sql<PlatformFundSummary[]>`
    select f.slug, f.name_zh as "nameZh", f.name_en as "nameEn", f.created_at as "createdAt",
           coalesce(h.last_seq, 0)::text as "entryCount",
           (b.debits_posted - b.credits_posted)::text as "poolBalance",
           (select count(*) from memberships m join users u on u.id = m.user_id
             where m.fund_id = f.id and m.role = 'fund_admin' and u.status = 'active')::int as "adminCount",
           (select count(*) from invitations i
             where i.fund_id = f.id and i.kind = 'invite' and i.role = 'fund_admin' and i.used_at is null
               and i.revoked_at is null and i.expires_at > ${now})::int as "adminInvitationsOpen"
      from funds f
      left join chain_heads h on h.fund_id = f.id
      left join account_balances b on b.fund_id = f.id and b.account_code = ${ACCOUNTS.pool}
     order by f.created_at desc, f.id desc`;
}

/** A fund's names by its slug, for the page that confirms a fund was created. */
export async function fundNames(sql: Sql, slug: string): Promise<{ nameZh: string; nameEn: string } | null> {
  const [row] = await sql<{ nameZh: string; nameEn: string }[]>`
    select name_zh as "nameZh", name_en as "nameEn" from funds where slug = ${slug}`;
  return row ?? null;
}
