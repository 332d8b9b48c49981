/**
 * The auditor's package, read back with the tools an auditor uses: unzip, sha256sum -c, hledger
 * and bean-check, against the demo fund's books for a period that starts after its first entries
 * (so the opening balances matter).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { exportNameOf, money, type AccountKind } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { auditPackageStream, packageContext } from '../../apps/web/src/lib/server/reports/audit-package';
import { openPeopleDatabase } from '../support/people-db';

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fund = { id: '', slug: 'guihuajing', nameZh: '', nameEn: '' };
const directory = mkdtempSync(join(tmpdir(), 'gj-audit-package-'));
const PERIOD = { from: '2026-03-02', to: '2026-12-31' };

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('audit-package'));
  await seedDemo(app);
  const [row] = await owner<{ id: string; nameZh: string; nameEn: string }[]>`
    select id::text as id, name_zh as "nameZh", name_en as "nameEn" from funds where slug = 'guihuajing'`;
  fund = { ...fund, id: row?.id ?? '', nameZh: row?.nameZh ?? '', nameEn: row?.nameEn ?? '' };
}, 180_000);

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await close();
});

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function unpacked(name: string, locale: 'zh-CN' | 'en'): Promise<string> {
  const context = await packageContext(app, {
    fund,
    period: PERIOD,
    locale,
    now: new Date(),
    origin: 'https://fund.example.cn'
  });
  const zip = join(directory, `${name}.zip`);
  const stream = auditPackageStream(context) as unknown as NodeReadableStream<Uint8Array>;
  await pipeline(Readable.fromWeb(stream), createWriteStream(zip));
  const folder = join(directory, name);
  expect(run('unzip', ['-q', zip, '-d', folder], directory)).toEqual({ status: 0, output: '' });
  return folder;
}

describe('the auditor’s package', () => {
  it('holds the journal, the checks pass, the chain head is the database’s', async () => {
    const folder = await unpacked('zh', 'zh-CN');
    const names = readdirSync(folder).sort();
    expect(names).toEqual(
      [
        'README.txt',
        'SHA256SUMS',
        'account-balances.csv',
        'account-balances.xlsx',
        'chain-head.txt',
        'journal.csv',
        'journal.xlsx',
        'ledger.beancount',
        'ledger.journal',
        'statements.csv',
        'statements.json',
        'statements.xlsx',
        'trial-balance.csv',
        'vouchers',
        ...(names.includes('attachments') ? ['attachments'] : [])
      ].sort()
    );
    const sums = run('sha256sum', ['-c', '--strict', 'SHA256SUMS'], folder);
    expect(sums.status, sums.output).toBe(0);
    expect(sums.output).toContain('journal.csv: OK');
    expect(sums.output).toContain('statements.json: OK');
    expect(run('hledger', ['-f', 'ledger.journal', 'check', '--strict'], folder)).toEqual({ status: 0, output: '' });
    expect(run('hledger', ['-f', 'ledger.journal', 'bal'], folder).status).toBe(0);
    expect(run('bean-check', ['ledger.beancount'], folder)).toEqual({ status: 0, output: '' });
    const [head] = await owner<{ seq: string; hash: string }[]>`
      select last_seq::text as seq, last_hash as hash from chain_heads where fund_id = ${fund.id}`;
    const chain = readFileSync(join(folder, 'chain-head.txt'), 'utf8');
    expect(chain).toContain(`seq: ${head?.seq}\n`);
    expect(chain).toContain(`hash: ${head?.hash}\n`);
    const csv = readFileSync(join(folder, 'journal.csv'), 'utf8');
    expect(csv.startsWith('\uFEFF凭证号,日期,')).toBe(true);
    const [count] = await owner<{ entries: string; postings: string }[]>`
      select count(distinct e.seq)::text as entries, count(*)::text as postings
        from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
       where e.fund_id = ${fund.id} and e.effective_date between ${PERIOD.from} and ${PERIOD.to}`;
    expect(csv.trimEnd().split('\r\n')).toHaveLength(Number(count?.postings) + 1);
    expect(readdirSync(join(folder, 'vouchers'))).toHaveLength(Number(count?.entries));
    expect(Number(count?.entries)).toBeGreaterThan(0);
    const trial = readFileSync(join(folder, 'trial-balance.csv'), 'utf8').trimEnd().split('\r\n');
    expect(trial.at(-1)).toMatch(/^合计,,([\d.]+),\1,0\.00$/);
  });

  it('starts the period from the books’ balances: hledger’s balances equal the database’s at the end', async () => {
    const folder = await unpacked('balances', 'en');
    const rows = await owner<{ code: string; kind: AccountKind; balance: string }[]>`
      select p.account_code as code, a.kind,
             sum(case when p.side = 'debit' then p.amount else -p.amount end)::text as balance
        from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
        join accounts a on a.fund_id = p.fund_id and a.code = p.account_code
       where p.fund_id = ${fund.id} and e.effective_date <= ${PERIOD.to}
       group by p.account_code, a.kind having sum(case when p.side = 'debit' then p.amount else -p.amount end) <> 0`;
    const report = run('hledger', ['-f', 'ledger.journal', 'bal', '--flat', '--no-total', '-O', 'csv'], folder);
    expect(report.status).toBe(0);
    const theirs = Object.fromEntries(
      report.output
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('","').map((cell) => cell.replace(/"/g, '')))
        .map(([account = '', amount = '']) => [account, money(amount.replace(/ CNY$/, '')).toString()])
    );
    const ours = Object.fromEntries(rows.map((row) => [exportNameOf(row), money(row.balance).toString()]));
    expect(theirs).toEqual(ours);
    const csv = readFileSync(join(folder, 'journal.csv'), 'utf8');
    expect(csv.startsWith('\uFEFFVoucher no.,Date,')).toBe(true);
    // Every row has a voucher number, the demo's first entries' computed from their seq.
    expect(
      csv
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .every((line) => /^[^,]+,2026-\d{2}-\d{2},\d+,/.test(line))
    ).toBe(true);
  });
});

describe('a package download cancelled half-way', () => {
  it('stops the archive and leaves the process standing', async () => {
    const context = await packageContext(app, {
      fund,
      period: PERIOD,
      locale: 'zh-CN',
      now: new Date(),
      origin: 'https://fund.example.cn'
    });
    const reader = auditPackageStream(context).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    await reader.cancel();
    // The next package is written in full: nothing was left broken by the cancelled one.
    const folder = await unpacked('after-cancel', 'zh-CN');
    expect(run('sha256sum', ['-c', '--strict', 'SHA256SUMS'], folder).status).toBe(0);
  });
});
