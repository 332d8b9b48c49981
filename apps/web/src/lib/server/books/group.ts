import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  decidePost,
  type DecisionContext,
  type Entry,
  type PostCode,
  type PostCommand,
  type Result
} from '@gongjian/ledger';
import type { Sql, Transaction } from '../db/client';
import { fundNotFound, ok, type FundCode } from './outcomes';
import { isInvariantFailure, withRetry } from '../db/retry';
import { flush, load } from './store';

/**
 * Group commit for single postings. Every posting locks its fund's chain head until it commits,
 * so one fund's postings commit one after another, and each would pay for its WAL flush alone.
 * Instead, while a transaction for a fund is under way, further posts to that fund from this
 * process wait; the next transaction takes all of them (up to a bound), locks the chain head and
 * every account they touch once, in the usual order, decides each command in arrival order
 * against the state the previous ones left (balances, chain head, idempotency keys), writes every
 * accepted entry in one round trip and commits once. Each caller then gets its own result: a
 * rejection does not affect its neighbours.
 *
 * Other processes are kept in order by the same locks as before: each process groups its own
 * waiting posts, and the groups take turns on the chain head.
 */

/** The most posts one transaction decides; the rest wait for the next one. */
export const GROUP_COMMANDS_MAX = 256;

export type PostOutcome = Result<Entry, PostCode | FundCode>;

export type PendingPost = {
  readonly fundId: string;
  readonly command: PostCommand;
  /** Fixed when the post arrives, so a retried group decides every command as before. */
  readonly context: DecisionContext;
  /** Runs the post in a transaction of its own, when its group could not commit. */
  readonly runAlone: () => Promise<PostOutcome>;
};

type Waiting = PendingPost & {
  readonly resolve: (outcome: PostOutcome) => void;
  readonly reject: (error: unknown) => void;
};

/** The posts waiting per pool and fund; a fund has an entry while its group loop runs. */
const waitingByPool = new WeakMap<Sql, Map<string, Waiting[]>>();

/** Posts through the fund's group: resolves once the transaction that holds the post committed. */
export function postGrouped(sql: Sql, post: PendingPost): Promise<PostOutcome> {
  return new Promise((resolve, reject) => {
    let waiting = waitingByPool.get(sql);
    if (waiting === undefined) {
      waiting = new Map();
      waitingByPool.set(sql, waiting);
    }
    const queue = waiting.get(post.fundId);
    if (queue !== undefined) {
      queue.push({ ...post, resolve, reject });
      return;
    }
    const fresh: Waiting[] = [{ ...post, resolve, reject }];
    waiting.set(post.fundId, fresh);
    void drain(sql, { waiting, fundId: post.fundId, queue: fresh });
  });
}

/**
 * Commits groups until no post waits. Before taking each group it lets the event loop turn once,
 * without a timer: posts that arrive in the same turn (callers just answered often post again
 * at once) join this group instead of trailing it in a transaction of their own.
 */
async function drain(
  sql: Sql,
  fund: { readonly waiting: Map<string, Waiting[]>; readonly fundId: string; readonly queue: Waiting[] }
): Promise<void> {
  for (;;) {
    await nextTurn();
    if (fund.queue.length === 0) {
      fund.waiting.delete(fund.fundId);
      return;
    }
    await commitGroup(sql, fund.fundId, fund.queue.splice(0, GROUP_COMMANDS_MAX));
  }
}

/** Commits one group and answers each of its callers; it never throws. */
async function commitGroup(sql: Sql, fundId: string, group: readonly Waiting[]): Promise<void> {
  let outcomes: readonly PostOutcome[];
  try {
    outcomes = await withRetry(
      () => sql.begin((transaction) => decideGroupIn(transaction, fundId, group)) as Promise<PostOutcome[]>
    );
  } catch (error) {
    // The database refused what the decisions wrote: a bug, or a writer the decisions did not see.
    // Each post runs alone then, so that one bad command cannot fail its neighbours.
    if (group.length > 1 && isInvariantFailure(error)) {
      await runEachAlone(group);
      return;
    }
    for (const post of group) post.reject(error);
    return;
  }
  group.forEach((post, index) => {
    const outcome = outcomes[index];
    if (outcome === undefined) post.reject(new Error(`books: the group decided no outcome for post ${index}`));
    else post.resolve(outcome);
  });
}

async function runEachAlone(group: readonly Waiting[]): Promise<void> {
  for (const post of group) {
    try {
      post.resolve(await post.runAlone());
    } catch (error) {
      post.reject(error);
    }
  }
}

/**
 * Decides a group in one transaction: one load in the fixed lock order (the chain head, then the
 * union of the accounts by code, then their holds), each command in turn against the state the
 * previous ones left, one write of everything accepted. Returns the outcomes in the group's order.
 */
async function decideGroupIn(
  transaction: Transaction,
  fundId: string,
  group: readonly PendingPost[]
): Promise<PostOutcome[]> {
  const plan = {
    lockFund: true,
    accounts: group.flatMap((post) => post.command.postings.map((posting) => posting.account)),
    holdIds: [],
    idempotencyKeys: group.flatMap((post) =>
      post.command.idempotencyKey === undefined ? [] : [post.command.idempotencyKey]
    ),
    entryIds: [],
    reversalsOf: [],
    at: latestOf(group.map((post) => post.context.recordedAt))
  };
  const work = await load(transaction, fundId, plan);
  if (work === null) return group.map(() => fundNotFound(fundId));
  const outcomes = group.map((post): PostOutcome => {
    // Holds due by this command's time stop reserving money first, as the Book does.
    work.expireHolds(post.context.recordedAt);
    const decision = decidePost(work.postState(post.command.idempotencyKey), post.command, post.context);
    return decision.ok ? ok(work.applyEntry(decision.value)) : decision;
  });
  await flush(transaction, work);
  return outcomes;
}

/** The latest of ISO-8601 UTC times of one format, which compare as text. */
function latestOf(times: readonly string[]): string {
  return times.reduce((latest, time) => (time > latest ? time : latest));
}
