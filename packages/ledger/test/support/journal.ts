/**
 * A tiny journal language for tests, so that a scenario reads like the books rather than like
 * object construction. It is Beancount-flavoured: a positive amount is a debit, a negative amount
 * a credit, and an entry is a dated header followed by indented postings.
 *
 *   open 1002.02.P-barrier
 *   2026-03-01 * "网格单位出资" key:unit-1 voucher:记-001
 *     1002.01              10000.00
 *     4101.01.U-school    -10000.00   ; a posting memo
 *   2026-03-05 hold h-barrier 1002.01 3000.00 ref:barrier expires:2026-06-01T00:00:00.000Z
 *   2026-03-10 settle h-barrier 3000.00 "拨付配套资金"
 *     1002.02.P-barrier     3000.00
 *     1002.01              -3000.00
 *   2026-03-20 release h-barrier
 *   2026-03-21 reverse 1 "录入错误"
 *   close 1002.02.P-barrier
 *
 * Every command is recorded at 09:00 UTC on its date plus one millisecond per command, so
 * recorded times are deterministic and increasing.
 */
import { Book, money, type BookOptions, type PostCommand, type Posting, type Result } from '../../src/index.js';

export type Directive =
  | { kind: 'entry'; date: string; command: PostCommand }
  | { kind: 'open'; code: string; zh: string | null }
  | { kind: 'close'; code: string }
  | {
      kind: 'hold';
      date: string;
      holdId: string;
      account: string;
      amount: string;
      reference: string | null;
      expiresAt: string | null;
    }
  | { kind: 'settle'; date: string; holdId: string; amount: string; command: PostCommand }
  | { kind: 'release'; date: string; holdId: string }
  | { kind: 'reverse'; date: string; entryId: string; memo: string };

const HEADER = /^(\d{4}-\d{2}-\d{2})\s+(\*|settle|hold|release|reverse)\s*(.*)$/;

function words(text: string): { quoted: string; options: Map<string, string>; rest: string[] } {
  const quoted = /"([^"]*)"/.exec(text)?.[1] ?? '';
  const bare = text
    .replace(/"[^"]*"/, '')
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  const options = new Map<string, string>();
  const rest: string[] = [];
  for (const word of bare) {
    const match = /^([a-z]+):(.+)$/.exec(word);
    if (match !== null && match[1] !== undefined && match[2] !== undefined) options.set(match[1], match[2]);
    else rest.push(word);
  }
  return { quoted, options, rest };
}

/** Parses indented posting lines: `account  amount  ; memo`, positive for a debit. */
export function postingsOf(lines: readonly string[]): Posting[] {
  return lines.map((line) => {
    const [body = '', memo] = line.split(';').map((part) => part.trim());
    const [account = '', amount = ''] = body.split(/\s+/);
    const negative = amount.startsWith('-');
    const posting: Posting = {
      account,
      side: negative ? 'credit' : 'debit',
      amount: money(negative ? amount.slice(1) : amount)
    };
    return memo === undefined || memo === '' ? posting : { ...posting, memo };
  });
}

function commandOf(date: string, head: ReturnType<typeof words>, lines: readonly string[]): PostCommand {
  const key = head.options.get('key');
  const voucher = head.options.get('voucher');
  const application = head.options.get('app');
  const references = {
    ...(voucher === undefined ? {} : { voucherNumber: voucher }),
    ...(application === undefined ? {} : { applicationId: application })
  };
  return {
    date,
    memo: head.quoted,
    postings: postingsOf(lines),
    ...(key === undefined ? {} : { idempotencyKey: key }),
    ...(Object.keys(references).length === 0 ? {} : { references })
  };
}

/** Parses journal text into directives. Indentation is free: a header is a dated or open/close line. */
export function parseJournal(text: string): Directive[] {
  const directives: Directive[] = [];
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const isHeader = (line: string): boolean => /^(\d{4}-\d{2}-\d{2}\s|open\s|close\s)/.test(line);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (!isHeader(line)) throw new Error(`A posting line without an entry: ${line}`);
    const body: string[] = [];
    while (index + 1 < lines.length && !isHeader(lines[index + 1] ?? '')) body.push(lines[++index] ?? '');
    directives.push(directiveOf(line, body));
  }
  return directives;
}

