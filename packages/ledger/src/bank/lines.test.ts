import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money } from '../money/money.js';
import { parseBankAmount, parseBankDate, parseBankLine } from './lines.js';
import { bankLineFingerprints, checkBankBalances } from './statement.js';

describe('parseBankDate', () => {
  it('reads the ways banks write a day, and drops the time', () => {
    for (const text of ['2026-03-05', '2026/3/5', '2026.03.05', '20260305', '2026年3月5日', '2026-03-05 14:22:01']) {
      expect(parseBankDate(text)).toBe('2026-03-05');
    }
  });

  it('refuses what is not a real day', () => {
    for (const text of ['', '2026-02-30', '05/03/2026', 'yesterday', '2026-13-01'])
      expect(parseBankDate(text)).toBeNull();
  });
});

describe('parseBankAmount', () => {
  it('reads grouped, signed, bracketed and marked amounts', () => {
    expect(parseBankAmount('1,234.50')?.toString()).toBe('1234.50');
    expect(parseBankAmount('-80')?.toString()).toBe('-80.00');
    expect(parseBankAmount('80-')?.toString()).toBe('-80.00');
    expect(parseBankAmount('(3,000.00)')?.toString()).toBe('-3000.00');
    expect(parseBankAmount('¥ 12.3')?.toString()).toBe('12.30');
    expect(parseBankAmount('')).toBeNull();
    expect(parseBankAmount('--')).toBeNull();
  });

  it('refuses what is not money', () => {
    for (const text of ['abc', '1.234', '1e5', '12..3']) expect(parseBankAmount(text)).toBe('not_a_number');
  });

  it('reads back any amount it printed', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -10_000_000_000n, max: 10_000_000_000n }), (minor) => {
        const text = (Number(minor) / 100).toFixed(2);
        const parsed = parseBankAmount(text);
        expect(parsed === null || parsed === 'not_a_number' ? null : parsed.toMinor()).toBe(minor);
      })
    );
  });
});

describe('parseBankLine', () => {
  const base = { row: 7, date: '2026-03-05', balance: '1,000.00' };

  it('reads a signed amount or a debit and credit column', () => {
    const paid = parseBankLine({ ...base, amount: '-200', counterparty: '  某某  公司 ' });
    expect(paid).toMatchObject({ ok: true, value: { direction: 'out', counterparty: '某某 公司' } });
    const received = parseBankLine({ ...base, debit: '0.00', credit: '300' });
    expect(received.ok && received.value.amount.toString()).toBe('300.00');
    expect(received.ok && received.value.direction).toBe('in');
  });

  it('refuses each wrong cell with its own code, naming the row', () => {
    expect(parseBankLine({ ...base, date: 'x', amount: '1' })).toEqual({
      ok: false,
      code: 'bank_date_must_be_a_date',
      row: 7
    });
    expect(parseBankLine({ ...base, amount: 'abc' })).toMatchObject({ code: 'bank_amount_must_be_a_number' });
    expect(parseBankLine({ ...base, amount: '0' })).toMatchObject({ code: 'bank_amount_must_not_be_zero' });
    expect(parseBankLine({ ...base, debit: '1', credit: '2' })).toMatchObject({
      code: 'bank_line_must_have_one_amount'
    });
    expect(parseBankLine({ ...base, balance: '', amount: '1' })).toMatchObject({
      code: 'bank_balance_must_be_a_number'
    });
  });
});

/** A statement from an opening balance and signed amounts in fen, as a bank would print it. */
function statement(opening: bigint, amounts: readonly bigint[]) {
  let balance = opening;
  return amounts.map((amount, index) => {
    balance += amount;
    const parsed = parseBankLine({
      row: index + 2,
      date: '2026-03-05',
      amount: (Number(amount) / 100).toFixed(2),
      balance: (Number(balance) / 100).toFixed(2)
    });
    if (!parsed.ok) throw new Error(parsed.code);
    return parsed.value;
  });
}

const signedFen = fc.bigInt({ min: -1_000_000n, max: 1_000_000n }).filter((fen) => fen !== 0n);

describe('checkBankBalances', () => {
  it('accepts balances that follow from the lines, in either order, and finds the opening balance', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 100_000_000n }),
        fc.array(signedFen, { maxLength: 30 }),
        (opening, amounts) => {
          const lines = statement(opening, amounts);
          const forward = checkBankBalances(lines);
          expect(forward.ok && forward.value.openingBalance.toMinor()).toBe(lines.length === 0 ? 0n : opening);
          const backward = checkBankBalances([...lines].reverse());
          // Lines that alternate an amount and its opposite (+5, −5, +5) follow from each other read
          // either way, so nothing tells the order apart; the checker then keeps the file's.
          const eitherWay =
            lines.length > 1 && amounts.every((fen, at) => at === 0 || fen === -(amounts[at - 1] ?? 0n));
          const expected = eitherWay ? [...lines].reverse() : forward.ok && forward.value.lines;
          expect(backward.ok && backward.value.lines).toEqual(expected);
        }
      )
    );
  });

  it('keeps the file order when the lines follow from each other either way', () => {
    const lines = statement(0n, [-5n, 5n]);
    const backward = checkBankBalances([...lines].reverse());
    expect(backward.ok && backward.value.lines.map((line) => line.row)).toEqual([3, 2]);
  });

  it('names the first row whose balance does not follow', () => {
    fc.assert(
      fc.property(fc.array(signedFen, { minLength: 3, maxLength: 20 }), fc.nat(), (amounts, pick) => {
        const lines = statement(100_000n, amounts);
        const index = 1 + (pick % (lines.length - 1));
        const broken = lines.map((line, at) =>
          at === index ? { ...line, balance: line.balance.plus(money('0.01')) } : line
        );
        expect(checkBankBalances(broken)).toEqual({
          ok: false,
          code: 'bank_balance_must_follow_from_lines',
          row: index + 2
        });
      })
    );
  });
});

describe('bankLineFingerprints', () => {
  it('gives the same file the same fingerprints and keeps identical lines apart', () => {
    const lines = statement(0n, [10_000n, -10_000n, 10_000n, -10_000n]);
    const once = bankLineFingerprints(lines);
    expect(bankLineFingerprints(lines)).toEqual(once);
    expect(new Set(once).size).toBe(lines.length);
  });
});
