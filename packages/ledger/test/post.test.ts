import { describe, expect, it } from 'vitest';
import { Book, money, type PostCommand, type Posting } from '../src/index.js';
import { JournalRunner, balancesOf, books, lastResult, postingsOf } from './support/journal.js';

const SETUP = `
  open 4901.X "其他收入—已关闭"
  close 4901.X
  2026-01-01 * "Seed the pool"
    1002.01   100.00
    4101.01  -100.00
  2026-01-01 * "Seed the project account" key:k1
    1002.02    50.00
    4101.02   -50.00
  2026-01-01 * "An expense account near the numeric(18,2) limit"
    5401.01   9999999999999999.99
    4901     -9999999999999999.99
  2026-01-02 hold h1 1002.01 80.00
`;

function runner(): JournalRunner {
  const run = new JournalRunner(Book.create({ fundId: 'test' }));
  run.book.open({ code: '5401.01' });
  for (const result of run.run(SETUP)) expect(result.ok).toBe(true);
  return run;
}

const HASH_OF_RECEIPT = 'a'.repeat(64);
const TOO_LARGE = money('9999999999999999.99').plus(money('1'));

describe('posting rejections, in precedence order', () => {
  // Each row fixes the defect the row before it was rejected for, so a row only passes if its
  // check runs after every earlier one and before every later one.
  const steps: [string, (command: PostCommand) => PostCommand][] = [
    ['idempotency_key_must_be_well_formed', (command) => command],
    ['idempotency_key_reused', (command) => ({ ...command, idempotencyKey: 'k1' })],
    ['date_must_be_valid', ({ idempotencyKey: _, ...command }) => command],
    ['memo_must_not_exceed_limit', (command) => ({ ...command, date: '2026-02-28' })],
    ['reference_must_not_exceed_limit', (command) => ({ ...command, memo: 'Vendor payment' })],
    [
      'attachments_must_not_exceed_limit',
      (command) => ({ ...command, references: { attachmentHashes: Array.from({ length: 101 }, () => 'abc') } })
    ],
    ['attachment_hash_must_be_sha256_hex', (command) => ({ ...command, references: { attachmentHashes: ['abc'] } })],
    [
      'entry_must_have_at_least_two_postings',
      (command) => ({ ...command, references: { attachmentHashes: [HASH_OF_RECEIPT] } })
    ],
    [
      'postings_must_not_exceed_limit',
      (command) => ({ ...command, postings: Array.from({ length: 1001 }, () => command.postings[0] as Posting) })
    ],
    ['account_not_found', (command) => ({ ...command, postings: postingsOf(['9999  0.00', '4901.X  -0.00']) })],
    ['account_closed', (command) => ({ ...command, postings: postingsOf(['4901.X  0.00', '5201  0.00']) })],
    ['amount_must_be_positive', (command) => ({ ...command, postings: postingsOf(['5201  0.00', '5201  0.00']) })],
    [
      'amount_must_be_within_range',
      (command) => ({
        ...command,
        postings: [
          { account: '5201', side: 'debit', amount: TOO_LARGE },
          { account: '1002.01', side: 'credit', amount: TOO_LARGE }
        ]
      })
    ],
    [
      'entry_must_touch_two_accounts',
      (command) => ({ ...command, postings: postingsOf(['5201  10.00', '5201  -10.00']) })
    ],
    ['entry_must_balance', (command) => ({ ...command, postings: postingsOf(['5201  10.00', '1002.02  -20.00']) })],
    [
      'balance_must_not_go_negative',
      (command) => ({ ...command, postings: postingsOf(['5201  60.00', '1002.02  -60.00']) })
    ],
    [
      'insufficient_available_balance',
      (command) => ({ ...command, postings: postingsOf(['5201  60.00', '1002.01  -60.00']) })
    ],
    [
      'balance_must_stay_within_range',
      (command) => ({ ...command, postings: postingsOf(['5401.01  0.01', '1002.01  -0.01']) })
    ]
  ];

  it('rejects with each code in turn, then posts once every defect is fixed', () => {
    const run = runner();
    let command: PostCommand = {
      date: '2026-02-30',
      memo: 'x'.repeat(2001),
      idempotencyKey: '',
      references: { voucherNumber: 'v'.repeat(201) },
      postings: postingsOf(['5201  1.00'])
    };
    for (const [code, fix] of steps) {
      command = fix(command);
      const result = run.book.post(command, { recordedAt: run.recordedAt(command.date.replace('-30', '-28')) });
      expect(result, code).toMatchObject({ ok: false, code });
    }
    const fixed = { ...command, postings: postingsOf(['5201  20.00', '1002.01  -20.00']) };
    expect(run.book.post(fixed, { recordedAt: '2026-02-28T09:00:00.000Z' })).toMatchObject({
      ok: true,
      value: { seq: 4 }
    });
    expect(run.book.available('1002.01').toString()).toBe('0.00');
  });
});

