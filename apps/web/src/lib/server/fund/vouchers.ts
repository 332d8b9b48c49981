import { amountInWords, entryVoucherNumber, Money, money, voucherNumberOf } from '@gongjian/ledger';
import type { Sql } from '../db/client';

/**
 * The 记账凭证 (bookkeeping voucher) of any entry of a fund, as the office prints it for its
 * paper files: the voucher number, date, 摘要, each line with its account, the totals in figures
 * and in 大写, how many documents are attached, and who prepared it.
 */

// The voucher number's rule lives in the ledger (entryVoucherNumber); this name stays for the
// use cases that number a new entry's voucher.
export { voucherNumberOf };

export interface VoucherLine {
  accountCode: string;
  accountNameZh: string;
  accountNameEn: string;
  memo: string | null;
  /** Decimal strings; empty when the line is on the other side. */
  debit: string;
  credit: string;
}

export interface Voucher {
  seq: number;
  voucherNumber: string;
  date: string;
  memo: string;
  lines: VoucherLine[];
  debitTotal: string;
  creditTotal: string;
  /** The total in uppercase Chinese (人民币…), as a voucher writes it. */
  totalInWords: string;
  attachmentHashes: string[];
  /** Who recorded the entry (the event that posted it), or null when no event names anyone. */
  preparer: string | null;
  hash: string;
  reverses: boolean;
}

interface EntryRow {
  seq: string;
  id: string;
  date: string;
  memo: string;
  voucher_number: string | null;
  attachment_hashes: string[];
  hash: string;
  reverses: string | null;
}

interface LineRow {
  account_code: string;
  name_zh: string;
  name_en: string;
  side: 'debit' | 'credit';
  amount: string;
  memo: string | null;
}

export async function voucherOf(sql: Sql, input: { fundId: string; seq: number }): Promise<Voucher | null> {
  const [voucher] = await vouchersOf(sql, { fundId: input.fundId, seqs: [input.seq] });
  return voucher ?? null;
}

/**
 * The vouchers of several entries of a fund, in seq order, read with three queries whatever
 * their number (the auditor's package prints every voucher of a period). A seq the fund does
 * not have is left out.
 */
export async function vouchersOf(sql: Sql, input: { fundId: string; seqs: readonly number[] }): Promise<Voucher[]> {
  if (input.seqs.length === 0) return [];
  const seqs = input.seqs.map(String);
  const entries = await sql<EntryRow[]>`
    select e.seq::text as seq, e.id::text as id, to_char(e.effective_date, 'YYYY-MM-DD') as date, e.memo,
           e.voucher_number, e.attachment_hashes, e.hash, e.reverses::text as reverses
      from entries e where e.fund_id = ${input.fundId} and e.seq = any(${seqs}::bigint[])
     order by e.seq`;
  if (entries.length === 0) return [];
  const lines = await sql<(LineRow & { entry_seq: string })[]>`
    select p.entry_seq::text as entry_seq, p.account_code, a.name_zh, a.name_en, p.side, p.amount::text as amount,
           p.memo
      from postings p join accounts a on a.fund_id = p.fund_id and a.code = p.account_code
     where p.fund_id = ${input.fundId} and p.entry_seq = any(${seqs}::bigint[])
     order by p.entry_seq, p.line_no`;
  // Who prepared each voucher: the first event that posted its entry.
  const preparers = await sql<{ seq: string; display_name: string }[]>`
    select distinct on (e.seq) e.seq::text as seq, u.display_name
      from entries e
      join events ev on ev.fund_id = e.fund_id
       and ((ev.action = 'money.recorded' and ev.resource_type = 'entry' and ev.resource_id = e.id::text)
         -- A project's payments, payouts and expenses name their entry by its number.
         or (ev.action in ('project.self_raised', 'payout.paid', 'expense.recorded')
             and ev.detail->>'entrySeq' = e.seq::text))
      join users u on u.id = ev.actor_user_id
     where e.fund_id = ${input.fundId} and e.seq = any(${seqs}::bigint[])
     order by e.seq, ev.at`;
  const linesOf = new Map<string, LineRow[]>();
  for (const line of lines) {
    const list = linesOf.get(line.entry_seq);
    if (list === undefined) linesOf.set(line.entry_seq, [line]);
    else list.push(line);
  }
  const preparerOf = new Map(preparers.map((row) => [row.seq, row.display_name]));
  return entries.map((entry) => voucherOfRows(entry, linesOf.get(entry.seq) ?? [], preparerOf.get(entry.seq) ?? null));
}

function voucherOfRows(entry: EntryRow, lines: readonly LineRow[], preparer: string | null): Voucher {
  const sideTotal = (side: 'debit' | 'credit') =>
    Money.sum(lines.filter((line) => line.side === side).map((line) => money(line.amount)));
  const debitTotal = sideTotal('debit');
  const seq = Number(entry.seq);
  return {
    seq,
    voucherNumber: entryVoucherNumber({ seq, voucherNumber: entry.voucher_number }),
    date: entry.date,
    memo: entry.memo,
    lines: lines.map((line) => ({
      accountCode: line.account_code,
      accountNameZh: line.name_zh,
      accountNameEn: line.name_en,
      memo: line.memo,
      debit: line.side === 'debit' ? line.amount : '',
      credit: line.side === 'credit' ? line.amount : ''
    })),
    debitTotal: debitTotal.toString(),
    creditTotal: sideTotal('credit').toString(),
    totalInWords: amountInWords(debitTotal),
    attachmentHashes: entry.attachment_hashes,
    preparer,
    hash: entry.hash,
    reverses: entry.reverses !== null
  };
}
