import { createHash, randomBytes } from 'node:crypto';
import type { NeedSource } from '@gongjian/ledger';
import {
  NEED_PER_ADDRESS_RULE,
  NEED_PER_COMPOUND_RULE,
  addressBlock,
  countHits,
  lockedUntil
} from '../../auth/throttle';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { currentPolicy } from '../../fund/fund-policy';
import { recordEvent } from '../../platform/audit';
import { refuse, runCommand, type Failure } from '../../platform/command';
import { storeAttachmentIn, type Upload } from '../../platform/attachments';

/*
 * Raising a need (需求清单): a resident online, without an account, or the compound's committee
 * (or the office) on the residents' behalf, from a paper slip, a residents' meeting (居民议事会) or
 * a home visit. Each need gets the fund's next number under a lock, its 'raised' step and an audit
 * event (whose time is part of the public pages' stamp, so the public list shows it at once).
 *
 * A resident's need carries a private follow link: the raise page puts a fresh random token in the
 * form with the form's key (the page is never cached), only the token's SHA-256 is kept, and the
 * answer is the follow page itself. A resend of the same form finds the need by its key and answers
 * with the same link, since the form still holds the token.
 */

export const NEED_BODY_MAX = 1000;
export const NEED_PLACE_MAX = 200;
export const NEED_CONTACT_MAX = 200;
export const NEED_PHOTOS_MAX = 3;
/** The category every fund offers besides its policy's categories. */
export const OTHER_CATEGORY = 'other';
/** A follow token: 32 random bytes in base64url. */
export const FOLLOW_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newFollowToken(): string {
  return randomBytes(32).toString('base64url');
}

export function followHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NeedFields {
  compoundId: string;
  category: string;
  body: string;
  place: string;
  contact: string;
  photos: readonly Upload[];
  createKey: string;
}

export type RaiseCode =
  | 'fund_not_found'
  | 'compound_not_found'
  | 'category_is_unknown'
  | 'body_is_required'
  | 'photo_must_be_jpeg_or_png'
  | 'too_many_photos'
  | 'form_was_already_used_for_something_else';

export type RaiseResult =
  | { ok: true; number: number; replayed: boolean }
  | { ok: false; code: RaiseCode | 'not_allowed' }
  | { ok: false; code: 'need_is_throttled'; retryAt: Date };

/** The throttle's keys of an anonymous raise: the address (an IPv6 /64) in the fund, and the compound. */
export function needThrottleKeys(input: { fundId: string; compoundId: string; ip: string | null }) {
  const compound = {
    key: `need:${input.fundId}:compound:${input.compoundId}`.slice(0, 120),
    rule: NEED_PER_COMPOUND_RULE
  };
  if (input.ip === null) return [compound];
  return [
    { key: `need:${input.fundId}:${addressBlock(input.ip)}`.slice(0, 120), rule: NEED_PER_ADDRESS_RULE },
    compound
  ];
}

/**
 * The category keys a need may take in this fund: its policy's, and `other`. Read before the
 * raise's transaction: a policy adopted meanwhile only renames what the form offered.
 */
export async function needCategories(sql: Sql, fundId: string): Promise<string[]> {
  const policy = await currentPolicy(sql, fundId);
  return [...Object.keys(policy?.policy.categoryLabels ?? {}).sort(), OTHER_CATEGORY];
}

/** A resident raises a need online: throttled per address and per compound, with a follow link. */
export async function raiseNeed(
  sql: Sql,
  input: NeedFields & { fundId: string; followToken: string; ip: string | null; now: Date }
): Promise<RaiseResult> {
  if (!FOLLOW_TOKEN.test(input.followToken)) return { ok: false, code: 'form_was_already_used_for_something_else' };
  if (!(await needCategories(sql, input.fundId)).includes(input.category)) {
    return { ok: false, code: 'category_is_unknown' };
  }
  return runCommand<RaiseResult, Failure<RaiseCode>>(sql, async (transaction) => {
    await lockNumbers(transaction, input.fundId);
    const replay = await replayOf(transaction, input, followHash(input.followToken));
    if (replay !== null) return replay;
    await checkFields(transaction, input);
    const keys = needThrottleKeys(input);
    const locked = await lockedUntil(
      transaction,
      keys.map(({ key }) => key),
      input.now
    );
    if (locked !== null) return { ok: false, code: 'need_is_throttled', retryAt: locked };
    // Counted only now, when the need will be raised: a resend or a refused form costs nothing. A
    // hit past the limit commits its count (nothing else is written) and is answered as throttled.
    const over = await countHits(transaction, keys, input.now);
    if (over !== null) return { ok: false, code: 'need_is_throttled', retryAt: over };
    const number = await insertNeedIn(transaction, {
      ...input,
      source: 'online',
      recordedBy: null,
      followHash: followHash(input.followToken)
    });
    return { ok: true, number, replayed: false };
  });
}

