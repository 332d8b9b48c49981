// Benchmarks of @gongjian/ledger. Each figure is the median of several rounds, printed with its
// ratio to a baseline measured in the same run, so that the numbers travel between machines.
// Usage: npm run bench -- ledger   (or: node --import tsx bench/ledger.ts)
import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { Book, allocate, money, type HashFunction, type PostCommand } from '@gongjian/ledger';
import { median } from './support/stats';

const ROUNDS = 5;
const ENTRIES_PER_ROUND = 100_000;

/** Runs a body several times and returns the median rate in operations per second. */
function rate(operations: number, body: () => void): number {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    body();
    rates.push((operations / (performance.now() - started)) * 1000);
  }
  return median(rates);
}

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function report(name: string, value: number, unit: string, baseline: { name: string; value: number }): void {
  console.log(
    `${name.padEnd(46)} ${format(value).padStart(12)} ${unit}   ×${(value / baseline.value).toFixed(2)} of ${baseline.name}`
  );
}

const AMOUNTS = Array.from({ length: 97 }, (_, index) =>
  money(`${100 + index * 13}.${String(index % 100).padStart(2, '0')}`)
);

function commands(count: number): PostCommand[] {
  return Array.from({ length: count }, (_, index) => {
    const amount = AMOUNTS[index % AMOUNTS.length] ?? money('1');
    return {
      date: '2026-03-01',
      memo: 'Contribution',
      postings: [
        { account: '1002.01', side: 'debit', amount },
        { account: '4101.02', side: 'credit', amount }
      ]
    };
  });
}

function postAll(list: readonly PostCommand[], hash: HashFunction | null | undefined): void {
  const book = Book.create(hash === undefined ? { fundId: 'bench' } : { fundId: 'bench', hash });
  const context = { recordedAt: '2026-03-01T09:00:00.000Z' };
  for (const command of list) {
    const result = book.post(command, context);
    if (!result.ok) throw new Error(result.code);
  }
}

/** The same decimal work as posting a two-line entry, without the ledger: sums, a check, two balances. */
function decimalLoop(count: number): void {
  const amounts = AMOUNTS.map((amount) => new Decimal(amount.toString()));
  let pool = new Decimal(0);
  let income = new Decimal(0);
  for (let index = 0; index < count; index += 1) {
    const amount = amounts[index % amounts.length] as Decimal;
    const debits = new Decimal(0).plus(amount);
    const credits = new Decimal(0).plus(amount);
    if (!debits.eq(credits)) throw new Error('unbalanced');
    pool = pool.plus(debits);
    income = income.plus(credits);
  }
}

const nativeSha256: HashFunction = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

function benchPost(): void {
  const list = commands(ENTRIES_PER_ROUND);
  postAll(list.slice(0, 20_000), null); // Warm the JIT before measuring.
  const baseline = {
    name: 'bare decimal.js loop',
    value: rate(ENTRIES_PER_ROUND, () => decimalLoop(ENTRIES_PER_ROUND))
  };
  console.log(`${'baseline: bare decimal.js loop'.padEnd(46)} ${format(baseline.value).padStart(12)} entries/s`);
  report(
    'Book.post, 2 lines, no chain',
    rate(ENTRIES_PER_ROUND, () => postAll(list, null)),
    'entries/s',
    baseline
  );
  report(
    'Book.post, 2 lines, chain with native SHA-256',
    rate(ENTRIES_PER_ROUND, () => postAll(list, nativeSha256)),
    'entries/s',
    baseline
  );
  report(
    'Book.post, 2 lines, chain with pure-JS SHA-256',
    rate(ENTRIES_PER_ROUND, () => postAll(list, undefined)),
    'entries/s',
    baseline
  );
}

function benchAllocate(): void {
  const weights = Array.from({ length: 1000 }, (_, index) => AMOUNTS[index % AMOUNTS.length] ?? money('1'));
  const total = money('123456.78');
  const runs = 200;
  const baseline = {
    name: 'summing the 1,000 weights',
    value: rate(runs, () => {
      for (let run = 0; run < runs; run += 1) weights.reduce((sum, weight) => sum.plus(weight), money('0'));
    })
  };
  const value = rate(runs, () => {
    for (let run = 0; run < runs; run += 1) if (!allocate(total, weights).ok) throw new Error('allocate');
  });
  report('allocate across 1,000 households', value, 'splits/s', baseline);
}

function benchTrialBalance(): void {
  const postings = 1_000_000;
  const book = Book.create({ fundId: 'bench', hash: null });
  const units = Array.from({ length: 200 }, (_, index) => `4101.01.U-unit${index}`);
  units.forEach((code) => book.open({ code }));
  const context = { recordedAt: '2026-03-01T09:00:00.000Z' };
  for (let index = 0; index < postings / 2; index += 1) {
    const amount = AMOUNTS[index % AMOUNTS.length] ?? money('1');
    book.post(
      {
        date: '2026-03-01',
        postings: [
          { account: '1002.01', side: 'debit', amount },
          { account: units[index % units.length] ?? '', side: 'credit', amount }
        ]
      },
      context
    );
  }
  const entries = book.entries();
  const scans = 1;
  const baseline = {
    name: 'one scan of the 1M postings',
    value: rate(scans, () => {
      let total = new Decimal(0);
      for (const entry of entries) for (const posting of entry.postings) total = total.plus(posting.amount.toDecimal());
    })
  };
  const value = rate(100, () => {
    for (let run = 0; run < 100; run += 1)
      if (!book.trialBalance().balanceTotal.isZero()) throw new Error('unbalanced');
  });
  report('trialBalance of a book with 1M postings', value, 'reports/s', baseline);
}

const started = performance.now();
console.log(`@gongjian/ledger, medians of ${ROUNDS} rounds (node ${process.version})`);
benchPost();
benchAllocate();
benchTrialBalance();
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
