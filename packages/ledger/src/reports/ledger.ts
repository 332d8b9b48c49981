import type { Account, AccountName } from '../chart/account.js';
import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { Money } from '../money/money.js';
import type { Entry } from '../journal/types.js';
import { isInPeriod, type Period } from './totals.js';
import type { ReportInput } from './statements.js';

export type LedgerLine = {
  readonly date: string;
  readonly seq: number;
  readonly entryId: string;
  readonly memo: string;
  readonly account: string;
  readonly debit: Money;
  readonly credit: Money;
  /** The balance on the account's normal side after this line. */
  readonly balance: Money;
};

/** 明细账: one account's lines over a period with a running balance. */
export type GeneralLedger = {
  readonly account: string;
  readonly name: AccountName;
  readonly period: Period;
  readonly balanceOpening: Money;
  readonly lines: readonly LedgerLine[];
  readonly debitsTotal: Money;
  readonly creditsTotal: Money;
  readonly balanceClosing: Money;
};

/** Entries in the order reports read them: by effective date, then by sequence. */
export function entriesByDate(entries: readonly Entry[]): Entry[] {
  return [...entries].sort((first, second) =>
    first.date === second.date ? first.seq - second.seq : first.date < second.date ? -1 : 1
  );
}

export function isInSubtree(code: string, root: string, subtree: boolean): boolean {
  return code === root || (subtree && code.startsWith(`${root}.`));
}

/**
 * The general ledger of one account, with its sub-accounts when `subtree` is set. Lines before the
 * period fold into the opening balance.
 */
export function generalLedger(
  input: ReportInput & { readonly account: string; readonly period?: Period; readonly subtree?: boolean }
): GeneralLedger {
  const account = [...input.accounts].find((candidate: Account) => candidate.code === input.account);
  assert(account !== undefined, MESSAGES.accountStateMissing);
  const period = input.period ?? {};
  const sign = (debit: Money, credit: Money): Money =>
    account.normalSide === 'debit' ? debit.minus(credit) : credit.minus(debit);
  let balance = Money.zero();
  let balanceOpening = Money.zero();
  const lines: LedgerLine[] = [];
  for (const entry of entriesByDate(input.entries)) {
    const beforePeriod = period.dateFrom !== undefined && period.dateFrom !== null && entry.date < period.dateFrom;
    if (!beforePeriod && !isInPeriod(entry.date, period)) continue;
    for (const posting of entry.postings) {
      if (!isInSubtree(posting.account, input.account, input.subtree ?? false)) continue;
      const debit = posting.side === 'debit' ? posting.amount : Money.zero();
      const credit = posting.side === 'credit' ? posting.amount : Money.zero();
      balance = balance.plus(sign(debit, credit));
      if (beforePeriod) {
        balanceOpening = balance;
        continue;
      }
      lines.push({
        date: entry.date,
        seq: entry.seq,
        entryId: entry.id,
        memo: posting.memo ?? entry.memo,
        account: posting.account,
        debit,
        credit,
        balance
      });
    }
  }
  return {
    account: account.code,
    name: account.name,
    period,
    balanceOpening,
    lines,
    debitsTotal: Money.sum(lines.map((line) => line.debit)),
    creditsTotal: Money.sum(lines.map((line) => line.credit)),
    balanceClosing: balance
  };
}

export type ContributorLine = {
  readonly date: string;
  readonly seq: number;
  readonly entryId: string;
  readonly memo: string;
  readonly account: string;
  /** What the contributor gave in this line: credits to its income sub-accounts less debits. */
  readonly amount: Money;
  readonly total: Money;
};

export type ContributorStatement = {
  readonly unitId: string;
  readonly period: Period;
  readonly lines: readonly ContributorLine[];
  readonly total: Money;
};

/**
 * What one contributing unit gave over a period: every posting on a sub-account tagged with the
 * unit (`…U-<id>`), such as 4101.01.U-<id>, reversals included, with a running total.
 */
export function contributorStatement(
  input: Pick<ReportInput, 'entries'> & { readonly unitId: string; readonly period?: Period }
): ContributorStatement {
  const segment = `.U-${input.unitId}`;
  const period = input.period ?? {};
  let total = Money.zero();
  const lines: ContributorLine[] = [];
  for (const entry of entriesByDate(input.entries)) {
    if (!isInPeriod(entry.date, period)) continue;
    for (const posting of entry.postings) {
      if (!posting.account.endsWith(segment) && !posting.account.includes(`${segment}.`)) continue;
      const amount = posting.side === 'credit' ? posting.amount : posting.amount.negated();
      total = total.plus(amount);
      lines.push({
        date: entry.date,
        seq: entry.seq,
        entryId: entry.id,
        memo: posting.memo ?? entry.memo,
        account: posting.account,
        amount,
        total
      });
    }
  }
  return { unitId: input.unitId, period, lines, total };
}
