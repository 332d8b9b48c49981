/**
 * The three statements of 民间非营利组织会计制度: the identities that tie them together, over random
 * histories (with reversals and closing entries), and hledger's bs/is on a 10,000-entry history.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MINFEI_STATEMENT_FORMATS,
  Money,
  isCashAccount,
  minfeiStatements,
  movementsOf,
  statementAmount,
  statementBoundaries,
  toHledger,
  type Movement,
  type Book,
  type StatementPeriod
} from '../src/index.js';
import { closeThrough } from './support/closing.js';
import { HistoryRunner, historyOf, operationArbitrary } from './support/history.js';
import {
  hledgerActivities,
  hledgerBalanceSheet,
  ourActivities,
  ourBalanceSheet
} from './support/hledger-statements.js';

const RUNS = 60;

/** Runs operations and closes each year the history has left behind (as the period close will). */
function closedHistory(operations: readonly Parameters<HistoryRunner['apply']>[0][]): {
  book: Book;
  closing: Set<string>;
} {
  const runner = new HistoryRunner({ hash: null });
  const closing = new Set<string>();
  let year = 2026;
  for (const operation of operations) {
    if (Number(runner.date.slice(0, 4)) > year) {
      const id = closeThrough(runner.book, `${year}-12-28`);
      if (id !== null) closing.add(id);
      year += 1;
    }
    // A closing entry is never reversed: the period close reopens a year instead.
    if (operation.kind === 'reverse' && closing.size > 0) continue;
    runner.apply(operation);
  }
  return { book: runner.book, closing };
}

function cashThrough(book: Book, day: string): Money {
  let cash = Money.zero();
  for (const entry of book.entries()) {
    if (entry.date > day) continue;
    for (const posting of entry.postings) {
      if (!isCashAccount(posting.account)) continue;
      cash = posting.side === 'debit' ? cash.plus(posting.amount) : cash.minus(posting.amount);
    }
  }
  return cash;
}

const periodArbitrary: fc.Arbitrary<StatementPeriod> = fc
  .record({
    year: fc.integer({ min: 2026, max: 2027 }),
    month: fc.integer({ min: 1, max: 12 }),
    span: fc.constantFrom('year', 'month', 'ytd')
  })
  .map(({ year, month, span }) => {
    const mm = String(month).padStart(2, '0');
    if (span === 'year') return { from: `${year}-01-01`, to: `${year}-12-31` };
    if (span === 'month') return { from: `${year}-${mm}-01`, to: `${year}-${mm}-28` };
    return { from: `${year}-01-01`, to: `${year}-${mm}-28` };
  });

describe('the statements of 民间非营利组织会计制度', () => {
  it('name every line a total adds, above the total', () => {
    for (const statement of [
      MINFEI_STATEMENT_FORMATS.balanceSheet,
      MINFEI_STATEMENT_FORMATS.activities,
      MINFEI_STATEMENT_FORMATS.cashFlow
    ]) {
      const seen = new Set<string>();
      for (const line of statement.lines) {
        for (const term of 'sum' in line ? line.sum : [])
          expect(seen.has(term.key), `${line.key} → ${term.key}`).toBe(true);
        seen.add(line.key);
      }
    }
  });
});

