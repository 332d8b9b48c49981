import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  accountBalances,
  accountLedger,
  compareAccountCodes,
  Money,
  type Account,
  type AccountBalances,
  type Balance,
  type Entry,
  type Period
} from '../src/index.js';
import { books } from './support/journal.js';
import { HistoryRunner, operationArbitrary } from './support/history.js';

const RUNS = 60;

/** A balance as the books write it, "借 10.00", for tables a reader can check by eye. */
const shown = (balance: Balance) =>
  `${balance.direction === 'debit' ? '借' : balance.direction === 'credit' ? '贷' : '平'} ${balance.amount.toString()}`;

function rowOf(balances: AccountBalances, code: string) {
  const row = balances.rows.find((candidate) => candidate.account === code);
  if (row === undefined) throw new Error(`no row for ${code}`);
  return {
    opening: shown(row.opening),
    debits: row.debits.toString(),
    credits: row.credits.toString(),
    closing: shown(row.closing)
  };
}

// Two units pay in January and February, one payment is reversed, and a cost of one fen is paid:
// every figure below is worked out by hand from these lines.
const JOURNAL = `
  open 4101.01.U-school
  open 4101.01.U-bank
  2026-01-05 * "单位出资 school" voucher:记-001
    1002.01              100.01
    4101.01.U-school    -100.01
  2026-01-20 * "单位出资 bank"
    1002.01               0.01
    4101.01.U-bank       -0.01
  2026-02-03 * "单位出资 school"
    1002.01              50.00
    4101.01.U-school     -50.00
  2026-02-10 reverse 2 "录入错误"
  2026-02-28 * "手续费"
    5201                  0.01
    1002.01              -0.01
`;

describe('the 科目余额表 of a small journal', () => {
  const book = books(JOURNAL);
  const february: Period = { dateFrom: '2026-02-01', dateTo: '2026-02-28' };
  const balances = accountBalances(book.accounts(), book.entries(), february);

  it('opens with January, moves with February and closes with both', () => {
    expect(rowOf(balances, '1002.01')).toEqual({
      opening: '借 100.02',
      debits: '50.00',
      credits: '0.02',
      closing: '借 150.00'
    });
    expect(rowOf(balances, '4101.01.U-bank')).toEqual({
      opening: '贷 0.01',
      debits: '0.01',
      credits: '0.00',
      closing: '平 0.00'
    });
    expect(rowOf(balances, '5201')).toEqual({
      opening: '平 0.00',
      debits: '0.01',
      credits: '0.00',
      closing: '借 0.01'
    });
  });

  it('rolls sub-accounts up into their parents, which come first', () => {
    expect(rowOf(balances, '4101.01')).toEqual({
      opening: '贷 100.02',
      debits: '0.01',
      credits: '50.00',
      closing: '贷 150.01'
    });
    expect(rowOf(balances, '4101')).toEqual(rowOf(balances, '4101.01'));
    const codes = balances.rows.map((row) => row.account);
    expect(codes.indexOf('4101')).toBeLessThan(codes.indexOf('4101.01'));
    expect(codes.indexOf('4101.01')).toBeLessThan(codes.indexOf('4101.01.U-bank'));
    expect(balances.rows.find((row) => row.account === '4101.01')).toMatchObject({ depth: 1, hasChildren: true });
    expect(balances.rows.find((row) => row.account === '4101.01.U-bank')).toMatchObject({
      depth: 2,
      hasChildren: false
    });
  });

  it('adds up the top-level accounts only, each side agreeing', () => {
    expect({
      openingDebit: balances.totals.opening.debit.toString(),
      openingCredit: balances.totals.opening.credit.toString(),
      debits: balances.totals.debits.toString(),
      credits: balances.totals.credits.toString(),
      closingDebit: balances.totals.closing.debit.toString(),
      closingCredit: balances.totals.closing.credit.toString()
    }).toEqual({
      openingDebit: '100.02',
      openingCredit: '100.02',
      // 1002.01 +50.00, 4101 +0.01 (the reversal), 5201 +0.01.
      debits: '50.02',
      // 1002.01 0.02 (the reversal and the fee), 4101 50.00.
      credits: '50.02',
      closingDebit: '150.01',
      closingCredit: '150.01'
    });
  });

  it('leaves out accounts that never moved', () => {
    expect(balances.rows.some((row) => row.account === '1001')).toBe(false);
  });
});

describe('the 明细账 of a small journal', () => {
  const book = books(JOURNAL);
  const ledger = accountLedger(book.accounts(), book.entries(), '1002.01', {
    dateFrom: '2026-02-01',
    dateTo: '2026-02-28'
  });

  it('opens with January, lists February with a running balance, and totals the period and the year', () => {
    expect(shown(ledger.opening)).toBe('借 100.02');
    expect(
      ledger.lines.map(
        (line) => `${line.date} ${line.seq} ${line.debit.toString()} ${line.credit.toString()} ${shown(line.balance)}`
      )
    ).toEqual([
      '2026-02-03 3 50.00 0.00 借 150.02',
      '2026-02-10 4 0.00 0.01 借 150.01',
      '2026-02-28 5 0.00 0.01 借 150.00'
    ]);
    expect(ledger.lines[1]?.reversal).toBe(true);
    expect(ledger.periodTotal.debits.toString()).toBe('50.00');
    expect(ledger.periodTotal.credits.toString()).toBe('0.02');
    expect(shown(ledger.periodTotal.balance)).toBe('借 150.00');
    expect(ledger.yearTotal?.debits.toString()).toBe('150.02');
    expect(ledger.yearTotal?.credits.toString()).toBe('0.02');
  });

  it('carries the voucher number an entry was recorded with, and null for one without', () => {
    const january = accountLedger(book.accounts(), book.entries(), '4101.01', { dateFrom: '2026-01-01' });
    expect(january.lines.map((line) => [line.account, line.voucherNumber])).toEqual([
      ['4101.01.U-school', '记-001'],
      ['4101.01.U-bank', null],
      ['4101.01.U-school', null],
      ['4101.01.U-bank', null]
    ]);
    expect(shown(january.periodTotal.balance)).toBe('贷 150.01');
  });

  it('throws when asked for an account the chart does not have, which is a bug in the caller', () => {
    expect(() => accountLedger(book.accounts(), book.entries(), '9999', {})).toThrow();
  });
});

