import { describe, expect, it } from 'vitest';
import { voucherNumberOf } from './vouchers';

describe('voucherNumberOf', () => {
  it('numbers a voucher by its entry’s seq', () => {
    expect(voucherNumberOf(1)).toBe('记字第1号');
    expect(voucherNumberOf(123)).toBe('记字第123号');
  });
});
