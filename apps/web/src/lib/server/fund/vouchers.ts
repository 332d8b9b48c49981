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
  const [entry] = await sql<EntryRow[]>`
    select e.seq::text as seq, e.id::text as id, to_char(e.effective_date, 'YYYY-MM-DD') as date, e.memo,
           e.voucher_number, e.attachment_hashes, e.hash, e.reverses::text as reverses
      from entries e where e.fund_id = ${input.fundId} and e.seq = ${input.seq}`;
  if (entry === undefined) return null;
  const lines = await sql<LineRow[]>`
    select p.account_code, a.name_zh, a.name_en, p.side, p.amount::text as amount, p.memo
      from postings p join accounts a on a.fund_id = p.fund_id and a.code = p.account_code
     where p.fund_id = ${input.fundId} and p.entry_seq = ${input.seq}
     order by p.line_no`;
  const [preparer] = await sql<{ display_name: string }[]>`
    select u.display_name from events ev join users u on u.id = ev.actor_user_id
     where ev.fund_id = ${input.fundId}
       and ((ev.action = 'money.recorded' and ev.resource_type = 'entry' and ev.resource_id = ${entry.id})
         -- A project's payments, payouts and expenses name their entry by its number.
         or (ev.action in ('project.self_raised', 'payout.paid', 'expense.recorded')
             and ev.detail->>'entrySeq' = ${String(entry.seq)}))
     order by ev.at limit 1`;
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
    preparer: preparer?.display_name ?? null,
    hash: entry.hash,
    reverses: entry.reverses !== null
  };
}
