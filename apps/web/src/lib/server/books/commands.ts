import { randomUUID } from 'node:crypto';
import {
  decideHold,
  decideOpen,
  decidePost,
  decideRelease,
  decideReverse,
  decideSettle,
  type Account,
  type Chart,
  type Entry,
  type Hold,
  type HoldCode,
  type HoldCommand,
  type HoldStatusCode,
  type OpenCode,
  type OpenCommand,
  type PostCode,
  type PostCommand,
  type Rejection,
  type Result,
  type ReverseCode,
  type ReverseCommand,
  type SettleCode,
  type SettleCommand
} from '@gongjian/ledger';
import type { Sql, Transaction } from '../db/client';
import { postGrouped } from './group';
import { fundNotFound, ok, type FundCode } from './outcomes';
import { withRetry, StaleReadError } from '../db/retry';
import { isFundId, sha256Native } from './rows';
import { accountOfHold, entryById, flush, load, type LoadPlan, type Work } from './store';

/**
 * The posting path: the one way the books in PostgreSQL change. Each command runs in one
 * transaction that locks the fund's chain head (when it writes an entry), then the touched
 * accounts' balance rows by code, then their holds; loads what the ledger's decision needs; asks
 * the ledger; writes what it returned; and commits. Serialization failures and deadlocks are
 * retried a bounded number of times. Every command is idempotent: a replay with the same
 * idempotency key (or hold id) returns the original result and writes nothing.
 *
 * Each command comes in two forms: `post(sql, …)` opens its own transaction and retries, and
 * `postIn(transaction, …)` runs inside a transaction the caller holds (a use case that writes
 * more than the books, or the demo seed), where retrying is the caller's business.
 */

export type { FundCode } from './outcomes';

export type CommandInput<Command> = {
  readonly fundId: string;
  readonly command: Command;
  /** When the command is recorded (ISO-8601 UTC with milliseconds); now by default. */
  readonly recordedAt?: string;
  /** The new entry's id; a fresh UUID by default. */
  readonly entryId?: string;
};

type Outcome<T, Code extends string> = Promise<Result<T, Code | FundCode>>;

function contextOf(input: CommandInput<unknown>) {
  return {
    recordedAt: input.recordedAt ?? new Date().toISOString(),
    entryId: input.entryId ?? randomUUID(),
    hash: sha256Native
  };
}

function planOf(at: string, plan: Partial<LoadPlan>): LoadPlan {
  return {
    lockFund: plan.lockFund ?? false,
    accounts: plan.accounts ?? [],
    holdIds: plan.holdIds ?? [],
    idempotencyKeys: plan.idempotencyKeys ?? [],
    entryIds: plan.entryIds ?? [],
    reversalsOf: plan.reversalsOf ?? [],
    at
  };
}

function keysOf(key: string | undefined): string[] {
  return key === undefined ? [] : [key];
}

function accountsOf(command: PostCommand): string[] {
  return command.postings.map((posting) => posting.account);
}

/** Runs one command in its own transaction, retrying what a concurrent transaction can cause. */
export function transact<T>(sql: Sql, run: (transaction: Transaction) => Promise<T>): Promise<T> {
  return withRetry(() => sql.begin((transaction) => run(transaction)) as Promise<T>);
}

/**
 * Posts one entry. Concurrent posts to one fund from this process share a transaction (group
 * commit, see group.ts), so that they pay for one lock hand-over and one WAL flush together; each
 * still gets its own result, exactly as if it had run alone in the order it arrived.
 */
export function post(sql: Sql, input: CommandInput<PostCommand>): Outcome<Entry, PostCode> {
  const { fundId, command } = input;
  if (!isFundId(fundId)) return Promise.resolve(fundNotFound(fundId));
  // A command that brings its own time or entry id (an import, a test) runs alone: if either is
  // malformed, that is a bug in its caller, and it must fail that caller only.
  if (input.recordedAt !== undefined || input.entryId !== undefined) {
    return transact(sql, (transaction) => postIn(transaction, input));
  }
  const { recordedAt, entryId } = contextOf(input);
  return postGrouped(sql, {
    fundId,
    command,
    context: { recordedAt, entryId, hash: sha256Native },
    runAlone: () => transact(sql, (transaction) => postIn(transaction, { fundId, command, recordedAt, entryId }))
  });
}

