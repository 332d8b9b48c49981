import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { Money } from '../money/money.js';
import { ok, reject, type Rejection, type Result } from '../result.js';
import { canonicalBody, canonicalHeader, type CanonicalBody } from './canonical.js';
import { HASH_GENESIS, HASH_HEX_LENGTH, hashText, isHash, sha256Pure } from './hash.js';
import {
  ATTACHMENTS_MAX,
  MEMO_LENGTH_MAX,
  POSTINGS_MAX,
  REFERENCE_LENGTH_MAX,
  isDate,
  isId,
  isRecordedAt
} from './limits.js';
import { balanceOf, type AccountState, type BalanceChange } from './state.js';
import type { ChainHead, DecisionContext, Entry, EntryReferences, Posting, PostCommand } from './types.js';

export type PostCode =
  | 'idempotency_key_must_be_well_formed'
  | 'idempotency_key_reused'
  | 'date_must_be_valid'
  | 'memo_must_not_exceed_limit'
  | 'reference_must_not_exceed_limit'
  | 'attachments_must_not_exceed_limit'
  | 'attachment_hash_must_be_sha256_hex'
  | 'entry_must_have_at_least_two_postings'
  | 'postings_must_not_exceed_limit'
  | 'account_not_found'
  | 'account_closed'
  | 'amount_must_be_positive'
  | 'amount_must_be_within_range'
  | 'entry_must_touch_two_accounts'
  | 'entry_must_balance'
  | 'balance_must_not_go_negative'
  | 'insufficient_available_balance'
  | 'balance_must_stay_within_range';

/** The loaded state a posting decision needs. */
export type PostState = {
  readonly fundId: string;
  /** At least every account the command touches, with its totals and open holds. */
  readonly accounts: ReadonlyMap<string, AccountState>;
  /** The fund's last entry, or null before the first. */
  readonly chainHead: ChainHead | null;
  /** The entry already recorded under the command's idempotency key, if any. */
  readonly entryForKey: Entry | null;
};

/** The rows to write: the entry, and every touched account's new totals. */
export type EntryDecision = {
  readonly entry: Entry;
  /** True when an earlier entry with the same key and content is returned; nothing is to be written. */
  readonly replayed: boolean;
  readonly balanceChanges: readonly BalanceChange[];
};

/** The part of a hold that the entry settles, which the available-balance check counts as free. */
export type HoldRelief = { readonly account: string; readonly amount: Money } | null;

const REFERENCES_NONE: EntryReferences = Object.freeze({});

/**
 * Decides whether a journal entry may be posted. Checks run in a fixed order, and the first that
 * fails is returned: the idempotency key, the date and texts, the number of postings, then each
 * posting's account and amount in order, then the balance of the entry, then each touched account's
 * limits in posting order.
 */
export function decidePost(
  state: PostState,
  command: PostCommand,
  context: DecisionContext
): Result<EntryDecision, PostCode> {
  return decideDraft(state, draftOfCommand(command), context, null);
}

export function draftOfCommand(command: PostCommand): CanonicalBody {
  return {
    date: command.date,
    memo: command.memo ?? '',
    idempotencyKey: command.idempotencyKey ?? null,
    reverses: null,
    settles: null,
    references: command.references === undefined ? REFERENCES_NONE : referencesCopy(command.references),
    postings: command.postings.map(postingCopy)
  };
}

/** Posts any draft: plain, reversing or settling. The callers run their own checks first. */
export function decideDraft(
  state: PostState,
  draft: CanonicalBody,
  context: DecisionContext,
  relief: HoldRelief
): Result<EntryDecision, PostCode> {
  assertContext(state, context);
  const replay = checkReplay(state.entryForKey, draft);
  if (replay !== null) {
    return replay;
  }
  const shape = checkDraft(draft);
  if (shape !== null) {
    return shape;
  }
  const postings = checkPostings(state.accounts, draft.postings);
  if (postings !== null) {
    return postings;
  }
  const deltas = sumPostings(draft.postings);
  if (deltas.byAccount.size < 2) {
    return reject('entry_must_touch_two_accounts');
  }
  if (!deltas.debitsTotal.equals(deltas.creditsTotal)) {
    return reject('entry_must_balance', {
      debitsTotal: deltas.debitsTotal.toString(),
      creditsTotal: deltas.creditsTotal.toString()
    });
  }
  const changes = balanceChanges(state.accounts, deltas.byAccount, relief);
  if (!changes.ok) {
    return changes;
  }
  return ok({ entry: entryBuilt(state, draft, context), replayed: false, balanceChanges: changes.value });
}

/**
 * A retry with the same key and the same body gets the original entry back; the same key with a
 * different body is refused, because the client would otherwise believe its second request was
 * recorded.
 */
