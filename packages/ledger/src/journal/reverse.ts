import { reject, type Result } from '../result.js';
import type { CanonicalBody } from './canonical.js';
import { checkReplay, decideDraft, type EntryDecision, type PostCode, type PostState } from './post.js';
import type { DecisionContext, Entry, Posting } from './types.js';

export type ReverseCode = PostCode | 'entry_not_found' | 'reversal_must_not_be_reversed' | 'entry_already_reversed';

export type ReverseCommand = {
  /** The id of the entry to reverse. */
  readonly entryId: string;
  /** The day of the reversal, which may differ from the original's. */
  readonly date: string;
  /** Why the entry is reversed. */
  readonly memo: string;
  readonly idempotencyKey?: string;
};

export type ReverseState = PostState & {
  readonly entryOriginal: Entry | null;
  /** The entry that already reverses the original, if any. */
  readonly reversalExisting: Entry | null;
};

/**
 * Decides the mirror entry of an earlier one: every posting on the other side, linked to the
 * original by `reverses`. An entry is reversed at most once, and a reversal is never reversed
 * (post the original again instead), so that the trail of corrections stays a simple list.
 * A reversal does not reopen a hold that the original settled.
 */
export function decideReverse(
  state: ReverseState,
  command: ReverseCommand,
  context: DecisionContext
): Result<EntryDecision, ReverseCode> {
  const original = state.entryOriginal;
  if (original === null || original.id !== command.entryId) {
    return reject('entry_not_found', { entryId: command.entryId });
  }
  const draft = reversalDraft(original, command);
  const replay = checkReplay(state.entryForKey, draft);
  if (replay !== null) {
    return replay;
  }
  if (original.reverses !== null) {
    return reject('reversal_must_not_be_reversed', { entryId: original.id });
  }
  if (state.reversalExisting !== null) {
    return reject('entry_already_reversed', { entryId: original.id, reversalId: state.reversalExisting.id });
  }
  return decideDraft(state, draft, context, null);
}

function reversalDraft(original: Entry, command: ReverseCommand): CanonicalBody {
  return {
    date: command.date,
    memo: command.memo,
    idempotencyKey: command.idempotencyKey ?? null,
    reverses: original.id,
    settles: null,
    references: original.references,
    postings: original.postings.map(postingMirrored)
  };
}

function postingMirrored(posting: Posting): Posting {
  const side = posting.side === 'debit' ? 'credit' : 'debit';
  return posting.memo === undefined
    ? { account: posting.account, side, amount: posting.amount }
    : { account: posting.account, side, amount: posting.amount, memo: posting.memo };
}
