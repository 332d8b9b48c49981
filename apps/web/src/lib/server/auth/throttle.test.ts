import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_FAILURES_FREE,
  ACCOUNT_LOCK_FIRST_MS,
  ACCOUNT_LOCK_MAX_MS,
  accountLockMs,
  addressBlock,
  signInKeys,
  throttleKeys
} from './throttle';

describe('addressBlock', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::6', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:DB8:0001:0002::1', '2001:db8:1:2::/64'],
    // The groups after '::' reach into the /64 here: this is 2001:db8:0:1:2:3:4:5.
    ['2001:db8::1:2:3:4:5', '2001:db8:0:1::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64']
  ])('%s counts as %s', (ip, block) => {
    expect(addressBlock(ip)).toBe(block);
  });

  it('puts every spelling of every address of one /64 into the same block, and other /64s elsewhere', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const address = fc.array(group, { minLength: 8, maxLength: 8 });
    /** Writes the address with '::' in place of the zero groups from..to (exclusive), if all are zero. */
    const spell = (groups: number[], from: number, to: number, pad: boolean) => {
      const text = (values: number[]) => values.map((value) => value.toString(16).padStart(pad ? 4 : 1, '0')).join(':');
      if (from >= to || groups.slice(from, to).some((value) => value !== 0)) return text(groups);
      return `${text(groups.slice(0, from))}::${text(groups.slice(to))}`;
    };
    const zeroRun = fc.tuple(fc.nat(8), fc.nat(8)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(
        address,
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        zeroRun,
        zeroRun,
        fc.boolean(),
        (groups, zeroed, [from1, to1], [from2, to2], pad) => {
          // Zero some groups, so '::' has something to stand for.
          const withZeros = groups.map((value, index) => (zeroed[index] ? 0 : value));
          const expected = `${withZeros
            .slice(0, 4)
            .map((value) => value.toString(16))
            .join(':')}::/64`;
          const spelled = spell(withZeros, from1, to1, pad);
          fc.pre(spelled.includes(':') && !spelled.startsWith('::ffff:') && spelled !== '::');
          expect(addressBlock(spelled)).toBe(expected);
          expect(addressBlock(spell(withZeros, from2, to2, !pad).toUpperCase())).toBe(expected);
          const otherBlock = withZeros.map((value, index) => (index === 3 ? (value + 1) % 0x10000 : value));
          expect(addressBlock(spell(otherBlock, from1, to1, pad))).not.toBe(expected);
        }
      )
    );
  });
});

describe('throttleKeys', () => {
  it('keys the login name always and the address block when known', () => {
    expect(throttleKeys({ ip: null, loginName: 'wang.li' })).toEqual(['login:wang.li']);
    expect(throttleKeys({ ip: '2001:db8:1:2::9', loginName: '13800138000' })).toEqual([
      'login:13800138000',
      'ip:2001:db8:1:2::/64'
    ]);
    expect(throttleKeys({ ip: '::ffff:10.0.0.1', loginName: 'x'.repeat(300) })).toEqual([
      `login:${'x'.repeat(100)}`,
      'ip:10.0.0.1'
    ]);
  });
});

describe('signInKeys', () => {
  it('keys the address, the login name and its second factor apart', () => {
    expect(signInKeys({ ip: '203.0.113.9', loginName: 'wang.li' })).toEqual({
      address: 'ip:203.0.113.9',
      loginName: 'login:wang.li',
      secondFactor: 'totp:wang.li'
    });
    expect(signInKeys({ ip: null, loginName: 'x'.repeat(300) })).toEqual({
      address: null,
      loginName: `login:${'x'.repeat(100)}`,
      secondFactor: `totp:${'x'.repeat(100)}`
    });
  });
});

describe('accountLockMs', () => {
  it('lets the first failures pass, then pauses 30 s and doubles up to 15 minutes', () => {
    const seconds = Array.from({ length: 13 }, (_, index) => accountLockMs(index + 1) / 1000);
    expect(seconds).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900]);
    expect(ACCOUNT_FAILURES_FREE).toBe(5);
  });

  it('never goes below nothing or above the cap, however many failures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (failures) => {
        const ms = accountLockMs(failures);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(ACCOUNT_LOCK_MAX_MS);
        expect(ms === 0).toBe(failures < ACCOUNT_FAILURES_FREE);
        if (failures >= ACCOUNT_FAILURES_FREE) expect(ms).toBeGreaterThanOrEqual(ACCOUNT_LOCK_FIRST_MS);
      })
    );
  });
});
