import { describe, expect, it } from 'vitest';
import { money } from '../src/index.js';
import { books, lastResult } from './support/journal.js';

const POOL = `
  open 1002.02.P-barrier
  2026-03-01 * "Grid units' start capital"
    1002.01    10000.00
    4101.01   -10000.00
`;

describe('holds', () => {
  it('reserve money: available is the balance less open holds', () => {
    const book = books(`${POOL}
      2026-03-05 hold h-barrier 1002.01 3000.00 ref:barrier
    `);
    expect(book.balance('1002.01').toString()).toBe('10000.00');
    expect(book.available('1002.01').toString()).toBe('7000.00');
  });

  it('settle in part with the entry that pays out, then release the rest', () => {
    const book = books(`${POOL}
      2026-03-05 hold h-barrier 1002.01 3000.00 ref:barrier
      2026-03-10 settle h-barrier 2700.00 "First tranche of the match"
        1002.02.P-barrier    2700.00
        1002.01             -2700.00
      2026-04-01 release h-barrier
    `);
    const hold = book.holds()[0];
    expect(hold).toMatchObject({ status: 'released', reference: 'barrier' });
    expect([hold?.amountSettled.toString(), hold?.amountReleased.toString()]).toEqual(['2700.00', '300.00']);
    expect(book.entries()[1]?.settles).toMatchObject({ holdId: 'h-barrier' });
    expect(book.available('1002.01').toString()).toBe('7300.00');
  });

  it('a payout of exactly what was promised fits even when nothing else is available', () => {
    const book = books(`${POOL}
      2026-03-05 hold h-all 1002.01 10000.00
      2026-03-10 settle h-all 10000.00 "Pay the whole pool out"
        1002.02    10000.00
        1002.01   -10000.00
    `);
    expect(book.holds()[0]?.status).toBe('settled');
    expect(book.available('1002.01').toString()).toBe('0.00');
  });

  it('a hold stops reserving money at its expiry', () => {
    const book = books(`${POOL}
      2026-03-05 hold h-short 1002.01 3000.00 expires:2026-03-31T16:00:00.000Z
    `);
    expect(book.available('1002.01', { at: '2026-03-31T15:59:59.999Z' }).toString()).toBe('7000.00');
    expect(book.available('1002.01', { at: '2026-03-31T16:00:00.000Z' }).toString()).toBe('10000.00');
    expect(
      lastResult(`${POOL}
      2026-03-05 hold h-short 1002.01 3000.00 expires:2026-03-31T16:00:00.000Z
      2026-04-01 release h-short
    `)
    ).toMatchObject({ ok: false, code: 'hold_expired' });
  });

  it('replays a hold retried with the same id and content', () => {
    const book = books(`${POOL}
      2026-03-05 hold h-barrier 1002.01 3000.00
      2026-03-05 hold h-barrier 1002.01 3000.00
    `);
    expect(book.available('1002.01').toString()).toBe('7000.00');
  });

  describe('rejections, in precedence order', () => {
    it.each([
      ['hold_already_exists', '2026-03-05 hold h1 1002.01 1.00\n2026-03-05 hold h1 9999 0.00'],
      ['account_not_found', '2026-03-05 hold h1 9999 0.00'],
      ['account_closed', 'open 1002.01.Z\nclose 1002.01.Z\n2026-03-05 hold h1 1002.01.Z 0.00'],
      ['amount_must_be_positive', '2026-03-05 hold h1 1002.01 0.00 expires:2026-01-01T00:00:00.000Z'],
      ['expiry_must_be_valid', '2026-03-05 hold h1 1002.01 20000.00 expires:tomorrow'],
      ['expiry_must_be_after_recorded_at', '2026-03-05 hold h1 1002.01 20000.00 expires:2026-01-01T00:00:00.000Z'],
      ['insufficient_available_balance', '2026-03-05 hold h1 1002.01 6000.00\n2026-03-05 hold h2 1002.01 4000.01']
    ])('hold: %s', (code, text) => {
      expect(lastResult(`${POOL}\n${text}`)).toMatchObject({ ok: false, code });
    });

    const PAYOUT = (amount: string, account = '1002.01') => `
        1002.02    ${amount}
        ${account}  -${amount}`;

    it.each([
      ['hold_not_found', '2026-03-10 settle h9 3000.00 "x"' + PAYOUT('3000.00')],
      [
        'hold_already_settled',
        '2026-03-10 settle h1 3000.00 "x"' + PAYOUT('3000.00') + '\n2026-03-11 settle h1 1.00 "y"' + PAYOUT('1.00')
      ],
      ['hold_already_released', '2026-03-10 release h1\n2026-03-11 settle h1 0.00 "y"' + PAYOUT('1.00')],
      ['amount_must_be_positive', '2026-03-10 settle h1 0.00 "x"' + PAYOUT('1.00')],
      ['settlement_must_not_exceed_hold', '2026-03-10 settle h1 3000.01 "x"' + PAYOUT('3000.01')],
      ['settlement_must_draw_on_held_account', '2026-03-10 settle h1 3000.00 "x"' + PAYOUT('3000.00', '4101.01')],
      [
        'insufficient_available_balance',
        '2026-03-06 hold h2 1002.01 5000.00\n2026-03-10 settle h1 3000.00 "x"' + PAYOUT('5000.01')
      ]
    ])('settle: %s', (code, text) => {
      expect(lastResult(`${POOL}\n2026-03-05 hold h1 1002.01 3000.00\n${text}`)).toMatchObject({ ok: false, code });
    });
  });
});

describe('no-negative accounts under holds', () => {
  it('a posting cannot spend money that a hold reserves', () => {
    const result = lastResult(`${POOL}
      2026-03-05 hold h1 1002.01 9000.00
      2026-03-06 * "Spend more than is free"
        5201      1000.01
        1002.01  -1000.01
    `);
    expect(result).toMatchObject({ ok: false, code: 'insufficient_available_balance', availableBefore: '1000.00' });
    expect(money('1000.00').toString()).toBe('1000.00');
  });
});