export async function postIn(transaction: Transaction, input: CommandInput<PostCommand>): Outcome<Entry, PostCode> {
  const { fundId, command } = input;
  const context = contextOf(input);
  if (!isFundId(fundId)) return fundNotFound(fundId);
  const plan = { lockFund: true, accounts: accountsOf(command), idempotencyKeys: keysOf(command.idempotencyKey) };
  const work = await load(transaction, fundId, planOf(context.recordedAt, plan));
  if (work === null) return fundNotFound(fundId);
  work.expireHolds(context.recordedAt);
  const decision = decidePost(work.postState(command.idempotencyKey), command, context);
  const entry = decision.ok ? work.applyEntry(decision.value) : null;
  await flush(transaction, work);
  return entry === null ? (decision as Rejection<PostCode>) : ok(entry);
}

export function reverse(sql: Sql, input: CommandInput<ReverseCommand>): Outcome<Entry, ReverseCode> {
  return transact(sql, (transaction) => reverseIn(transaction, input));
}

export async function reverseIn(
  transaction: Transaction,
  input: CommandInput<ReverseCommand>
): Outcome<Entry, ReverseCode> {
  const { fundId, command } = input;
  const context = contextOf(input);
  if (!isFundId(fundId)) return fundNotFound(fundId);
  // Entries never change, so the original can be read before locking, to learn which accounts to lock.
  const original = await entryById(transaction, fundId, command.entryId);
  // A settlement's hold is loaded too: the reversal reserves the settled amount on it again.
  const holdId = original?.settles?.holdId ?? null;
  const holdAccount = holdId === null ? null : await accountOfHold(transaction, fundId, holdId);
  const plan = {
    lockFund: true,
    accounts: [
      ...(original === null ? [] : original.postings.map((posting) => posting.account)),
      ...(holdAccount === null ? [] : [holdAccount])
    ],
    holdIds: holdId === null ? [] : [holdId],
    idempotencyKeys: keysOf(command.idempotencyKey),
    entryIds: [command.entryId],
    reversalsOf: [command.entryId]
  };
  const work = await load(transaction, fundId, planOf(context.recordedAt, plan));
  if (work === null) return fundNotFound(fundId);
  work.expireHolds(context.recordedAt);
  const state = {
    ...work.postState(command.idempotencyKey),
    entryOriginal: work.entriesById.get(command.entryId) ?? null,
    reversalExisting: work.reversalsByOriginal.get(command.entryId) ?? null,
    holdSettled: holdId === null ? null : (work.holds.get(holdId) ?? null)
  };
  const decision = decideReverse(state, command, context);
  const entry = decision.ok ? work.applyEntry(decision.value) : null;
  if (decision.ok && !decision.value.replayed && decision.value.hold !== null && decision.value.heldTotal !== null) {
    work.applyHold({ hold: decision.value.hold, heldTotal: decision.value.heldTotal, replayed: false });
  }
  await flush(transaction, work);
  return entry === null ? (decision as Rejection<ReverseCode>) : ok(entry);
}

export function hold(sql: Sql, input: CommandInput<HoldCommand>): Outcome<Hold, HoldCode> {
  return transact(sql, (transaction) => holdIn(transaction, input));
}

