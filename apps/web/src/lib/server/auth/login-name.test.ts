import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidLoginName, normaliseLoginName } from './login-name';

describe('normaliseLoginName', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['(+86) 138 0013 8000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['  Wang.Li  ', 'wang.li'],
    ['Wang.Li', 'wang.li'],
    ['wang-li', 'wang-li'],
    // Not a Chinese mobile number with its country code: kept as typed, without separators.
    ['86 010 1234 5678', '8601012345678']
  ])('%j is %j', (typed, normal) => {
    expect(normaliseLoginName(typed)).toBe(normal);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (typed) => {
        const once = normaliseLoginName(typed);
        expect(normaliseLoginName(once)).toBe(once);
      })
    );
  });

  it('gives every spelling of one mobile number the same name', () => {
    const number = fc.stringMatching(/^1[3-9][0-9]{9}$/);
    const separator = fc.constantFrom('', ' ', '-');
    fc.assert(
      fc.property(number, separator, fc.boolean(), (digits, sep, withCode) => {
        const typed = `${withCode ? '+86 ' : ''}${digits.slice(0, 3)}${sep}${digits.slice(3, 7)}${sep}${digits.slice(7)}`;
        expect(normaliseLoginName(typed)).toBe(digits);
      })
    );
  });
});

describe('isValidLoginName', () => {
  it.each([
    ['13800138000', true],
    ['wang.li', true],
    ['abc', true],
    ['a'.repeat(32), true],
    ['a'.repeat(33), false],
    ['ab', false],
    ['.wang', false],
    ['wang li', false],
    ['王丽', false],
    ['Wang.Li', false],
    ['', false]
  ])('%j is %s', (name, valid) => {
    expect(isValidLoginName(name)).toBe(valid);
  });
});
