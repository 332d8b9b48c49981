import type { Rejection } from '@gongjian/ledger';

/** The fund named by a command does not exist: the one rejection the ledger cannot know of. */
export type FundCode = 'fund_not_found';

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fundNotFound(fundId: string): Rejection<FundCode> {
  return { ok: false, code: 'fund_not_found', fundId };
}