export const RECORDED_SOURCES = ['paper', 'meeting', 'visit'] as const satisfies readonly NeedSource[];
export type RecordedSource = (typeof RECORDED_SOURCES)[number];

/** The committee (or the office) records a need on the residents' behalf (need.record). */
export async function recordNeed(
  sql: Sql,
  input: NeedFields & { actor: Actor; fundId: string; source: RecordedSource; ip: string | null; now: Date }
): Promise<RaiseResult> {
  const ref = { fundId: input.fundId, compoundId: input.compoundId };
  if (input.actor.kind !== 'user' || !can(input.actor, 'need.record', ref).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  const recordedBy = input.actor.userId;
  if (!(await needCategories(sql, input.fundId)).includes(input.category)) {
    return { ok: false, code: 'category_is_unknown' };
  }
  return runCommand<RaiseResult, Failure<RaiseCode>>(sql, async (transaction) => {
    await lockNumbers(transaction, input.fundId);
    const replay = await replayOf(transaction, input, null);
    if (replay !== null) return replay;
    await checkFields(transaction, input);
    const number = await insertNeedIn(transaction, { ...input, recordedBy, followHash: null });
    return { ok: true, number, replayed: false };
  });
}

/** Needs are numbered one after another in each fund: the lock makes two raises take turns. */
async function lockNumbers(transaction: Transaction, fundId: string): Promise<void> {
  await transaction`select pg_advisory_xact_lock(hashtextextended(${`gongjian.needs:${fundId}`}, 0))`;
}

/** The first answer to a form sent again; a key that raised a different need is refused. */
async function replayOf(
  transaction: Transaction,
  input: { fundId: string; createKey: string; compoundId: string },
  hash: string | null
): Promise<RaiseResult | null> {
  const [row] = await transaction<{ number: number; compoundId: string; followHash: string | null }[]>`
    select number, compound_id::text as "compoundId", follow_hash as "followHash"
      from needs where fund_id = ${input.fundId} and create_key = ${input.createKey}`;
  if (row === undefined) return null;
  if (row.compoundId !== input.compoundId || row.followHash !== hash) {
    refuse<RaiseCode>('form_was_already_used_for_something_else');
  }
  return { ok: true, number: row.number, replayed: true };
}

async function checkFields(transaction: Transaction, input: NeedFields & { fundId: string }): Promise<void> {
  const [fund] = await transaction`select id from funds where id = ${input.fundId}`;
  if (fund === undefined) refuse<RaiseCode>('fund_not_found');
  const [compound] = await transaction`
    select id from compounds where fund_id = ${input.fundId} and id::text = ${input.compoundId}`;
  if (compound === undefined) refuse<RaiseCode>('compound_not_found');
  if (input.body.trim() === '') refuse<RaiseCode>('body_is_required');
  if (input.photos.length > NEED_PHOTOS_MAX) refuse<RaiseCode>('too_many_photos');
  if (input.photos.some((photo) => photo.mediaType === 'application/pdf')) {
    refuse<RaiseCode>('photo_must_be_jpeg_or_png');
  }
}

/** Writes the need, its photos, its first step and its event; returns its number. */
export async function insertNeedIn(
  transaction: Transaction,
  input: NeedFields & {
    fundId: string;
    source: NeedSource;
    recordedBy: string | null;
    followHash: string | null;
    ip: string | null;
    now: Date;
  }
): Promise<number> {
  const [need] = await transaction<{ id: string; number: number }[]>`
    insert into needs (fund_id, number, compound_id, category, body, place, contact, source, recorded_by,
                       follow_hash, create_key, raised_at, updated_at)
    values (${input.fundId},
            (select coalesce(max(number), 0) + 1 from needs where fund_id = ${input.fundId}),
            ${input.compoundId}, ${input.category}, ${input.body.trim()}, ${input.place.trim()},
            ${input.contact.trim()}, ${input.source}, ${input.recordedBy}, ${input.followHash},
            ${input.createKey}, ${input.now}, ${input.now})
    returning id::text as id, number`;
  if (need === undefined) throw new Error('insert into needs returned no row');
  for (const photo of input.photos) {
    await storeAttachmentIn(transaction, {
      fundId: input.fundId,
      upload: photo,
      uploadedBy: input.recordedBy,
      at: input.now
    });
    await transaction`
      insert into need_photos (fund_id, need_id, sha256, added_at)
      values (${input.fundId}, ${need.id}, ${photo.sha256}, ${input.now}) on conflict do nothing`;
  }
  await transaction`
    insert into need_steps (need_id, kind, note, by_user, at)
    values (${need.id}, 'raised', '', ${input.recordedBy}, ${input.now})`;
  await recordEvent(transaction, {
    action: 'need.raised',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.recordedBy,
    fundId: input.fundId,
    resourceType: 'need',
    resourceId: need.id,
    ip: input.ip,
    detail: { needNumber: need.number, reason: input.source, compoundId: input.compoundId }
  });
  return need.number;
}
