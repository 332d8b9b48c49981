import {
  decideExpiry,
  movementsOf,
  type AccountState,
  type ChainHead,
  type Entry,
  type EntryDecision,
  type Hold,
  type HoldDecision,
  type Movement,
  type PostState
} from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import {
  accountColumns,
  accountStateOfRow,
  entryColumns,
  entryOfRow,
  holdColumns,
  holdOfRow,
  type AccountRow,
  type EntryRow,
  type HoldRow
} from './rows';

/**
 * Loading and writing the books inside one transaction. A command loads everything it needs in
 * one pipelined round trip, in the fixed lock order (the fund's chain head, then the touched
 * accounts' balance rows by code, then their holds), decides in memory with the ledger, and
 * writes everything it decided in a second pipelined round trip.
 */

/** What a command needs loaded. Every list may be empty. */
export type LoadPlan = {
  /** Lock the fund's chain head: every command that writes an entry does, which orders them. */
  readonly lockFund: boolean;
  /** Accounts to lock; their holds due to expire at `at` are locked and loaded too. */
  readonly accounts: readonly string[];
  readonly holdIds: readonly string[];
  readonly idempotencyKeys: readonly string[];
  readonly entryIds: readonly string[];
  /** Entries whose reversal, if any, to load. */
  readonly reversalsOf: readonly string[];
  /** The command's time: holds that expire at or before it stop reserving money first. */
  readonly at: string;
};

/**
 * The loaded state of one fund and what a transaction decided to change in it. It applies
 * decisions exactly as the ledger's in-memory Book does, so that a batch of commands decides each
 * one against the state the previous ones left.
 */
export class Work {
  readonly fundId: string;
  head: ChainHead | null;
  readonly accounts: Map<string, AccountState>;
  readonly holds: Map<string, Hold>;
  readonly entriesByKey = new Map<string, Entry>();
  readonly entriesById = new Map<string, Entry>();
  readonly reversalsByOriginal = new Map<string, Entry>();
  readonly entriesNew: Entry[] = [];
  readonly accountsChanged = new Set<string>();
  readonly holdsChanged = new Set<string>();

  constructor(input: {
    fundId: string;
    head: ChainHead | null;
    accounts: Map<string, AccountState>;
    holds: Map<string, Hold>;
    entries: readonly Entry[];
  }) {
    this.fundId = input.fundId;
    this.head = input.head;
    this.accounts = input.accounts;
    this.holds = input.holds;
    for (const entry of input.entries) this.#remember(entry);
  }

  postState(idempotencyKey: string | undefined): PostState {
    return {
      fundId: this.fundId,
      accounts: this.accounts,
      chainHead: this.head,
      entryForKey: idempotencyKey === undefined ? null : (this.entriesByKey.get(idempotencyKey) ?? null)
    };
  }

  applyEntry(decision: EntryDecision): Entry {
    const { entry } = decision;
    if (decision.replayed) return entry;
    for (const change of decision.balanceChanges) {
      const state = this.#state(change.account);
      this.accounts.set(change.account, {
        ...state,
        debitsPosted: change.debitsPosted,
        creditsPosted: change.creditsPosted
      });
      this.accountsChanged.add(change.account);
    }
    this.head = { seq: entry.seq, hash: entry.hash };
    this.entriesNew.push(entry);
    this.#remember(entry);
    return entry;
  }

  applyHold(decision: HoldDecision): Hold {
    const { hold } = decision;
    if (decision.replayed) return hold;
    this.accounts.set(hold.account, { ...this.#state(hold.account), heldTotal: decision.heldTotal });
    this.accountsChanged.add(hold.account);
    this.holds.set(hold.id, hold);
    this.holdsChanged.add(hold.id);
    return hold;
  }

  /** Records the expiry of every loaded open hold that is due at a time, as the Book does first. */
  expireHolds(at: string): void {
    for (const hold of this.holds.values()) {
      const account = this.accounts.get(hold.account);
      if (account === undefined) continue;
      const decision = decideExpiry({ hold, account }, { recordedAt: at });
      if (decision !== null) this.applyHold(decision);
    }
  }

  #state(code: string): AccountState {
    const state = this.accounts.get(code);
    if (state === undefined) throw new Error(`books: account ${code} was decided on without being loaded`);
    return state;
  }

  #remember(entry: Entry): void {
    this.entriesById.set(entry.id, entry);
    if (entry.idempotencyKey !== null) this.entriesByKey.set(entry.idempotencyKey, entry);
    if (entry.reverses !== null) this.reversalsByOriginal.set(entry.reverses, entry);
  }
}

/**
 * Loads and locks what a plan names, in one round trip: the queries are sent together and run in
 * the order written, which is the lock order. Returns null when the fund does not exist.
 */
