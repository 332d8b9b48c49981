import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOTP_PERIOD_SECONDS, matchTotpStep, newTotpKey, totpCodeAt, totpKeyUri } from './totp';

const STEP_MS = TOTP_PERIOD_SECONDS * 1000;

describe('matchTotpStep', () => {
  const key = Uint8Array.from({ length: 20 }, (_, index) => index * 13);
  const now = new Date('2026-03-01T08:00:10Z');
  const step = BigInt(Math.floor(now.getTime() / STEP_MS));
  const codeAt = (offsetSteps: number) => totpCodeAt(key, new Date(now.getTime() + offsetSteps * STEP_MS));

  it('accepts the code of now and of one step either side, and says which step it was', () => {
    expect(matchTotpStep({ key, code: codeAt(0), now })).toBe(step);
    expect(matchTotpStep({ key, code: codeAt(-1), now })).toBe(step - 1n);
    expect(matchTotpStep({ key, code: codeAt(1), now })).toBe(step + 1n);
    expect(matchTotpStep({ key, code: `${codeAt(0).slice(0, 3)} ${codeAt(0).slice(3)}`, now })).toBe(step);
  });

  it('refuses codes two steps away, and malformed input', () => {
    // The six-digit codes of different steps may coincide by chance; these do not for this key.
    const near = new Set([codeAt(-1), codeAt(0), codeAt(1)]);
    for (const offset of [-2, 2]) {
      expect(near.has(codeAt(offset))).toBe(false);
      expect(matchTotpStep({ key, code: codeAt(offset), now })).toBeNull();
    }
    for (const code of ['', '12345', '1234567', 'abcdef', `${codeAt(0)}0`, `-${codeAt(0).slice(1)}`]) {
      expect(matchTotpStep({ key, code, now })).toBeNull();
    }
  });

  it('refuses another key’s code (almost always: six digits collide one time in a million)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.integer({ min: 60, max: 2 ** 31 }),
        (other, seconds) => {
          const at = new Date(seconds * 1000);
          const code = totpCodeAt(other, at);
          const own = [-1, 0, 1].map((offset) => totpCodeAt(key, new Date(at.getTime() + offset * STEP_MS)));
          fc.pre(!own.includes(code));
          expect(matchTotpStep({ key, code, now: at })).toBeNull();
          expect(matchTotpStep({ key: other, code, now: at })).toBe(BigInt(Math.floor(at.getTime() / STEP_MS)));
        }
      )
    );
  });
});

describe('keys', () => {
  it('are 20 random bytes and go into an otpauth URI', () => {
    const key = newTotpKey();
    expect(key).toHaveLength(20);
    expect(newTotpKey()).not.toEqual(key);
    const uri = totpKeyUri({ issuer: 'Gongjian', accountName: 'wang.li', key });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Gongjian:wang\.li\?/);
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
  });
});