/** Reserves money on an account. It locks only that account: holds do not touch the chain. */
export async function holdIn(transaction: Transaction, input: CommandInput<HoldCommand>): Outcome<Hold, HoldCode> {
  const { fundId, command } = input;
  const { recordedAt } = contextOf(input);
  if (!isFundId(fundId)) return fundNotFound(fundId);
  const plan = { accounts: [command.account], holdIds: [command.holdId] };
  const work = await load(transaction, fundId, planOf(recordedAt, plan));
  if (work === null) return fundNotFound(fundId);
  work.expireHolds(recordedAt);
  const state = { account: work.accounts.get(command.account), holdExisting: work.holds.get(command.holdId) ?? null };
  const decision = decideHold(state, command, { recordedAt });
  const held = decision.ok ? work.applyHold(decision.value) : null;
  await flush(transaction, work);
  return held === null ? (decision as Rejection<HoldCode>) : ok(held);
}

export function release(sql: Sql, input: CommandInput<{ readonly holdId: string }>): Outcome<Hold, HoldStatusCode> {
  return transact(sql, (transaction) => releaseIn(transaction, input));
}

export async function releaseIn(
  transaction: Transaction,
  input: CommandInput<{ readonly holdId: string }>
): Outcome<Hold, HoldStatusCode> {
  const { fundId, command } = input;
  const { recordedAt } = contextOf(input);
  if (!isFundId(fundId)) return fundNotFound(fundId);
  const account = await accountOfHold(transaction, fundId, command.holdId);
  const plan = { accounts: account === null ? [] : [account], holdIds: [command.holdId] };
  const work = await load(transaction, fundId, planOf(recordedAt, plan));
  if (work === null) return fundNotFound(fundId);
  checkHoldAccountLoaded(work, command.holdId);
  work.expireHolds(recordedAt);
  const hold = work.holds.get(command.holdId) ?? null;
  const decision = decideRelease(
    { hold, account: hold === null ? undefined : work.accounts.get(hold.account) },
    command,
    { recordedAt }
  );
  const released = decision.ok ? work.applyHold(decision.value) : null;
  await flush(transaction, work);
  return released === null ? (decision as Rejection<HoldStatusCode>) : ok(released);
}

export function settle(
  sql: Sql,
  input: CommandInput<SettleCommand>
): Outcome<{ readonly entry: Entry; readonly hold: Hold }, SettleCode> {
  return transact(sql, (transaction) => settleIn(transaction, input));
}

/** Pays out (part of) a hold with an entry that draws on the held account. */
export async function settleIn(
  transaction: Transaction,
  input: CommandInput<SettleCommand>
): Outcome<{ readonly entry: Entry; readonly hold: Hold }, SettleCode> {
  const { fundId, command } = input;
  const context = contextOf(input);
  if (!isFundId(fundId)) return fundNotFound(fundId);
  const key = command.entry.idempotencyKey;
  const account = await accountOfHold(transaction, fundId, command.holdId);
  const plan = {
    lockFund: true,
    accounts: [...accountsOf(command.entry), ...(account === null ? [] : [account])],
    holdIds: [command.holdId],
    idempotencyKeys: keysOf(key)
  };
  const work = await load(transaction, fundId, planOf(context.recordedAt, plan));
  if (work === null) return fundNotFound(fundId);
  checkHoldAccountLoaded(work, command.holdId);
  work.expireHolds(context.recordedAt);
  const decision = decideSettle(
    { ...work.postState(key), hold: work.holds.get(command.holdId) ?? null },
    command,
    context
  );
  if (!decision.ok) {
    await flush(transaction, work);
    return decision;
  }
  const entry = work.applyEntry(decision.value);
  const settled = decision.value.replayed ? decision.value.hold : work.applyHold(decision.value);
  await flush(transaction, work);
  return ok({ entry, hold: settled });
}

/**
 * A hold created after its account was read, on an account this transaction did not lock, would
 * be decided on without its account's state; the command runs again instead.
 */
function checkHoldAccountLoaded(work: Work, holdId: string): void {
  const hold = work.holds.get(holdId);
  if (hold !== undefined && !work.accounts.has(hold.account)) {
    throw new StaleReadError(`hold ${holdId} appeared on an account that was not locked`);
  }
}

export type BatchInput = {
  readonly fundId: string;
  readonly commands: readonly PostCommand[];
  readonly recordedAt?: string;
};

