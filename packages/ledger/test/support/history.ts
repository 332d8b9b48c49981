/**
 * Random but valid-looking fund histories for property tests: contributions, household payments,
 * holds, payouts, releases, spending, reversals. Some commands are rejected (spending more than
 * is free, say); the properties must hold whatever was accepted.
 */
import fc from 'fast-check';
import { Book, Money, type Entry, type HashFunction, type PostCommand } from '../../src/index.js';

export type Operation =
  | { kind: 'contribute'; unit: number; minor: bigint }
  | { kind: 'donate'; minor: bigint }
  | { kind: 'spend'; minor: bigint }
  | { kind: 'household'; project: number; minor: bigint }
  | { kind: 'hold'; project: number; minor: bigint }
  | { kind: 'settle'; pick: number; percent: number }
  | { kind: 'release'; pick: number }
  | { kind: 'vendor'; project: number; minor: bigint }
  | { kind: 'releaseRestriction'; minor: bigint }
  | { kind: 'reverse'; pick: number };

const minor = fc.bigInt({ min: 1n, max: 2_000_000n });
const pick = fc.nat({ max: 10_000 });

export const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('contribute' as const), unit: fc.nat({ max: 5 }), minor }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('donate' as const), minor }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('spend' as const), minor }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('household' as const), project: fc.nat({ max: 3 }), minor }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hold' as const), project: fc.nat({ max: 3 }), minor }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('settle' as const), pick, percent: fc.integer({ min: 1, max: 100 }) })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('vendor' as const), project: fc.nat({ max: 3 }), minor }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('releaseRestriction' as const), minor }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick }) }
);

function transfer(debit: string, credit: string, amount: Money): PostCommand['postings'] {
  return [
    { account: debit, side: 'debit', amount },
    { account: credit, side: 'credit', amount }
  ];
}

/** Applies operations to a book, day by day, and counts how many were accepted. */
export class HistoryRunner {
  readonly book: Book;
  #step = 0;
  accepted = 0;

  constructor(options: { hash?: HashFunction | null } = {}) {
    this.book = Book.create({ fundId: 'fund-1', ...options });
    for (let unit = 0; unit <= 5; unit += 1) this.book.open({ code: `4101.01.U-unit${unit}` });
    for (let project = 0; project <= 3; project += 1) {
      for (const parent of ['1002.02', '2209', '5101']) this.book.open({ code: `${parent}.P-p${project}` });
    }
  }

  get date(): string {
    // Two operations a day from 2026-01-01, across months so that exports get several period ends.
    const day = Math.floor(this.#step / 2);
    const month = 1 + Math.floor(day / 28);
    return `${2026 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-${String((day % 28) + 1).padStart(2, '0')}`;
  }

  apply(operation: Operation): boolean {
    this.#step += 1;
    const date = this.date;
    const context = { recordedAt: `${date}T08:00:00.${String(this.#step % 1000).padStart(3, '0')}Z` };
    const result = this.#run(operation, date, context);
    if (result) this.accepted += 1;
    return result;
  }

  #post(memo: string, date: string, postings: PostCommand['postings'], context: { recordedAt: string }): boolean {
    return this.book.post({ date, memo, postings }, context).ok;
  }

  #run(operation: Operation, date: string, context: { recordedAt: string }): boolean {
    const book = this.book;
    switch (operation.kind) {
      case 'contribute':
        return this.#post(
          `Unit ${operation.unit} contributes`,
          date,
          transfer('1002.01', `4101.01.U-unit${operation.unit}`, Money.fromMinor(operation.minor)),
          context
        );
      case 'donate':
        return this.#post(
          'Charity donation',
          date,
          transfer('1002.01', '4101.02', Money.fromMinor(operation.minor)),
          context
        );
      case 'spend':
        return this.#post(
          'Administrative expense',
          date,
          transfer('5201', '1002.01', Money.fromMinor(operation.minor)),
          context
        );
      case 'household':
        return this.#post(
          'Household pays its share',
          date,
          transfer(`1002.02.P-p${operation.project}`, `2209.P-p${operation.project}`, Money.fromMinor(operation.minor)),
          context
        );
      case 'vendor':
        return this.#post(
          'Vendor invoice',
          date,
          transfer(`5101.P-p${operation.project}`, `1002.02.P-p${operation.project}`, Money.fromMinor(operation.minor)),
          context
        );
      case 'releaseRestriction':
        return this.#post('Restriction met', date, transfer('3102', '3101', Money.fromMinor(operation.minor)), context);
      case 'hold':
        return book.hold(
          {
            holdId: `h${this.#step}`,
            account: '1002.01',
            amount: Money.fromMinor(operation.minor),
            reference: `p${operation.project}`
          },
          context
        ).ok;
      case 'settle':
        return this.#settle(operation, date, context);
      case 'release': {
        const holds = book.holds().filter((hold) => hold.status === 'open');
        const hold = holds[operation.pick % Math.max(1, holds.length)];
        return hold !== undefined && book.release({ holdId: hold.id }, context).ok;
      }
      case 'reverse': {
        const entries = book.entries();
        const entry = entries[operation.pick % Math.max(1, entries.length)];
        return entry !== undefined && book.reverse({ entryId: entry.id, date, memo: 'Correction' }, context).ok;
      }
    }
  }

  #settle(operation: Extract<Operation, { kind: 'settle' }>, date: string, context: { recordedAt: string }): boolean {
    const holds = this.book.holds().filter((hold) => hold.status === 'open');
    const hold = holds[operation.pick % Math.max(1, holds.length)];
    if (hold === undefined) return false;
    const remaining = hold.amount.minus(hold.amountSettled).minus(hold.amountReleased);
    const amount = Money.fromMinor((remaining.toMinor() * BigInt(operation.percent) + 99n) / 100n);
    const project = hold.reference ?? 'p0';
    const entry = { date, memo: 'Match payout', postings: transfer(`1002.02.P-${project}`, '1002.01', amount) };
    return this.book.settle({ holdId: hold.id, amount, entry }, context).ok;
  }
}

/** A deterministic history with at least `count` accepted entries, for the export oracles. */
export function historyOf(count: number, seed: number): HistoryRunner {
  const runner = new HistoryRunner();
  const operations = fc.sample(operationArbitrary, { seed, numRuns: count * 4 });
  for (const operation of operations) {
    if (runner.book.entries().length >= count) break;
    runner.apply(operation);
  }
  return runner;
}

export function entryLines(entries: readonly Entry[]): string[] {
  return entries.map(
    (entry) =>
      `${entry.seq} ${entry.date} ${entry.postings.map((posting) => `${posting.account}:${posting.side}:${posting.amount.toString()}`).join(' ')}`
  );
}
