import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';

/**
 * Secret tokens for session cookies, invitation links and password-reset links. A token is 25
 * random bytes (200 bits, above the 20 bytes the Lucia guide asks for) in lower-case base32, which
 * survives being read aloud, typed from paper and put in a URL. Only its SHA-256 is stored, so a
 * copy of the database lets nobody sign in or use a link.
 */
export const TOKEN_BYTES = 25;

export function newToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(TOKEN_BYTES));
}

/** The stored form of a token. */
export function hashToken(token: string): Uint8Array {
  return sha256(new TextEncoder().encode(token));
}

/**
 * Whether a presented token matches a stored hash, in time that does not depend on where they
 * differ. The lookup by hash already found the row; the comparison guards against a database
 * collation or index surprise ever letting a near-miss through.
 */
export function tokenMatches(token: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashToken(token), storedHash);
}

/** A token looks well-formed (lower-case base32 of the right length); anything else is not looked up. */
export function isWellFormedToken(value: string): boolean {
  return /^[a-z2-7]{40}$/.test(value);
}