describe('account codes', () => {
  it('order an account right before its sub-accounts', () => {
    const codes = ['4101.01-b', '4101.01.U-a', '4101', '4101.01', '1002.02', '1002'];
    expect([...codes].sort(compareAccountCodes)).toEqual([
      '1002',
      '1002.02',
      '4101',
      '4101.01',
      '4101.01.U-a',
      '4101.01-b'
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties of any history

const signed = (balance: Balance): Money =>
  balance.direction === 'credit' ? balance.amount.negated() : balance.amount;

/** The balance on the account's normal side: positive when it stands where it should. */
const onNormalSide = (balance: Balance, side: 'debit' | 'credit'): Money =>
  side === 'debit' ? signed(balance) : signed(balance).negated();

const DAYS = ['2026-01-01', '2026-01-15', '2026-02-01', '2026-02-20', '2026-03-10', '2026-06-30'];

const periodArbitrary: fc.Arbitrary<Period> = fc
  .record({ from: fc.option(fc.constantFrom(...DAYS)), to: fc.option(fc.constantFrom(...DAYS)) })
  .map(({ from, to }) => ({ dateFrom: from, dateTo: to }));

function historyOf(operations: readonly Parameters<HistoryRunner['apply']>[0][]): {
  accounts: Account[];
  entries: Entry[];
} {
  const runner = new HistoryRunner({ hash: null });
  for (const operation of operations) runner.apply(operation);
  return { accounts: runner.book.accounts(), entries: [...runner.book.entries()] };
}

describe('properties of the account books over any history and period', () => {
  it('closes every account at opening + debits − credits, on its normal side too', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 80 }), periodArbitrary, (operations, period) => {
        const { accounts, entries } = historyOf(operations);
        for (const row of accountBalances(accounts, entries, period).rows) {
          expect(signed(row.closing).equals(signed(row.opening).plus(row.debits).minus(row.credits))).toBe(true);
          const movement = row.normalSide === 'debit' ? row.debits.minus(row.credits) : row.credits.minus(row.debits);
          const normal = (balance: Balance) => onNormalSide(balance, row.normalSide);
          expect(normal(row.closing).equals(normal(row.opening).plus(movement))).toBe(true);
          expect(row.opening.amount.isNegative() || row.closing.amount.isNegative()).toBe(false);
        }
      }),
      { numRuns: RUNS }
    );
  });

  it('keeps total debits equal to total credits, in each column pair', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 80 }), periodArbitrary, (operations, period) => {
        const { accounts, entries } = historyOf(operations);
        const { totals } = accountBalances(accounts, entries, period);
        expect(totals.debits.toString()).toBe(totals.credits.toString());
        expect(totals.opening.debit.toString()).toBe(totals.opening.credit.toString());
        expect(totals.closing.debit.toString()).toBe(totals.closing.credit.toString());
        const moved = Money.sum(
          entries
            .filter((entry) => (period.dateFrom ?? '') <= entry.date && entry.date <= (period.dateTo ?? '9999'))
            .flatMap((entry) => entry.postings.filter((posting) => posting.side === 'debit'))
            .map((posting) => posting.amount)
        );
        expect(totals.debits.toString()).toBe(moved.toString());
      }),
      { numRuns: RUNS }
    );
  });

  it('agrees with the 明细账 of every account: opening, movements, running balance and closing', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 60 }), periodArbitrary, (operations, period) => {
        const { accounts, entries } = historyOf(operations);
        for (const row of accountBalances(accounts, entries, period).rows) {
          const ledger = accountLedger(accounts, entries, row.account, period);
          expect(shown(ledger.opening)).toBe(shown(row.opening));
          expect(ledger.periodTotal.debits.toString()).toBe(row.debits.toString());
          expect(ledger.periodTotal.credits.toString()).toBe(row.credits.toString());
          expect(shown(ledger.periodTotal.balance)).toBe(shown(row.closing));
          expect(shown(ledger.lines.at(-1)?.balance ?? ledger.opening)).toBe(shown(row.closing));
          let running = signed(ledger.opening);
          for (const line of ledger.lines) {
            running = running.plus(line.debit).minus(line.credit);
            expect(signed(line.balance).toString()).toBe(running.toString());
            expect(line.balance.direction === 'zero').toBe(running.isZero());
          }
        }
      }),
      { numRuns: RUNS }
    );
  });

  it('lists the 明细账 in date and sequence order', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 60 }), (operations) => {
        const { accounts, entries } = historyOf(operations);
        const lines = accountLedger(accounts, entries, '1002', {}).lines;
        for (let index = 1; index < lines.length; index += 1) {
          const previous = lines[index - 1]!;
          const line = lines[index]!;
          expect(previous.date < line.date || (previous.date === line.date && previous.seq <= line.seq)).toBe(true);
        }
      }),
      { numRuns: RUNS }
    );
  });
});
