import { describe, expect, it } from 'vitest';
import {
  COMMON_PASSWORD_COUNT,
  PASSWORD_LENGTH_MAX,
  PASSWORD_LENGTH_MIN,
  checkNewPassword,
  hashPassword,
  verifyAgainstNothing,
  verifyPassword
} from './password';

/** A password of exactly `length` characters that is on no list: a counter over a long alphabet. */
function passwordOfLength(length: number, alphabet = 'gongjianKQZ7%') {
  return Array.from({ length }, (_, index) => alphabet[(index * 7 + index * index) % alphabet.length]).join('');
}

describe('checkNewPassword', () => {
  it('asks for at least 8 characters and accepts up to 256', () => {
    expect([PASSWORD_LENGTH_MIN, PASSWORD_LENGTH_MAX]).toEqual([8, 256]);
    expect(checkNewPassword(passwordOfLength(7))).toBe('password_is_too_short');
    expect(checkNewPassword(passwordOfLength(8))).toBeNull();
    expect(checkNewPassword(passwordOfLength(64))).toBeNull();
    expect(checkNewPassword(passwordOfLength(256))).toBeNull();
    expect(checkNewPassword(passwordOfLength(257))).toBe('password_is_too_long');
    expect(checkNewPassword('')).toBe('password_is_too_short');
  });

  it('counts characters as people see them, not bytes or UTF-16 units', () => {
    // Seven Chinese characters are 21 bytes of UTF-8, yet still seven characters.
    expect(checkNewPassword('桂花井社区共建')).toBe('password_is_too_short');
    expect(checkNewPassword('桂花井社区共建基')).toBeNull();
    // Four emoji are eight UTF-16 units but four characters.
    expect(checkNewPassword('🏠🌳🚲🍵')).toBe('password_is_too_short');
    expect(checkNewPassword('🏠🌳🚲🍵🏠🌳🚲🍵')).toBeNull();
    expect(checkNewPassword('共'.repeat(256))).toBeNull();
    expect(checkNewPassword('共'.repeat(257))).toBe('password_is_too_long');
  });

  it('refuses common passwords whatever their case', () => {
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThan(1000);
    for (const common of ['Password1', 'password1', 'PASSWORD1', '12345678', 'woaini1314', 'WoAiNi1314']) {
      expect(checkNewPassword(common), common).toBe('password_is_too_common');
    }
    expect(checkNewPassword('woaini1314 桂花井')).toBeNull();
  });

  it('refuses the login name as the password, and a password built around it', () => {
    expect(checkNewPassword('13952471086')).toBeNull();
    expect(checkNewPassword('13952471086', { loginName: '13952471086' })).toBe('password_is_too_common');
    expect(checkNewPassword('Wang.Li.2026', { loginName: 'wang.li.2026' })).toBe('password_is_too_common');
    expect(checkNewPassword('my13952471086!', { loginName: '13952471086' })).toBe('password_is_too_common');
    expect(checkNewPassword('13952471086', { loginName: 'wang.li' })).toBeNull();
  });
});

describe('hashPassword and verifyPassword', () => {
  it('hashes with Argon2id at OWASP’s parameters and verifies the whole password', async () => {
    const long = passwordOfLength(99);
    const hash = await hashPassword(`${long}a`);
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(await verifyPassword(hash, `${long}a`)).toBe(true);
    // Differing only in the 100th character: nothing is truncated.
    expect(await verifyPassword(hash, `${long}b`)).toBe(false);
    expect(await verifyPassword(hash, long)).toBe(false);
  });

  it('salts every hash and treats a broken stored hash as a wrong password', async () => {
    const [first, second] = await Promise.all([hashPassword('桂花井社区共建基'), hashPassword('桂花井社区共建基')]);
    expect(first).not.toBe(second);
    expect(await verifyPassword(second ?? '', '桂花井社区共建基')).toBe(true);
    expect(await verifyPassword('not a hash', '桂花井社区共建基')).toBe(false);
    expect(await verifyAgainstNothing('桂花井社区共建基')).toBe(false);
  });

  it('treats the composed and decomposed forms of a character as the same password', async () => {
    const composed = 'café au lait!';
    const hash = await hashPassword(composed);
    expect(await verifyPassword(hash, composed.normalize('NFD'))).toBe(true);
  });
});
