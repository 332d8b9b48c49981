import { describe, expect, it } from 'vitest';
import { contentDispositionOf, sniffMediaType } from './attachments';

describe('sniffMediaType', () => {
  it('knows PDF, JPEG and PNG by their first bytes only', () => {
    const bytes = (...values: number[]) => Uint8Array.from(values);
    expect(sniffMediaType(new TextEncoder().encode('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffMediaType(bytes(0xff, 0xd8, 0xff, 0xdb))).toBe('image/jpeg');
    expect(sniffMediaType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffMediaType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeNull();
    expect(sniffMediaType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffMediaType(new TextEncoder().encode(' %PDF-'))).toBeNull();
    expect(sniffMediaType(new Uint8Array())).toBeNull();
  });
});

describe('contentDispositionOf', () => {
  const sha256 = 'a'.repeat(64);
  it('encodes the stored name for RFC 5987 with the extension of the real type', () => {
    expect(contentDispositionOf({ sha256, mediaType: 'image/png', originalName: "回单 (1)'.png" })).toBe(
      `inline; filename*=UTF-8''%E5%9B%9E%E5%8D%95%20%281%29%27.png`
    );
    expect(contentDispositionOf({ sha256, mediaType: 'application/pdf', originalName: 'slip.html' })).toBe(
      `inline; filename*=UTF-8''slip.pdf`
    );
    expect(contentDispositionOf({ sha256, mediaType: 'image/jpeg', originalName: '' })).toBe(
      `inline; filename*=UTF-8''${'a'.repeat(16)}.jpg`
    );
  });
});
