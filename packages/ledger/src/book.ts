import type { Account } from './chart/account.js';
import { CHART_MINFEI_2026, type Chart } from './chart/chart.js';
import { decideClose, decideOpen, type CloseCode, type OpenCode, type OpenCommand } from './chart/open.js';
import { assert } from './checks/assert.js';
import { MESSAGES } from './checks/messages.js';
import {
  decideExpiry,
  decideHold,
  decideRelease,
  isHoldExpiredAt,
  remainingOf,
  type Hold,
  type HoldCode,
  type HoldCommand,
  type HoldDecision,
  type HoldStatusCode,
  type TimeContext
} from './journal/holds.js';
import { isId } from './journal/limits.js';
import { decidePost, type EntryDecision, type PostCode, type PostState } from './journal/post.js';
import { decideReverse, type ReverseCode, type ReverseCommand } from './journal/reverse.js';
import { decideSettle, type SettleCode, type SettleCommand } from './journal/settle.js';
import { accountStateOpened, availableOf, balanceOf, type AccountState } from './journal/state.js';
import type { Entry, HashFunction, PostCommand } from './journal/types.js';
import { Money } from './money/money.js';
import { ok, reject, type Result } from './result.js';
import { trialBalanceOfTotals, type TrialBalance } from './reports/trial-balance.js';

export type BookOptions = {
  readonly fundId: string;
  /** The accounts opened when the book is created; the 民非 chart by default. */
  readonly chart?: Chart;
  /** The SHA-256 for the hash chain; the pure-JS one by default, null for no chain. */
  readonly hash?: HashFunction | null;
};

export type BookContext = {
  readonly recordedAt: string;
  /** Defaults to the entry's sequence number, as text. */
  readonly entryId?: string;
};

export type EntryIdCode = 'entry_id_already_exists';

/**
 * An in-memory set of books for one fund. It keeps the state the database would hold and runs
 * every command through the same pure decision functions the server calls, then applies the
 * rows they return. It is the reference implementation of the server's write path.
 */
export class Book {
  readonly fundId: string;
  readonly chart: Chart;
  readonly #hash: HashFunction | null | undefined;
  readonly #accounts = new Map<string, AccountState>();
  readonly #entries: Entry[] = [];
  readonly #entriesById = new Map<string, Entry>();
  readonly #entriesByKey = new Map<string, Entry>();
  readonly #reversals = new Map<string, Entry>();
  readonly #holds = new Map<string, Hold>();
  readonly #holdsExpiring = new Set<string>();
  #timeLast = '';

  private constructor(options: BookOptions) {
    assert(isId(options.fundId), MESSAGES.fundIdMalformed);
    this.fundId = options.fundId;
    this.chart = options.chart ?? CHART_MINFEI_2026;
    this.#hash = options.hash;
    for (const account of this.chart.accounts) {
      this.#accounts.set(account.code, accountStateOpened(account));
    }
  }

  static create(options: BookOptions): Book {
    return new Book(options);
  }

