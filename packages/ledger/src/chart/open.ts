import { ok, reject, type Result } from '../result.js';
import { balanceOf, type AccountState } from '../journal/state.js';
import {
  FLAGS_NONE,
  isAccountCode,
  normalSideOf,
  parentCodeOf,
  type Account,
  type AccountFlags,
  type AccountKind,
  type AccountName,
  type Restriction
} from './account.js';

export type OpenCommand = {
  readonly code: string;
  /** Defaults to the parent's name followed by the code's last segment. */
  readonly name?: AccountName;
  /** Required for a new top-level account; a sub-account always has its parent's kind. */
  readonly kind?: AccountKind;
  readonly restriction?: Restriction;
  /** Defaults to the parent's floors, so a sub-account of the bank cannot be overdrawn either. */
  readonly flags?: Partial<Pick<AccountFlags, 'mustNotGoNegative' | 'availableMustNotGoNegative'>>;
};

export type OpenCode =
  | 'account_code_must_be_well_formed'
  | 'account_kind_required'
  | 'parent_account_not_found'
  | 'account_closed'
  | 'account_kind_must_match_parent'
  | 'account_already_exists';

export type OpenDecision = { readonly account: Account; readonly replayed: boolean };

/**
 * Decides opening an account, typically a sub-account on demand for a unit, compound, project or
 * household. Opening an account that exists with the same definition returns it unchanged.
 */
export function decideOpen(
  state: { readonly accountExisting: Account | null; readonly parent: Account | null },
  command: OpenCommand
): Result<OpenDecision, OpenCode> {
  if (!isAccountCode(command.code)) {
    return reject('account_code_must_be_well_formed', { code: command.code });
  }
  const parentCode = parentCodeOf(command.code);
  const parent = state.parent;
  if (parentCode === null && command.kind === undefined && state.accountExisting === null) {
    return reject('account_kind_required', { code: command.code });
  }
  if (parentCode !== null && (parent === null || parent.code !== parentCode)) {
    return reject('parent_account_not_found', { code: command.code, parent: parentCode });
  }
  if (parent !== null && parent.flags.closed) {
    return reject('account_closed', { account: parent.code });
  }
  if (parent !== null && command.kind !== undefined && command.kind !== parent.kind) {
    return reject('account_kind_must_match_parent', { code: command.code, kind: parent.kind });
  }
  const account = accountOfCommand(command, parent);
  if (state.accountExisting !== null) {
    return sameAccount(state.accountExisting, account)
      ? ok({ account: state.accountExisting, replayed: true })
      : reject('account_already_exists', { code: command.code });
  }
  return ok({ account, replayed: false });
}

function accountOfCommand(command: OpenCommand, parent: Account | null): Account {
  const kind = parent?.kind ?? command.kind ?? 'asset';
  const segment = command.code.slice(command.code.lastIndexOf('.') + 1);
  return {
    code: command.code,
    name: command.name ?? {
      zh: parent === null ? segment : `${parent.name.zh}—${segment}`,
      en: parent === null ? segment : `${parent.name.en}: ${segment}`
    },
    kind,
    normalSide: normalSideOf(kind),
    restriction: command.restriction ?? parent?.restriction ?? null,
    flags: {
      mustNotGoNegative: command.flags?.mustNotGoNegative ?? parent?.flags.mustNotGoNegative ?? false,
      availableMustNotGoNegative:
        command.flags?.availableMustNotGoNegative ?? parent?.flags.availableMustNotGoNegative ?? false,
      closed: FLAGS_NONE.closed
    },
    parent: parent?.code ?? null
  };
}

function sameAccount(existing: Account, requested: Account): boolean {
  return (
    existing.kind === requested.kind &&
    existing.name.zh === requested.name.zh &&
    existing.name.en === requested.name.en &&
    existing.restriction === requested.restriction &&
    existing.flags.mustNotGoNegative === requested.flags.mustNotGoNegative &&
    existing.flags.availableMustNotGoNegative === requested.flags.availableMustNotGoNegative
  );
}

export type CloseCode = 'account_not_found' | 'account_closed' | 'account_must_be_empty_to_close';

/** Decides closing an account. Only an account with a zero balance and no open holds may close. */
export function decideClose(
  state: { readonly account: AccountState | undefined },
  command: { readonly code: string }
): Result<Account, CloseCode> {
  const current = state.account;
  if (current === undefined) {
    return reject('account_not_found', { account: command.code });
  }
  if (current.account.flags.closed) {
    return reject('account_closed', { account: command.code });
  }
  if (!balanceOf(current).isZero() || !current.heldTotal.isZero()) {
    return reject('account_must_be_empty_to_close', {
      account: command.code,
      balance: balanceOf(current).toString(),
      heldTotal: current.heldTotal.toString()
    });
  }
  return ok({ ...current.account, flags: { ...current.account.flags, closed: true } });
}
