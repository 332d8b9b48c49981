import type { Sql, Transaction } from '../db/client';

/**
 * Slows password guessing: 10 failed sign-ins from one address, or against one login name, within
 * 10 minutes lock that address or name for 10 minutes. The counters live in PostgreSQL, so every
 * app process sees the same numbers. A locked key is refused before the password is checked, so
 * even the right password gets 429 until the lock ends.
 */
export const THROTTLE_FAILURES_MAX = 10;
export const THROTTLE_WINDOW_MS = 10 * 60 * 1000;
export const THROTTLE_LOCK_MS = 10 * 60 * 1000;

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
    select max(locked_until) as until from login_throttles where key = any(${keys}) and locked_until > ${now}`;
  return row?.until ?? null;
}

export async function recordFailure(db: Db, keys: readonly string[], now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const lockEnd = new Date(now.getTime() + THROTTLE_LOCK_MS);
  for (const key of [...keys].sort()) {
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
}

/** A correct sign-in clears the account's count (never the address's, which an attacker shares). */
export async function clearAccountFailures(db: Db, loginName: string, now: Date): Promise<void> {
  await db`delete from login_throttles where key = ${`login:${loginName.slice(0, 100)}`} and coalesce(locked_until, '-infinity') <= ${now}`;
  // Old counters are dropped here, on a path that runs far less often than failures.
  await db`delete from login_throttles
            where window_started_at < ${new Date(now.getTime() - 24 * 60 * 60 * 1000)}
              and coalesce(locked_until, '-infinity') <= ${now}`;
}
