import type { Sql, Transaction } from '../db/client';

/**
 * The app's one throttle. Each key (an address, a login name, an address on one project) counts
 * hits in PostgreSQL (`throttles`), so every app process sees the same numbers, and a locked key
 * is refused before anything else is checked. The rules are named here, all of them, so that one
 * page says what the limits are:
 *
 * - an address (an IPv6 /64) signing in: 10 failures within 10 minutes lock it for 10 minutes;
 * - a login name: the first few failures are free, then each further failure pauses the name for
 *   twice as long as the one before, from 30 seconds up to 15 minutes. A typo costs nothing, a
 *   guesser gets a handful of tries an hour per name, and a stranger who sends wrong passwords to
 *   pause someone else's account (easy behind a proxy without ADDRESS_HEADER, where every visitor
 *   shares one address) pauses it only as long as they keep at it. The password with a valid
 *   second-factor code still signs in while the name is paused (accounts.ts), so nobody can keep
 *   a person with two-step verification out;
 * - a login name's second factor: wrong codes after the right password, which only someone who
 *   knows the password can send, back off the same way under a key of their own;
 * - evaluation codes: 10 wrong codes from one address within 10 minutes lock it for 10 minutes;
 * - objections: 3 from one address on one project within an hour lock that project for the
 *   address for an hour, and 10 from one address across the fund within a day lock the fund for
 *   it for a day (a household with something to say is never near either);
 * - needs raised without an account: 5 from one address in one fund within an hour lock the
 *   address for an hour, and 30 for one compound within an hour lock the compound's form for an
 *   hour (a compound's residents raise a handful a week; a flood is someone's script).
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
export const NEED_PER_ADDRESS_RULE: ThrottleRule = { hitsMax: 5, windowMs: HOUR, lockMs: HOUR };
export const NEED_PER_COMPOUND_RULE: ThrottleRule = { hitsMax: 30, windowMs: HOUR, lockMs: HOUR };

/** The address rule's numbers, by the names the sign-in code and its tests know them. */
export const THROTTLE_FAILURES_MAX = SIGN_IN_RULE.hitsMax;
export const THROTTLE_WINDOW_MS = SIGN_IN_RULE.windowMs;
export const THROTTLE_LOCK_MS = SIGN_IN_RULE.lockMs;

/** Failures of one login name (or of its second factor) before the first pause. */
export const ACCOUNT_FAILURES_FREE = 5;
/** The first pause; each further failure doubles it. */
export const ACCOUNT_LOCK_FIRST_MS = 30 * 1000;
/** The longest pause, however many failures came before. */
export const ACCOUNT_LOCK_MAX_MS = 15 * MINUTE;
/** A login name's count starts again once this long has passed with no pause and no new count. */
export const ACCOUNT_QUIET_MS = HOUR;

/** A key and the rule it is counted under. */
export interface CountedKey {
  key: string;
  rule: ThrottleRule;
}

type Db = Sql | Transaction;

/** The keys one sign-in attempt is counted under. The login name is keyed whether or not the account exists. */
export interface SignInKeys {
  /** The client's address block, or null when the adapter cannot tell it. */
  address: string | null;
  /** Wrong passwords against the name. */
  loginName: string;
  /** Wrong second-factor codes after the right password. */
  secondFactor: string;
}

export function signInKeys(options: { ip: string | null; loginName: string }): SignInKeys {
  const name = options.loginName.slice(0, 100);
  return {
    address: options.ip === null ? null : `ip:${addressBlock(options.ip)}`,
    loginName: `login:${name}`,
    secondFactor: `totp:${name}`
  };
}

/** The address and login-name keys of one attempt, for use cases that count both alike. */
export function throttleKeys(options: { ip: string | null; loginName: string }): string[] {
  const keys = signInKeys(options);
  return keys.address === null ? [keys.loginName] : [keys.loginName, keys.address];
}

/** Keys that back off per account, rather than by a rule's window. */
function backsOff(key: string): boolean {
  return key.startsWith('login:') || key.startsWith('totp:');
}

/**
 * How long a login name (or its second factor) is paused after its `failures`-th failure in a
 * row: nothing for the first few, then 30 s, 1 min, 2 min, … up to ACCOUNT_LOCK_MAX_MS.
 */
export function accountLockMs(failures: number): number {
  if (failures < ACCOUNT_FAILURES_FREE) return 0;
  // Capped before the power, so that a long run of failures never overflows.
  const doublings = Math.min(failures - ACCOUNT_FAILURES_FREE, 16);
  return Math.min(ACCOUNT_LOCK_FIRST_MS * 2 ** doublings, ACCOUNT_LOCK_MAX_MS);
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

/**
 * A failed sign-in (or a wrong evaluation code, under its own rule) counts against its keys: a
 * login name or its second factor by the per-account back-off, every other key by the rule.
 */
export async function recordFailure(db: Db, keys: readonly string[], now: Date, rule = SIGN_IN_RULE): Promise<void> {
  const sorted = [...keys].sort();
  for (const key of sorted.filter(backsOff)) await recordAccountFailure(db, key, now);
  await countHits(
    db,
    sorted.filter((key) => !backsOff(key)).map((key) => ({ key, rule })),
    now
  );
}

/**
 * The per-account back-off. The count runs on while failures keep coming: it starts again only
 * after ACCOUNT_QUIET_MS with no pause in force (measured from the last pause's end, or from the
 * count's start when there was none). Concurrent failures each take the longer pause.
 */
async function recordAccountFailure(db: Db, key: string, now: Date): Promise<void> {
  const quietSince = new Date(now.getTime() - ACCOUNT_QUIET_MS);
  const [row] = await db<{ hits: number }[]>`
    insert into throttles as t (key, hits, window_started_at, locked_until)
    values (${key}, 1, ${now}, null)
    on conflict (key) do update set
      hits = case when greatest(t.window_started_at, t.locked_until) <= ${quietSince} then 1 else t.hits + 1 end,
      window_started_at = case when greatest(t.window_started_at, t.locked_until) <= ${quietSince} then ${now}
                               else t.window_started_at end
    returning hits`;
  const lockMs = accountLockMs(row?.hits ?? 0);
  if (lockMs === 0) return;
  await db`
    update throttles set locked_until = greatest(locked_until, ${new Date(now.getTime() + lockMs)}::timestamptz)
     where key = ${key}`;
}

/**
 * A right password clears the login name's count; a finished sign-in (past the second factor, if
 * any) clears the second factor's too. Never the address's, which an attacker shares. A pause in
 * force stays until it ends.
 */
export async function clearAccountFailures(
  db: Db,
  loginName: string,
  now: Date,
  options: { secondFactor: boolean } = { secondFactor: true }
): Promise<void> {
  const keys = signInKeys({ ip: null, loginName });
  const cleared = options.secondFactor ? [keys.loginName, keys.secondFactor] : [keys.loginName];
  await db`delete from throttles where key = any(${cleared}) and coalesce(locked_until, '-infinity') <= ${now}`;
  // Old counters are dropped here, on a path that runs far less often than failures.
  await db`delete from throttles
            where window_started_at < ${new Date(now.getTime() - 24 * HOUR)}
              and coalesce(locked_until, '-infinity') <= ${now}`;
}
