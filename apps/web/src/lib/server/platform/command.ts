import type { Sql, Transaction } from '../db/client';
import { isClosedPeriodError, isRegionShapeError } from '../db/errors';
import { withRetry } from '../db/retry';

/**
 * The one way a use case refuses from inside its transaction. A command's checks that come after
 * something was written (or read under a lock) throw a Refusal, so that the transaction rolls back
 * and nothing is half-saved; `runCommand` turns it back into the typed result the caller expects.
 * Only expected rejections are Refusals; a bug throws anything else and is never swallowed.
 *
 * A failure is the same `{ ok: false, code, … }` value the use case returns for refusals it finds
 * before it writes, so a caller never tells the two apart.
 */
export interface Failure<Code extends string = string> {
  ok: false;
  code: Code;
}

export class Refusal<F extends Failure = Failure> extends Error {
  constructor(readonly failure: F) {
    super(failure.code);
    this.name = 'Refusal';
  }
}

/** Refuses with a bare code: `refuse('project_is_closed')` inside a command's transaction. */
export function refuse<Code extends string>(code: Code): never {
  throw new Refusal({ ok: false, code });
}

/**
 * Runs one command in one transaction (again, after a pause, when PostgreSQL reports a
 * serialization failure or a deadlock). A Refusal thrown inside rolls everything back and is
 * answered as its failure, and so is an entry the database refused as dated in a closed period
 * (`entry_date_must_be_in_open_period`, which every use case that dates an entry may answer);
 * any other error propagates.
 *
 * The failure's type is the caller's promise: each use case states the codes it refuses with in
 * its result type, and `refuse` is called only with those.
 */
export async function runCommand<T, F extends Failure>(
  sql: Sql,
  work: (transaction: Transaction) => Promise<T>
): Promise<T | F> {
  try {
    // postgres.js types begin's result as an unwrapped promise array; the work returns a plain value.
    return await withRetry(() => sql.begin((transaction) => work(transaction)) as Promise<T>);
  } catch (error) {
    if (error instanceof Refusal) return error.failure as F;
    // The database refused an entry dated in a closed period (GJ020), whatever wrote it: every form
    // that dates an entry answers it with the shared sentence (dateRefusals), not with a 500.
    if (isClosedPeriodError(error)) return { ok: false, code: 'entry_date_must_be_in_open_period' } as F;
    // The database refused a region tree of the wrong shape (GJ030): a street under a street, a fund
    // under a county. The region forms check it first; this answers a race or another writer.
    if (isRegionShapeError(error)) return { ok: false, code: 'region_tree_must_keep_its_shape' } as F;
    throw error;
  }
}
