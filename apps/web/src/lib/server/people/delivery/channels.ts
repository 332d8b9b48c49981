import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import type { Sql, Transaction } from '../../db/client';
import { refuse, runCommand, type Failure } from '../../platform/command';

/**
 * A person's notification addresses: add one (which sends its confirmation through the outbox),
 * confirm it (an e-mail by a single-use link, a webhook address by a 6-digit code sent through
 * the webhook), remove it, choose the daily digest. Only the SHA-256 of a token or code is kept.
 */
export type ChannelKind = 'email' | 'webhook';

export interface ContactChannel {
  id: string;
  channel: ChannelKind;
  address: string;
  lang: 'zh-CN' | 'en';
  digest: boolean;
  confirmed: boolean;
}

export type ChannelRefusal =
  | 'address_must_be_well_formed'
  | 'addresses_are_limited'
  | 'confirmation_sends_are_limited'
  | 'code_must_match'
  | 'address_must_be_yours';

export type ChannelResult = { ok: true; channelId: string } | Failure<ChannelRefusal>;

/** At most this many addresses per person, and this many confirmation sends per person and hour. */
export const ADDRESSES_MAX = 5;
export const CONFIRMATION_SENDS_PER_HOUR = 5;
/** A code may be mistyped this many times before a new one must be sent. */
const CODE_FAILURES_MAX = 5;
const CONFIRMATION_HOURS = 24;

const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(200), v.email());
const WebhookAddress = v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9+_.:@-]{3,100}$/));

