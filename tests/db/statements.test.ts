import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Money, money, movementsOf, minfeiStatements, toHledger, type Entry, type PostCommand } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { downloadResponse } from '../../apps/web/src/lib/server/public/downloads';
import { exportEntries } from '../../apps/web/src/lib/server/public/ledger';
import { publicSite } from '../../apps/web/src/lib/server/public/site';
import {
  loadStatements,
  parseStatementsPeriod,
  statementsCsv,
  statementsJson,
  statementsResponse
} from '../../apps/web/src/lib/server/public/statements';
import { closingPostings } from '../../packages/ledger/test/support/closing';
import {
  hledgerActivities,
  hledgerBalanceSheet,
  ourActivities,
  ourBalanceSheet
} from '../../packages/ledger/test/support/hledger-statements';
import { createFund } from '../support/books';
import { openPeopleDatabase } from '../support/people-db';

/*
 * The public statements against a real PostgreSQL: the database's sums give what the ledger gives
 * from the entries, and hledger's bs/is on the fund's exported journal equal our balance sheet and
 * statement of activities line by line, for the demo fund (its journal as /f/<slug>/ledger.journal
 * serves it) and for a generated history of 10,000 entries with reversals and a closed year.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let bigFundId = '';
let closingId = '';
const directory = mkdtempSync(join(tmpdir(), 'gj-statements-'));
const ENTRIES = 9_500;
const REVERSALS = 500;

function dayOf(index: number): string {
  return new Date(Date.UTC(2026, 0, 1) + Math.floor(index / 20) * 86_400_000).toISOString().slice(0, 10);
}

/** Gifts (restricted and not), subsidies, household money, costs and releases over about a year and a quarter. */
function commandOf(index: number): PostCommand {
  const small = money(`${1 + (index % 9)}.${String(index % 100).padStart(2, '0')}`);
  const large = money(`${100 + (index % 37)}.00`);
  const pairs: [string, string, Money][] = [
    ['1002.01', '4101.01', large],
    ['1002.01', '4101.02', large],
    ['1001', '4401.01', large],
    ['1002.02', '2209', large],
    ['5101', '1002.02', small],
    ['5201', '1001', small],
    ['3102', '3101', small],
    ['1002.02', '1002.01', small]
  ];
  const [debit, credit, amount] = pairs[index % pairs.length] ?? ['1002.01', '4101.02', large];
  return {
    date: dayOf(index),
    memo: `生成 第${index}笔`,
    postings: [
      { account: debit, side: 'debit', amount },
      { account: credit, side: 'credit', amount }
    ]
  };
}

async function entriesOf(fundId: string): Promise<Entry[]> {
  const source = await exportEntries(app, fundId, { project: null, from: null, to: null });
  const entries: Entry[] = [];
  if (source.batches === null) return entries;
  for await (const batch of source.batches()) entries.push(...batch);
  return entries;
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('statements'));
  await seedDemo(app);
  bigFundId = await createFund(owner, 'statements-big');
  for (let offset = 0; offset < ENTRIES; offset += 5_000) {
    const count = Math.min(5_000, ENTRIES - offset);
    const outcome = await books.postBatch(app, {
      fundId: bigFundId,
      commands: Array.from({ length: count }, (_, index) => commandOf(offset + index))
    });
    if (!outcome.ok) throw new Error(`posting failed: ${outcome.code}`);
  }
  const posted = await entriesOf(bigFundId);
  for (let index = 0; index < REVERSALS; index += 1) {
    const original = posted[(index * 19) % posted.length];
    if (original === undefined) continue;
    const reversed = await books.reverse(app, {
      fundId: bigFundId,
      command: { entryId: original.id, date: original.date > '2027-01-31' ? original.date : '2027-01-31', memo: '冲销' }
    });
    if (!reversed.ok) throw new Error(`reversal failed: ${reversed.code}`);
  }
  // The year 2026 closed as the period close will: its income and expenses carried into net assets.
  const accounts = (await exportEntries(app, bigFundId, { project: null, from: null, to: '2026-12-31' })).accounts;
  const balances = new Map<string, Money>();
  for (const entry of await entriesOf(bigFundId)) {
    if (entry.date > '2026-12-31') continue;
    for (const posting of entry.postings) {
      const signed = posting.side === 'debit' ? posting.amount : posting.amount.negated();
      balances.set(posting.account, (balances.get(posting.account) ?? Money.zero()).plus(signed));
    }
  }
  const closing = await books.post(app, {
    fundId: bigFundId,
    command: { date: '2026-12-31', memo: '结账 2026', postings: closingPostings(accounts, balances) }
  });
  if (!closing.ok) throw new Error(`closing failed: ${closing.code}`);
  closingId = closing.value.id;
  await owner`analyze`;
}, 300_000);

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await close();
});

