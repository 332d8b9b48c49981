import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportNameOf, money, type PostCommand } from '@gongjian/ledger';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { sha256Native } from '../../apps/web/src/lib/server/books/rows';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { officeDashboard } from '../../apps/web/src/lib/server/fund/fund-office';
import { downloadResponse, type DownloadFormat } from '../../apps/web/src/lib/server/public/downloads';
import {
  LEDGER_PAGE_SIZE,
  ledgerEntry,
  ledgerPage,
  parseLedgerQuery,
  type LedgerQuery
} from '../../apps/web/src/lib/server/public/ledger';
import { createFund } from '../support/books';
import { openPeopleDatabase } from '../support/people-db';
import { checkoutRoot } from '../support/postgres';

/*
 * The public ledger against a real PostgreSQL: keyset pages without duplicates or gaps, each
 * filter and the search, the query plans (index range scans, never a sequential scan of the
 * journal), the entry view's canonical text, and every download checked by the tool that reads
 * it (hledger, bean-check, python3's zipfile and XML parser, the offline verifier).
 */

let owner: Sql;
let app: Sql;
let url = '';
let close = async (): Promise<void> => {};
let fundId = '';
let bigFundId = '';
let demoFundId = '';
const directory = mkdtempSync(join(tmpdir(), 'gj-public-ledger-'));
const VERIFIER = join(checkoutRoot, 'apps/web/static/gongjian-verify.mjs');
const FUND_ENTRIES = 300;
const BIG_ENTRIES = 20_000;

function dayOf(index: number): string {
  // Dates are not in seq order (every office backdates now and then), so a date filter cannot
  // lean on the order of seq.
  return new Date(Date.UTC(2026, 0, 1) + ((index * 37) % 120) * 86_400_000).toISOString().slice(0, 10);
}

function memoOf(index: number): string {
  if (index === 5) return '=HYPERLINK("http://example.test","点我")';
  if (index % 50 === 7) return `折扣10%活动 第${index}笔`;
  if (index % 60 === 11) return `编号a_b 第${index}笔`;
  if (index % 60 === 12) return `编号a1b 第${index}笔 100元`;
  return `${index % 3 === 2 ? '项目支出' : '爱心捐赠'} 第${index}笔`;
}

/** Money in to the pool or to cash, and small payouts, with memos the search tests look for. */
function commandOf(index: number): PostCommand {
  const amount = money(index % 3 === 2 ? '1.50' : `${100 + (index % 17)}.00`);
  const [debit, credit] =
    index % 3 === 2 ? ['5101', '1002.01'] : index % 5 === 0 ? ['1001', '4101.01'] : ['1002.01', '4101.02'];
  return {
    date: dayOf(index),
    memo: memoOf(index),
    references: { voucherNumber: `记-${String(index + 1).padStart(4, '0')}` },
    postings: [
      { account: debit, side: 'debit', amount },
      { account: credit, side: 'credit', amount }
    ]
  };
}

beforeAll(async () => {
  ({ owner, app, close, url } = await openPeopleDatabase('public-ledger'));
  fundId = await createFund(owner, 'public-ledger');
  const outcome = await books.postBatch(app, {
    fundId,
    commands: Array.from({ length: FUND_ENTRIES }, (_, index) => commandOf(index))
  });
  if (!outcome.ok) throw new Error(`posting failed: ${outcome.code}`);
  bigFundId = await createFund(owner, 'public-ledger-big');
  for (let offset = 0; offset < BIG_ENTRIES; offset += 5_000) {
    const commands = Array.from({ length: 5_000 }, (_, index) => commandOf(offset + index));
    const big = await books.postBatch(app, { fundId: bigFundId, commands });
    if (!big.ok) throw new Error(`posting failed: ${big.code}`);
  }
  await seedDemo(app);
  const [demo] = await owner<{ id: string }[]>`select id::text as id from funds where slug = 'guihuajing'`;
  demoFundId = demo?.id ?? '';
  await owner`analyze`;
}, 180_000);

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await close();
});

