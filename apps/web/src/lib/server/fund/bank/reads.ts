import type { Sql } from '../../db/client';
import { bankAccountOf, bankAccountsOf, type BankAccountRow } from './accounts';
import { unmatchedPostingsIn } from './matching';

/*
 * What the bank pages show: each account with where its statement stands, and one month of an
 * account's lines (or every line still to account for, OPEN_LINES, which is where the page opens
 * while there are any; a statement's lines may fall in two months)
 * account's lines with their matches, explanations and, for a line not yet accounted for, the
 * postings that could be its match.
 */

export interface BankAccountSummary extends BankAccountRow {
  lines: number;
  unresolved: number;
  firstDate: string | null;
  lastDate: string | null;
}

export async function bankOverview(db: Sql, fundId: string): Promise<BankAccountSummary[]> {
  const accounts = await bankAccountsOf(db, fundId);
  const counts = await db<
    { id: string; lines: number; unresolved: number; first: string | null; last: string | null }[]
  >`
    select a.id::text,
           count(l.id)::int as lines,
           count(l.id) filter (where m.line_id is null and x.line_id is null)::int as unresolved,
           to_char(min(l.line_date), 'YYYY-MM-DD') as first, to_char(max(l.line_date), 'YYYY-MM-DD') as last
      from bank_accounts a
      left join bank_lines l on l.bank_account_id = a.id
      left join bank_matches m on m.line_id = l.id
      left join bank_explanations x on x.line_id = l.id
     where a.fund_id = ${fundId}
     group by a.id`;
  const byId = new Map(counts.map((row) => [row.id, row]));
  return accounts.map((account) => {
    const row = byId.get(account.id);
    return {
      ...account,
      lines: row?.lines ?? 0,
      unresolved: row?.unresolved ?? 0,
      firstDate: row?.first ?? null,
      lastDate: row?.last ?? null
    };
  });
}

export interface PostingChoice {
  key: string;
  date: string;
  text: string;
}

export interface LineView {
  id: string;
  row: number;
  date: string;
  direction: 'in' | 'out';
  amount: string;
  balance: string;
  counterparty: string;
  description: string;
  serial: string;
  match: { key: string; seq: string; date: string; memo: string; by: 'auto' | 'hand' } | null;
  note: string | null;
  /** For a line not accounted for: unmatched postings of the same amount and direction. */
  choices: PostingChoice[];
}

type LineRow = Omit<LineView, 'match' | 'choices'> & {
  key: string | null;
  seq: string | null;
  posting_date: string | null;
  memo: string | null;
  by: 'auto' | 'hand' | null;
};

/** The month parameter of the lines still to account for, across months. */
export const OPEN_LINES = 'open';

/** Lines on one page: a month of a busy account, or the first of many open lines. */
const LINES_SHOWN_MAX = 1000;

/** Postings offered for one line; a longer list would be a list of strangers. */
const CHOICES_MAX = 20;

export async function bankLinesOf(
  db: Sql,
  input: { fundId: string; bankAccountId: string; month: string | null }
): Promise<{
  account: BankAccountRow;
  month: string | null;
  months: string[];
  openLines: number;
  lines: LineView[];
} | null> {
  const account = await bankAccountOf(db, input);
  if (account === null) return null;
  const monthRows = await db<{ month: string }[]>`
    select distinct to_char(line_date, 'YYYY-MM') as month from bank_lines
     where bank_account_id = ${account.id} order by month desc`;
  const months = monthRows.map((row) => row.month);
  const [openRow] = await db<{ count: number }[]>`
    select count(*)::int as count from bank_lines l
     where l.bank_account_id = ${account.id}
       and not exists (select 1 from bank_matches m where m.line_id = l.id)
       and not exists (select 1 from bank_explanations x where x.line_id = l.id)`;
  const openLines = openRow?.count ?? 0;
  const asked =
    input.month === OPEN_LINES || (input.month !== null && months.includes(input.month)) ? input.month : null;
  const month = asked ?? (openLines > 0 ? OPEN_LINES : (months[0] ?? null));
  if (month === null) return { account, month, months, openLines, lines: [] };
  const which =
    month === OPEN_LINES
      ? db`and m.line_id is null and x.line_id is null`
      : db`and to_char(l.line_date, 'YYYY-MM') = ${month}`;
  const rows = await db<LineRow[]>`
    select l.id::text, l.row_number as row, to_char(l.line_date, 'YYYY-MM-DD') as date, l.direction,
           l.amount::text, l.balance::text, l.counterparty, l.description, l.serial, x.note,
           m.entry_seq::text || ':' || m.line_no::text as key, m.entry_seq::text as seq,
           to_char(e.effective_date, 'YYYY-MM-DD') as posting_date, e.memo, m.matched_by as by
      from bank_lines l
      left join bank_matches m on m.line_id = l.id
      left join entries e on e.fund_id = m.fund_id and e.seq = m.entry_seq
      left join bank_explanations x on x.line_id = l.id
     where l.bank_account_id = ${account.id} ${which}
     order by l.line_date, l.id
     limit ${LINES_SHOWN_MAX}`;
  const open = rows.some((row) => row.key === null && row.note === null);
  const postings = open ? await unmatchedPostingsIn(db, { fundId: input.fundId, account }) : [];
  const lines = rows.map((row) => lineViewOf(row, postings));
  return { account, month, months, openLines, lines };
}

/** A line as the page shows it, with the unmatched postings that could be its match. */
function lineViewOf(
  row: LineRow,
  postings: readonly { id: string; date: string; direction: string; amount: string; counterparty: string }[]
): LineView {
  const match =
    row.key === null
      ? null
      : {
          key: row.key,
          seq: row.seq ?? '',
          date: row.posting_date ?? '',
          memo: row.memo ?? '',
          by: row.by ?? 'auto'
        };
  const choices =
    match !== null || row.note !== null
      ? []
      : postings
          .filter((posting) => posting.amount === row.amount && posting.direction === row.direction)
          .slice(0, CHOICES_MAX)
          .map((posting) => ({ key: posting.id, date: posting.date, text: posting.counterparty.trim() }));
  return {
    id: row.id,
    row: row.row,
    date: row.date,
    direction: row.direction,
    amount: row.amount,
    balance: row.balance,
    counterparty: row.counterparty,
    description: row.description,
    serial: row.serial,
    note: row.note,
    match,
    choices
  };
}
