import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { Money } from '../money/money.js';
import { ok, reject, type Rejection, type Result } from '../result.js';
import { MEMO_LENGTH_MAX, REFERENCE_LENGTH_MAX, isId, isRecordedAt } from './limits.js';
import { availableOf, type AccountState } from './state.js';

export type HoldStatus = 'open' | 'settled' | 'released' | 'expired';

/** A reservation: money promised from an account but not yet paid out. */
export type Hold = {
  readonly id: string;
  readonly account: string;
  readonly amount: Money;
  readonly amountSettled: Money;
  readonly amountReleased: Money;
  readonly status: HoldStatus;
  readonly createdAt: string;
  /** After this time the hold no longer reserves anything and cannot be settled. */
  readonly expiresAt: string | null;
  /** What the hold is for, such as an application id. */
  readonly reference: string | null;
  readonly memo: string;
  readonly closedAt: string | null;
};

export type HoldCommand = {
  readonly holdId: string;
  readonly account: string;
  readonly amount: Money;
  readonly expiresAt?: string;
  readonly reference?: string;
  readonly memo?: string;
};

export type HoldCode =
  | 'hold_already_exists'
  | 'account_not_found'
  | 'account_closed'
  | 'amount_must_be_positive'
  | 'amount_must_be_within_range'
  | 'memo_must_not_exceed_limit'
  | 'reference_must_not_exceed_limit'
  | 'expiry_must_be_valid'
  | 'expiry_must_be_after_recorded_at'
  | 'insufficient_available_balance';

export type HoldStatusCode = 'hold_not_found' | 'hold_already_settled' | 'hold_already_released' | 'hold_expired';

/** A decision's effect on a hold and on its account's held total. */
export type HoldDecision = {
  readonly hold: Hold;
  readonly replayed: boolean;
  /** The held account's new total of open holds. */
  readonly heldTotal: Money;
};

export type TimeContext = { readonly recordedAt: string };

export function remainingOf(hold: Hold): Money {
  return hold.amount.minus(hold.amountSettled).minus(hold.amountReleased);
}

/** A hold stops reserving money at its expiry time, even before anyone records that it expired. */
export function isHoldExpiredAt(hold: Hold, at: string): boolean {
  return hold.status === 'expired' || (hold.status === 'open' && hold.expiresAt !== null && hold.expiresAt <= at);
}

/**
 * Decides a new hold. Holding the same id again with the same content returns the first hold, so
 * a retried approval is harmless. A hold never exceeds what is available on its account.
 */
export function decideHold(
  state: { readonly account: AccountState | undefined; readonly holdExisting: Hold | null },
  command: HoldCommand,
  context: TimeContext
): Result<HoldDecision, HoldCode> {
  assert(isRecordedAt(context.recordedAt), MESSAGES.recordedAtMalformed);
  assert(isId(command.holdId), MESSAGES.holdIdMalformed);
  const hold = holdOfCommand(command, context);
  if (state.holdExisting !== null) {
    return holdReplayed(state.holdExisting, hold, state.account);
  }
  const invalid = checkHoldCommand(state.account, command, context);
  if (invalid !== null) {
    return invalid;
  }
  const account = state.account as AccountState;
  if (availableOf(account).lessThan(command.amount)) {
    return reject('insufficient_available_balance', {
      account: command.account,
      available: availableOf(account).toString()
    });
  }
  return ok({ hold, replayed: false, heldTotal: account.heldTotal.plus(command.amount) });
}

function holdReplayed(existing: Hold, hold: Hold, account: AccountState | undefined): Result<HoldDecision, HoldCode> {
  const same =
    existing.account === hold.account &&
    existing.amount.equals(hold.amount) &&
    existing.expiresAt === hold.expiresAt &&
    existing.reference === hold.reference &&
    existing.memo === hold.memo;
  if (!same || account === undefined) {
    return reject('hold_already_exists', { holdId: existing.id });
  }
  return ok({ hold: existing, replayed: true, heldTotal: account.heldTotal });
}