function query(text: string): LedgerQuery {
  const parsed = parseLedgerQuery(new URLSearchParams(text));
  if (!parsed.ok) throw new Error(`${text} did not parse: ${parsed.invalid.join(', ')}`);
  return parsed.value;
}

/** Every seq the filter finds, by walking the pages forward from the first ("after=0"). */
async function walkForward(fund: string, filter: string): Promise<{ seqs: number[]; pages: number }> {
  const seqs: number[] = [];
  let after: number | null = 0;
  let pages = 0;
  while (after !== null) {
    const page = await ledgerPage(app, fund, query(`${filter}&after=${after}`));
    expect(page.entries.length).toBeLessThanOrEqual(LEDGER_PAGE_SIZE);
    seqs.push(...page.entries.map((entry) => entry.seq));
    after = page.later;
    pages += 1;
  }
  return { seqs, pages };
}

/** The same, walking back from the latest page by the "earlier" links. */
async function walkBackward(fund: string, filter: string): Promise<number[]> {
  const pages: number[][] = [];
  let page = await ledgerPage(app, fund, query(filter));
  expect(page.later).toBeNull();
  pages.push(page.entries.map((entry) => entry.seq));
  while (page.earlier !== null) {
    page = await ledgerPage(app, fund, query(`${filter}&after=${page.earlier}`));
    pages.unshift(page.entries.map((entry) => entry.seq));
  }
  return pages.flat();
}

/**
 * Walking back must find every entry in order. Its last step is the first page ("after=0"), which
 * repeats what it has room for of the page after it when the count is not a multiple of ten.
 */
function expectBackward(backward: number[], want: number[], label: string): void {
  expect([...new Set(backward)], label).toEqual(want);
  expect(backward.slice(0, LEDGER_PAGE_SIZE), label).toEqual(want.slice(0, LEDGER_PAGE_SIZE));
  expect(backward.length - want.length, label).toBeLessThan(LEDGER_PAGE_SIZE);
  const rest = backward.slice(Math.min(LEDGER_PAGE_SIZE, backward.length));
  expect(rest, label).toEqual(want.slice(want.length - rest.length));
}

/** What a filter must find, by brute force in SQL (a full scan is fine in a test). */
type Fragment = postgres.PendingQuery<postgres.Row[]>;

async function expected(fund: string, where: (sql: Sql) => Fragment): Promise<number[]> {
  const rows = await owner<{ seq: string }[]>`
    select e.seq::text as seq from entries e where e.fund_id = ${fund} and ${where(owner)} order by e.seq`;
  return rows.map((row) => Number(row.seq));
}

