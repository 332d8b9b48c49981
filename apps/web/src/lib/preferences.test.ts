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
    ['/..//evil.example/', '/'],
    ['/./\\evil.example', '/'],
    // A Location header carries only ASCII: the rest comes back percent-encoded, as a browser sends it.
    ['/中文', '/%E4%B8%AD%E6%96%87'],
    ['/f/guihuajing/ledger?q=门禁 杆#第一', '/f/guihuajing/ledger?q=%E9%97%A8%E7%A6%81%20%E6%9D%86#%E7%AC%AC%E4%B8%80'],
    ['/a\u0000b', '/'],
    [undefined, '/'],
    [42, '/']
  ])('%j returns %j', (candidate, expected) => {
    expect(safeReturnPath(candidate)).toBe(expected);
  });
});
