import { randomUUID } from 'node:crypto';
import { Book, CHART_MINFEI_2026, Money, money, movementsOf, type Entry, type PostCommand } from '@gongjian/ledger';
import { openChartIn } from '../../apps/web/src/lib/server/books/commands';
import { sha256Native } from '../../apps/web/src/lib/server/books/rows';
import type { Sql, Transaction } from '../../apps/web/src/lib/server/db/client';
import type { ScalePlan } from './scale-plan';

/**
 * Fills an installation for the scale benchmark, fast and valid. The entries are decided by the
 * ledger's own Book (the reference implementation of the posting path) with Node's SHA-256, so
 * every hash of the chain is exactly what the posting path would have written; they are then
 * written with COPY, many funds per transaction, so that PostgreSQL's triggers still check every
 * statement (the chain links, the chain head, balanced entries at commit, open periods, postings
 * on accounts of their fund). The maintained totals (account_balances, account_day_totals) are
 * written set-based from the same entries: the day totals through the ledger's movementsOf, the
 * balances summed from the postings just written.
 */

/** Entries written per transaction: large enough for COPY to pay off, small enough for memory. */
const ENTRIES_PER_TRANSACTION = 25_000;
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2024, 0, 1);
const FIRST_RECORDED = Date.UTC(2026, 0, 5, 1, 0, 0);

/** Mostly gifts into the pool of varied amounts, every fifth entry a small cost paid out of it. */
function commandOf(index: number): PostCommand {
  const date = new Date(FIRST_DAY + (index % 700) * DAY).toISOString().slice(0, 10);
  if (index % 5 === 4) {
    return {
      date,
      memo: `办公用品 第${index}笔`,
      postings: [
        { account: '5201', side: 'debit', amount: money('1.00') },
        { account: '1002.01', side: 'credit', amount: money('1.00') }
      ]
    };
  }
  const amount = Money.fromMinor(BigInt(1_000 + ((index * 7919) % 90_000)));
  return {
    date,
    memo: `爱心捐赠 第${index}笔`,
    postings: [
      { account: '1002.01', side: 'debit', amount },
      { account: '4101.02', side: 'credit', amount }
    ]
  };
}

/** COPY's text format: backslash, tab and line breaks are escaped; null is \N. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function copyLine(values: readonly (string | null)[]): string {
  return `${values.map(copyField).join('\t')}\n`;
}

/** The entries of one fund, decided one by one by the ledger, in the fund's own chain. */
function entriesOf(fundId: string, count: number): readonly Entry[] {
  const book = Book.create({ fundId, hash: sha256Native });
  for (let index = 0; index < count; index += 1) {
    const recordedAt = new Date(FIRST_RECORDED + index * 1000).toISOString();
    const posted = book.post(commandOf(index), { recordedAt, entryId: randomUUID() });
    if (!posted.ok) throw new Error(`the fill's entry ${index} of fund ${fundId} was refused: ${posted.code}`);
  }
  return book.entries();
}

class CopyBuffers {
  entries: string[] = [];
  postings: string[] = [];
  dayTotals: string[] = [];
  fundIds: string[] = [];
  count = 0;

  add(fundId: string, entries: readonly Entry[]): void {
    this.fundIds.push(fundId);
    this.count += entries.length;
    for (const entry of entries) {
      this.entries.push(
        copyLine([
          fundId,
          String(entry.seq),
          entry.id,
          entry.date,
          entry.recordedAt,
          entry.memo,
          entry.previousHash,
          entry.hash
        ])
      );
      entry.postings.forEach((posting, index) => {
        this.postings.push(
          copyLine([
            fundId,
            String(entry.seq),
            String(index + 1),
            posting.account,
            posting.side,
            posting.amount.toString()
          ])
        );
      });
    }
    for (const movement of movementsOf(entries)) {
      this.dayTotals.push(
        copyLine([
          fundId,
          movement.date,
          movement.account,
          movement.withCash ? 't' : 'f',
          movement.debits.toString(),
          movement.credits.toString()
        ])
      );
    }
  }
}