describe('keyset pages', () => {
  it('without a filter: the latest page by default, and every entry once walking either way', async () => {
    const latest = await ledgerPage(app, fundId, query(''));
    expect(latest.entries.map((entry) => entry.seq)).toEqual([291, 292, 293, 294, 295, 296, 297, 298, 299, 300]);
    expect(latest).toMatchObject({ later: null, earlier: 280, unknown: null });
    const first = await ledgerPage(app, fundId, query('after=0'));
    expect(first.entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first).toMatchObject({ earlier: null, later: 10 });
    const middle = await ledgerPage(app, fundId, query('after=123'));
    expect(middle.entries[0]?.seq).toBe(124);
    expect(middle).toMatchObject({ earlier: 113, later: 133 });
    const all = Array.from({ length: FUND_ENTRIES }, (_, index) => index + 1);
    const forward = await walkForward(fundId, '');
    expect(forward.seqs).toEqual(all);
    expect(forward.pages).toBe(FUND_ENTRIES / LEDGER_PAGE_SIZE);
    expect(await walkBackward(fundId, '')).toEqual(all);
  });

  it('each entry carries its voucher, postings with account names, and its hash', async () => {
    const [entry] = (await ledgerPage(app, fundId, query('after=0'))).entries;
    expect(entry).toMatchObject({
      seq: 1,
      voucher: '记-0001',
      date: '2026-01-01',
      memo: '爱心捐赠 第0笔',
      project: null,
      postings: [
        { account: '1001', side: 'debit', amount: '100.00', nameZh: '现金', nameEn: 'Cash' },
        { account: '4101.01', side: 'credit', amount: '100.00' }
      ]
    });
    expect(entry?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by account with its sub-accounts, by date, by project and by words, with no gaps', async () => {
    const cases: [string, (sql: Sql) => Fragment][] = [
      [
        'account=1002',
        (sql) =>
          sql`exists (select 1 from postings p where p.fund_id = e.fund_id and p.entry_seq = e.seq and p.account_code like '1002%')`
      ],
      [
        'account=4101.01',
        (sql) =>
          sql`exists (select 1 from postings p where p.fund_id = e.fund_id and p.entry_seq = e.seq and p.account_code = '4101.01')`
      ],
      ['from=2026-02-01&to=2026-02-28', (sql) => sql`e.effective_date between '2026-02-01' and '2026-02-28'`],
      [
        'account=5101&from=2026-03-01',
        (sql) =>
          sql`e.effective_date >= '2026-03-01' and exists (select 1 from postings p where p.fund_id = e.fund_id and p.entry_seq = e.seq and p.account_code = '5101')`
      ],
      ['q=10%25', (sql) => sql`strpos(e.memo, '10%') > 0`],
      ['q=a_b', (sql) => sql`strpos(e.memo, 'a_b') > 0`],
      ['q=%E8%AE%B0-0042', (sql) => sql`e.voucher_number = '记-0042'`]
    ];
    for (const [filter, where] of cases) {
      const want = await expected(fundId, where);
      expect(want.length, filter).toBeGreaterThan(0);
      expect((await walkForward(fundId, filter)).seqs, filter).toEqual(want);
      expectBackward(await walkBackward(fundId, filter), want, filter);
    }
    // The wildcards are literal: "10%" is not "10 followed by anything", "a_b" is not "a1b".
    const percent = await expected(fundId, (sql) => sql`e.memo like '%10%'`);
    expect(percent.length).toBeGreaterThan((await walkForward(fundId, 'q=10%25')).seqs.length);
    expect((await walkForward(fundId, 'q=a_b')).seqs.every((seq) => (seq - 1) % 60 === 11)).toBe(true);
  });

  it('filters by project through its key, the project number, on the demo fund', async () => {
    // Funds whose application ids differ from their project numbers are tests/db/project-key.test.ts's.
    const want = await expected(demoFundId, (sql) => sql`e.application_id = '7'`);
    expect(want.length).toBeGreaterThan(LEDGER_PAGE_SIZE);
    expect((await walkForward(demoFundId, 'project=7')).seqs).toEqual(want);
    expectBackward(await walkBackward(demoFundId, 'project=7'), want, 'project=7');
    const page = await ledgerPage(app, demoFundId, query('project=7'));
    expect(page.entries.every((entry) => entry.project === 7)).toBe(true);
  });

  it('names a filter the fund does not have, and refuses malformed parameters by name', async () => {
    expect(await ledgerPage(app, fundId, query('account=9999'))).toMatchObject({ entries: [], unknown: 'account' });
    expect(await ledgerPage(app, fundId, query('project=42'))).toMatchObject({ entries: [], unknown: 'project' });
    const parsed = parseLedgerQuery(
      new URLSearchParams('after=-1&account=10;drop&project=0&from=2026-02-30&to=x&q=' + 'x'.repeat(101))
    );
    expect(parsed).toMatchObject({ ok: false, invalid: ['after', 'account', 'project', 'from', 'to', 'q'] });
    expect(parseLedgerQuery(new URLSearchParams('from=2026-03-01&to=2026-02-01'))).toMatchObject({
      ok: false,
      invalid: ['to']
    });
    expect(parseLedgerQuery(new URLSearchParams('account=&project=&from=&to=&q='))).toMatchObject({
      ok: true,
      value: { after: null, account: null, project: null, from: null, to: null, q: null }
    });
  });
});

type Plan = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: Plan[] };

