import type { Sql, Transaction } from '../db/client';

/**
 * The app's one throttle. Each key (a login name, an address, an address on one project) counts
 * hits in a fixed window; when a key reaches its rule's limit it is locked until the lock ends,
 * and a locked key is refused before anything else is checked. The counters live in PostgreSQL
 * (`throttles`), so every app process sees the same numbers. The rules are named here, all of
 * them, so that one page says what the limits are:
 *
 * - sign-in: 10 failed sign-ins from one address, or against one login name, within 10 minutes
 *   lock that address or name for 10 minutes (even the right password then gets 429);
 * - evaluation codes: 10 wrong codes from one address within 10 minutes lock it for 10 minutes;
 * - objections: 3 from one address on one project within an hour lock that project for the
 *   address for an hour, and 10 from one address across the fund within a day lock the fund for
 *   it for a day (a household with something to say is never near either).
 */
export interface ThrottleRule {
  /** The hit that reaches this count locks the key. */
  hitsMax: number;
  windowMs: number;
  lockMs: number;
}

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

export const SIGN_IN_RULE: ThrottleRule = { hitsMax: 10, windowMs: 10 * MINUTE, lockMs: 10 * MINUTE };
export const EVALUATION_CODE_RULE: ThrottleRule = { hitsMax: 10, windowMs: 10 * MINUTE, lockMs: 10 * MINUTE };
export const OBJECTIONS_PER_PROJECT_RULE: ThrottleRule = { hitsMax: 3, windowMs: HOUR, lockMs: HOUR };
export const OBJECTIONS_PER_FUND_RULE: ThrottleRule = { hitsMax: 10, windowMs: 24 * HOUR, lockMs: 24 * HOUR };

/** The sign-in rule's numbers, by the names the sign-in code and its tests know them. */
export const THROTTLE_FAILURES_MAX = SIGN_IN_RULE.hitsMax;
export const THROTTLE_WINDOW_MS = SIGN_IN_RULE.windowMs;
export const THROTTLE_LOCK_MS = SIGN_IN_RULE.lockMs;

/** A key and the rule it is counted under. */
export interface CountedKey {
  key: string;
  rule: ThrottleRule;
}

type Db = Sql | Transaction;

/** The throttle keys of one attempt. The login name is keyed whether or not the account exists. */
export function throttleKeys(options: { ip: string | null; loginName: string }): string[] {
  const keys = [`login:${options.loginName.slice(0, 100)}`];
  if (options.ip !== null) keys.push(`ip:${addressBlock(options.ip)}`);
  return keys;
}

/**
 * IPv6 hands every household a /64, so counting single addresses would let one home rotate
 * through billions; an IPv6 address is counted by its /64 block.
 */
export function addressBlock(ip: string): string {
  const address = ip.toLowerCase().replace(/%.*$/, '');
  if (!address.includes(':') || address.startsWith('::ffff:')) return address.replace(/^::ffff:/, '');
  // The groups after '::' may reach into the first four ("2001:db8::1:2:3:4:5" is
  // 2001:db8:0:1:2:3:4:5), so the address is expanded before its /64 is taken. An embedded IPv4
  // address in the tail stands for two groups.
  const [head = '', tail] = address.split('::');
  const split = (part: string) => part.split(':').filter((group) => group !== '');
  const headGroups = split(head);
  const tailGroups =
    tail === undefined ? [] : split(tail).flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const zeros =
    tail === undefined ? [] : Array<string>(Math.max(8 - headGroups.length - tailGroups.length, 0)).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups, '0', '0', '0', '0'].slice(0, 4);
  return `${groups.map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The moment the latest lock among these keys ends, or null if none is locked now. */
export async function lockedUntil(db: Db, keys: readonly string[], now: Date): Promise<Date | null> {
  const [row] = await db<{ until: Date | null }[]>`
    select max(locked_until) as until from throttles where key = any(${keys}) and locked_until > ${now}`;
  return row?.until ?? null;
}

/**
 * Counts one hit against each key under its rule. It returns when the latest lock ends among the
 * keys this hit went past the limit of, or null when it was within every limit. Callers check
 * lockedUntil first, so a hit past the limit only happens to the loser of a race: the upsert
 * holds the key's row until the transaction ends, so two hits at once are counted one after the
 * other, and the second sees the first.
 */
export async function countHits(db: Db, counted: readonly CountedKey[], now: Date): Promise<Date | null> {
  const locks: Date[] = [];
  // Keys are taken in one order, so two requests that share keys cannot deadlock.
  for (const { key, rule } of [...counted].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const windowStart = new Date(now.getTime() - rule.windowMs);
    const lockEnd = new Date(now.getTime() + rule.lockMs);
    const [row] = await db<{ hits: number; lockedUntil: Date | null }[]>`
      insert into throttles as t (key, hits, window_started_at, locked_until)
      values (${key}, 1, ${now}, case when 1 >= ${rule.hitsMax} then ${lockEnd}::timestamptz end)
      on conflict (key) do update set
        hits = case when t.window_started_at <= ${windowStart} then 1 else t.hits + 1 end,
        window_started_at = case when t.window_started_at <= ${windowStart} then ${now} else t.window_started_at end,
        locked_until = case
          when t.window_started_at > ${windowStart} and t.hits + 1 >= ${rule.hitsMax} then ${lockEnd}::timestamptz
          else t.locked_until end
      returning hits, locked_until as "lockedUntil"`;
    if (row !== undefined && row.hits > rule.hitsMax && row.lockedUntil !== null) locks.push(row.lockedUntil);
  }
  return locks.length === 0 ? null : new Date(Math.max(...locks.map((lock) => lock.getTime())));
}

/** A failed sign-in (or a wrong evaluation code, under its own rule) counts against its keys. */
export async function recordFailure(db: Db, keys: readonly string[], now: Date, rule = SIGN_IN_RULE): Promise<void> {
  await countHits(
    db,
    keys.map((key) => ({ key, rule })),
    now
  );
}

/** A correct sign-in clears the account's count (never the address's, which an attacker shares). */
export async function clearAccountFailures(db: Db, loginName: string, now: Date): Promise<void> {
  await db`delete from throttles where key = ${`login:${loginName.slice(0, 100)}`} and coalesce(locked_until, '-infinity') <= ${now}`;
  // Old counters are dropped here, on a path that runs far less often than failures.
  await db`delete from throttles
            where window_started_at < ${new Date(now.getTime() - 24 * 60 * 60 * 1000)}
              and coalesce(locked_until, '-infinity') <= ${now}`;
}
