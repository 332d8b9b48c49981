import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORD_LIST as commonPasswordList } from './common-passwords';

/**
 * Password rules (NIST SP 800-63B): at least 8 characters, long passphrases welcome, no
 * composition rules, and nothing from the bundled list of common passwords. Argon2id takes the
 * whole password, so nothing is ever truncated.
 */
export const PASSWORD_LENGTH_MIN = 8;
/** Far above the 64 the rules ask to allow; a cap stops a megabyte "password" tying up a core. */
export const PASSWORD_LENGTH_MAX = 256;

/** OWASP's Argon2id minimum: 19 MiB of memory, two passes, one lane. */
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export type PasswordProblem = 'password_is_too_short' | 'password_is_too_long' | 'password_is_too_common';

const common: ReadonlySet<string> = new Set(
  commonPasswordList
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
);

/** The number of bundled common passwords, for the tests and the about page. */
export const COMMON_PASSWORD_COUNT = common.size;

/** Length counts characters as people see them (code points), so 8 Chinese characters are 8. */
export function checkNewPassword(password: string, context: { loginName?: string } = {}): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_LENGTH_MIN) return 'password_is_too_short';
  if (length > PASSWORD_LENGTH_MAX) return 'password_is_too_long';
  const folded = password.trim().toLowerCase();
  if (common.has(folded)) return 'password_is_too_common';
  // A password that is the login name (a phone number, usually) is the first thing anyone tries.
  const loginName = context.loginName?.toLowerCase();
  if (loginName !== undefined && (folded === loginName || (loginName.length >= 6 && folded.includes(loginName)))) {
    return 'password_is_too_common';
  }
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFC'));
  } catch {
    // A malformed stored hash is treated as a wrong password; it cannot be the user's fault, and
    // signing in must not become an oracle for it.
    return false;
  }
}

// Verifying against this when the login name is unknown makes an unknown name take as long as a
// wrong password, so timing does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword('gongjian timing equaliser, never a real password');
  await verifyPassword(await dummyHash, password);
  return false;
}
