import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { Money } from '../money/money.js';
import { ok, reject, type Result } from '../result.js';
import { checkHoldOpen, remainingOf, type Hold, type HoldStatusCode } from './holds.js';
import { checkReplay, decideDraft, draftOfCommand, type EntryDecision, type PostCode, type PostState } from './post.js';
import type { AccountState } from './state.js';
import type { DecisionContext, PostCommand } from './types.js';

export type SettleCode =
  PostCode | HoldStatusCode | 'settlement_must_not_exceed_hold' | 'settlement_must_draw_on_held_account';

export type SettleCommand = {
  readonly holdId: string;
  /** How much of the hold this payout uses; the rest stays reserved until settled or released. */
  readonly amount: Money;
  /** The entry that pays the money out of the held account. */
  readonly entry: PostCommand;
};

export type SettleDecision = EntryDecision & {
  readonly hold: Hold;
  /** The held account's new total of open holds. */
  readonly heldTotal: Money;
};

/**
 * Decides a payout against a hold. The entry must take at least the settled amount out of the held
 * account; the settled part of the hold stops counting against the available balance in the same
 * step, so a payout of exactly what was promised always fits.
 */
export function decideSettle(
  state: PostState & { readonly hold: Hold | null },
  command: SettleCommand,
  context: DecisionContext
): Result<SettleDecision, SettleCode> {
  const draft = { ...draftOfCommand(command.entry), settles: { holdId: command.holdId, amount: command.amount } };
  const replay = checkReplay(state.entryForKey, draft);
  if (replay !== null) {
    return replay.ok ? ok({ ...replay.value, ...holdUnchanged(state) }) : replay;
  }
  const closed = checkHoldOpen(state.hold, command.holdId, context.recordedAt);
  if (closed !== null) {
    return closed;
  }
  const hold = state.hold as Hold;
  if (!command.amount.isPositive()) {
    return reject('amount_must_be_positive', { amount: command.amount.toString() });
  }
  if (command.amount.greaterThan(remainingOf(hold))) {
    return reject('settlement_must_not_exceed_hold', { remaining: remainingOf(hold).toString() });
  }
  const account = state.accounts.get(hold.account);
  assert(account !== undefined, MESSAGES.accountStateMissing);
  if (drawOn(account, command.entry).lessThan(command.amount)) {
    return reject('settlement_must_draw_on_held_account', { account: hold.account });
  }
  const decision = decideDraft(state, draft, context, { account: hold.account, amount: command.amount });
  if (!decision.ok) {
    return decision;
  }
  return ok({ ...decision.value, ...holdSettled(hold, account, command.amount, context) });
}

function holdSettled(hold: Hold, account: AccountState, amount: Money, context: DecisionContext) {
  const amountSettled = hold.amountSettled.plus(amount);
  const settledFully = amountSettled.plus(hold.amountReleased).equals(hold.amount);
  return {
    hold: {
      ...hold,
      amountSettled,
      status: settledFully ? ('settled' as const) : ('open' as const),
      closedAt: settledFully ? context.recordedAt : null
    },
    heldTotal: account.heldTotal.minus(amount)
  };
}

function holdUnchanged(state: PostState & { readonly hold: Hold | null }): { hold: Hold; heldTotal: Money } {
  const hold = state.hold;
  assert(hold !== null, MESSAGES.holdMissing);
  return { hold, heldTotal: state.accounts.get(hold.account)?.heldTotal ?? Money.zero() };
}

/** How much the entry lowers the account's balance on its normal side. */
function drawOn(account: AccountState, entry: PostCommand): Money {
  let drawn = Money.zero();
  for (const posting of entry.postings) {
    if (posting.account !== account.account.code) {
      continue;
    }
    const lowers = posting.side !== account.account.normalSide;
    drawn = lowers ? drawn.plus(posting.amount) : drawn.minus(posting.amount);
  }
  return drawn;
}