  open(command: OpenCommand): Result<Account, OpenCode> {
    const parentCode = command.code.includes('.') ? command.code.slice(0, command.code.lastIndexOf('.')) : null;
    const decision = decideOpen(
      {
        accountExisting: this.#accounts.get(command.code)?.account ?? null,
        parent: parentCode === null ? null : (this.#accounts.get(parentCode)?.account ?? null)
      },
      command
    );
    if (!decision.ok) {
      return decision;
    }
    if (!decision.value.replayed) {
      this.#accounts.set(command.code, accountStateOpened(decision.value.account));
    }
    return ok(decision.value.account);
  }

  close(code: string): Result<Account, CloseCode> {
    const decision = decideClose({ account: this.#accounts.get(code) }, { code });
    if (decision.ok) {
      this.#accounts.set(code, { ...(this.#accounts.get(code) as AccountState), account: decision.value });
    }
    return decision;
  }

  post(command: PostCommand, context: BookContext): Result<Entry, PostCode | EntryIdCode> {
    const prepared = this.#prepare(command.idempotencyKey, context);
    if (!prepared.ok) {
      return prepared;
    }
    const decision = decidePost(prepared.value.state, command, prepared.value.context);
    return decision.ok ? ok(this.#applyEntry(decision.value)) : decision;
  }

  reverse(command: ReverseCommand, context: BookContext): Result<Entry, ReverseCode | EntryIdCode> {
    const prepared = this.#prepare(command.idempotencyKey, context);
    if (!prepared.ok) {
      return prepared;
    }
    const state = {
      ...prepared.value.state,
      entryOriginal: this.#entriesById.get(command.entryId) ?? null,
      reversalExisting: this.#reversals.get(command.entryId) ?? null,
      holdSettled: this.#holdSettledBy(command.entryId)
    };
    const decision = decideReverse(state, command, prepared.value.context);
    if (!decision.ok) {
      return decision;
    }
    const entry = this.#applyEntry(decision.value);
    const { hold, heldTotal } = decision.value;
    if (!decision.value.replayed && hold !== null && heldTotal !== null) {
      this.#applyHold({ hold, heldTotal, replayed: false });
    }
    return ok(entry);
  }

  /** The hold an entry settled part of, if any. */
  #holdSettledBy(entryId: string): Hold | null {
    const settles = this.#entriesById.get(entryId)?.settles ?? null;
    return settles === null ? null : (this.#holds.get(settles.holdId) ?? null);
  }

  hold(command: HoldCommand, context: TimeContext): Result<Hold, HoldCode> {
    this.#expireHolds(context.recordedAt);
    const state = {
      account: this.#accounts.get(command.account),
      holdExisting: this.#holds.get(command.holdId) ?? null
    };
    const decision = decideHold(state, command, context);
    return decision.ok ? ok(this.#applyHold(decision.value)) : decision;
  }

  settle(command: SettleCommand, context: BookContext): Result<{ entry: Entry; hold: Hold }, SettleCode | EntryIdCode> {
    const prepared = this.#prepare(command.entry.idempotencyKey, context);
    if (!prepared.ok) {
      return prepared;
    }
    const state = { ...prepared.value.state, hold: this.#holds.get(command.holdId) ?? null };
    const decision = decideSettle(state, command, prepared.value.context);
    if (!decision.ok) {
      return decision;
    }
    const entry = this.#applyEntry(decision.value);
    return ok({ entry, hold: decision.value.replayed ? decision.value.hold : this.#applyHold(decision.value) });
  }

  release(command: { readonly holdId: string }, context: TimeContext): Result<Hold, HoldStatusCode> {
    this.#expireHolds(context.recordedAt);
    const hold = this.#holds.get(command.holdId) ?? null;
    const account = hold === null ? undefined : this.#accounts.get(hold.account);
    const decision = decideRelease({ hold, account }, command, context);
    return decision.ok ? ok(this.#applyHold(decision.value)) : decision;
  }

  /** The balance on the account's normal side. */
  balance(code: string): Money {
    return balanceOf(this.#state(code));
  }

  /** The balance less open holds, as of a time (by default the latest time the book has seen). */
  available(code: string, options: { readonly at?: string } = {}): Money {
    const state = this.#state(code);
    const at = options.at ?? this.#timeLast;
    let lapsed = Money.zero();
    for (const id of this.#holdsExpiring) {
      const hold = this.#holds.get(id);
      if (hold !== undefined && hold.account === code && isHoldExpiredAt(hold, at)) {
        lapsed = lapsed.plus(remainingOf(hold));
      }
    }
    return availableOf(state).plus(lapsed);
  }

  /** The trial balance from the maintained account totals: no scan of the entries. */
  trialBalance(): TrialBalance {
    const totals = new Map<string, { debits: Money; credits: Money }>();
    for (const [code, state] of this.#accounts) {
      totals.set(code, { debits: state.debitsPosted, credits: state.creditsPosted });
    }
    return trialBalanceOfTotals(this.accounts(), totals);
  }

  entries(): readonly Entry[] {
    return this.#entries;
  }

  entry(id: string): Entry | undefined {
    return this.#entriesById.get(id);
  }

  account(code: string): Account | undefined {
    return this.#accounts.get(code)?.account;
  }

  accounts(): Account[] {
    return [...this.#accounts.values()].map((state) => state.account);
  }

  holds(): Hold[] {
    return [...this.#holds.values()];
  }

  #state(code: string): AccountState {
    const state = this.#accounts.get(code);
    assert(state !== undefined, MESSAGES.accountStateMissing);
    return state;
  }

  #prepare(
    idempotencyKey: string | undefined,
    context: BookContext
  ): Result<
    { state: PostState; context: { recordedAt: string; entryId: string; hash?: HashFunction | null } },
    EntryIdCode
  > {
    this.#expireHolds(context.recordedAt);
    const head = this.#entries[this.#entries.length - 1];
    const entryId = context.entryId ?? String(this.#entries.length + 1);
    const entryForKey = idempotencyKey === undefined ? null : (this.#entriesByKey.get(idempotencyKey) ?? null);
    if (entryForKey === null && this.#entriesById.has(entryId)) {
      return reject('entry_id_already_exists', { entryId });
    }
    const state: PostState = {
      fundId: this.fundId,
      accounts: this.#accounts,
      chainHead: head === undefined ? null : { seq: head.seq, hash: head.hash },
      entryForKey
    };
    const decisionContext =
      this.#hash === undefined
        ? { recordedAt: context.recordedAt, entryId }
        : { recordedAt: context.recordedAt, entryId, hash: this.#hash };
    return ok({ state, context: decisionContext });
  }

  #applyEntry(decision: EntryDecision): Entry {
    const { entry } = decision;
    if (decision.replayed) {
      return entry;
    }
    for (const change of decision.balanceChanges) {
      const state = this.#accounts.get(change.account) as AccountState;
      this.#accounts.set(change.account, {
        account: state.account,
        debitsPosted: change.debitsPosted,
        creditsPosted: change.creditsPosted,
        heldTotal: state.heldTotal
      });
    }
    this.#entries.push(entry);
    this.#entriesById.set(entry.id, entry);
    if (entry.idempotencyKey !== null) {
      this.#entriesByKey.set(entry.idempotencyKey, entry);
    }
    if (entry.reverses !== null) {
      this.#reversals.set(entry.reverses, entry);
    }
    if (entry.recordedAt > this.#timeLast) {
      this.#timeLast = entry.recordedAt;
    }
    return entry;
  }

  #applyHold(decision: HoldDecision): Hold {
    const { hold } = decision;
    if (decision.replayed) {
      return hold;
    }
    const state = this.#accounts.get(hold.account) as AccountState;
    this.#accounts.set(hold.account, { ...state, heldTotal: decision.heldTotal });
    this.#holds.set(hold.id, hold);
    if (hold.status === 'open' && hold.expiresAt !== null) {
      this.#holdsExpiring.add(hold.id);
    } else {
      this.#holdsExpiring.delete(hold.id);
    }
    const time = hold.closedAt ?? hold.createdAt;
    if (time > this.#timeLast) {
      this.#timeLast = time;
    }
    return hold;
  }

  /** Records the expiry of every open hold that is due at a time, before anything is decided. */
  #expireHolds(at: string): void {
    if (this.#holdsExpiring.size === 0) {
      return;
    }
    for (const id of this.#holdsExpiring) {
      const hold = this.#holds.get(id);
      assert(hold !== undefined, MESSAGES.holdMissing);
      const account = this.#accounts.get(hold.account) as AccountState;
      const decision = decideExpiry({ hold, account }, { recordedAt: at });
      if (decision !== null) {
        this.#applyHold(decision);
      }
    }
  }
}
