import { sha256 } from '@oslojs/crypto/sha2';
import { describe, expect, it } from 'vitest';
import { hashToken, isWellFormedToken, newToken, tokenMatches } from './tokens';

describe('tokens', () => {
  it('are 40 characters of lower-case base32, and never repeat', () => {
    const tokens = Array.from({ length: 200 }, () => newToken());
    for (const token of tokens) {
      expect(token).toMatch(/^[a-z2-7]{40}$/);
      expect(isWellFormedToken(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('are stored as their 32-byte SHA-256', () => {
    const token = newToken();
    const hash = hashToken(token);
    expect(hash).toHaveLength(32);
    expect(hash).toEqual(sha256(new TextEncoder().encode(token)));
    expect(Buffer.from(hash).toString('hex')).not.toContain(token);
  });

  it('match only their own hash', () => {
    const token = newToken();
    const other = newToken();
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    expect(tokenMatches(other, hashToken(token))).toBe(false);
    expect(tokenMatches(token.toUpperCase(), hashToken(token))).toBe(false);
    expect(tokenMatches(token, hashToken(token).slice(0, 31))).toBe(false);
  });

  it('are not looked up unless well formed', () => {
    const token = newToken();
    for (const bad of [
      '',
      token.slice(1),
      `${token}a`,
      token.toUpperCase(),
      `${token.slice(1)}1`,
      `${token.slice(1)}=`
    ]) {
      expect(isWellFormedToken(bad), bad).toBe(false);
    }
  });
});
