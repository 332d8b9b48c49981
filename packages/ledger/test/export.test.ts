/**
 * The exports, checked by the real tools: hledger 1.25 and Beancount's bean-check 2.3.5. Each
 * export carries period-end balance assertions computed by this package, so a tool that accepts
 * the file agrees with our balances at every period end, account by account.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entriesToCsv, exportNameOf, money, toBeancount, toCsv, toHledger, type Book } from '../src/index.js';
import { historyOf } from './support/history.js';
import { books } from './support/journal.js';
import { WORKED_EXAMPLE } from './support/worked-example.js';

const directory = mkdtempSync(join(tmpdir(), 'gongjian-ledger-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function written(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** hledger's flat balance report as account → amount, leaving out zero balances as hledger does. */
function hledgerBalances(path: string): Record<string, string> {
  const csv = execFileSync('hledger', ['-f', path, 'balance', '--flat', '--no-total', '-O', 'csv'], {
    encoding: 'utf8'
  });
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('","').map((cell) => cell.replace(/"/g, '')));
  return Object.fromEntries(rows.map(([account = '', amount = '']) => [account, amount.replace(/ CNY$/, '')]));
}

function ourBalances(book: Book): Record<string, string> {
  const accounts = new Map(book.accounts().map((account) => [account.code, account]));
  return Object.fromEntries(
    book
      .trialBalance()
      .rows.filter((row) => !row.balance.isZero())
      .map((row) => [
        exportNameOf(accounts.get(row.account) ?? { code: row.account, kind: row.kind }),
        row.balance.toString()
      ])
  );
}

const CASES: [string, () => Book][] = [
  ['the worked example', () => books(WORKED_EXAMPLE)],
  ['a random 500-entry history', () => historyOf(500, 2026).book]
];

describe.each(CASES)('exporting %s', (name, build) => {
  const book = build();
  const input = { fundId: 'fund-1', accounts: book.accounts(), entries: book.entries() };
  const slug = name.replace(/\W+/g, '-');

  it('has the entries it claims', () => {
    expect(book.entries().length).toBeGreaterThanOrEqual(name.includes('500') ? 500 : 15);
  });

  it('passes `hledger check --strict`, and `hledger bal` equals our trial balance account by account', () => {
    const path = written(`${slug}.journal`, toHledger(input));
    expect(run('hledger', ['-f', path, 'check', '--strict'])).toEqual({ status: 0, output: '' });
    expect(hledgerBalances(path)).toEqual(ourBalances(book));
  });

  it('carries the seq and hash of every entry as tags that hledger reads back', () => {
    const path = written(`${slug}-tags.journal`, toHledger(input));
    const last = book.entries().at(-1);
    expect(last).toBeDefined();
    const tagged = execFileSync('hledger', ['-f', path, 'print', `tag:hash=^${last?.hash ?? ''}$`], {
      encoding: 'utf8'
    });
    expect(tagged).toContain(`seq: ${last?.seq ?? 0}, hash: ${last?.hash ?? ''}`);
    expect(toHledger(input).match(/, hash: [0-9a-f]{64}$/gm)).toHaveLength(book.entries().length);
  });

  it('passes bean-check, balance assertions included', () => {
    const text = toBeancount(input);
    expect(text).toContain(' balance ');
    expect(run('bean-check', [written(`${slug}.beancount`, text)])).toEqual({ status: 0, output: '' });
  });

  it('makes both tools fail when a balance assertion is off by a fen (the oracle can fail)', () => {
    const offByAFen = (_: string, prefix: string, amount: string) =>
      `${prefix}${money(amount).plus(money('0.01')).toString()}${prefix.startsWith('balance') ? ' ~ 0' : ''} CNY`;
    const hledger = toHledger(input).replace(/(= )(-?\d+\.\d\d) CNY/, offByAFen);
    expect(run('hledger', ['-f', written(`${slug}-bad.journal`, hledger), 'check']).status).not.toBe(0);
    const beancount = toBeancount(input).replace(/(balance \S+ {2})(-?\d+\.\d\d) ~ 0 CNY/, offByAFen);
    expect(run('bean-check', [written(`${slug}-bad.beancount`, beancount)]).status).not.toBe(0);
  });
});

describe('CSV', () => {
  it('is UTF-8 with a byte-order mark, CRLF, and quotes what needs quoting', () => {
    expect(
      toCsv([
        ['a', 'b,c', 'say "hi"'],
        ['住户', 'x\ny', '-5.00']
      ])
    ).toBe('\uFEFFa,"b,c","say ""hi"""\r\n住户,"x\ny",-5.00\r\n');
  });

  it('guards against formula injection but leaves numbers alone', () => {
    expect(toCsv([['=HYPERLINK("http://x")', '+1', '-5.00', '@SUM(A1)', '\tcmd']])).toBe(
      `\uFEFF"'=HYPERLINK(""http://x"")",'+1,-5.00,'@SUM(A1),'\tcmd\r\n`
    );
  });

  it('writes one row per posting of the journal', () => {
    const book = books(WORKED_EXAMPLE);
    const lines = entriesToCsv({ entries: book.entries(), accounts: book.accounts() }).split('\r\n');
    expect(lines[0]).toBe('\uFEFFseq,date,entry_id,voucher,memo,account,account_name,debit,credit,reverses,hash');
    expect(lines[1]).toMatch(
      /^1,2026-03-01,1,记-001,网格单位出资：启动资金 u01,1002\.01,银行存款—基金池,9090\.91,,,[0-9a-f]{64}$/
    );
  });
});