async function copyInto(transaction: Transaction, target: string, lines: readonly string[]): Promise<void> {
  // COPY takes no bound parameters; every target is a constant table list written in this file.
  const writable = await transaction.unsafe(`copy ${target} from stdin`).writable();
  await new Promise<void>((resolve, reject) => {
    writable.on('error', reject);
    writable.on('finish', resolve);
    // Chunks of a few thousand lines keep each write a reasonable size.
    for (let start = 0; start < lines.length; start += 5_000) {
      writable.write(lines.slice(start, start + 5_000).join(''));
    }
    writable.end();
  });
}

async function writeBuffers(owner: Sql, buffers: CopyBuffers): Promise<void> {
  await owner.begin(async (transaction) => {
    await copyInto(
      transaction,
      'entries (fund_id, seq, id, effective_date, recorded_at, memo, prev_hash, hash)',
      buffers.entries
    );
    await copyInto(transaction, 'postings (fund_id, entry_seq, line_no, account_code, side, amount)', buffers.postings);
    await copyInto(
      transaction,
      'account_day_totals (fund_id, day, account_code, with_cash, debits, credits)',
      buffers.dayTotals
    );
    await transaction`
      update account_balances b set debits_posted = s.debits, credits_posted = s.credits
      from (
        select fund_id, account_code,
          coalesce(sum(amount) filter (where side = 'debit'), 0) as debits,
          coalesce(sum(amount) filter (where side = 'credit'), 0) as credits
        from postings where fund_id = any(${buffers.fundIds}::bigint[])
        group by fund_id, account_code
      ) s
      where b.fund_id = s.fund_id and b.account_code = s.account_code`;
  });
}

/**
 * Creates the plan's funds (set-based: one insert, the chart copied from the first fund) and
 * returns their ids and slugs, in the plan's order.
 */
async function createFunds(owner: Sql, plan: ScalePlan): Promise<{ id: string; slug: string }[]> {
  const funds = await owner<{ id: string; slug: string }[]>`
    insert into funds (slug, name_zh, name_en, street, community)
    select 'scale-' || i, '规模测试基金 ' || i, 'Scale fund ' || i, '街道 ' || (i % 40), '社区 ' || i
    from generate_series(1, ${plan.funds}::int) as i
    order by i
    returning id::text as id, slug`;
  const [first, ...rest] = funds;
  if (first === undefined) throw new Error('no fund was created');
  await owner.begin((transaction) => openChartIn(transaction, { fundId: first.id, chart: CHART_MINFEI_2026 }));
  await owner`
    insert into accounts (fund_id, code, parent_code, name_zh, name_en, kind, normal_side, restriction,
      must_not_go_negative, available_must_not_go_negative, closed)
    select f.id, a.code, a.parent_code, a.name_zh, a.name_en, a.kind, a.normal_side, a.restriction,
      a.must_not_go_negative, a.available_must_not_go_negative, a.closed
    from unnest(${rest.map((fund) => fund.id)}::bigint[]) as f(id)
    cross join (select * from accounts where fund_id = ${first.id} order by code) a
    order by f.id, a.code`;
  return funds;
}

export interface FillReport {
  readonly funds: { id: string; slug: string; entries: number }[];
  readonly seconds: number;
}

export async function fill(owner: Sql, plan: ScalePlan, log: (line: string) => void): Promise<FillReport> {
  const started = performance.now();
  const created = await createFunds(owner, plan);
  const funds = created.map((fund, index) => ({ ...fund, entries: plan.sizes[index] ?? 0 }));
  let buffers = new CopyBuffers();
  // One transaction in flight while the next batch is decided: PostgreSQL and Node work together.
  let writing: Promise<void> = Promise.resolve();
  let written = 0;
  const flush = async (full: CopyBuffers) => {
    await writing;
    writing = writeBuffers(owner, full).then(() => {
      const before = written;
      written += full.count;
      if (Math.floor(written / 200_000) > Math.floor(before / 200_000)) {
        log(`  ${written.toLocaleString('en-US')} entries, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    });
    // A failed write is awaited (and thrown) at the next flush; until then it must not count as unhandled.
    writing.catch(() => undefined);
  };
  for (const fund of funds) {
    buffers.add(fund.id, entriesOf(fund.id, fund.entries));
    if (buffers.count >= ENTRIES_PER_TRANSACTION) {
      await flush(buffers);
      buffers = new CopyBuffers();
    }
  }
  if (buffers.count > 0) await flush(buffers);
  await writing;
  return { funds, seconds: (performance.now() - started) / 1000 };
}
