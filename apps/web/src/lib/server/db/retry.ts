import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Commands retry what a concurrent transaction can cause and a second attempt resolves: a
 * serialization failure, a deadlock, a unique key taken by a transaction that committed while
 * this one was deciding (the retry then finds it and answers as a replay or a rejection), and a
 * read that a concurrent command made stale before the lock was taken.
 */
export const ATTEMPTS_MAX = 5;
const BACKOFF_BASE_MS = 5;

const SQLSTATES_RETRIED = new Set(['40001', '40P01']);
const CONSTRAINTS_RETRIED = new Set(['holds_pkey', 'idempotency_key_reused', 'entry_already_reversed']);

/** Thrown inside a command when what it read before locking changed; the command runs again. */
export class StaleReadError extends Error {
  override readonly name = 'StaleReadError';
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof StaleReadError) return true;
  if (!(error instanceof Error)) return false;
  const { code, constraint_name: constraint } = error as Error & { code?: unknown; constraint_name?: unknown };
  if (typeof code !== 'string') return false;
  return (
    SQLSTATES_RETRIED.has(code) ||
    (code === '23505' && typeof constraint === 'string' && CONSTRAINTS_RETRIED.has(constraint))
  );
}

/**
 * The database refused a write for breaking a constraint or one of the books' invariants (SQLSTATE
 * class 23 or the GJ codes of sql/002): the transaction was rolled back, so nothing of it was kept.
 */
export function isInvariantFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as Error & { code?: unknown };
  return typeof code === 'string' && /^(23|GJ)[0-9A-Z]{3}$/.test(code);
}

/** Runs a transaction, again after a jittered, growing pause while the failure is retryable. */
export async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= ATTEMPTS_MAX || !isRetryable(error)) throw error;
      // Full jitter: two transactions that collided once are unlikely to collide again.
      await sleep(Math.random() * BACKOFF_BASE_MS * 2 ** attempt);
    }
  }
}