export async function load(transaction: Transaction, fundId: string, plan: LoadPlan): Promise<Work | null> {
  const accounts = [...new Set(plan.accounts)].sort();
  const [heads, accountRows, holdRows, entryRows] = await Promise.all([
    plan.lockFund
      ? transaction<{ last_seq: string; last_hash: string }[]>`
          select last_seq::text, last_hash from chain_heads where fund_id = ${fundId} for update`
      : transaction<{ last_seq: string; last_hash: string }[]>`
          select last_seq::text, last_hash from chain_heads where fund_id = ${fundId}`,
    accounts.length === 0
      ? []
      : transaction<AccountRow[]>`
          ${accountColumns(transaction)}
          where b.fund_id = ${fundId} and b.account_code = any(${accounts}::text[])
          order by b.account_code
          for update of b`,
    accounts.length === 0 && plan.holdIds.length === 0
      ? []
      : transaction<HoldRow[]>`
          ${holdColumns(transaction)}
          where h.fund_id = ${fundId} and (
            h.id = any(${[...plan.holdIds]}::text[])
            or (h.status = 'open' and h.account_code = any(${accounts}::text[]) and h.expires_at <= ${plan.at}::timestamptz))
          order by h.id
          for update`,
    plan.idempotencyKeys.length === 0 && plan.entryIds.length === 0 && plan.reversalsOf.length === 0
      ? []
      : transaction<EntryRow[]>`
          ${entryColumns(transaction)}
          where e.fund_id = ${fundId} and (
            e.idempotency_key = any(${[...plan.idempotencyKeys]}::text[])
            or e.id = any(${uuidsOnly(plan.entryIds)}::uuid[])
            or e.reverses = any(${uuidsOnly(plan.reversalsOf)}::uuid[]))`
  ]);
  const head = heads[0];
  if (head === undefined) return null;
  return new Work({
    fundId,
    head: head.last_seq === '0' ? null : { seq: Number(head.last_seq), hash: head.last_hash },
    accounts: new Map(accountRows.map((row) => [row.code, accountStateOfRow(row)])),
    holds: new Map(holdRows.map((row) => [row.id, holdOfRow(row)])),
    entries: entryRows.map(entryOfRow)
  });
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Entry ids are UUIDs here; any other text names no entry, and must not reach a uuid cast. */
function uuidsOnly(ids: readonly string[]): string[] {
  return ids.filter((id) => UUID_PATTERN.test(id));
}

/** Reads the account a hold draws on, without locking: a hold's account never changes. */
export async function accountOfHold(transaction: Transaction, fundId: string, holdId: string): Promise<string | null> {
  const [row] = await transaction<{ account_code: string }[]>`
    select account_code from holds where fund_id = ${fundId} and id = ${holdId}`;
  return row?.account_code ?? null;
}

/** Reads an entry without locking: entries never change. */
export async function entryById(transaction: Transaction, fundId: string, entryId: string): Promise<Entry | null> {
  if (!UUID_PATTERN.test(entryId)) return null;
  const [row] = await transaction<
    EntryRow[]
  >`${entryColumns(transaction)} where e.fund_id = ${fundId} and e.id = ${entryId}`;
  return row === undefined ? null : entryOfRow(row);
}

/**
 * Writes what the work decided, in one round trip: the new entries and their postings, the
 * changed holds, and the changed accounts' totals. Arrays go through unnest, so a batch of
 * thousands of entries is still four statements.
 */
export async function flush(transaction: Transaction, work: Work): Promise<void> {
  const writes: Promise<unknown>[] = [];
  if (work.entriesNew.length > 0) {
    writes.push(insertEntries(transaction, work), insertPostings(transaction, work), addDayTotals(transaction, work));
  }
  if (work.holdsChanged.size > 0) writes.push(upsertHolds(transaction, work));
  if (work.accountsChanged.size > 0) writes.push(updateBalances(transaction, work));
  await Promise.all(writes);
}

function insertEntries(transaction: Transaction, work: Work) {
  const entries = work.entriesNew;
  const column = <T>(pick: (entry: Entry) => T): T[] => entries.map(pick);
  return transaction`
    insert into entries (fund_id, seq, id, effective_date, recorded_at, memo, application_id, voucher_number,
      attachment_hashes, idempotency_key, request_hash, reverses, settles_hold_id, settles_amount, prev_hash, hash)
    select ${work.fundId}::bigint, seq, id, effective_date, recorded_at, memo, application_id, voucher_number,
      string_to_array(attachments, ','), idempotency_key, request_hash, reverses, settles_hold_id, settles_amount,
      prev_hash, hash
    from unnest(
      ${column((entry) => String(entry.seq))}::bigint[], ${column((entry) => entry.id)}::uuid[],
      ${column((entry) => entry.date)}::date[], ${column((entry) => entry.recordedAt)}::timestamptz[],
      ${column((entry) => entry.memo)}::text[], ${column((entry) => entry.references.applicationId ?? null)}::text[],
      ${column((entry) => entry.references.voucherNumber ?? null)}::text[],
      ${column((entry) => (entry.references.attachmentHashes ?? []).join(','))}::text[],
      ${column((entry) => entry.idempotencyKey)}::text[], ${column((entry) => entry.requestHash)}::text[],
      ${column((entry) => entry.reverses)}::uuid[], ${column((entry) => entry.settles?.holdId ?? null)}::text[],
      ${column((entry) => entry.settles?.amount.toString() ?? null)}::numeric[],
      ${column((entry) => entry.previousHash)}::text[], ${column((entry) => entry.hash)}::text[]
    ) as u(seq, id, effective_date, recorded_at, memo, application_id, voucher_number, attachments,
      idempotency_key, request_hash, reverses, settles_hold_id, settles_amount, prev_hash, hash)`;
}

function insertPostings(transaction: Transaction, work: Work) {
  const seqs: string[] = [];
  const lines: string[] = [];
  const accounts: string[] = [];
  const sides: string[] = [];
  const amounts: string[] = [];
  const memos: (string | null)[] = [];
  for (const entry of work.entriesNew) {
    entry.postings.forEach((posting, index) => {
      seqs.push(String(entry.seq));
      lines.push(String(index + 1));
      accounts.push(posting.account);
      sides.push(posting.side);
      amounts.push(posting.amount.toString());
      memos.push(posting.memo ?? null);
    });
  }
  return transaction`
    insert into postings (fund_id, entry_seq, line_no, account_code, side, amount, memo)
    select ${work.fundId}::bigint, entry_seq, line_no, account_code, side, amount, memo
    from unnest(${seqs}::bigint[], ${lines}::text[]::int[], ${accounts}::text[], ${sides}::text[], ${amounts}::numeric[],
      ${memos}::text[]) as u(entry_seq, line_no, account_code, side, amount, memo)`;
}

/**
 * Adds the new entries to the day totals (sql/019) that the statements read: the ledger sums them
 * into movements by day, account and whether the entry moved cash, and each sum is added to its row.
 */
function addDayTotals(transaction: Transaction, work: Work) {
  const movements = movementsOf(work.entriesNew);
  const column = <T>(pick: (movement: Movement) => T): T[] => movements.map(pick);
  return transaction`
    insert into account_day_totals (fund_id, day, account_code, with_cash, debits, credits)
    select ${work.fundId}::bigint, * from unnest(
      ${column((movement) => movement.date)}::date[], ${column((movement) => movement.account)}::text[],
      ${column((movement) => String(movement.withCash))}::text[]::boolean[],
      ${column((movement) => movement.debits.toString())}::numeric[],
      ${column((movement) => movement.credits.toString())}::numeric[])
    on conflict (fund_id, day, account_code, with_cash) do update set
      debits = account_day_totals.debits + excluded.debits, credits = account_day_totals.credits + excluded.credits`;
}

function upsertHolds(transaction: Transaction, work: Work) {
  const holds = [...work.holdsChanged].map((id) => work.holds.get(id)).filter((hold) => hold !== undefined);
  const column = <T>(pick: (hold: Hold) => T): T[] => holds.map(pick);
  return transaction`
    insert into holds (fund_id, id, account_code, amount, amount_settled, amount_released, status, created_at,
      expires_at, reference, memo, closed_at)
    select ${work.fundId}::bigint, * from unnest(
      ${column((hold) => hold.id)}::text[], ${column((hold) => hold.account)}::text[],
      ${column((hold) => hold.amount.toString())}::numeric[], ${column((hold) => hold.amountSettled.toString())}::numeric[],
      ${column((hold) => hold.amountReleased.toString())}::numeric[], ${column((hold) => hold.status)}::text[],
      ${column((hold) => hold.createdAt)}::timestamptz[], ${column((hold) => hold.expiresAt)}::timestamptz[],
      ${column((hold) => hold.reference)}::text[], ${column((hold) => hold.memo)}::text[],
      ${column((hold) => hold.closedAt)}::timestamptz[])
    on conflict (fund_id, id) do update set
      amount_settled = excluded.amount_settled, amount_released = excluded.amount_released,
      status = excluded.status, closed_at = excluded.closed_at`;
}

function updateBalances(transaction: Transaction, work: Work) {
  const codes = [...work.accountsChanged].sort();
  const states = codes.map((code) => work.accounts.get(code)).filter((state) => state !== undefined);
  return transaction`
    update account_balances b
    set debits_posted = u.debits_posted, credits_posted = u.credits_posted, held_total = u.held_total
    from unnest(${states.map((state) => state.account.code)}::text[],
      ${states.map((state) => state.debitsPosted.toString())}::numeric[],
      ${states.map((state) => state.creditsPosted.toString())}::numeric[],
      ${states.map((state) => state.heldTotal.toString())}::numeric[]) as u(code, debits_posted, credits_posted, held_total)
    where b.fund_id = ${work.fundId} and b.account_code = u.code`;
}
