import { exportNameOf, type Account, type AccountKind } from '../chart/account.js';
import type { Entry } from '../journal/types.js';
import { byCode } from '../reports/trial-balance.js';
import { isCashAccount } from '../reports/movements.js';
import { balancesAtEnds, oneLine, periodEnds, type AssertionPeriod } from './periods.js';

const HLEDGER_TYPES: Readonly<Record<AccountKind, string>> = {
  asset: 'A',
  liability: 'L',
  net_assets_unrestricted: 'E',
  net_assets_restricted: 'E',
  income: 'R',
  expense: 'X'
};

export type ExportInput = {
  readonly fundId: string;
  readonly accounts: Iterable<Account>;
  readonly entries: readonly Entry[];
  /** Balance assertions at the end of every month (the default) or year with entries, or none. */
  readonly assertions?: AssertionPeriod;
  /** The closing entries (结账), tagged `closing:` so that `hledger is not:tag:closing` leaves them out. */
  readonly closingEntryIds?: ReadonlySet<string>;
};

/**
 * An hledger journal (checked against hledger 1.25): the commodity and every account declared
 * with its type (cash and bank accounts as C, hledger's cash subtype of assets, for `hledger cf`),
 * one transaction per entry with explicit amounts (debits positive), and a
 * transaction of balance assertions at each period end. `hledger -f FILE check --strict` accepts it.
 */
export function toHledger(input: ExportInput): string {
  const accounts = [...input.accounts].sort(byCode);
  const names = new Map(accounts.map((account) => [account.code, exportNameOf(account)]));
  const lines: string[] = [
    `; Fund ${oneLine(input.fundId)}, exported by @gongjian/ledger.`,
    '',
    'commodity 1000.00 CNY',
    ''
  ];
  for (const account of accounts) {
    const type = account.kind === 'asset' && isCashAccount(account.code) ? 'C' : HLEDGER_TYPES[account.kind];
    lines.push(`account ${names.get(account.code) ?? ''}  ; type: ${type}`);
    lines.push(`  ; ${oneLine(account.name.zh)} ${oneLine(account.name.en)}`);
  }
  for (const entry of input.entries) {
    lines.push('', `${entry.date} (${entry.seq}) ${description(entry.memo)}`);
    // The seq and hash ride along as tags, so that a journal downloaded from the public ledger can
    // be checked against the hash chain (and a printed head hash) without the database.
    const reverses = entry.reverses === null ? '' : `, reverses: ${oneLine(entry.reverses)}`;
    const hash = entry.hash === '' ? '' : `, hash: ${entry.hash}`;
    const closing = input.closingEntryIds?.has(entry.id) === true ? ', closing: yes' : '';
    lines.push(`    ; entry: ${oneLine(entry.id)}${reverses}, seq: ${entry.seq}${hash}${closing}`);
    for (const posting of entry.postings) {
      const amount = posting.side === 'debit' ? posting.amount.toString() : posting.amount.negated().toString();
      const memo = posting.memo === undefined ? '' : `  ; ${oneLine(posting.memo)}`;
      lines.push(`    ${names.get(posting.account) ?? posting.account}  ${amount} CNY${memo}`);
    }
  }
  const ends = periodEnds(input.entries, input.assertions ?? 'month');
  for (const [end, balances] of balancesAtEnds(input.entries, ends)) {
    lines.push('', `${end} Balance assertions at period end`);
    for (const [code, balance] of [...balances].sort(([first], [second]) => (first < second ? -1 : 1))) {
      lines.push(`    ${names.get(code) ?? code}  0 CNY = ${balance.toString()} CNY`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** hledger ends a description at a semicolon, so one is replaced by its full-width form. */
function description(memo: string): string {
  return oneLine(memo).replace(/;/g, '；');
}