function nodesOf(plan: Plan): Plan[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

describe('query plans on a fund of 20,000 entries', () => {
  /** Every query a page runs, as the database receives it, with its plan. */
  async function plansOf(text: string): Promise<{ query: string; nodes: Plan[] }[]> {
    const captured: { query: string; parameters: unknown[] }[] = [];
    const spy = postgres(url, {
      max: 1,
      onnotice: () => {},
      debug: (_connection, sent, parameters) => captured.push({ query: sent, parameters })
    });
    try {
      await ledgerPage(spy as unknown as Sql, bigFundId, query(text));
      const plans: { query: string; nodes: Plan[] }[] = [];
      for (const { query: sent, parameters } of captured) {
        if (!/from entries|from postings|unnest/.test(sent)) continue;
        const [row] = await owner.unsafe<{ 'QUERY PLAN': { Plan: Plan }[] }[]>(
          `explain (format json) ${sent}`,
          parameters as never[]
        );
        plans.push({ query: sent, nodes: nodesOf(row?.['QUERY PLAN'][0]?.Plan ?? { 'Node Type': 'none' }) });
      }
      return plans;
    } finally {
      await spy.end();
    }
  }

  it.each([
    ['the latest page', ''],
    ['the first page', 'after=0'],
    ['a deep page', 'after=15000'],
    ['an account, latest', 'account=1002'],
    ['an account, deep', 'account=1002&after=15000'],
    ['a date range, deep', 'from=2026-02-01&to=2026-02-28&after=15000'],
    ['a search, deep', 'q=a_b&after=15000'],
    ['an account and dates', 'account=5101&from=2026-03-01&after=12000']
  ])('%s reads the journal through an index, never a sequential scan', async (_name, text) => {
    const plans = await plansOf(text);
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const plan of plans) {
      const journal = plan.nodes.filter(
        (node) => node['Relation Name'] === 'entries' || node['Relation Name'] === 'postings'
      );
      expect(journal.length, plan.query).toBeGreaterThan(0);
      for (const node of journal) expect(node['Node Type'], plan.query).toMatch(/Index/);
    }
  });

  it('the project filter reads entries_by_application', async () => {
    // The big fund has no projects; the demo fund's project 7 is enough to see the index chosen.
    const captured: { query: string; parameters: unknown[] }[] = [];
    const spy = postgres(url, {
      max: 1,
      onnotice: () => {},
      debug: (_c, sent, parameters) => captured.push({ query: sent, parameters })
    });
    try {
      await ledgerPage(spy as unknown as Sql, demoFundId, query('project=7&after=0'));
    } finally {
      await spy.end();
    }
    const keyset = captured.find((item) => /e\.application_id = \$/.test(item.query) && /limit/.test(item.query));
    expect(keyset).toBeDefined();
    await owner.begin(async (transaction) => {
      // The demo fund is tiny, so the planner would rightly read it whole; what matters is that
      // the index serves the query when the journal is large.
      await transaction`set local enable_seqscan = off`;
      const [row] = await transaction.unsafe<{ 'QUERY PLAN': { Plan: Plan }[] }[]>(
        `explain (format json) ${keyset?.query ?? ''}`,
        (keyset?.parameters ?? []) as never[]
      );
      const names = nodesOf(row?.['QUERY PLAN'][0]?.Plan ?? { 'Node Type': 'none' }).map((node) => node['Index Name']);
      expect(names).toContain('entries_by_application');
    });
  });
});

