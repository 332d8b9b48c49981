import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { books } from './support/journal.js';

const POOL = `
  open 1002.02.P-barrier
  2026-03-01 * "Grid units' start capital"
    1002.01    10000.00
    4101.01   -10000.00
`;

const PAYOUT = (amount: string) => `
        1002.02.P-barrier    ${amount}
        1002.01             -${amount}`;

describe('a reversed payout', () => {
  it('reserves what it settled on the hold again', () => {
    const book = books(`${POOL}
      2026-03-05 hold h1 1002.01 3000.00
      2026-03-10 settle h1 1000.00 "First tranche"${PAYOUT('1000.00')}
      2026-03-11 reverse 2 "Paid to the wrong account"
    `);
    const hold = book.holds()[0];
    expect(hold).toMatchObject({ status: 'open', closedAt: null });
    expect(hold?.amountSettled.toString()).toBe('0.00');
    expect(book.balance('1002.01').toString()).toBe('10000.00');
    expect(book.available('1002.01').toString()).toBe('7000.00');
  });

  it('reopens a hold it had settled in full', () => {
    const book = books(`${POOL}
      2026-03-05 hold h1 1002.01 3000.00
      2026-03-10 settle h1 3000.00 "All of it"${PAYOUT('3000.00')}
      2026-03-11 reverse 2 "Wrong payee"
    `);
    expect(book.holds()[0]).toMatchObject({ status: 'open' });
    expect(book.available('1002.01').toString()).toBe('7000.00');
  });

  it('returns the money to the available balance when the hold was released since', () => {
    const book = books(`${POOL}
      2026-03-05 hold h1 1002.01 3000.00
      2026-03-10 settle h1 1000.00 "First tranche"${PAYOUT('1000.00')}
      2026-03-20 release h1
      2026-03-21 reverse 2 "Wrong payee"
    `);
    expect(book.holds()[0]).toMatchObject({ status: 'released' });
    expect(book.available('1002.01').toString()).toBe('10000.00');
  });

  it('leaves every figure as if the payout had never been made (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        (payouts, reversed) => {
          const lines = payouts.map(
            (yuan, index) =>
              `2026-03-${String(10 + index)} settle h1 ${yuan}.00 "Tranche ${index}"${PAYOUT(`${yuan}.00`)}`
          );
          const reversals = payouts.flatMap((_, index) =>
            reversed[index] === true ? [`2026-03-28 reverse ${index + 2} "Taken back"`] : []
          );
          const kept = payouts.filter((_, index) => reversed[index] !== true);
          const keptLines = kept.map(
            (yuan, index) =>
              `2026-03-${String(10 + index)} settle h1 ${yuan}.00 "Tranche ${index}"${PAYOUT(`${yuan}.00`)}`
          );
          const hold = '2026-03-05 hold h1 1002.01 3000.00';
          const withReversals = books([POOL, hold, ...lines, ...reversals].join('\n'));
          const without = books([POOL, hold, ...keptLines].join('\n'));
          for (const code of ['1002.01', '1002.02.P-barrier']) {
            expect(withReversals.balance(code).toString()).toBe(without.balance(code).toString());
            expect(withReversals.available(code).toString()).toBe(without.available(code).toString());
          }
          expect(withReversals.holds()[0]?.amountSettled.toString()).toBe(without.holds()[0]?.amountSettled.toString());
        }
      ),
      { numRuns: 50 }
    );
  });
});
