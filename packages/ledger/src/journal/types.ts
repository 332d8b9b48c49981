import type { Side } from '../chart/account.js';
import type { Money } from '../money/money.js';

export type Posting = {
  readonly account: string;
  readonly side: Side;
  /** Always positive: the side says which way the money moves. */
  readonly amount: Money;
  /** A line's own note, such as the household a refund goes to. */
  readonly memo?: string;
};

export type EntryReferences = {
  readonly applicationId?: string;
  readonly voucherNumber?: string;
  /** SHA-256 of each attached receipt or invoice, as 64 lowercase hex characters. */
  readonly attachmentHashes?: readonly string[];
};

/** The part of a hold that an entry pays out. */
export type Settlement = { readonly holdId: string; readonly amount: Money };

/** A journal entry as recorded. It is never changed: a mistake is corrected by a reversing entry. */
export type Entry = {
  readonly fundId: string;
  /** 1, 2, 3, … with no gaps within a fund: the order of the hash chain. */
  readonly seq: number;
  readonly id: string;
  /** The day the money moved (YYYY-MM-DD), which reports use. */
  readonly date: string;
  /** When the entry was recorded (ISO-8601 UTC with milliseconds). */
  readonly recordedAt: string;
  readonly memo: string;
  readonly references: EntryReferences;
  readonly idempotencyKey: string | null;
  /** SHA-256 of the entry's canonical body: what a retry with the same key must reproduce. */
  readonly requestHash: string | null;
  /** The id of the entry this one reverses. */
  readonly reverses: string | null;
  readonly settles: Settlement | null;
  readonly postings: readonly Posting[];
  /** The hash of the previous entry, or 64 zeros for the first; empty in a book kept without a chain. */
  readonly previousHash: string;
  readonly hash: string;
};

/** What a caller asks to post. The book fills in the fund, sequence, id, time and hashes. */
export type PostCommand = {
  readonly date: string;
  readonly memo?: string;
  readonly postings: readonly Posting[];
  readonly references?: EntryReferences;
  readonly idempotencyKey?: string;
};

/** Where the chain stood before this command: the last entry's sequence number and hash. */
export type ChainHead = { readonly seq: number; readonly hash: string };

/**
 * Returns the SHA-256 of a text's UTF-8 bytes as 64 lowercase hex characters. The package's
 * default is pure JS; Node may pass its native one, which is several times faster:
 * `(text) => createHash('sha256').update(text, 'utf8').digest('hex')`.
 */
export type HashFunction = (text: string) => string;

export type DecisionContext = {
  /** When the command is recorded: ISO-8601 UTC with milliseconds, such as 2026-03-01T09:00:00.000Z. */
  readonly recordedAt: string;
  readonly entryId: string;
  /**
   * The SHA-256 to chain entries with; the pure-JS one when left out. Null keeps the books without
   * a chain (entries then carry empty hashes), which only benchmarks and scratch books should do.
   */
  readonly hash?: HashFunction | null;
};