describe('one entry', () => {
  it('shows the canonical text that hashes to the stored hash, and its project and reversal links', async () => {
    const entry = await ledgerEntry(app, fundId, 42);
    expect(entry).not.toBeNull();
    expect(entry?.canonical.startsWith('gongjian-entry 1\n')).toBe(true);
    expect(entry?.canonical).toContain('voucher "记-0042"\n');
    expect(sha256Native((entry?.prevHash ?? '') + (entry?.canonical ?? ''))).toBe(entry?.hash);
    expect(entry).toMatchObject({ matches: true, seq: 42, attachments: { count: 0, public: [] } });
    const demo = await ledgerEntry(app, demoFundId, 33);
    expect(demo?.matches).toBe(true);
    expect(demo?.project).toBe(6);
    expect(await ledgerEntry(app, fundId, 301)).toBeNull();
    expect(await ledgerEntry(app, fundId, 0)).toBeNull();
  });

  it('says when a stored entry no longer matches its hash', async () => {
    await owner.begin(async (transaction) => {
      // Tampering needs the owner and the journal's guards out of the way, as it would in life.
      await transaction`set local session_replication_role = replica`;
      await transaction`update entries set memo = memo || '（改）' where fund_id = ${fundId} and seq = 77`;
    });
    const entry = await ledgerEntry(app, fundId, 77);
    expect(entry?.matches).toBe(false);
    expect(entry?.recomputed).not.toBe(entry?.hash);
    await owner.begin(async (transaction) => {
      await transaction`set local session_replication_role = replica`;
      await transaction`update entries set memo = replace(memo, '（改）', '') where fund_id = ${fundId} and seq = 77`;
    });
    expect((await ledgerEntry(app, fundId, 77))?.matches).toBe(true);
  });
});

const TEXTS = {
  invalid: (parameters: string) => `invalid: ${parameters}`,
  notFound: 'not found',
  noSuchProject: 'no project'
};

async function download(
  slug: string,
  format: DownloadFormat,
  search = '',
  locale: 'zh-CN' | 'en' = 'zh-CN'
): Promise<Response> {
  return downloadResponse(
    app,
    { slug, params: new URLSearchParams(search), now: new Date(), locale, texts: TEXTS },
    format
  );
}

