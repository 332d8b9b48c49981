import { ok, reject, type Result } from '../result.js';

export type AccountKind =
  'asset' | 'liability' | 'net_assets_unrestricted' | 'net_assets_restricted' | 'income' | 'expense';

export type Side = 'debit' | 'credit';

/** Whether money may be used for any purpose of the fund, or only for the purpose a donor set. */
export type Restriction = 'restricted' | 'unrestricted';

export type AccountFlags = {
  /** The balance on the account's normal side must stay at or above zero (cash cannot be overdrawn). */
  readonly mustNotGoNegative: boolean;
  /** The balance minus open holds must stay at or above zero (the pool cannot promise money twice). */
  readonly availableMustNotGoNegative: boolean;
  /** A closed account takes no new postings or holds. */
  readonly closed: boolean;
};

export type AccountName = { readonly zh: string; readonly en: string };

export type Account = {
  readonly code: string;
  readonly name: AccountName;
  readonly kind: AccountKind;
  readonly normalSide: Side;
  /** Set for income accounts whose money is restricted or not; net assets carry it in their kind. */
  readonly restriction: Restriction | null;
  readonly flags: AccountFlags;
  /** The parent's code for a sub-account, or null for an account of the chart's top level. */
  readonly parent: string | null;
};

export const FLAGS_NONE: AccountFlags = Object.freeze({
  mustNotGoNegative: false,
  availableMustNotGoNegative: false,
  closed: false
});

/**
 * An account code is a four-digit code of the chart followed by dot-separated segments, such as
 * `1002.01` or `4101.01.U-school-3`. A segment starts with a digit or an uppercase letter and holds
 * only letters, digits and hyphens, so that every code maps directly onto a valid hledger and
 * Beancount account name.
 */
const ACCOUNT_CODE_PATTERN = /^\d{4}(?:\.[0-9A-Z][0-9A-Za-z-]{0,63})*$/;
export const ACCOUNT_CODE_LENGTH_MAX = 200;
const ID_PATTERN = /^[0-9A-Za-z][0-9A-Za-z-]{0,61}$/;

export function isAccountCode(code: string): boolean {
  return code.length <= ACCOUNT_CODE_LENGTH_MAX && ACCOUNT_CODE_PATTERN.test(code);
}

export function normalSideOf(kind: AccountKind): Side {
  return kind === 'asset' || kind === 'expense' ? 'debit' : 'credit';
}

export function parentCodeOf(code: string): string | null {
  const index = code.lastIndexOf('.');
  return index === -1 ? null : code.slice(0, index);
}

/** The dimensions a sub-account can be opened for, and the tag that starts its segment. */
export const DIMENSION_TAGS = {
  unit: 'U',
  compound: 'C',
  project: 'P',
  household: 'H'
} as const;

export type Dimension = keyof typeof DIMENSION_TAGS;

/**
 * The code of a sub-account for one contributing unit, compound, project or household, such as
 * `subAccountCode({ parent: '4101.01', dimension: 'unit', id: 'school-3' })` → `4101.01.U-school-3`.
 * Ids hold letters, digits and hyphens; anything else is rejected rather than rewritten, so that
 * two ids can never map onto the same account.
 */
export function subAccountCode(input: {
  readonly parent: string;
  readonly dimension: Dimension;
  readonly id: string;
}): Result<string, 'account_code_must_be_well_formed'> {
  const code = `${input.parent}.${DIMENSION_TAGS[input.dimension]}-${input.id}`;
  if (!ID_PATTERN.test(input.id) || !isAccountCode(code)) {
    return reject('account_code_must_be_well_formed', { code });
  }
  return ok(code);
}

const ROOT_NAMES: Readonly<Record<AccountKind, string>> = {
  asset: 'Assets',
  liability: 'Liabilities',
  net_assets_unrestricted: 'Equity',
  net_assets_restricted: 'Equity',
  income: 'Income',
  expense: 'Expenses'
};

/**
 * The account's name in hledger and Beancount: the root that its kind maps to, then the code's
 * segments, e.g. `1002.01` → `Assets:1002:01`. Net assets map to Equity.
 */
export function exportNameOf(account: Pick<Account, 'code' | 'kind'>): string {
  return `${ROOT_NAMES[account.kind]}:${account.code.split('.').join(':')}`;
}
