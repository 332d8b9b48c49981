import { sha256 } from '@oslojs/crypto/sha2';
import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import type { HashFunction } from './types.js';

/** The previous hash of a fund's first entry. */
export const HASH_GENESIS = '0'.repeat(64);
const HASH_BYTES = 32;
export const HASH_HEX_LENGTH = 64;
const HEX_OF_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The default hash: the pure-JS SHA-256 of @oslojs/crypto over the text's UTF-8 bytes, which runs
 * in browsers too. Node can pass its native one instead:
 * `(text) => createHash('sha256').update(text, 'utf8').digest('hex')`.
 */
export const sha256Pure: HashFunction = (text) => hexOf(sha256(utf8Encode(text)));

export function isHash(text: string): boolean {
  return HASH_PATTERN.test(text);
}

/** Hashes text as UTF-8 and returns lowercase hex, checking that the hash function kept its contract. */
export function hashText(text: string, hash: HashFunction): string {
  const hex = hash(text);
  assert(hex.length === HASH_HEX_LENGTH, MESSAGES.hashFunctionOutput);
  return hex;
}

function hexOf(digest: Uint8Array): string {
  let hex = '';
  for (let index = 0; index < HASH_BYTES; index += 1) {
    hex += HEX_OF_BYTE[digest[index] ?? 0];
  }
  return hex;
}

/**
 * Encodes a string as UTF-8. TextEncoder would do, but it is not part of the ECMAScript library
 * this package is typed against, and a few lines keep the package free of environment globals.
 * Lone surrogates cannot occur: canonical text quotes free text with JSON.stringify, which escapes
 * them.
 */
export function utf8Encode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 3);
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      bytes[length++] = code;
      continue;
    }
    if (code < 0x800) {
      bytes[length++] = 0xc0 | (code >> 6);
      bytes[length++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code < 0xdc00 && index + 1 < text.length) {
      const low = text.charCodeAt(index + 1);
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      index += 1;
      bytes[length++] = 0xf0 | (code >> 18);
      bytes[length++] = 0x80 | ((code >> 12) & 0x3f);
      bytes[length++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[length++] = 0x80 | (code & 0x3f);
      continue;
    }
    bytes[length++] = 0xe0 | (code >> 12);
    bytes[length++] = 0x80 | ((code >> 6) & 0x3f);
    bytes[length++] = 0x80 | (code & 0x3f);
  }
  return bytes.subarray(0, length);
}