function checkHoldCommand(
  account: AccountState | undefined,
  command: HoldCommand,
  context: TimeContext
): Rejection<HoldCode> | null {
  assert(command.amount instanceof Money, MESSAGES.amountNotMoney);
  if (account === undefined) {
    return reject('account_not_found', { account: command.account });
  }
  if (account.account.flags.closed) {
    return reject('account_closed', { account: command.account });
  }
  if (!command.amount.isPositive()) {
    return reject('amount_must_be_positive', { amount: command.amount.toString() });
  }
  if (!command.amount.isWithinRange()) {
    return reject('amount_must_be_within_range', { amount: command.amount.toString() });
  }
  if ((command.memo ?? '').length > MEMO_LENGTH_MAX) {
    return reject('memo_must_not_exceed_limit', { lengthMax: MEMO_LENGTH_MAX });
  }
  if ((command.reference ?? '').length > REFERENCE_LENGTH_MAX) {
    return reject('reference_must_not_exceed_limit', { lengthMax: REFERENCE_LENGTH_MAX });
  }
  if (command.expiresAt !== undefined && !isRecordedAt(command.expiresAt)) {
    return reject('expiry_must_be_valid', { expiresAt: command.expiresAt });
  }
  if (command.expiresAt !== undefined && command.expiresAt <= context.recordedAt) {
    return reject('expiry_must_be_after_recorded_at', { expiresAt: command.expiresAt });
  }
  return null;
}

function holdOfCommand(command: HoldCommand, context: TimeContext): Hold {
  return {
    id: command.holdId,
    account: command.account,
    amount: command.amount,
    amountSettled: Money.zero(),
    amountReleased: Money.zero(),
    status: 'open',
    createdAt: context.recordedAt,
    expiresAt: command.expiresAt ?? null,
    reference: command.reference ?? null,
    memo: command.memo ?? '',
    closedAt: null
  };
}

/** The first reason, if any, why a hold can no longer be settled or released at a time. */
export function checkHoldOpen(hold: Hold | null, holdId: string, at: string): Rejection<HoldStatusCode> | null {
  if (hold === null || hold.id !== holdId) {
    return reject('hold_not_found', { holdId });
  }
  if (hold.status === 'settled') {
    return reject('hold_already_settled', { holdId });
  }
  if (hold.status === 'released') {
    return reject('hold_already_released', { holdId });
  }
  if (isHoldExpiredAt(hold, at)) {
    return reject('hold_expired', { holdId, expiresAt: hold.expiresAt });
  }
  return null;
}

/** Decides releasing what is left of a hold, so that the money can be promised again. */
export function decideRelease(
  state: { readonly hold: Hold | null; readonly account: AccountState | undefined },
  command: { readonly holdId: string },
  context: TimeContext
): Result<HoldDecision, HoldStatusCode> {
  assert(isRecordedAt(context.recordedAt), MESSAGES.recordedAtMalformed);
  const closed = checkHoldOpen(state.hold, command.holdId, context.recordedAt);
  if (closed !== null) {
    return closed;
  }
  const hold = state.hold as Hold;
  assert(state.account !== undefined, MESSAGES.accountStateMissing);
  const remaining = remainingOf(hold);
  return ok({
    hold: {
      ...hold,
      amountReleased: hold.amountReleased.plus(remaining),
      status: 'released',
      closedAt: context.recordedAt
    },
    replayed: false,
    heldTotal: state.account.heldTotal.minus(remaining)
  });
}

/**
 * Decides whether an open hold has expired at a time; null when it has not. The server runs this
 * for due holds before deciding anything else on their accounts, and the Book does it itself.
 */
export function decideExpiry(
  state: { readonly hold: Hold; readonly account: AccountState },
  context: TimeContext
): HoldDecision | null {
  const { hold, account } = state;
  if (hold.status !== 'open' || !isHoldExpiredAt(hold, context.recordedAt)) {
    return null;
  }
  const remaining = remainingOf(hold);
  return {
    hold: { ...hold, amountReleased: hold.amountReleased.plus(remaining), status: 'expired', closedAt: hold.expiresAt },
    replayed: false,
    heldTotal: account.heldTotal.minus(remaining)
  };
}
