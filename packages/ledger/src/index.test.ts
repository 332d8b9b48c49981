import { describe, expect, it } from 'vitest';
import { CNY } from './index.ts';

describe('CNY', () => {
  it('is kept to the fen', () => {
    expect(CNY).toEqual({ code: 'CNY', scale: 2 });
    expect(Object.isFrozen(CNY)).toBe(true);
  });
});
