import { describe, expect, it } from 'vitest';
import { ServedStamps } from './served-stamps';

describe('ServedStamps', () => {
  it('finds a read older than what was served by either part, and keeps the newer of each', () => {
    const served = new ServedStamps();
    expect(served.isOlder('1', { seq: 0, lastEvent: '0' })).toBe(false);
    served.record('1', { seq: 5, lastEvent: '40' });
    expect(served.isOlder('1', { seq: 5, lastEvent: '40' })).toBe(false);
    expect(served.isOlder('1', { seq: 4, lastEvent: '41' })).toBe(true);
    expect(served.isOlder('1', { seq: 6, lastEvent: '39' })).toBe(true);
    // A replica that has replayed more than was served is never older.
    expect(served.isOlder('1', { seq: 6, lastEvent: '41' })).toBe(false);
    served.record('1', { seq: 3, lastEvent: '90' });
    expect(served.isOlder('1', { seq: 5, lastEvent: '89' })).toBe(true);
    expect(served.isOlder('1', { seq: 4, lastEvent: '90' })).toBe(true);
    // Other funds are their own; event ids compare as bigints, not as text.
    expect(served.isOlder('2', { seq: 0, lastEvent: '0' })).toBe(false);
    served.record('2', { seq: 1, lastEvent: '9007199254740993' });
    expect(served.isOlder('2', { seq: 1, lastEvent: '9007199254740992' })).toBe(true);
    expect(served.isOlder('2', { seq: 1, lastEvent: '10000000000000000' })).toBe(false);
  });

  it('stays within its cap by forgetting the fund served least recently', () => {
    const served = new ServedStamps(3);
    for (const fund of ['1', '2', '3']) served.record(fund, { seq: 10, lastEvent: '10' });
    served.record('1', { seq: 11, lastEvent: '11' });
    served.record('4', { seq: 10, lastEvent: '10' });
    expect(served.size).toBe(3);
    // Fund 2 went first (1 was served again since); its memory is gone, 1's is kept.
    expect(served.isOlder('2', { seq: 0, lastEvent: '0' })).toBe(false);
    expect(served.isOlder('1', { seq: 10, lastEvent: '11' })).toBe(true);
  });
});
