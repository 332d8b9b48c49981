import type { Sql, Transaction } from '../db/client';
import { can, type Actor, type DenyReason } from '../access/policy';
import { recordEvent } from '../platform/audit';
import { runCommand } from '../platform/command';
import { RESERVED_SLUGS, SLUG_LENGTH_MAX, SLUG_LENGTH_MIN } from '../fund/funds-admin';

/*
 * The platform's side of regions: the platform administrator keeps the tree of counties (区县) and
 * streets (街道), attaches each fund to its street and appoints region officers. Each command is
 * one transaction; the database refuses a tree of the wrong shape again (GJ030, sql/027_regions.sql).
 */

export const REGION_KINDS = ['county', 'street'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

/** As the database allows (sql/027_regions.sql). */
export const REGION_NAME_LENGTH_MAX = 60;
const SLUG_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export type RegionCode =
  | 'not_allowed'
  | 'region_slug_must_be_well_formed'
  | 'region_slug_is_taken'
  | 'region_name_must_be_given'
  | 'region_parent_must_be_a_county'
  | 'region_must_exist'
  | 'fund_must_exist'
  | 'region_officer_must_exist'
  | 'region_tree_must_keep_its_shape';

/** A refusal of a region command, other than the policy's. */
export interface RegionFailure {
  ok: false;
  code: Exclude<RegionCode, 'not_allowed'>;
}

export type RegionResult<T = object> =
  ({ ok: true } & T) | RegionFailure | { ok: false; code: 'not_allowed'; reason: DenyReason };

interface Command {
  actor: Actor;
  now: Date;
  ip: string | null;
}

function slugOk(slug: string): boolean {
  return (
    slug.length >= SLUG_LENGTH_MIN &&
    slug.length <= SLUG_LENGTH_MAX &&
    SLUG_PATTERN.test(slug) &&
    !RESERVED_SLUGS.includes(slug)
  );
}

function nameOk(name: string): boolean {
  const length = [...name.trim()].length;
  return length >= 1 && length <= REGION_NAME_LENGTH_MAX;
}

/** The platform administrator's id, or the refusal; only a platform administrator keeps regions. */
function platformAdminOf(
  actor: Actor
): { ok: true; userId: string } | { ok: false; code: 'not_allowed'; reason: DenyReason } {
  const decision = can(actor, 'platform.regions.manage', null);
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  if (actor.kind !== 'user') throw new Error('regions: the policy allowed an anonymous actor');
  return { ok: true, userId: actor.userId };
}

async function regionIdOf(transaction: Transaction, slug: string): Promise<{ id: string; kind: RegionKind } | null> {
  const [row] = await transaction<{ id: string; kind: RegionKind }[]>`
    select id::text as id, kind from regions where slug = ${slug}`;
  return row ?? null;
}

/** Creates a county, or a street under a county. */
export async function createRegion(
  sql: Sql,
  input: Command & { kind: RegionKind; slug: string; nameZh: string; nameEn: string; parentSlug: string | null }
): Promise<RegionResult<{ slug: string }>> {
  const admin = platformAdminOf(input.actor);
  if (!admin.ok) return admin;
  if (!slugOk(input.slug)) return { ok: false, code: 'region_slug_must_be_well_formed' };
  if (!nameOk(input.nameZh) || !nameOk(input.nameEn)) return { ok: false, code: 'region_name_must_be_given' };
  return await runCommand<RegionResult<{ slug: string }>, RegionFailure>(sql, async (transaction) => {
    let parentId: string | null = null;
    if (input.kind === 'street') {
      const parent = input.parentSlug === null ? null : await regionIdOf(transaction, input.parentSlug);
      if (parent === null || parent.kind !== 'county') return { ok: false, code: 'region_parent_must_be_a_county' };
      parentId = parent.id;
    }
    const [created] = await transaction<{ id: string }[]>`
      insert into regions (kind, parent_id, slug, name_zh, name_en, created_at)
      values (${input.kind}, ${parentId}, ${input.slug}, ${input.nameZh.trim()}, ${input.nameEn.trim()}, ${input.now})
      on conflict (slug) do nothing
      returning id::text as id`;
    if (created === undefined) return { ok: false, code: 'region_slug_is_taken' };
    await recordEvent(transaction, {
      action: 'region.created',
      outcome: 'ok',
      at: input.now,
      actorUserId: admin.userId,
      ip: input.ip,
      resourceType: 'region',
      resourceId: created.id,
      detail: { regionSlug: input.slug }
    });
    return { ok: true, slug: input.slug };
  });
}

/** Gives a region new names; its slug, kind and place in the tree stay. */
export async function renameRegion(
  sql: Sql,
  input: Command & { slug: string; nameZh: string; nameEn: string }
): Promise<RegionResult> {
  const admin = platformAdminOf(input.actor);
  if (!admin.ok) return admin;
  if (!nameOk(input.nameZh) || !nameOk(input.nameEn)) return { ok: false, code: 'region_name_must_be_given' };
  return await runCommand<RegionResult, RegionFailure>(sql, async (transaction): Promise<RegionResult> => {
    const [row] = await transaction<{ id: string }[]>`
      update regions set name_zh = ${input.nameZh.trim()}, name_en = ${input.nameEn.trim()}
       where slug = ${input.slug} returning id::text as id`;
    if (row === undefined) return { ok: false, code: 'region_must_exist' };
    await recordEvent(transaction, {
      action: 'region.renamed',
      outcome: 'ok',
      at: input.now,
      actorUserId: admin.userId,
      ip: input.ip,
      resourceType: 'region',
      resourceId: row.id,
      detail: { regionSlug: input.slug }
    });
    return { ok: true };
  });
}

/** Puts a fund in a street (or takes it out of its street, with a null street). */
export async function attachFund(
  sql: Sql,
  input: Command & { fundSlug: string; streetSlug: string | null }
): Promise<RegionResult> {
  const admin = platformAdminOf(input.actor);
  if (!admin.ok) return admin;
  return await runCommand<RegionResult, RegionFailure>(sql, async (transaction): Promise<RegionResult> => {
    const street = input.streetSlug === null ? null : await regionIdOf(transaction, input.streetSlug);
    if (input.streetSlug !== null && street === null) return { ok: false, code: 'region_must_exist' };
    if (street !== null && street.kind !== 'street') return { ok: false, code: 'region_tree_must_keep_its_shape' };
    const [fund] = await transaction<{ id: string }[]>`
      update funds set region_id = ${street?.id ?? null} where slug = ${input.fundSlug} returning id::text as id`;
    if (fund === undefined) return { ok: false, code: 'fund_must_exist' };
    await recordEvent(transaction, {
      action: 'region.fund_attached',
      outcome: 'ok',
      at: input.now,
      actorUserId: admin.userId,
      fundId: fund.id,
      ip: input.ip,
      resourceType: 'fund',
      resourceId: fund.id,
      detail: input.streetSlug === null ? {} : { regionSlug: input.streetSlug }
    });
    return { ok: true };
  });
}

/**
 * Makes a person (by login name) an officer of a street or county: they read every fund of it,
 * the private pages included, and write nothing. Appointing someone twice changes nothing.
 */
export async function appointOfficer(
  sql: Sql,
  input: Command & { regionSlug: string; loginName: string }
): Promise<RegionResult> {
  const admin = platformAdminOf(input.actor);
  if (!admin.ok) return admin;
  return await runCommand<RegionResult, RegionFailure>(sql, async (transaction): Promise<RegionResult> => {
    const region = await regionIdOf(transaction, input.regionSlug);
    if (region === null) return { ok: false, code: 'region_must_exist' };
    const [user] = await transaction<{ id: string }[]>`
      select id::text as id from users where login_name = ${input.loginName.trim()} and status = 'active'`;
    if (user === undefined) return { ok: false, code: 'region_officer_must_exist' };
    const inserted = await transaction`
      insert into region_officers (region_id, user_id, appointed_at, appointed_by)
      values (${region.id}, ${user.id}, ${input.now}, ${admin.userId})
      on conflict do nothing`;
    if (inserted.count > 0) {
      await recordEvent(transaction, {
        action: 'region.officer_appointed',
        outcome: 'ok',
        at: input.now,
        actorUserId: admin.userId,
        ip: input.ip,
        resourceType: 'user',
        resourceId: user.id,
        detail: { regionSlug: input.regionSlug }
      });
    }
    return { ok: true };
  });
}

export interface RegionSummary {
  slug: string;
  kind: RegionKind;
  nameZh: string;
  nameEn: string;
  parentSlug: string | null;
  funds: { slug: string; nameZh: string; nameEn: string }[];
  officers: string[];
}

/** Every region, counties first, each street after its county, with its funds and officers. */
export async function listRegions(sql: Sql): Promise<RegionSummary[]> {
  return await sql<RegionSummary[]>`
    select r.slug, r.kind, r.name_zh as "nameZh", r.name_en as "nameEn", p.slug as "parentSlug",
           coalesce((select json_agg(json_build_object('slug', f.slug, 'nameZh', f.name_zh, 'nameEn', f.name_en)
                                     order by f.slug)
                       from funds f where f.region_id = r.id), '[]') as funds,
           coalesce((select json_agg(u.login_name order by u.login_name)
                       from region_officers o join users u on u.id = o.user_id where o.region_id = r.id), '[]')
             as officers
      from regions r left join regions p on p.id = r.parent_id
     order by coalesce(p.slug, r.slug), r.parent_id nulls first, r.slug`;
}

/** Every fund's slug and names, for the form that attaches a fund to a street. */
export async function fundChoices(sql: Sql): Promise<{ slug: string; nameZh: string; nameEn: string }[]> {
  return await sql<{ slug: string; nameZh: string; nameEn: string }[]>`
    select slug, name_zh as "nameZh", name_en as "nameEn" from funds order by slug`;
}

export interface OfficerRegion {
  slug: string;
  kind: RegionKind;
  nameZh: string;
  nameEn: string;
  funds: { id: string; slug: string; nameZh: string; nameEn: string }[];
}

/** The regions a person is an officer of, each with its funds (a county's through its streets). */
export async function officerRegions(sql: Sql, userId: string): Promise<OfficerRegion[]> {
  return await sql<OfficerRegion[]>`
    select r.slug, r.kind, r.name_zh as "nameZh", r.name_en as "nameEn",
           coalesce((select json_agg(json_build_object('id', f.id::text, 'slug', f.slug, 'nameZh', f.name_zh,
                                                       'nameEn', f.name_en) order by f.slug)
                       from funds f join regions s on s.id = f.region_id
                      where s.id = r.id or s.parent_id = r.id), '[]') as funds
      from region_officers o join regions r on r.id = o.region_id
     where o.user_id = ${userId}
     order by r.slug`;
}
