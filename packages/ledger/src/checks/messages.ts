/**
 * Every message a failed assertion can throw. An assertion failure is a programmer error (a bug in
 * the caller or in this package), never a user mistake, so these messages speak to developers.
 */
export const MESSAGES = {
  amountNotMoney: 'Expected a Money value.',
  sideMalformed: "A posting's side must be 'debit' or 'credit'.",
  currencyMismatch: 'Money values of different currencies cannot be combined.',
  decimalOutsidePrecision: 'An intermediate decimal result lost precision; widen the working precision.',
  recordedAtMalformed: 'recordedAt must be an ISO-8601 UTC time with milliseconds, such as 2026-03-01T09:00:00.000Z.',
  entryIdMalformed: 'An entry id must be a non-empty string of at most 128 characters without control characters.',
  holdIdMalformed: 'A hold id must be a non-empty string of at most 128 characters without control characters.',
  fundIdMalformed: 'A fund id must be a non-empty string of at most 128 characters without control characters.',
  hashMalformed: 'A hash must be 64 lowercase hexadecimal characters.',
  hashFunctionOutput: 'The hash function must return the SHA-256 of its text as 64 lowercase hexadecimal characters.',
  previousEntryFundMismatch: 'The previous entry belongs to another fund.',
  entryForKeyMismatch: 'existingEntryForKey must carry the idempotency key of the command.',
  accountStateMissing: 'The state passed to a decision must include every account the command touches.',
  holdMissing: 'The book lost track of a hold it recorded.',
  matchPolicyInvalid: 'The match policy is invalid; check it with checkMatchPolicy() before computing a match.',
  ratioMalformed: 'A ratio must be a decimal string between 0 and 1, such as "0.6".',
  chartInvalid: 'The chart of accounts is invalid.',
  unreachable: 'Unreachable code was reached.'
} as const;

export type Message = (typeof MESSAGES)[keyof typeof MESSAGES];
