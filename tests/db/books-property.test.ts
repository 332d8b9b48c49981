import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Book, money, type PostCommand } from '@gongjian/ledger';
import { afterAll, describe, expect, inject, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { balancesOf, bookBalances, clientsFor, contribution, createFund, payout } from '../support/books';

const { owner, app } = clientsFor(inject('databaseUrl'), 4);

afterAll(async () => {
  await Promise.all([owner.end(), app.end()]);
});

type Command =
  | { kind: 'contribute'; amount: string }
  | { kind: 'pay'; amount: string }
  | { kind: 'hold'; hold: number; amount: string; expiresInMinutes: number | null }
  | { kind: 'settle'; hold: number; amount: string }
  | { kind: 'release'; hold: number }
  | { kind: 'reverse'; entry: number };

const amount = fc.integer({ min: 1, max: 400_000 }).map((fen) =>
  money(String(fen))
    .toString()
    .replace(/^(\d+)\.00$/, '$1')
);
const amountFen = fc.integer({ min: 1, max: 400_000 }).map((fen) => {
  const text = String(fen).padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
});
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('contribute' as const), amount: fc.oneof(amount, amountFen) }),
  fc.record({ kind: fc.constant('pay' as const), amount: amountFen }),
  fc.record({
    kind: fc.constant('hold' as const),
    hold: fc.integer({ min: 0, max: 4 }),
    amount: amountFen,
    expiresInMinutes: fc.option(fc.integer({ min: 1, max: 5 }))
  }),
  fc.record({ kind: fc.constant('settle' as const), hold: fc.integer({ min: 0, max: 4 }), amount: amountFen }),
  fc.record({ kind: fc.constant('release' as const), hold: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('reverse' as const), entry: fc.integer({ min: 0, max: 8 }) })
);

function minuteOf(minute: number): string {
  return new Date(Date.UTC(2026, 2, 1, 9, minute)).toISOString();
}

function settlement(amountText: string): PostCommand {
  return {
    date: '2026-03-10',
    memo: '拨付配套资金',
    postings: [
      { account: '1002.02', side: 'debit', amount: money(amountText) },
      { account: '1002.01', side: 'credit', amount: money(amountText) }
    ]
  };
}

/** Runs one command against the database and the pure Book with the same time and ids. */
async function both(fundId: string, book: Book, step: Command, minute: number): Promise<[unknown, unknown]> {
  const recordedAt = minuteOf(minute);
  const entryId = randomUUID();
  const context = { recordedAt, entryId };
  const input = { fundId, recordedAt, entryId };
  switch (step.kind) {
    case 'contribute':
    case 'pay': {
      const command = step.kind === 'contribute' ? contribution(step.amount) : payout(step.amount);
      return [await books.post(app, { ...input, command }), book.post(command, context)];
    }
    case 'hold': {
      const command = {
        holdId: `h${step.hold}`,
        account: '1002.01',
        amount: money(step.amount),
        ...(step.expiresInMinutes === null ? {} : { expiresAt: minuteOf(minute + step.expiresInMinutes) })
      };
      return [await books.hold(app, { ...input, command }), book.hold(command, context)];
    }
    case 'settle': {
      const command = { holdId: `h${step.hold}`, amount: money(step.amount), entry: settlement(step.amount) };
      return [await books.settle(app, { ...input, command }), book.settle(command, context)];
    }
    case 'release': {
      const command = { holdId: `h${step.hold}` };
      return [await books.release(app, { ...input, command }), book.release(command, context)];
    }
    case 'reverse': {
      const original = book.entries()[step.entry];
      const command = { entryId: original?.id ?? randomUUID(), date: '2026-03-20', memo: '冲销' };
      return [await books.reverse(app, { ...input, command }), book.reverse(command, context)];
    }
  }
}

describe('the database against the pure Book', () => {
  it('gives the same answers, entries, hashes and balances for random command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (steps) => {
        const fundId = await createFund(owner, 'property');
        const book = Book.create({ fundId, hash: books.sha256Native });
        for (const [minute, step] of steps.entries()) {
          const [stored, pure] = await both(fundId, book, step, minute);
          expect({ minute, step, result: stored }).toEqual({ minute, step, result: pure });
        }
        // A last posting on the pool, later than every expiry, makes both record the holds that lapsed.
        await both(fundId, book, { kind: 'contribute', amount: '1' }, steps.length + 10);
        expect(await balancesOf(app, fundId)).toEqual(bookBalances(book));
      }),
      { numRuns: 40 }
    );
    const report = await books.verifyBooks(owner);
    expect(report.findings).toEqual([]);
  });
});