function directiveOf(line: string, body: readonly string[]): Directive {
  if (line.startsWith('open ')) {
    const head = words(line.slice(5));
    return { kind: 'open', code: head.rest[0] ?? '', zh: head.quoted === '' ? null : head.quoted };
  }
  if (line.startsWith('close ')) return { kind: 'close', code: line.slice(6).trim() };
  const match = HEADER.exec(line);
  if (match === null) throw new Error(`Cannot read journal line: ${line}`);
  const [, date = '', verb = '', restText = ''] = match;
  const head = words(restText);
  switch (verb) {
    case '*':
      return { kind: 'entry', date, command: commandOf(date, head, body) };
    case 'hold':
      return {
        kind: 'hold',
        date,
        holdId: head.rest[0] ?? '',
        account: head.rest[1] ?? '',
        amount: head.rest[2] ?? '',
        reference: head.options.get('ref') ?? null,
        expiresAt: head.options.get('expires') ?? null
      };
    case 'settle':
      return {
        kind: 'settle',
        date,
        holdId: head.rest[0] ?? '',
        amount: head.rest[1] ?? '',
        command: commandOf(date, head, body)
      };
    case 'release':
      return { kind: 'release', date, holdId: head.rest[0] ?? '' };
    default:
      return { kind: 'reverse', date, entryId: head.rest[0] ?? '', memo: head.quoted };
  }
}

/** Runs journal text against a book, one directive at a time, and returns every result. */
export class JournalRunner {
  readonly book: Book;
  #tick = 0;

  constructor(book: Book) {
    this.book = book;
  }

  recordedAt(date: string): string {
    this.#tick += 1;
    return `${date}T09:00:00.${String(this.#tick % 1000).padStart(3, '0')}Z`;
  }

  /** Runs every directive and returns the results in order, rejections included. */
  run(text: string): Result<unknown>[] {
    return parseJournal(text).map((directive) => this.apply(directive));
  }

  apply(directive: Directive): Result<unknown> {
    const book = this.book;
    switch (directive.kind) {
      case 'open':
        return book.open(
          directive.zh === null
            ? { code: directive.code }
            : { code: directive.code, name: { zh: directive.zh, en: directive.zh } }
        );
      case 'close':
        return book.close(directive.code);
      case 'entry':
        return book.post(directive.command, { recordedAt: this.recordedAt(directive.date) });
      case 'hold': {
        const command = { holdId: directive.holdId, account: directive.account, amount: money(directive.amount) };
        return book.hold(
          {
            ...command,
            ...(directive.reference === null ? {} : { reference: directive.reference }),
            ...(directive.expiresAt === null ? {} : { expiresAt: directive.expiresAt })
          },
          { recordedAt: this.recordedAt(directive.date) }
        );
      }
      case 'settle':
        return book.settle(
          { holdId: directive.holdId, amount: money(directive.amount), entry: directive.command },
          { recordedAt: this.recordedAt(directive.date) }
        );
      case 'release':
        return book.release({ holdId: directive.holdId }, { recordedAt: this.recordedAt(directive.date) });
      case 'reverse':
        return book.reverse(
          { entryId: directive.entryId, date: directive.date, memo: directive.memo },
          { recordedAt: this.recordedAt(directive.date) }
        );
    }
  }
}

/**
 * Creates a book for fund "test" and runs the journal against it; any rejection throws with its
 * code, because a fixture that does not apply is a broken test.
 */
export function books(text: string, options: Partial<BookOptions> = {}): Book {
  const runner = new JournalRunner(Book.create({ fundId: 'test', ...options }));
  for (const [index, result] of runner.run(text).entries()) {
    if (!result.ok) throw new Error(`Journal directive ${index + 1} was rejected: ${JSON.stringify(result)}`);
  }
  return runner.book;
}

/** Runs the journal and returns the last directive's result, which a test expects to inspect. */
export function lastResult(text: string): Result<unknown> {
  const runner = new JournalRunner(Book.create({ fundId: 'test' }));
  const results = runner.run(text);
  const last = results[results.length - 1];
  if (last === undefined) throw new Error('Empty journal.');
  for (const result of results.slice(0, -1)) {
    if (!result.ok) throw new Error(`A setup directive was rejected: ${JSON.stringify(result)}`);
  }
  return last;
}

/** Balances as a plain object of strings, for readable expectations. */
export function balancesOf(book: Book, codes: readonly string[]): Record<string, string> {
  return Object.fromEntries(codes.map((code) => [code, book.balance(code).toString()]));
}