const texts = {
  invalid: (parameters: string) => `invalid ${parameters}`,
  notFound: 'not found',
  noSuchProject: 'none'
};

describe('the demo fund', () => {
  it('reads as hledger bs and is read /f/<slug>/ledger.journal, line by line', async () => {
    const now = new Date();
    const site = await publicSite(app, 'guihuajing', now);
    if (site === null) throw new Error('the demo fund was not seeded');
    const response = await downloadResponse(
      app,
      { slug: 'guihuajing', params: new URLSearchParams(), now, locale: 'zh-CN', texts },
      'journal'
    );
    expect(response.status).toBe(200);
    const path = join(directory, 'demo.journal');
    writeFileSync(path, await response.text());
    const accounts = (await exportEntries(app, site.fund.id, { project: null, from: null, to: null })).accounts;
    const entries = await entriesOf(site.fund.id);
    const years = [...new Set(entries.map((entry) => entry.date.slice(0, 4)))];
    expect(years.length).toBeGreaterThan(0);
    for (const year of years) {
      for (const period of [
        { from: `${year}-01-01`, to: `${year}-12-31` },
        { from: `${year}-04-01`, to: `${year}-06-30` }
      ]) {
        const statements = await loadStatements(app, { fundId: site.fund.id, headSeq: site.head.seq, period });
        expect(ourBalanceSheet(statements).length).toBeGreaterThan(1);
        expect(ourBalanceSheet(statements), `${period.from}`).toEqual(hledgerBalanceSheet(path, accounts, period.to));
        expect(ourActivities(statements), `${period.from}`).toEqual(
          hledgerActivities(path, accounts, period.from, period.to)
        );
      }
    }
  }, 120_000);
});

describe('a generated history of 10,000 entries with reversals and a closed year', () => {
  it('sums in the database to what the ledger computes from the entries', async () => {
    const entries = await entriesOf(bigFundId);
    expect(entries.length).toBeGreaterThanOrEqual(10_000);
    const [head] = await app<
      { seq: string }[]
    >`select last_seq::text as seq from chain_heads where fund_id = ${bigFundId}`;
    const accounts = (await exportEntries(app, bigFundId, { project: null, from: null, to: null })).accounts;
    const closing = new Set([closingId]);
    for (const period of [
      { from: '2026-01-01', to: '2026-12-31' },
      { from: '2027-01-01', to: '2027-03-31' }
    ]) {
      const ours = await loadStatements(app, {
        fundId: bigFundId,
        headSeq: Number(head?.seq),
        period,
        closingEntryIds: closing
      });
      const fromEntries = minfeiStatements({
        accounts,
        movements: movementsOf(entries, { closingEntryIds: closing }),
        period
      });
      expect(JSON.stringify(ours)).toBe(JSON.stringify(fromEntries));
    }
  }, 60_000);

  it('reads as hledger bs and is (not:tag:closing) read its journal, line by line', async () => {
    const entries = await entriesOf(bigFundId);
    const [head] = await app<
      { seq: string }[]
    >`select last_seq::text as seq from chain_heads where fund_id = ${bigFundId}`;
    const accounts = (await exportEntries(app, bigFundId, { project: null, from: null, to: null })).accounts;
    const closing = new Set([closingId]);
    const path = join(directory, 'big.journal');
    writeFileSync(
      path,
      toHledger({ fundId: bigFundId, accounts, entries, assertions: 'month', closingEntryIds: closing })
    );
    for (const period of [
      { from: '2026-01-01', to: '2026-12-31' },
      { from: '2026-03-01', to: '2026-03-31' },
      { from: '2027-01-01', to: '2027-03-31' }
    ]) {
      const statements = await loadStatements(app, {
        fundId: bigFundId,
        headSeq: Number(head?.seq),
        period,
        closingEntryIds: closing
      });
      expect(ourBalanceSheet(statements), period.from).toEqual(hledgerBalanceSheet(path, accounts, period.to));
      const activities = ourActivities(statements);
      expect(activities.some((line) => line.includes(' restricted '))).toBe(true);
      expect(activities, period.from).toEqual(hledgerActivities(path, accounts, period.from, period.to));
    }
  }, 120_000);
});

