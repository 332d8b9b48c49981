import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HASH_GENESIS, Money, canonicalEntry, verifyChain, type Entry, type Posting } from '../src/index.js';
import { historyOf } from './support/history.js';
import { books } from './support/journal.js';

const nativeSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const HISTORY = historyOf(40, 7).book.entries();

describe('the hash chain', () => {
  it('documents its canonical form: anyone can recompute a hash with sha256sum', () => {
    const book = books(`
      2026-03-01 * "网格单位出资" voucher:记-001
        1002.01              10000.00
        4101.01             -10000.00   ; 城关小学
    `);
    const entry = book.entries()[0] as Entry;
    expect(canonicalEntry(entry)).toBe(
      [
        'gongjian-entry 1',
        'fund "test"',
        'seq 1',
        'id "1"',
        'recorded 2026-03-01T09:00:00.001Z',
        'date 2026-03-01',
        'memo "网格单位出资"',
        'voucher "记-001"',
        'posting 1002.01 debit 10000.00',
        'posting 4101.01 credit 10000.00 "城关小学"',
        ''
      ].join('\n')
    );
    const expected = createHash('sha256')
      .update(HASH_GENESIS + canonicalEntry(entry), 'utf8')
      .digest('hex');
    expect([entry.previousHash, entry.hash]).toEqual([HASH_GENESIS, expected]);
  });

  it('gives the same hashes with the native SHA-256 as with the pure-JS one', () => {
    expect(verifyChain(HISTORY, { hash: nativeSha256 }).ok).toBe(true);
    expect(verifyChain(HISTORY.slice(10), { head: { seq: 10, hash: HISTORY[9]?.hash ?? '' } }).ok).toBe(true);
  });

  it.each([
    [
      'entry_was_altered',
      5,
      (entries: Entry[]) => entries.map((entry, index) => (index === 5 ? { ...entry, memo: `${entry.memo}!` } : entry))
    ],
    ['entry_is_missing_before', 5, (entries: Entry[]) => entries.filter((_, index) => index !== 5)],
    [
      'entry_is_out_of_order',
      5,
      (entries: Entry[]) => [...entries.slice(0, 5), entries[6] as Entry, entries[5] as Entry, ...entries.slice(7)]
    ],
    [
      'entry_is_out_of_order',
      6,
      (entries: Entry[]) => [...entries.slice(0, 6), entries[3] as Entry, ...entries.slice(6)]
    ],
    [
      'entry_does_not_follow_previous',
      5,
      (entries: Entry[]) => entries.map((entry, index) => (index === 5 ? forged(entry) : entry))
    ]
  ] as const)('reports %s at index %i', (code, index, tamper) => {
    expect(verifyChain(tamper([...HISTORY]))).toMatchObject({ ok: false, code, index });
  });

  it('fails at exactly the index of an entry with any one character altered', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: HISTORY.length - 1 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 8 }),
        (index, field, position, delta) => {
          const entries = [...HISTORY];
          entries[index] = altered(entries[index] as Entry, { field, position, delta: delta + 1 });
          expect(verifyChain(entries)).toMatchObject({ ok: false, index });
        }
      ),
      { numRuns: 300 }
    );
  });
});

/** A forgery that rehashes its own content but cannot know the real previous hash. */
function forged(entry: Entry): Entry {
  const previousHash = 'f'.repeat(64);
  const hash = createHash('sha256')
    .update(previousHash + canonicalEntry(entry), 'utf8')
    .digest('hex');
  return { ...entry, previousHash, hash };
}

function shift(text: string, position: number, delta: number, alphabet: string): string {
  const at = position % text.length;
  const index = alphabet.indexOf(text[at] ?? '');
  const replacement = alphabet[(Math.max(0, index) + delta) % alphabet.length] ?? '';
  return (
    text.slice(0, at) +
    (replacement === text[at] ? alphabet[(index + 1) % alphabet.length] : replacement) +
    text.slice(at + 1)
  );
}

const TEXT = 'abcdefghijklmnopqrstuvwxyz0123456789 -:.';
const DIGITS = '0123456789';

/** Changes one character of one field, keeping the entry well-typed. */
function altered(entry: Entry, change: { field: number; position: number; delta: number }): Entry {
  const posting = entry.postings[change.position % entry.postings.length] as Posting;
  const edits: (() => Entry)[] = [
    () => ({ ...entry, fundId: shift(entry.fundId, change.position, change.delta, TEXT) }),
    () => ({ ...entry, seq: entry.seq + change.delta }),
    () => ({ ...entry, id: shift(entry.id, change.position, change.delta, TEXT) }),
    () => ({ ...entry, date: shift(entry.date, change.position, change.delta, DIGITS) }),
    () => ({ ...entry, recordedAt: shift(entry.recordedAt, change.position, change.delta, DIGITS) }),
    () => ({ ...entry, memo: shift(entry.memo, change.position, change.delta, TEXT) }),
    () => ({ ...entry, previousHash: shift(entry.previousHash, change.position, change.delta, '0123456789abcdef') }),
    () => ({ ...entry, hash: shift(entry.hash, change.position, change.delta, '0123456789abcdef') }),
    () =>
      withPosting(entry, posting, {
        ...posting,
        account: shift(posting.account, change.position, change.delta, DIGITS)
      }),
    () => withPosting(entry, posting, { ...posting, side: posting.side === 'debit' ? 'credit' : 'debit' }),
    () =>
      withPosting(entry, posting, {
        ...posting,
        amount: Money.fromMinor(BigInt(shift(String(posting.amount.toMinor()), change.position, change.delta, DIGITS)))
      })
  ];
  return (edits[change.field % edits.length] as () => Entry)();
}

function withPosting(entry: Entry, original: Posting, replacement: Posting): Entry {
  return { ...entry, postings: entry.postings.map((posting) => (posting === original ? replacement : posting)) };
}
