/**
 * Compile-time tests: each line below marked @ts-expect-error must fail to type-check, which
 * proves that misuse of Money does not compile. `tsc -p tsconfig.json` from the repository root
 * checks this file; if a marked line ever compiles, tsc reports the unused directive.
 */
import { Book, Money, money, type Posting } from '../index.js';

// @ts-expect-error A JS number is never an amount: amounts are strings or bigint minor units.
money(5000);

// @ts-expect-error Minor units are a bigint, not a number.
Money.fromMinor(500000);

// @ts-expect-error Money has no public constructor.
new Money();

// @ts-expect-error Arithmetic takes Money, not numbers.
money('1').plus(1);

// @ts-expect-error A look-alike object is not Money: the private field makes the type nominal.
const fake: Money = { currency: { code: 'CNY', scale: 2 }, toString: () => '1.00' };

// @ts-expect-error A posting's amount must be Money, not a string.
const posting: Posting = { account: '1002.01', side: 'debit', amount: '5000.00' };

// @ts-expect-error The side is debit or credit, nothing else.
const sideless: Posting = { account: '1002.01', side: 'in', amount: money('1') };

// @ts-expect-error The book takes its time as an input; it never reads a clock.
Book.create({ fundId: 'f' }).post({ date: '2026-03-01', postings: [] }, {});

export const used = [fake, posting, sideless];