describe('the downloads', () => {
  it('read shorthands and refuse a period that cannot be read with a sentence, never a 500', async () => {
    const today = '2026-12-06';
    const parse = (query: string) => parseStatementsPeriod(new URLSearchParams(query), today);
    expect(parse('')).toEqual({ ok: true, from: '2026-01-01', to: '2026-12-06' });
    expect(parse('period=2026')).toEqual({ ok: true, from: '2026-01-01', to: '2026-12-31' });
    expect(parse('period=2026-Q3')).toEqual({ ok: true, from: '2026-07-01', to: '2026-09-30' });
    expect(parse('period=2028-02')).toEqual({ ok: true, from: '2028-02-01', to: '2028-02-29' });
    expect(parse('from=2026-03-01&to=2026-03-15')).toEqual({ ok: true, from: '2026-03-01', to: '2026-03-15' });
    expect(parse('period=2026-Q5')).toMatchObject({ ok: false, code: 'period_is_not_understood' });
    expect(parse('from=2026-02-30')).toMatchObject({ ok: false, code: 'from_is_not_a_date' });
    expect(parse('to=tomorrow')).toMatchObject({ ok: false, code: 'to_is_not_a_date' });
    expect(parse('from=2026-05-01&to=2026-04-01')).toMatchObject({ ok: false, code: 'from_is_after_to' });
    const site = await publicSite(app, 'guihuajing', new Date());
    if (site === null) throw new Error('the demo fund was not seeded');
    const respond = (query: string, format: 'json' | 'csv' | 'xlsx') =>
      statementsResponse(
        app,
        { site, params: new URLSearchParams(query), today, texts: { invalid: (code) => `bad: ${code}` } },
        format
      );
    const bad = await respond('period=yesterday', 'csv');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('bad: period_is_not_understood\n');
    const csv = new Uint8Array(await (await respond('period=2026', 'csv')).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(csv);
    expect(text).toContain('资产负债表（会民非01表）');
    expect(text).toContain('单位：元');
    const xlsx = await respond('period=2026-Q3', 'xlsx');
    expect(xlsx.headers.get('content-disposition')).toContain('statements-2026-07-01-to-2026-09-30.xlsx');
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString('latin1')
    ).toBe('PK');
    const json = JSON.parse(await (await respond('period=2026', 'json')).text()) as {
      format: string;
      balanceSheet: { rows: { key: string; amounts: string[] | null }[] };
    };
    expect(json.format).toBe('gongjian-statements 1');
    const total = json.balanceSheet.rows.find((row) => row.key === 'assetsTotal');
    expect(total?.amounts?.every((amount) => typeof amount === 'string')).toBe(true);
    expect(total?.amounts).toEqual(
      json.balanceSheet.rows.find((row) => row.key === 'liabilitiesAndNetAssetsTotal')?.amounts
    );
    const statements = await loadStatements(app, {
      fundId: site.fund.id,
      headSeq: site.head.seq,
      period: { from: '2026-01-01', to: '2026-12-31' }
    });
    expect(statementsJson(site, statements)).toContain('"unit": "CNY"');
    expect(statementsCsv(site, statements).split('\r\n').length).toBeGreaterThan(80);
    // Headers and line items in the reader's language; Chinese by default.
    expect(statementsCsv(site, statements)).toContain('项目,行次');
    const english = statementsCsv(site, statements, 'en');
    expect(english).toContain('Item,Line');
    expect(english).toContain('Balance sheet');
    expect(english).not.toContain('项目');
  }, 60_000);
});
