import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './preferences';

describe('safeReturnPath', () => {
  it.each([
    ['/', '/'],
    ['/about?x=1#top', '/about?x=1#top'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/a\nb', '/'],
    [undefined, '/'],
    [42, '/']
  ])('%j returns %j', (candidate, expected) => {
    expect(safeReturnPath(candidate)).toBe(expected);
  });
});
