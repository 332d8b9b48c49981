import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Money, trialBalance, verifyChain } from '../src/index.js';
import { HistoryRunner, operationArbitrary } from './support/history.js';

const RUNS = 60;

describe('properties of any history', () => {
  it('keeps the trial balance at zero, and the maintained balances equal a full scan', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 80 }), (operations) => {
        const runner = new HistoryRunner({ hash: null });
        operations.forEach((operation) => runner.apply(operation));
        const maintained = runner.book.trialBalance();
        expect(maintained.balanceTotal.isZero()).toBe(true);
        expect(maintained.debitsTotal.equals(maintained.creditsTotal)).toBe(true);
        const scanned = trialBalance({ accounts: runner.book.accounts(), entries: runner.book.entries() });
        expect(scanned.rows.map((row) => `${row.account} ${row.balance.toString()}`)).toEqual(
          maintained.rows.map((row) => `${row.account} ${row.balance.toString()}`)
        );
      }),
      { numRuns: RUNS }
    );
  });

  it('never drives a no-negative account below zero, nor its available balance', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 80 }), (operations) => {
        const runner = new HistoryRunner({ hash: null });
        for (const operation of operations) {
          runner.apply(operation);
          for (const account of runner.book.accounts()) {
            if (account.flags.mustNotGoNegative) expect(runner.book.balance(account.code).isNegative()).toBe(false);
            if (account.flags.availableMustNotGoNegative)
              expect(runner.book.available(account.code).isNegative()).toBe(false);
          }
        }
      }),
      { numRuns: RUNS }
    );
  });

  it('nets a posted-then-reversed entry to zero on every account', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { minLength: 1, maxLength: 40 }), (operations) => {
        const runner = new HistoryRunner({ hash: null });
        operations.forEach((operation) => runner.apply(operation));
        const book = runner.book;
        const before = new Map(book.accounts().map((account) => [account.code, book.balance(account.code)]));
        const posted = book.post(
          {
            date: '2027-01-01',
            memo: 'To be reversed',
            postings: [
              { account: '5201', side: 'debit', amount: Money.fromMinor(1234n) },
              { account: '4101.02', side: 'credit', amount: Money.fromMinor(1234n) }
            ]
          },
          { recordedAt: '2027-01-01T00:00:00.000Z' }
        );
        if (!posted.ok) throw new Error(posted.code);
        const reversed = book.reverse(
          { entryId: posted.value.id, date: '2027-01-02', memo: 'Undo' },
          { recordedAt: '2027-01-02T00:00:00.000Z' }
        );
        expect(reversed.ok).toBe(true);
        for (const [code, balance] of before) expect(book.balance(code).equals(balance)).toBe(true);
      }),
      { numRuns: RUNS }
    );
  });

  it('chains every entry so that verifyChain accepts the history', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 40 }), (operations) => {
        const runner = new HistoryRunner();
        operations.forEach((operation) => runner.apply(operation));
        const verdict = verifyChain(runner.book.entries());
        expect(verdict.ok).toBe(true);
      }),
      { numRuns: 20 }
    );
  });
});