export function checkReplay(entryForKey: Entry | null, draft: CanonicalBody): Result<EntryDecision, PostCode> | null {
  if (draft.idempotencyKey !== null && !isId(draft.idempotencyKey)) {
    return reject('idempotency_key_must_be_well_formed');
  }
  if (entryForKey === null) {
    return null;
  }
  assert(entryForKey.idempotencyKey === draft.idempotencyKey, MESSAGES.entryForKeyMismatch);
  if (hashText(canonicalBody(draft), sha256Pure) === entryForKey.requestHash) {
    return ok({ entry: entryForKey, replayed: true, balanceChanges: [] });
  }
  return reject('idempotency_key_reused', { idempotencyKey: draft.idempotencyKey, entryId: entryForKey.id });
}

function assertContext(state: PostState, context: DecisionContext): void {
  assert(isRecordedAt(context.recordedAt), MESSAGES.recordedAtMalformed);
  assert(isId(context.entryId), MESSAGES.entryIdMalformed);
  assert(isId(state.fundId), MESSAGES.fundIdMalformed);
  // Only the length is checked here, on the hot path; verifyChain checks every hash in full.
  const chained = context.hash !== null;
  assert(
    !chained || state.chainHead === null || state.chainHead.hash.length === HASH_HEX_LENGTH,
    MESSAGES.hashMalformed
  );
}

function checkDraft(draft: CanonicalBody): Rejection<PostCode> | null {
  if (!isDate(draft.date)) {
    return reject('date_must_be_valid', { date: draft.date });
  }
  if (draft.memo.length > MEMO_LENGTH_MAX) {
    return reject('memo_must_not_exceed_limit', { lengthMax: MEMO_LENGTH_MAX });
  }
  const references = checkReferences(draft.references);
  if (references !== null) {
    return references;
  }
  if (draft.postings.length < 2) {
    return reject('entry_must_have_at_least_two_postings');
  }
  if (draft.postings.length > POSTINGS_MAX) {
    return reject('postings_must_not_exceed_limit', { countMax: POSTINGS_MAX });
  }
  return null;
}

function checkReferences(references: EntryReferences): Rejection<PostCode> | null {
  for (const text of [references.applicationId, references.voucherNumber]) {
    if (text !== undefined && text.length > REFERENCE_LENGTH_MAX) {
      return reject('reference_must_not_exceed_limit', { lengthMax: REFERENCE_LENGTH_MAX });
    }
  }
  const attachments = references.attachmentHashes ?? [];
  if (attachments.length > ATTACHMENTS_MAX) {
    return reject('attachments_must_not_exceed_limit', { countMax: ATTACHMENTS_MAX });
  }
  const index = attachments.findIndex((attachment) => !isHash(attachment));
  return index === -1 ? null : reject('attachment_hash_must_be_sha256_hex', { index });
}

function checkPostings(
  accounts: ReadonlyMap<string, AccountState>,
  postings: readonly Posting[]
): Rejection<PostCode> | null {
  for (let index = 0; index < postings.length; index += 1) {
    const posting = postings[index] as Posting;
    assert(posting.amount instanceof Money, MESSAGES.amountNotMoney);
    assert(posting.side === 'debit' || posting.side === 'credit', MESSAGES.sideMalformed);
    const state = accounts.get(posting.account);
    if (state === undefined) {
      return reject('account_not_found', { index, account: posting.account });
    }
    if (state.account.flags.closed) {
      return reject('account_closed', { index, account: posting.account });
    }
    if (!posting.amount.isPositive()) {
      return reject('amount_must_be_positive', { index, amount: posting.amount.toString() });
    }
    if (!posting.amount.isWithinRange()) {
      return reject('amount_must_be_within_range', { index, amount: posting.amount.toString() });
    }
    if (posting.memo !== undefined && posting.memo.length > MEMO_LENGTH_MAX) {
      return reject('memo_must_not_exceed_limit', { index, lengthMax: MEMO_LENGTH_MAX });
    }
  }
  return null;
}

type Delta = { debits: Money; credits: Money };

const ZERO = Money.zero();

/**
 * Sums the entry's debits and credits, in total and per account. Money is immutable, so a sum
 * that has only one term reuses that term's amount; a two-line entry then costs no additions
 * here at all, which matters on the hot path of every posting.
 */
function sumPostings(postings: readonly Posting[]): {
  debitsTotal: Money;
  creditsTotal: Money;
  byAccount: Map<string, Delta>;
} {
  let debitsTotal = ZERO;
  let creditsTotal = ZERO;
  const byAccount = new Map<string, Delta>();
  for (const posting of postings) {
    const debit = posting.side === 'debit';
    if (debit) {
      debitsTotal = debitsTotal === ZERO ? posting.amount : debitsTotal.plus(posting.amount);
    } else {
      creditsTotal = creditsTotal === ZERO ? posting.amount : creditsTotal.plus(posting.amount);
    }
    const delta = byAccount.get(posting.account);
    if (delta === undefined) {
      byAccount.set(
        posting.account,
        debit ? { debits: posting.amount, credits: ZERO } : { debits: ZERO, credits: posting.amount }
      );
    } else if (debit) {
      delta.debits = delta.debits === ZERO ? posting.amount : delta.debits.plus(posting.amount);
    } else {
      delta.credits = delta.credits === ZERO ? posting.amount : delta.credits.plus(posting.amount);
    }
  }
  return { debitsTotal, creditsTotal, byAccount };
}