describe('the statements over random histories', () => {
  it('balance, and the activities and cash flow agree with the balance sheet, over random closed histories', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 900 }), periodArbitrary, (operations, period) => {
        const { book, closing } = closedHistory(operations);
        const statements = minfeiStatements({
          accounts: book.accounts(),
          movements: movementsOf(book.entries(), { closingEntryIds: closing }),
          period
        });
        const bs = statements.balanceSheet;
        for (const column of [0, 1]) {
          expect(statementAmount(bs, 'assetsTotal', column).toString()).toBe(
            statementAmount(bs, 'liabilitiesAndNetAssetsTotal', column).toString()
          );
        }
        // The year-to-date column (or the year itself) spans exactly 年初数 → 期末数.
        const ytd = period.from.endsWith('-01-01') ? 0 : 3;
        const change = (key: string) =>
          statementAmount(bs, key, 1)
            .minus(statementAmount(bs, key, 0))
            .toString();
        expect(statementAmount(statements.activities, 'change', ytd + 0).toString()).toBe(
          change('netAssetsUnrestricted')
        );
        expect(statementAmount(statements.activities, 'change', ytd + 1).toString()).toBe(
          change('netAssetsRestricted')
        );
        expect(statementAmount(statements.activities, 'change', ytd + 2).toString()).toBe(change('netAssetsTotal'));
        const before = cashThrough(
          book,
          new Date(Date.parse(`${period.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
        );
        expect(statementAmount(statements.cashFlow, 'netIncrease', 0).toString()).toBe(
          cashThrough(book, period.to).minus(before).toString()
        );
      }),
      { numRuns: RUNS }
    );
  });
});

describe('the statements before and after a close', () => {
  it('read the same whether or not a year was closed by entries, but for the closing entries themselves', () => {
    fc.assert(
      fc.property(
        fc.array(
          operationArbitrary.filter((operation) => operation.kind !== 'reverse'),
          { minLength: 700, maxLength: 800 }
        ),
        (operations) => {
          const open = new HistoryRunner({ hash: null });
          operations.forEach((operation) => open.apply(operation));
          const { book, closing } = closedHistory(operations);
          for (const period of [
            { from: '2026-01-01', to: '2026-12-31' },
            { from: '2027-01-01', to: '2027-03-28' }
          ]) {
            const ours = minfeiStatements({
              accounts: book.accounts(),
              movements: movementsOf(book.entries(), { closingEntryIds: closing }),
              period
            });
            const unclosed = minfeiStatements({
              accounts: open.book.accounts(),
              movements: movementsOf(open.book.entries()),
              period
            });
            expect(JSON.stringify(ours)).toBe(JSON.stringify(unclosed));
          }
        }
      ),
      { numRuns: 5 }
    );
  });
});

/** Movements summed between consecutive boundaries, dated on the earlier one (as the database sums them). */
function bucketed(movements: readonly Movement[], bounds: readonly string[]): Movement[] {
  const sums = new Map<string, Movement>();
  for (const movement of movements) {
    const date = [...bounds].reverse().find((bound) => bound <= movement.date) ?? '0001-01-01';
    const key = `${date}|${movement.account}|${movement.closing}|${movement.withCash}`;
    const sum = sums.get(key);
    sums.set(key, {
      ...movement,
      date,
      debits: (sum?.debits ?? Money.zero()).plus(movement.debits),
      credits: (sum?.credits ?? Money.zero()).plus(movement.credits)
    });
  }
  return [...sums.values()];
}

describe('statement boundaries', () => {
  it('let movements be summed between them without changing any statement', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 900 }), periodArbitrary, (operations, period) => {
        const { book, closing } = closedHistory(operations);
        const daily = movementsOf(book.entries(), { closingEntryIds: closing });
        const accounts = book.accounts();
        const coarse = bucketed(daily, statementBoundaries(period));
        expect(JSON.stringify(minfeiStatements({ accounts, movements: coarse, period }))).toBe(
          JSON.stringify(minfeiStatements({ accounts, movements: daily, period }))
        );
      }),
      { numRuns: 30 }
    );
  });
});

describe('hledger bs and is on an exported history', () => {
  const directory = mkdtempSync(join(tmpdir(), 'gongjian-statements-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('equal our balance sheet and statement of activities line by line (10,000 entries, reversals, a closed year)', () => {
    const runner = historyOf(10_000, 16);
    const book = runner.book;
    const closing = new Set<string>();
    const id = closeThrough(book, '2026-12-28');
    if (id !== null) closing.add(id);
    expect(book.entries().some((entry) => entry.reverses !== null)).toBe(true);
    const path = join(directory, 'fund.journal');
    writeFileSync(
      path,
      toHledger({
        fundId: 'fund-1',
        accounts: book.accounts(),
        entries: book.entries(),
        assertions: 'none',
        closingEntryIds: closing
      })
    );
    const movements = movementsOf(book.entries(), { closingEntryIds: closing });
    const accounts = book.accounts();
    for (const period of [
      { from: '2026-01-01', to: '2026-12-31' },
      { from: '2027-04-01', to: '2027-06-30' },
      { from: '2030-01-01', to: '2030-12-31' }
    ]) {
      const statements = minfeiStatements({ accounts, movements, period });
      expect(ourBalanceSheet(statements)).toEqual(hledgerBalanceSheet(path, accounts, period.to));
      expect(ourActivities(statements)).toEqual(hledgerActivities(path, accounts, period.from, period.to));
      expect(ourActivities(statements).length).toBeGreaterThan(2);
    }
  }, 120_000);
});
