/**
 * Expected rejections are values, not exceptions: a decision returns either `{ ok: true, value }`
 * or `{ ok: false, code, ...details }`, where the code reads as a sentence
 * (`entry_must_balance`). Only programmer errors throw.
 */
export type Ok<T> = { readonly ok: true; readonly value: T };

export type Rejection<Code extends string = string> = {
  readonly ok: false;
  readonly code: Code;
  readonly [detail: string]: unknown;
};

export type Result<T, Code extends string = string> = Ok<T> | Rejection<Code>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function reject<Code extends string>(
  code: Code,
  details: Readonly<Record<string, unknown>> = {}
): Rejection<Code> {
  return { ...details, ok: false, code };
}
