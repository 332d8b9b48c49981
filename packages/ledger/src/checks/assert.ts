import type { Message } from './messages.js';

/** The error thrown when a programmer error is detected. Expected rejections never throw. */
export class LedgerAssertionError extends Error {
  override readonly name = 'LedgerAssertionError';
}

/**
 * Throws when a condition that only a bug can break does not hold. Messages come from MESSAGES so
 * that every invariant the package relies on is listed in one place.
 */
export function assert(condition: boolean, message: Message): asserts condition {
  if (!condition) {
    throw new LedgerAssertionError(message);
  }
}