describe('posting', () => {
  it('records a balanced entry and maintains the balances', () => {
    const book = books(`
      2026-03-01 * "网格单位出资" voucher:记-001
        1002.01              10000.00
        4101.01             -10000.00
      2026-03-02 * "Office supplies"
        5201                     12.50
        1002.01                 -12.50
    `);
    expect(balancesOf(book, ['1002.01', '4101.01', '5201'])).toEqual({
      '1002.01': '9987.50',
      '4101.01': '10000.00',
      '5201': '12.50'
    });
    expect(book.entries().map((entry) => entry.seq)).toEqual([1, 2]);
    expect(book.entries()[0]?.references).toEqual({ voucherNumber: '记-001' });
  });

  it('returns the original entry for a retry with the same key and content', () => {
    const run = new JournalRunner(Book.create({ fundId: 'test' }));
    const text = `
      2026-03-01 * "Household 3-2-401 pays" key:pay-401
        1002.02    80.00
        2209      -80.00
    `;
    const [first] = run.run(text);
    const [second] = run.run(text);
    expect(second).toEqual(first);
    expect(run.book.entries()).toHaveLength(1);
    expect(run.book.balance('2209').toString()).toBe('80.00');
  });

  it('refuses the same key with different content', () => {
    const result = lastResult(`
      2026-03-01 * "Household 3-2-401 pays" key:pay-401
        1002.02    80.00
        2209      -80.00
      2026-03-01 * "Household 3-2-401 pays" key:pay-401
        1002.02    90.00
        2209      -90.00
    `);
    expect(result).toMatchObject({ ok: false, code: 'idempotency_key_reused', entryId: '1' });
  });

  it('refuses an entry id that is already taken', () => {
    const book = books(`
      2026-03-01 * "Seed"
        1002.01   1.00
        4101.01  -1.00
    `);
    const command = { date: '2026-03-02', postings: postingsOf(['1002.01  1.00', '4101.01  -1.00']) };
    expect(book.post(command, { recordedAt: '2026-03-02T00:00:00.000Z', entryId: '1' })).toMatchObject({
      ok: false,
      code: 'entry_id_already_exists'
    });
  });

  it('throws, rather than rejects, when a programmer passes a malformed time', () => {
    const book = Book.create({ fundId: 'test' });
    const command = { date: '2026-03-02', postings: postingsOf(['1002.01  1.00', '4101.01  -1.00']) };
    expect(() => book.post(command, { recordedAt: 'yesterday' })).toThrow(/recordedAt/);
  });
});

describe('reversal', () => {
  const ORIGINAL = `
    2026-03-01 * "Donation, recorded twice by mistake"
      1002.01   500.00
      4101.02  -500.00
  `;

  it('posts the mirror entry, linked to the original, and nets to zero', () => {
    const book = books(`${ORIGINAL}
      2026-03-02 reverse 1 "Duplicate of voucher 记-007"
    `);
    const reversal = book.entries()[1];
    expect(reversal).toMatchObject({ reverses: '1', memo: 'Duplicate of voucher 记-007', date: '2026-03-02' });
    expect(
      reversal?.postings.map((posting) => `${posting.account} ${posting.side} ${posting.amount.toString()}`)
    ).toEqual(['1002.01 credit 500.00', '4101.02 debit 500.00']);
    expect(balancesOf(book, ['1002.01', '4101.02'])).toEqual({ '1002.01': '0.00', '4101.02': '0.00' });
    expect(book.entries()[0]?.memo).toBe('Donation, recorded twice by mistake');
  });

  it.each([
    ['entry_not_found', '2026-03-02 reverse 9 "No such entry"'],
    ['entry_already_reversed', '2026-03-02 reverse 1 "Once"\n2026-03-03 reverse 1 "Twice"'],
    ['reversal_must_not_be_reversed', '2026-03-02 reverse 1 "Once"\n2026-03-03 reverse 2 "Undo the undo"']
  ])('rejects with %s', (code, text) => {
    expect(lastResult(`${ORIGINAL}\n${text}`)).toMatchObject({ ok: false, code });
  });

  it('cannot overdraw the pool by reversing money that was already spent', () => {
    const result = lastResult(`${ORIGINAL}
      2026-03-02 * "Spend it"
        5201      500.00
        1002.01  -500.00
      2026-03-03 reverse 1 "Too late"
    `);
    expect(result).toMatchObject({ ok: false, code: 'balance_must_not_go_negative', account: '1002.01' });
  });
});
