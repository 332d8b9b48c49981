import type { Sql, Transaction } from '../db/client';

/**
 * Slows guessing, with counters in PostgreSQL so that every app process sees the same numbers.
 * A locked key is refused before the password is checked, so even the right password waits.
 *
 * - An address (an IPv6 /64): 10 failures within 10 minutes lock it for 10 minutes. The same rule
 *   serves the residents' evaluation codes, under keys of their own.
 * - A login name: the first few failures are free, then each further failure locks the name for
 *   twice as long as the one before, from 30 seconds up to 15 minutes. A typo costs nothing, a
 *   guesser gets a handful of tries an hour per name, and a stranger who sends wrong passwords to
 *   pause someone else's account (easy behind a proxy without ADDRESS_HEADER, where every visitor
 *   shares one address) pauses it only as long as they keep at it. The password with a valid
 *   second-factor code still signs in while the name is paused (accounts.ts), so nobody can keep a
 *   person with two-step verification out.
 * - A login name's second factor: wrong codes after the right password, which only someone who
 *   knows the password can send, follow the same back-off under a key of their own. They bound
 *   code guessing, and a stranger cannot set them off.
 */
export const THROTTLE_FAILURES_MAX = 10;
export const THROTTLE_WINDOW_MS = 10 * 60 * 1000;
export const THROTTLE_LOCK_MS = 10 * 60 * 1000;

/** Failures of one login name (or of its second factor) before the first pause. */
export const ACCOUNT_FAILURES_FREE = 5;
/** The first pause; each further failure doubles it. */
export const ACCOUNT_LOCK_FIRST_MS = 30 * 1000;
/** The longest pause, however many failures came before. */
export const ACCOUNT_LOCK_MAX_MS = 15 * 60 * 1000;
/** A login name's count starts again once this long has passed with no pause and no new count. */
export const ACCOUNT_QUIET_MS = 60 * 60 * 1000;

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

/** Keys that back off per account, rather than by the address window. */
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
    select max(locked_until) as until from login_throttles where key = any(${keys}) and locked_until > ${now}`;
  return row?.until ?? null;
}

export async function recordFailure(db: Db, keys: readonly string[], now: Date): Promise<void> {
  for (const key of [...keys].sort()) {
    if (backsOff(key)) await recordAccountFailure(db, key, now);
    else await recordAddressFailure(db, key, now);
  }
}

/** The address rule: THROTTLE_FAILURES_MAX failures within the window lock the key for THROTTLE_LOCK_MS. */
async function recordAddressFailure(db: Db, key: string, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const lockEnd = new Date(now.getTime() + THROTTLE_LOCK_MS);
  await db`
    insert into login_throttles as t (key, failures, window_started_at, locked_until)
    values (${key}, 1, ${now}, null)
    on conflict (key) do update set
      failures = case when t.window_started_at <= ${windowStart} then 1 else t.failures + 1 end,
      window_started_at = case when t.window_started_at <= ${windowStart} then ${now} else t.window_started_at end,
      locked_until = case
        when t.window_started_at > ${windowStart} and t.failures + 1 >= ${THROTTLE_FAILURES_MAX} then ${lockEnd}::timestamptz
        else t.locked_until end`;
}

/**
 * The per-account back-off. The count runs on while failures keep coming: it starts again only
 * after ACCOUNT_QUIET_MS with no pause in force (measured from the last pause's end, or from the
 * count's start when there was none). Concurrent failures each take the longer pause.
 */
async function recordAccountFailure(db: Db, key: string, now: Date): Promise<void> {
  const quietSince = new Date(now.getTime() - ACCOUNT_QUIET_MS);
  const [row] = await db<{ failures: number }[]>`
    insert into login_throttles as t (key, failures, window_started_at, locked_until)
    values (${key}, 1, ${now}, null)
    on conflict (key) do update set
      failures = case when greatest(t.window_started_at, t.locked_until) <= ${quietSince} then 1 else t.failures + 1 end,
      window_started_at = case when greatest(t.window_started_at, t.locked_until) <= ${quietSince} then ${now}
                               else t.window_started_at end
    returning failures`;
  const lockMs = accountLockMs(row?.failures ?? 0);
  if (lockMs === 0) return;
  await db`
    update login_throttles set locked_until = greatest(locked_until, ${new Date(now.getTime() + lockMs)}::timestamptz)
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
  await db`delete from login_throttles where key = any(${cleared}) and coalesce(locked_until, '-infinity') <= ${now}`;
  // Old counters are dropped here, on a path that runs far less often than failures.
  await db`delete from login_throttles
            where window_started_at < ${new Date(now.getTime() - 24 * 60 * 60 * 1000)}
              and coalesce(locked_until, '-infinity') <= ${now}`;
}