function balanceChanges(
  accounts: ReadonlyMap<string, AccountState>,
  byAccount: ReadonlyMap<string, Delta>,
  relief: HoldRelief
): Result<BalanceChange[], PostCode> {
  const changes: BalanceChange[] = [];
  for (const [code, delta] of byAccount) {
    const state = accounts.get(code) as AccountState;
    const change: BalanceChange = {
      account: code,
      debitsPosted: delta.debits === ZERO ? state.debitsPosted : state.debitsPosted.plus(delta.debits),
      creditsPosted: delta.credits === ZERO ? state.creditsPosted : state.creditsPosted.plus(delta.credits),
      debitsDelta: delta.debits,
      creditsDelta: delta.credits
    };
    const limit = checkAccountLimits(state, change, relief);
    if (limit !== null) {
      return limit;
    }
    changes.push(change);
  }
  return ok(changes);
}

function checkAccountLimits(
  state: AccountState,
  change: BalanceChange,
  relief: HoldRelief
): Rejection<PostCode> | null {
  const outOfRange =
    (change.debitsDelta !== ZERO && !change.debitsPosted.isWithinRange()) ||
    (change.creditsDelta !== ZERO && !change.creditsPosted.isWithinRange());
  if (outOfRange) {
    return reject('balance_must_stay_within_range', { account: change.account });
  }
  const { flags, normalSide } = state.account;
  if (!flags.mustNotGoNegative && !flags.availableMustNotGoNegative) {
    return null;
  }
  // Only an entry that lowers the balance can break a floor; one that raises it is always allowed.
  const lowers =
    normalSide === 'debit'
      ? change.creditsDelta.greaterThan(change.debitsDelta)
      : change.debitsDelta.greaterThan(change.creditsDelta);
  if (!lowers) {
    return null;
  }
  const balance = balanceOf({
    account: state.account,
    debitsPosted: change.debitsPosted,
    creditsPosted: change.creditsPosted
  });
  if (flags.mustNotGoNegative && balance.isNegative()) {
    return reject('balance_must_not_go_negative', { account: change.account, balance: balance.toString() });
  }
  const heldTotal =
    relief !== null && relief.account === change.account ? state.heldTotal.minus(relief.amount) : state.heldTotal;
  const available = balance.minus(heldTotal);
  if (flags.availableMustNotGoNegative && available.isNegative()) {
    return reject('insufficient_available_balance', {
      account: change.account,
      availableBefore: balanceOf(state).minus(heldTotal).toString()
    });
  }
  return null;
}

function entryBuilt(state: PostState, draft: CanonicalBody, context: DecisionContext): Entry {
  const hash = context.hash === undefined ? sha256Pure : context.hash;
  const seq = (state.chainHead?.seq ?? 0) + 1;
  // The canonical text is only built when something will be hashed: a book kept without a chain
  // and without idempotency keys never pays for it.
  const body = hash === null && draft.idempotencyKey === null ? '' : canonicalBody(draft);
  const header = { fundId: state.fundId, seq, id: context.entryId, recordedAt: context.recordedAt };
  const previousHash = hash === null ? '' : (state.chainHead?.hash ?? HASH_GENESIS);
  return {
    fundId: state.fundId,
    seq,
    id: context.entryId,
    recordedAt: context.recordedAt,
    date: draft.date,
    memo: draft.memo,
    idempotencyKey: draft.idempotencyKey,
    reverses: draft.reverses,
    settles: draft.settles,
    references: draft.references,
    postings: draft.postings,
    requestHash: draft.idempotencyKey === null ? null : hashText(body, sha256Pure),
    previousHash,
    hash: hash === null ? '' : hashText(previousHash + canonicalHeader(header) + body, hash)
  };
}

function referencesCopy(references: EntryReferences): EntryReferences {
  const copy: { applicationId?: string; voucherNumber?: string; attachmentHashes?: readonly string[] } = {};
  if (references.applicationId !== undefined) copy.applicationId = references.applicationId;
  if (references.voucherNumber !== undefined) copy.voucherNumber = references.voucherNumber;
  if (references.attachmentHashes !== undefined) copy.attachmentHashes = [...references.attachmentHashes];
  return copy;
}

function postingCopy(posting: Posting): Posting {
  const { account, side, amount, memo } = posting;
  return memo === undefined ? { account, side, amount } : { account, side, amount, memo };
}
