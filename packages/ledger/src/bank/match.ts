import type { Money } from '../money/money.js';
import type { BankDirection } from './lines.js';

/*
 * The automatic matcher: one bank line with one posting on the bank account's ledger code. A pair
 * must have the same amount and direction (a debit to the bank account is money in) and dates at
 * most `windowDays` apart, because a transfer may reach the bank a few days after the office
 * booked it, or before. Among the pairs that qualify, the closer dates win, then the more similar
 * counterparty, then the smaller ids, so the result never depends on the input's order. Nothing
 * is matched twice.
 */

/** Three days covers a weekend between the booking and the bank's value date. */
export const BANK_MATCH_WINDOW_DAYS = 3;

export interface BankMatchItem {
  readonly id: string;
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly direction: BankDirection;
  readonly amount: Money;
  /** The counterparty as the bank names it, or the posting's memo and payer. */
  readonly counterparty: string;
}

export interface BankMatchInput {
  readonly lines: readonly BankMatchItem[];
  readonly postings: readonly BankMatchItem[];
  readonly windowDays?: number;
}

export interface BankMatchPair {
  readonly lineId: string;
  readonly postingId: string;
}

interface Candidate {
  readonly line: BankMatchItem;
  readonly posting: BankMatchItem;
  readonly days: number;
  readonly similarity: number;
}

/** Matches lines to postings; each line and each posting appears in at most one pair. */
export function matchBankLines(input: BankMatchInput): BankMatchPair[] {
  const windowDays = input.windowDays ?? BANK_MATCH_WINDOW_DAYS;
  const postingsByKey = new Map<string, BankMatchItem[]>();
  for (const posting of input.postings) {
    const key = keyOf(posting);
    const group = postingsByKey.get(key);
    if (group === undefined) postingsByKey.set(key, [posting]);
    else group.push(posting);
  }
  // Each name is normalised once, not once per candidate pair: an import matches thousands.
  const names = new Map<string, Name>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      name = nameFrom(text);
      names.set(text, name);
    }
    return name;
  };
  const candidates: Candidate[] = [];
  for (const line of input.lines) {
    const lineDay = dayNumberOf(line.date);
    for (const posting of postingsByKey.get(keyOf(line)) ?? []) {
      const days = Math.abs(dayNumberOf(posting.date) - lineDay);
      if (days > windowDays) continue;
      const similarity = similarityOfNames(nameOf(line.counterparty), nameOf(posting.counterparty));
      candidates.push({ line, posting, days, similarity });
    }
  }
  candidates.sort(byPreference);
  const linesTaken = new Set<string>();
  const postingsTaken = new Set<string>();
  const pairs: BankMatchPair[] = [];
  for (const { line, posting } of candidates) {
    if (linesTaken.has(line.id) || postingsTaken.has(posting.id)) continue;
    linesTaken.add(line.id);
    postingsTaken.add(posting.id);
    pairs.push({ lineId: line.id, postingId: posting.id });
  }
  return pairs.sort((first, second) => compareText(first.lineId, second.lineId));
}

function keyOf(item: BankMatchItem): string {
  return `${item.direction}:${item.amount.toString()}`;
}

function byPreference(first: Candidate, second: Candidate): number {
  return (
    first.days - second.days ||
    second.similarity - first.similarity ||
    compareText(first.line.id, second.line.id) ||
    compareText(first.posting.id, second.posting.id)
  );
}

/** Plain code-unit order, the same in every locale, so the tie-break is deterministic. */
function compareText(first: string, second: string): number {
  if (first === second) return 0;
  return first < second ? -1 : 1;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayNumberOf(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

/**
 * How alike two counterparty names are, from 0 to 1: the Dice coefficient of their character
 * pairs, after dropping spaces and punctuation (banks write 有限公司 with and without brackets,
 * and cut long names). A name contained in the other counts as alike as can be.
 */
export function counterpartySimilarity(first: string, second: string): number {
  return similarityOfNames(nameFrom(first), nameFrom(second));
}

interface Name {
  readonly text: string;
  readonly length: number;
  readonly pairs: ReadonlyMap<string, number>;
}

function nameFrom(text: string): Name {
  const normal = normalised(text);
  return { text: normal, length: [...normal].length, pairs: pairsOf(normal) };
}

function similarityOfNames(left: Name, right: Name): number {
  if (left.text === '' || right.text === '') return 0;
  if (left.text.includes(right.text) || right.text.includes(left.text)) return 1;
  let shared = 0;
  for (const [pair, count] of left.pairs) shared += Math.min(count, right.pairs.get(pair) ?? 0);
  const total = Math.max(left.length - 1, 1) + Math.max(right.length - 1, 1);
  return (2 * shared) / total;
}

function normalised(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

function pairsOf(text: string): Map<string, number> {
  const pairs = new Map<string, number>();
  const characters = [...text];
  if (characters.length === 1) pairs.set(text, 1);
  for (let index = 0; index + 1 < characters.length; index += 1) {
    const pair = `${characters[index] ?? ''}${characters[index + 1] ?? ''}`;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  return pairs;
}