function written(name: string, content: string | Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function slugOf(fund: string): Promise<string> {
  const [row] = await owner<{ slug: string }[]>`select slug from funds where id = ${fund}`;
  return row?.slug ?? '';
}

describe('downloads', () => {
  it('hledger: check --strict passes, balances equal account_balances and the fund page (whole fund)', async () => {
    const response = await download('guihuajing', 'journal');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await response.text();
    expect(text).toMatch(/seq: 1, hash: [0-9a-f]{64}/);
    const path = written('fund.journal', text);
    expect(run('hledger', ['-f', path, 'check', '--strict'])).toEqual({ status: 0, output: '' });
    const csv = execFileSync('hledger', ['-f', path, 'balance', '--flat', '--no-total', '-O', 'csv'], {
      encoding: 'utf8'
    });
    const theirs = Object.fromEntries(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('","').map((cell) => cell.replace(/"/g, '')))
        .map(([account = '', amount = '']) => [account, amount.replace(/ CNY$/, '')])
    );
    const rows = await owner<{ code: string; kind: string; balance: string }[]>`
      select a.code, a.kind, (b.debits_posted - b.credits_posted)::text as balance
        from account_balances b join accounts a on a.fund_id = b.fund_id and a.code = b.account_code
       where b.fund_id = ${demoFundId} and b.debits_posted <> b.credits_posted`;
    const ours = Object.fromEntries(
      rows.map((row) => [
        exportNameOf({ code: row.code, kind: row.kind as Parameters<typeof exportNameOf>[0]['kind'] }),
        money(row.balance).toString()
      ])
    );
    expect(theirs).toEqual(ours);
    // The fund page's pool balance is the pool (1002.01) and cash (1001), added up by hledger.
    const dashboard = await officeDashboard(app, demoFundId, 2026);
    const pool = ['1002.01', '1001']
      .map((code) => theirs[exportNameOf({ code, kind: 'asset' })] ?? '0')
      .reduce((sum, balance) => sum.plus(money(balance)), money('0'));
    expect(pool.toString()).toBe(dashboard.balance);
    expect(dashboard.balance).not.toBe('0.00');
  });

  it('hledger and bean-check pass on a project and a period download too', async () => {
    for (const search of ['project=7', 'project=6&from=2026-01-01&to=2026-12-31', 'from=2026-03-01&to=2026-06-30']) {
      const journal = await (await download('guihuajing', 'journal', search)).text();
      expect(run('hledger', ['-f', written('part.journal', journal), 'check', '--strict']), search).toEqual({
        status: 0,
        output: ''
      });
      const beancount = await (await download('guihuajing', 'beancount', search)).text();
      expect(run('bean-check', [written('part.beancount', beancount)]), search).toEqual({ status: 0, output: '' });
    }
    const whole = await (await download('guihuajing', 'beancount')).text();
    expect(whole).toContain(' balance ');
    expect(run('bean-check', [written('fund.beancount', whole)])).toEqual({ status: 0, output: '' });
  });

  it('CSV: BOM, CRLF, one row per posting, a formula guarded; the name decodes to Chinese', async () => {
    const response = await download(await slugOf(fundId), 'csv', 'from=2026-01-01&to=2026-06-30');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // TextDecoder drops the byte-order mark, as a spreadsheet does.
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('凭证号,日期,分录序号,摘要,科目编码,科目名称,借方金额,贷方金额,冲销的分录,分录标识,哈希');
    const english = await (await download(await slugOf(fundId), 'csv', 'to=2026-01-31', 'en')).text();
    expect(english.split('\r\n')[0]).toBe(
      'Voucher no.,Date,Entry no.,Description,Account code,Account,Debit,Credit,Reverses entry,Entry ID,Hash'
    );
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 2).toBe(FUND_ENTRIES * 2);
    expect(text.includes('\n') && !/[^\r]\n/.test(text)).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://example.test"",""点我"")"`);
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="[ -~]+\.csv"; filename\*=UTF-8''[A-Za-z0-9%._-]+$/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('测试基金-账本-2026-01-01至2026-06-30.csv');
    const project = await download('guihuajing', 'csv', 'project=6&from=2026-01-01&to=2026-12-31');
    const projectName = /filename\*=UTF-8''(.+)$/.exec(project.headers.get('content-disposition') ?? '')?.[1] ?? '';
    expect(decodeURIComponent(projectName)).toBe('桂花井社区共建基金-账本-项目6-2026-01-01至2026-12-31.csv');
  });

  it('CSV in batches of 5,000 entries is one header and every posting once', async () => {
    const text = await (await download(await slugOf(bigFundId), 'csv')).text();
    const lines = text.split('\r\n');
    expect(lines.filter((line) => line.startsWith('凭证号,'))).toHaveLength(1);
    expect(lines.length - 2).toBe(BIG_ENTRIES * 2);
    expect(lines.at(-2)?.split(',')[2]).toBe(String(BIG_ENTRIES));
    // Every row has its voucher number, stored or computed from the seq.
    expect(lines.slice(1, -1).every((line) => /^[^,]+,\d{4}-\d{2}-\d{2},/.test(line))).toBe(true);
  });

  it('XLSX: a ZIP that python3 opens, XML that parses, the values as written', async () => {
    const response = await download(await slugOf(fundId), 'xlsx', 'to=2026-03-31');
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    );
    const path = written('ledger.xlsx', new Uint8Array(await response.arrayBuffer()));
    const script = [
      'import json, sys, zipfile, xml.etree.ElementTree as ET',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'for name in z.namelist(): ET.fromstring(z.read(name))',
      "ns = {'s': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}",
      "sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))",
      'rows = []',
      "for row in sheet.iter('{%s}row' % ns['s']):",
      '  cells = {}',
      "  for c in row.findall('s:c', ns):",
      "    t = c.get('t'); v = c.find('s:v', ns); s = c.find('s:is/s:t', ns)",
      "    assert c.find('s:f', ns) is None",
      "    cells[c.get('r').rstrip('0123456789')] = [t or 'n', (s.text if s is not None else v.text) or '']",
      '  rows.append(cells)',
      'print(json.dumps({"names": sorted(z.namelist()), "rows": rows}, ensure_ascii=False))'
    ].join('\n');
    const parsed = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as {
      names: string[];
      rows: Record<string, [string, string]>[];
    };
    expect(parsed.names).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml'
    ]);
    expect(parsed.rows[0]?.A).toEqual(['inlineStr', '凭证号']);
    const first = parsed.rows[1];
    // The day is a date cell: the serial of 2026-01-01 (days since 1899-12-30).
    expect(first).toMatchObject({
      A: ['inlineStr', '记-0001'],
      B: ['n', '46023'],
      C: ['n', '1'],
      D: ['inlineStr', '爱心捐赠 第0笔'],
      E: ['inlineStr', '1001'],
      F: ['inlineStr', '现金'],
      G: ['n', '100.00']
    });
    const formula = parsed.rows.find((row) => row.D?.[1].startsWith('=HYPERLINK'));
    expect(formula?.D).toEqual(['inlineStr', '=HYPERLINK("http://example.test","点我")']);
  });

  it('JSON: the verifier accepts it, and flags an altered amount, a removed entry and a wrong head', async () => {
    const response = await download('guihuajing', 'json');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    const ledger = JSON.parse(text) as {
      format: string;
      head: { seq: number; hash: string };
      entries: { seq: number; postings: { amount: string }[] }[];
    };
    expect(ledger.format).toBe('gongjian-ledger 1');
    const path = written('ledger.json', text);
    const good = run('node', [VERIFIER, path, '--head', `${ledger.head.seq}:${ledger.head.hash}`]);
    expect(good.status, good.output).toBe(0);
    expect(good.output).toContain(`the printed head matches entry ${ledger.head.seq}`);

    const altered = structuredClone(ledger);
    const target = altered.entries[22];
    if (target?.postings[0] === undefined) throw new Error('the demo fund has fewer entries than expected');
    target.postings[0].amount = money(target.postings[0].amount).plus(money('0.01')).toString();
    const bad = run('node', [VERIFIER, written('altered.json', JSON.stringify(altered))]);
    expect(bad.status).toBe(1);
    expect(bad.output).toMatch(new RegExp(`NOT OK: entry ${target.seq} does not match its hash`));

    const removed = structuredClone(ledger);
    removed.entries.splice(30, 1);
    const gap = run('node', [VERIFIER, written('removed.json', JSON.stringify(removed))]);
    expect(gap.status).toBe(1);
    expect(gap.output).toContain(`NOT OK: entry ${ledger.entries[30]?.seq ?? 0} is missing`);

    const wrongHead = run('node', [VERIFIER, path, '--head', `${ledger.head.seq}:${'ab'.repeat(32)}`]);
    expect(wrongHead.status).toBe(1);
    expect(wrongHead.output).toContain('the printed head does not match');

    expect(run('node', [VERIFIER, written('broken.json', '{"format":')]).status).toBe(2);
    expect(run('node', [VERIFIER, join(directory, 'absent.json')]).status).toBe(2);

    const project = await (await download('guihuajing', 'json', 'project=7')).text();
    const partial = run('node', [VERIFIER, written('project.json', project)]);
    expect(partial.status, partial.output).toBe(0);
  });

  it('refuses a malformed query (400), an unknown fund or project (404)', async () => {
    const malformed = await download('guihuajing', 'csv', 'from=2026-02-30&project=x');
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toBe('invalid: project, from\n');
    expect((await download('no-such-fund', 'csv')).status).toBe(404);
    expect((await download('guihuajing', 'json', 'project=999')).status).toBe(404);
  });
});

it('the verifier file is one self-contained script', () => {
  const source = readFileSync(VERIFIER, 'utf8');
  expect(source.match(/^import .* from '([^']+)';$/gm)).toEqual([
    "import { createHash } from 'node:crypto';",
    "import { readFileSync } from 'node:fs';"
  ]);
});
