import { canonicalEntry } from './canonical.js';
import { HASH_GENESIS, hashText, sha256Pure } from './hash.js';
import type { ChainHead, Entry, HashFunction } from './types.js';

export type ChainCode =
  'entry_was_altered' | 'entry_is_missing_before' | 'entry_is_out_of_order' | 'entry_does_not_follow_previous';

export type ChainVerdict =
  | { readonly ok: true; readonly head: ChainHead | null }
  | {
      readonly ok: false;
      readonly code: ChainCode;
      /** The index in the given list of the first entry that fails. */
      readonly index: number;
      readonly seqExpected: number;
      readonly seq: number;
    };

export type VerifyChainOptions = {
  readonly hash?: HashFunction;
  /** The entry before the first one given, when verifying a slice of a longer chain. */
  readonly head?: ChainHead | null;
};

/**
 * Recomputes every hash and checks every link, and reports the first entry that fails:
 * - `entry_was_altered`: the entry's content no longer matches its own hash;
 * - `entry_is_missing_before`: its sequence number jumps and the skipped number is nowhere in
 *   the list, so an entry was removed;
 * - `entry_is_out_of_order`: its sequence number is not the next one but the next one appears
 *   elsewhere, or it goes back, so entries were reordered or one was inserted as a copy;
 * - `entry_does_not_follow_previous`: it does not carry the previous entry's hash, so it was
 *   inserted or the previous one replaced.
 */
export function verifyChain(entries: readonly Entry[], options: VerifyChainOptions = {}): ChainVerdict {
  const hash = options.hash ?? sha256Pure;
  let head = options.head ?? null;
  // A later entry carrying the expected number means the list was reordered, not cut.
  const seqs = new Set(entries.map((entry) => entry.seq));
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] as Entry;
    const seqExpected = (head?.seq ?? 0) + 1;
    const code = checkEntry({ entry, head, seqExpected, hash, seqs });
    if (code !== null) {
      return { ok: false, code, index, seqExpected, seq: entry.seq };
    }
    head = { seq: entry.seq, hash: entry.hash };
  }
  return { ok: true, head };
}

function checkEntry(input: {
  entry: Entry;
  head: ChainHead | null;
  seqExpected: number;
  hash: HashFunction;
  seqs: ReadonlySet<number>;
}): ChainCode | null {
  const { entry, head, seqExpected, hash, seqs } = input;
  if (hashText(entry.previousHash + canonicalEntry(entry), hash) !== entry.hash) {
    return 'entry_was_altered';
  }
  if (entry.seq > seqExpected) {
    return seqs.has(seqExpected) ? 'entry_is_out_of_order' : 'entry_is_missing_before';
  }
  if (entry.seq < seqExpected) {
    return 'entry_is_out_of_order';
  }
  if (entry.previousHash !== (head?.hash ?? HASH_GENESIS)) {
    return 'entry_does_not_follow_previous';
  }
  return null;
}
