import { exportNameOf } from '../chart/account.js';
import { Money } from '../money/money.js';
import { byCode } from '../reports/trial-balance.js';
import type { ExportInput } from './hledger.js';
import { balancesAtEnds, dayAfter, oneLine, periodEnds } from './periods.js';

/** A Beancount string literal. */
function quoted(text: string): string {
  return `"${oneLine(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A Beancount file (checked against bean-check 2.3.5). Accounts open on the first entry's day.
 * Beancount checks a balance at the start of its day and includes sub-accounts, so each
 * period-end assertion is dated the day after and states the account's whole subtree. Its
 * tolerance is written as zero (`~ 0`): Beancount would otherwise accept a difference of one fen.
 */
export function toBeancount(input: ExportInput): string {
  const accounts = [...input.accounts].sort(byCode);
  const names = new Map(accounts.map((account) => [account.code, exportNameOf(account)]));
  const dateFirst = input.entries.reduce((first, entry) => (entry.date < first ? entry.date : first), '9999-12-31');
  const dateOpen = input.entries.length === 0 ? '2000-01-01' : dateFirst;
  const lines: string[] = [`option "title" ${quoted(`Fund ${input.fundId}`)}`, 'option "operating_currency" "CNY"', ''];
  for (const account of accounts) {
    lines.push(
      `${dateOpen} open ${names.get(account.code) ?? ''} CNY`,
      `  name: ${quoted(`${account.name.zh} ${account.name.en}`)}`
    );
  }
  for (const entry of input.entries) {
    lines.push('', `${entry.date} * ${quoted(entry.memo)}`, `  entry: ${quoted(entry.id)}`, `  seq: "${entry.seq}"`);
    if (entry.reverses !== null) lines.push(`  reverses: ${quoted(entry.reverses)}`);
    if (entry.hash !== '') lines.push(`  hash: "${entry.hash}"`);
    for (const posting of entry.postings) {
      const amount = posting.side === 'debit' ? posting.amount.toString() : posting.amount.negated().toString();
      lines.push(`  ${names.get(posting.account) ?? posting.account}  ${amount} CNY`);
      if (posting.memo !== undefined) lines.push(`    memo: ${quoted(posting.memo)}`);
    }
  }
  const ends = periodEnds(input.entries, input.assertions ?? 'month');
  const codes = accounts.map((account) => account.code);
  for (const [end, balances] of balancesAtEnds(input.entries, ends)) {
    lines.push('');
    for (const code of codes) {
      const subtree = [...balances].filter(([other]) => other === code || other.startsWith(`${code}.`));
      if (subtree.length === 0) continue;
      const total = Money.sum(subtree.map(([, balance]) => balance));
      lines.push(`${dayAfter(end)} balance ${names.get(code) ?? code}  ${total.toString()} ~ 0 CNY`);
    }
  }
  return `${lines.join('\n')}\n`;
}
