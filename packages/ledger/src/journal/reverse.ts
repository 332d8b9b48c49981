import { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';
import type { CanonicalBody } from './canonical.js';
import { isHoldExpiredAt, type Hold } from './holds.js';
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
  /**
   * The reversal's own voucher number. Left out, the reversal carries the original's references
   * unchanged, voucher number included.
   */
  readonly voucherNumber?: string;
};

export type ReverseState = PostState & {
  readonly entryOriginal: Entry | null;
  /** The entry that already reverses the original, if any. */
  readonly reversalExisting: Entry | null;
  /**
   * The hold the original settled part of, when it settled one (left out or null otherwise).
   * Its account must be among `accounts`.
   */
  readonly holdSettled?: Hold | null;
};

/**
 * A reversal's decision: the mirror entry, and, when the original settled part of a hold that
 * still reserves money, that hold with the reversed amount reserved again (null otherwise).
 */
export type ReverseDecision = EntryDecision & {
  readonly hold: Hold | null;
  /** The held account's new total of open holds, when `hold` is not null. */
  readonly heldTotal: Money | null;
};

/**
 * Decides the mirror entry of an earlier one: every posting on the other side, linked to the
 * original by `reverses`. An entry is reversed at most once, and a reversal is never reversed
 * (post the original again instead), so that the trail of corrections stays a simple list.
 *
 * A reversal undoes a settlement too: when the original paid out part of a hold, the reversal
 * reserves that amount on the hold again (a payout taken back is money promised to the project
 * once more, not money free for anyone). A hold that was released or has expired since reserves
 * nothing any more, so then the money simply returns to its account's available balance.
 */
export function decideReverse(
  state: ReverseState,
  command: ReverseCommand,
  context: DecisionContext
): Result<ReverseDecision, ReverseCode> {
  const original = state.entryOriginal;
  if (original === null || original.id !== command.entryId) {
    return reject('entry_not_found', { entryId: command.entryId });
  }
  const draft = reversalDraft(original, command);
  const replay = checkReplay(state.entryForKey, draft);
  if (replay !== null) {
    return replay.ok ? ok({ ...replay.value, hold: null, heldTotal: null }) : replay;
  }
  if (original.reverses !== null) {
    return reject('reversal_must_not_be_reversed', { entryId: original.id });
  }
  if (state.reversalExisting !== null) {
    return reject('entry_already_reversed', { entryId: original.id, reversalId: state.reversalExisting.id });
  }
  const decision = decideDraft(state, draft, context, null);
  if (!decision.ok) {
    return decision;
  }
  return ok({ ...decision.value, ...holdReopened(state, original, context) });
}

/** The hold a reversed settlement reserves again, and its account's new held total. */
function holdReopened(
  state: ReverseState,
  original: Entry,
  context: DecisionContext
): { hold: Hold | null; heldTotal: Money | null } {
  const hold = state.holdSettled ?? null;
  const settles = original.settles;
  if (settles === null || hold === null || hold.id !== settles.holdId) {
    return { hold: null, heldTotal: null };
  }
  if (hold.status === 'released' || isHoldExpiredAt(hold, context.recordedAt)) {
    return { hold: null, heldTotal: null };
  }
  const account = state.accounts.get(hold.account);
  if (account === undefined) {
    return { hold: null, heldTotal: null };
  }
  return {
    hold: { ...hold, amountSettled: hold.amountSettled.minus(settles.amount), status: 'open', closedAt: null },
    heldTotal: account.heldTotal.plus(settles.amount)
  };
}

function reversalDraft(original: Entry, command: ReverseCommand): CanonicalBody {
  return {
    date: command.date,
    memo: command.memo,
    idempotencyKey: command.idempotencyKey ?? null,
    reverses: original.id,
    settles: null,
    references:
      command.voucherNumber === undefined
        ? original.references
        : { ...original.references, voucherNumber: command.voucherNumber },
    postings: original.postings.map(postingMirrored)
  };
}

function postingMirrored(posting: Posting): Posting {
  const side = posting.side === 'debit' ? 'credit' : 'debit';
  return posting.memo === undefined
    ? { account: posting.account, side, amount: posting.amount }
    : { account: posting.account, side, amount: posting.amount, memo: posting.memo };
}
