/**
 * Closing entries (结账) for tests, shaped as the period close posts them: every income and expense
 * account's balance up to a day carried into net assets, restricted income into 3102 and the rest
 * into 3101, in one entry dated that day.
 */
import { Money, type Account, type Book, type Posting } from '../../src/index.js';

export function closingPostings(accounts: readonly Account[], balances: ReadonlyMap<string, Money>): Posting[] {
  const kinds = new Map(accounts.map((account) => [account.code, account]));
  const postings: Posting[] = [];
  let unrestricted = Money.zero();
  let restricted = Money.zero();
  for (const [code, balance] of balances) {
    const account = kinds.get(code);
    if (account === undefined || balance.isZero()) continue;
    if (account.kind !== 'income' && account.kind !== 'expense') continue;
    // Debits less credits; the closing posting takes the opposite side to bring it to zero.
    postings.push({ account: code, side: balance.isNegative() ? 'debit' : 'credit', amount: balance.abs() });
    if (account.kind === 'income' && account.restriction === 'restricted') restricted = restricted.minus(balance);
    else unrestricted = unrestricted.minus(balance);
  }
  for (const [code, amount] of [
    ['3101', unrestricted],
    ['3102', restricted]
  ] as const) {
    if (!amount.isZero())
      postings.push({ account: code, side: amount.isNegative() ? 'debit' : 'credit', amount: amount.abs() });
  }
  return postings;
}

/** Debits less credits per account over the book's entries dated on or before a day. */
export function balancesThrough(book: Book, day: string): Map<string, Money> {
  const balances = new Map<string, Money>();
  for (const entry of book.entries()) {
    if (entry.date > day) continue;
    for (const posting of entry.postings) {
      const signed = posting.side === 'debit' ? posting.amount : posting.amount.negated();
      balances.set(posting.account, (balances.get(posting.account) ?? Money.zero()).plus(signed));
    }
  }
  return balances;
}

/** Posts the closing entry of the books through `day` and answers its id (or null when nothing is open). */
export function closeThrough(book: Book, day: string): string | null {
  const postings = closingPostings(book.accounts(), balancesThrough(book, day));
  if (postings.length < 2) return null;
  const posted = book.post({ date: day, memo: `结账 ${day}`, postings }, { recordedAt: `${day}T23:59:59.000Z` });
  if (!posted.ok) throw new Error(`the closing entry was refused: ${posted.code}`);
  return posted.value.id;
}