export async function channelsOf(sql: Sql, userId: string): Promise<ContactChannel[]> {
  return sql<ContactChannel[]>`
    select id::text as id, channel, address, lang, digest, confirmed_at is not null as confirmed
      from contact_channels where user_id = ${userId} order by id`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Adds an address and sends its confirmation. Adding one that is already there changes nothing. */
export async function addChannel(
  sql: Sql,
  input: { userId: string; channel: ChannelKind; address: string; lang: 'zh-CN' | 'en'; now: Date }
): Promise<ChannelResult> {
  const parsed = v.safeParse(input.channel === 'email' ? Email : WebhookAddress, input.address);
  if (!parsed.success) return { ok: false, code: 'address_must_be_well_formed' };
  const address = parsed.output;
  return runCommand<ChannelResult, Failure<ChannelRefusal>>(sql, async (transaction) => {
    await lockPerson(transaction, input.userId);
    const [existing] = await transaction<{ id: string }[]>`
      select id::text as id from contact_channels
       where user_id = ${input.userId} and channel = ${input.channel} and address = ${address}`;
    if (existing) return { ok: true as const, channelId: existing.id };
    const [count] = await transaction<{ n: number }[]>`
      select count(*)::int as n from contact_channels where user_id = ${input.userId}`;
    if ((count?.n ?? 0) >= ADDRESSES_MAX) refuse('addresses_are_limited');
    const [row] = await transaction<{ id: string }[]>`
      insert into contact_channels (user_id, channel, address, lang, created_at)
      values (${input.userId}, ${input.channel}, ${address}, ${input.lang}, ${input.now})
      returning id::text as id`;
    const channelId = (row as { id: string }).id;
    await sendConfirmation(transaction, { userId: input.userId, channelId, now: input.now });
    return { ok: true as const, channelId };
  });
}

/** Sends a fresh confirmation for an unconfirmed address (the earlier token or code stops working). */
export async function resendConfirmation(
  sql: Sql,
  input: { userId: string; channelId: string; now: Date }
): Promise<ChannelResult> {
  return runCommand<ChannelResult, Failure<ChannelRefusal>>(sql, async (transaction) => {
    await lockPerson(transaction, input.userId);
    await ownChannel(transaction, input.userId, input.channelId);
    await sendConfirmation(transaction, input);
    return { ok: true as const, channelId: input.channelId };
  });
}

/** One person's channel commands queue behind each other, so the throttle's count holds. */
async function lockPerson(transaction: Transaction, userId: string): Promise<void> {
  await transaction`select 1 from users where id = ${userId} for update`;
}

async function ownChannel(
  transaction: Transaction,
  userId: string,
  channelId: string
): Promise<{ confirmed: boolean }> {
  if (!/^[1-9][0-9]{0,17}$/.test(channelId)) refuse('address_must_be_yours');
  const [row] = await transaction<{ confirmed: boolean }[]>`
    select confirmed_at is not null as confirmed from contact_channels
     where id = ${channelId} and user_id = ${userId} for update`;
  if (!row) refuse('address_must_be_yours');
  return row;
}

/**
 * Writes the confirmation message into the outbox. The throttle counts this person's
 * confirmation messages of the last hour in the outbox itself, so it holds across processes.
 */
async function sendConfirmation(
  transaction: Transaction,
  input: { userId: string; channelId: string; now: Date }
): Promise<void> {
  const [sent] = await transaction<{ n: number }[]>`
    select count(*)::int as n from outbox
     where user_id = ${input.userId} and purpose = 'confirmation'
       and created_at > ${input.now}::timestamptz - interval '1 hour'`;
  if ((sent?.n ?? 0) >= CONFIRMATION_SENDS_PER_HOUR) refuse('confirmation_sends_are_limited');
  const [channel] = await transaction<{ channel: ChannelKind; address: string; lang: string; confirmed: boolean }[]>`
    select channel, address, lang, confirmed_at is not null as confirmed from contact_channels
     where id = ${input.channelId}`;
  if (!channel || channel.confirmed) return;
  const secret =
    channel.channel === 'email'
      ? randomBytes(32).toString('base64url')
      : String(randomInt(0, 1_000_000)).padStart(6, '0');
  await transaction`
    update contact_channels
       set confirm_hash = ${sha256(secret)}, confirm_failures = 0,
           confirm_expires_at = ${input.now}::timestamptz + make_interval(hours => ${CONFIRMATION_HOURS})
     where id = ${input.channelId}`;
  const payload = channel.channel === 'email' ? { token: secret } : { code: secret };
  await transaction`
    insert into outbox (message_key, user_id, channel_id, purpose, channel, address, lang, payload, created_at, next_attempt_at)
    values (${`confirm:${input.channelId}:${randomBytes(6).toString('hex')}`}, ${input.userId}, ${input.channelId},
            'confirmation', ${channel.channel}, ${channel.address}, ${channel.lang},
            ${transaction.json(payload)}, ${input.now}, ${input.now})`;
  await transaction`select pg_notify('gongjian_outbox', '')`;
}

/** Confirms a webhook address by the code the person typed back. */
export async function confirmCode(
  sql: Sql,
  input: { userId: string; channelId: string; code: string; now: Date }
): Promise<ChannelResult> {
  return runCommand<ChannelResult, Failure<ChannelRefusal>>(sql, async (transaction) => {
    const owned = await ownChannel(transaction, input.userId, input.channelId);
    if (owned.confirmed) return { ok: true as const, channelId: input.channelId };
    const [row] = await transaction<{ hash: Buffer | null; live: boolean; failures: number }[]>`
      select confirm_hash as hash, confirm_expires_at > ${input.now} as live, confirm_failures as failures
        from contact_channels where id = ${input.channelId}`;
    const code = input.code.trim();
    const matches =
      row !== undefined &&
      row.hash !== null &&
      row.live === true &&
      row.failures < CODE_FAILURES_MAX &&
      /^[0-9]{6}$/.test(code) &&
      timingSafeEqual(row.hash, sha256(code));
    if (!matches) {
      // The failure is answered, not thrown, so that the transaction commits its count.
      await transaction`update contact_channels set confirm_failures = confirm_failures + 1 where id = ${input.channelId}`;
      return { ok: false as const, code: 'code_must_match' as const };
    }
    await markConfirmed(transaction, input.channelId, input.now);
    return { ok: true as const, channelId: input.channelId };
  });
}

/** Confirms an e-mail address by the single-use token of its link; true when it was (or already is) confirmed. */
export async function confirmToken(sql: Sql, input: { token: string; now: Date }): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(input.token)) return false;
  return sql.begin(async (transaction) => {
    const [row] = await transaction<{ id: string }[]>`
      select id::text as id from contact_channels
       where confirm_hash = ${sha256(input.token)} and confirm_expires_at > ${input.now} and confirmed_at is null
       for update`;
    if (!row) return false;
    await markConfirmed(transaction, row.id, input.now);
    return true;
  });
}

async function markConfirmed(transaction: Transaction, channelId: string, now: Date): Promise<void> {
  await transaction`
    update contact_channels
       set confirmed_at = ${now}, confirm_hash = null, confirm_expires_at = null, confirm_failures = 0
     where id = ${channelId}`;
}

export async function removeChannel(sql: Sql, input: { userId: string; channelId: string }): Promise<ChannelResult> {
  return runCommand<ChannelResult, Failure<ChannelRefusal>>(sql, async (transaction) => {
    await ownChannel(transaction, input.userId, input.channelId);
    await transaction`delete from contact_channels where id = ${input.channelId}`;
    return { ok: true as const, channelId: input.channelId };
  });
}

export async function chooseDigest(
  sql: Sql,
  input: { userId: string; channelId: string; digest: boolean }
): Promise<ChannelResult> {
  return runCommand<ChannelResult, Failure<ChannelRefusal>>(sql, async (transaction) => {
    await ownChannel(transaction, input.userId, input.channelId);
    await transaction`update contact_channels set digest = ${input.digest} where id = ${input.channelId}`;
    // Turning the digest off sends what waited for it one by one.
    if (!input.digest) {
      await transaction`
        update outbox set status = 'queued', next_attempt_at = now() where channel_id = ${input.channelId} and status = 'digest'`;
    }
    return { ok: true as const, channelId: input.channelId };
  });
}
