/**
 * Our statements against hledger's, line by line. hledger knows nothing of the format's lines, so
 * its flat per-account reports are summed onto lines with the same table (MINFEI_STATEMENT_FORMATS);
 * what is checked is that every account's amount reaches the statement unchanged.
 *
 * How the two differ, and how the comparison bridges it: hledger's `bs` has no income or expenses
 * (and `bse` shows only the equity accounts 3101/3102), while our balance sheet closes income and
 * expenses not yet closed by entries into net assets virtually. So our 非限定性净资产 is compared
 * with hledger's Equity:3101 plus its `is` revenues of unrestricted accounts less all expenses, from
 * the start of the books to the day; our 限定性净资产 with Equity:3102 plus the revenues of restricted
 * accounts. The statement of activities is compared with `hledger is not:tag:closing` over the period.
 */
import { execFileSync } from 'node:child_process';
import {
  MINFEI_STATEMENT_FORMATS,
  Money,
  money,
  statementAmount,
  type FormatLineData,
  type MinfeiStatements,
  type StatementAccount
} from '../../src/index.js';

type Section = Map<string, Money>;

/** hledger's CSV report as section name → account code → amount. */
function report(journal: string, args: readonly string[]): Map<string, Section> {
  const csv = execFileSync('hledger', ['-f', journal, ...args, '--flat', '-O', 'csv'], { encoding: 'utf8' });
  const sections = new Map<string, Section>();
  let section: Section = new Map();
  for (const line of csv.trim().split('\n').slice(2)) {
    const cells = [...line.matchAll(/"([^"]*)"/g)].map((match) => match[1] ?? '');
    const [name = '', amount = ''] = cells;
    if (/^[A-Z][a-z]+$/.test(name) && amount === '') {
      section = new Map();
      sections.set(name, section);
    } else if (name.includes(':') && name !== 'Net:') {
      section.set(
        name.split(':').slice(1).join('.'),
        amount === '' || amount === '0' ? Money.zero() : money(amount.replace(' CNY', ''))
      );
    }
  }
  return sections;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function lineOf(code: string, lines: readonly FormatLineData[], fallback: string): string {
  let best: { key: string; length: number } | null = null;
  for (const line of lines) {
    for (const source of line.sources ?? []) {
      const hit = code === source.prefix || code.startsWith(`${source.prefix}.`);
      if (hit && (best === null || source.prefix.length > best.length))
        best = { key: line.key, length: source.prefix.length };
    }
  }
  return best?.key ?? fallback;
}

function add(map: Map<string, Money>, key: string, amount: Money): void {
  map.set(key, (map.get(key) ?? Money.zero()).plus(amount));
}

/** The balance sheet's item lines as hledger's bs, bse and is give them, "key amount" each. */
export function hledgerBalanceSheet(journal: string, accounts: readonly StatementAccount[], day: string): string[] {
  const format = MINFEI_STATEMENT_FORMATS.balanceSheet;
  const end = ['-e', nextDay(day)];
  const bs = report(journal, ['bs', ...end]);
  const bse = report(journal, ['bse', ...end]);
  const is = report(journal, ['is', ...end]);
  const lines = new Map<string, Money>();
  for (const [code, amount] of bs.get('Assets') ?? [])
    add(lines, lineOf(code, format.lines, format.fallback.asset), amount);
  for (const [code, amount] of bs.get('Liabilities') ?? [])
    add(lines, lineOf(code, format.lines, format.fallback.liability), amount);
  for (const [code, amount] of bse.get('Equity') ?? [])
    add(lines, code.startsWith('3102') ? 'netAssetsRestricted' : 'netAssetsUnrestricted', amount);
  const restricted = new Set(
    accounts.filter((account) => account.restriction === 'restricted').map((account) => account.code)
  );
  for (const [code, amount] of is.get('Revenues') ?? [])
    add(lines, restricted.has(code) ? 'netAssetsRestricted' : 'netAssetsUnrestricted', amount);
  for (const [, amount] of is.get('Expenses') ?? []) add(lines, 'netAssetsUnrestricted', amount.negated());
  return [...lines]
    .filter(([, amount]) => !amount.isZero())
    .map(([key, amount]) => `${key} ${amount.toString()}`)
    .sort();
}

/** Our balance sheet's item lines (not its totals) at the period end, "key amount" each, zeros left out. */
export function ourBalanceSheet(statements: MinfeiStatements): string[] {
  const items = MINFEI_STATEMENT_FORMATS.balanceSheet.lines.filter((line) => 'sources' in line).map((line) => line.key);
  return items
    .map((key) => [key, statementAmount(statements.balanceSheet, key, 1)] as const)
    .filter(([, value]) => !value.isZero())
    .map(([key, value]) => `${key} ${value.toString()}`)
    .sort();
}

/** The statement of activities over a period as hledger's is gives it: "key column amount" each. */
export function hledgerActivities(
  journal: string,
  accounts: readonly StatementAccount[],
  from: string,
  to: string
): string[] {
  const format = MINFEI_STATEMENT_FORMATS.activities;
  const is = report(journal, ['is', '-b', from, '-e', nextDay(to), 'not:tag:closing']);
  const restricted = new Set(
    accounts.filter((account) => account.restriction === 'restricted').map((account) => account.code)
  );
  const lines = new Map<string, Money>();
  for (const [code, amount] of is.get('Revenues') ?? []) {
    const key = lineOf(code, format.lines, format.fallback.income);
    add(lines, `${key} ${restricted.has(code) ? 'restricted' : 'unrestricted'}`, amount);
    add(lines, `${key} total`, amount);
  }
  for (const [code, amount] of is.get('Expenses') ?? []) {
    const key = lineOf(code, format.lines, format.fallback.expense);
    add(lines, `${key} unrestricted`, amount);
    add(lines, `${key} total`, amount);
  }
  return [...lines]
    .filter(([, amount]) => !amount.isZero())
    .map(([key, amount]) => `${key} ${amount.toString()}`)
    .sort();
}

/** Our statement of activities' income and expense lines in its first three columns. */
export function ourActivities(statements: MinfeiStatements): string[] {
  const names = ['unrestricted', 'restricted', 'total'] as const;
  const keys = MINFEI_STATEMENT_FORMATS.activities.lines
    .filter((line) => 'sources' in line && line.sources.length > 0)
    .map((line) => line.key);
  const out: string[] = [];
  for (const key of [...keys, 'otherIncome', 'otherExpenses']) {
    names.forEach((name, column) => {
      const value = statementAmount(statements.activities, key, column);
      if (!value.isZero()) out.push(`${key} ${name} ${value.toString()}`);
    });
  }
  return [...new Set(out)].sort();
}