export function postBatch(sql: Sql, input: BatchInput): Outcome<readonly Entry[], PostCode> {
  return transact(sql, (transaction) => postBatchIn(transaction, input));
}

/**
 * Posts many entries for an import or a seed: one transaction, one round trip to lock and load,
 * one to write (multi-row inserts through unnest). All or nothing: the first rejected command is
 * returned with its index and nothing is written. Commands already recorded under their
 * idempotency keys are returned as they were, so a re-run import writes only what is missing.
 */
export async function postBatchIn(transaction: Transaction, input: BatchInput): Outcome<readonly Entry[], PostCode> {
  const { fundId, commands } = input;
  const recordedAt = input.recordedAt ?? new Date().toISOString();
  if (!isFundId(fundId)) return fundNotFound(fundId);
  const plan = {
    lockFund: true,
    accounts: commands.flatMap(accountsOf),
    idempotencyKeys: commands.flatMap((command) => keysOf(command.idempotencyKey))
  };
  const work = await load(transaction, fundId, planOf(recordedAt, plan));
  if (work === null) return fundNotFound(fundId);
  work.expireHolds(recordedAt);
  const entries: Entry[] = [];
  for (const [index, command] of commands.entries()) {
    const context = { recordedAt, entryId: randomUUID(), hash: sha256Native };
    const decision = decidePost(work.postState(command.idempotencyKey), command, context);
    if (!decision.ok) return { ...decision, index };
    entries.push(work.applyEntry(decision.value));
  }
  await flush(transaction, work);
  return ok(entries);
}

/** Opens an account (a sub-account for a unit, project or household, typically). */
export async function openIn(
  transaction: Transaction,
  input: { readonly fundId: string; readonly command: OpenCommand }
): Outcome<Account, OpenCode> {
  const { fundId, command } = input;
  if (!isFundId(fundId)) return fundNotFound(fundId);
  const parentCode = command.code.includes('.') ? command.code.slice(0, command.code.lastIndexOf('.')) : null;
  const codes = parentCode === null ? [command.code] : [command.code, parentCode];
  const work = await load(transaction, fundId, planOf(new Date().toISOString(), { accounts: codes }));
  if (work === null) return fundNotFound(fundId);
  const parent = parentCode === null ? null : (work.accounts.get(parentCode)?.account ?? null);
  const decision = decideOpen({ accountExisting: work.accounts.get(command.code)?.account ?? null, parent }, command);
  if (!decision.ok) return decision;
  if (!decision.value.replayed) await insertAccounts(transaction, fundId, [decision.value.account]);
  return ok(decision.value.account);
}

/** Opens every account of a chart that the fund does not have yet; parents come first in a chart. */
export async function openChartIn(
  transaction: Transaction,
  input: { readonly fundId: string; readonly chart: Chart }
): Promise<void> {
  await insertAccounts(transaction, input.fundId, input.chart.accounts);
}

async function insertAccounts(transaction: Transaction, fundId: string, accounts: readonly Account[]): Promise<void> {
  const column = <T>(pick: (account: Account) => T): T[] => accounts.map(pick);
  await transaction`
    insert into accounts (fund_id, code, parent_code, name_zh, name_en, kind, normal_side, restriction,
      must_not_go_negative, available_must_not_go_negative, closed)
    select ${fundId}::bigint, * from unnest(
      ${column((account) => account.code)}::text[], ${column((account) => account.parent)}::text[],
      ${column((account) => account.name.zh)}::text[], ${column((account) => account.name.en)}::text[],
      ${column((account) => account.kind)}::text[], ${column((account) => account.normalSide)}::text[],
      ${column((account) => account.restriction)}::text[],
      ${column((account) => String(account.flags.mustNotGoNegative))}::text[]::boolean[],
      ${column((account) => String(account.flags.availableMustNotGoNegative))}::text[]::boolean[],
      ${column((account) => String(account.flags.closed))}::text[]::boolean[])
    on conflict (fund_id, code) do nothing`;
}
