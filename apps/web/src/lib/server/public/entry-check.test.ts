import { describe, expect, it } from 'vitest';
import { entryCheck } from './print';

describe('entryCheck', () => {
  it("points at the entry's public page on the given origin, with its QR code and the whole hash", () => {
    const hash = 'a1'.repeat(32);
    const check = entryCheck({ origin: 'http://192.168.1.20:3000', slug: 'guihua', seq: 42, hash });
    expect(check.url).toBe('http://192.168.1.20:3000/f/guihua/ledger/42');
    expect(check.hash).toBe(hash);
    expect(check.seq).toBe(42);
    expect(check.qr.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const svg = Buffer.from(check.qr.slice('data:image/svg+xml;base64,'.length), 'base64').toString('utf8');
    expect(svg).toContain('<svg');
  });

  it('makes a different code for a different entry', () => {
    const one = entryCheck({ origin: 'https://x.cn', slug: 's', seq: 1, hash: '0'.repeat(64) });
    const two = entryCheck({ origin: 'https://x.cn', slug: 's', seq: 2, hash: '0'.repeat(64) });
    expect(one.qr).not.toBe(two.qr);
  });
});
