import { Money, chinaDateOf, money } from '@gongjian/ledger';
import iconv from 'iconv-lite';
import type { Transaction } from '../db/client';
import { importStatementIn } from '../fund/bank/import';
import { markReconciledIn } from '../fund/bank/reconciliation';
import { readStatementFile } from '../fund/bank/statement-file';

/*
 * The demo's reconciled month: a bank account for the pool (1002.01), and the statement a bank
 * would send for it, built from the pool's own postings (the demo's entries are dated relative to
 * the day it was seeded). The statement is a GBK CSV with the bank's title lines above its header,
 * as Chinese banks export them; it is imported through the real import, every line is matched
 * automatically, and the account is reconciled through the end of the last month that has lines
 * (or its last day with lines, when all of them fall in the current month), so the public fund
 * page shows 对账至.
 */

interface PoolPosting {
  date: string;
  side: 'debit' | 'credit';
  amount: string;
  memo: string;
}

export async function seedDemoBank(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [account] = await transaction<{ id: string }[]>`
    insert into bank_accounts (fund_id, name, account_code)
    values (${fundId}, '基金池 · 农行基本户', '1002.01') returning id::text`;
  if (account === undefined) throw new Error('The demo bank account was not added.');
  const postings = await transaction<PoolPosting[]>`
    select to_char(e.effective_date, 'YYYY-MM-DD') as date, p.side, p.amount::text, e.memo
      from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.fund_id = ${fundId} and p.account_code = '1002.01' and e.effective_date <= ${chinaDateOf(now)}
     order by e.effective_date, p.entry_seq, p.line_no`;
  const last = postings[postings.length - 1];
  if (last === undefined) return;
  const through = reconciledThroughOf(
    postings.map((posting) => posting.date),
    chinaDateOf(now)
  );
  const lines = postings.filter((posting) => posting.date <= through);
  const file = await readStatementFile(statementOf(lines, through));
  if (!file.ok) throw new Error(`The demo statement was refused: ${file.code}`);
  await importStatementIn(transaction, {
    fundId,
    bankAccountId: account.id,
    bytes: statementOf(lines, through),
    rows: file.rows,
    fileName: `农行对账单-${through.slice(0, 7)}.csv`,
    mapping: {},
    now,
    actorUserId: null
  });
  await markReconciledIn(transaction, { fundId, bankAccountId: account.id, date: through, now, actorUserId: null });
}

/** The end of the last month before this one that has lines, or the last day with lines. */
function reconciledThroughOf(dates: readonly string[], today: string): string {
  const thisMonth = today.slice(0, 7);
  const earlier = dates.filter((date) => date.slice(0, 7) < thisMonth);
  const lastEarlier = earlier[earlier.length - 1];
  if (lastEarlier === undefined) return dates[dates.length - 1] ?? today;
  const [year = 0, month = 0] = lastEarlier.split('-').map(Number);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${lastEarlier.slice(0, 7)}-${String(lastDay).padStart(2, '0')}`;
}

/** The bank's statement of the pool's postings, in GBK with its title lines, as a bank exports it. */
function statementOf(postings: readonly PoolPosting[], through: string): Uint8Array {
  let balance = Money.zero();
  const rows = postings.map((posting, index) => {
    const amount = money(posting.amount);
    balance = posting.side === 'debit' ? balance.plus(amount) : balance.minus(amount);
    const [debit, credit] = posting.side === 'debit' ? ['', amount.toString()] : [amount.toString(), ''];
    const counterparty = posting.memo.replaceAll(/[",\r\n]/g, ' ').slice(0, 60);
    return [
      posting.date,
      '转账',
      counterparty,
      debit,
      credit,
      balance.toString(),
      `DEMO${String(index + 1).padStart(6, '0')}`
    ].join(',');
  });
  const text = [
    '中国农业银行 账户交易明细',
    '户名：桂花井社区共建基金,账号：6228 **** **** 0101',
    `起止日期：${postings[0]?.date ?? through} 至 ${through}`,
    '交易日期,摘要,对方户名,借方发生额,贷方发生额,余额,流水号',
    ...rows
  ].join('\r\n');
  return Uint8Array.from(iconv.encode(`${text}\r\n`, 'gbk'));
}
