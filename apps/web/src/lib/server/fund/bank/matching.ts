import { matchBankLines, money, type BankMatchItem } from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { recordEvent, type EventAction } from '../../platform/audit';
import { refuse, runCommand, type Failure } from '../../platform/command';
import { lockedBankAccountIn, type BankAccountRow } from './accounts';

/*
 * How each bank line is accounted for: matched to one posting on the bank account's ledger code
 * (automatically by the ledger's matcher, or by hand), or explained with a note. A line in a
 * reconciled period keeps its match or explanation (the database refuses to change it too).
 */

export const EXPLANATION_LENGTH_MAX = 200;

/** A posting as the page and the use cases name it: "entry seq:line no". */
export function postingKey(seq: string | number, lineNo: string | number): string {
  return `${String(seq)}:${String(lineNo)}`;
}

const POSTING_KEY = /^([1-9][0-9]{0,15}):([1-9][0-9]{0,4})$/;

/** Matches every unmatched, unexplained line of the account to an unmatched posting it fits. */
export async function autoMatchIn(
  transaction: Transaction,
  input: { fundId: string; account: BankAccountRow; now: Date; actorUserId: string | null; by: 'auto' }
): Promise<number> {
  const lines = await transaction<
    { id: string; date: string; direction: 'in' | 'out'; amount: string; counterparty: string }[]
  >`
    select l.id::text, to_char(l.line_date, 'YYYY-MM-DD') as date, l.direction, l.amount::text,
           l.counterparty || ' ' || l.description as counterparty
      from bank_lines l
     where l.bank_account_id = ${input.account.id}
       and not exists (select 1 from bank_matches m where m.line_id = l.id)
       and not exists (select 1 from bank_explanations x where x.line_id = l.id)`;
  if (lines.length === 0) return 0;
  const postings = await unmatchedPostingsIn(transaction, input);
  const item = (row: { id: string; date: string; direction: 'in' | 'out'; amount: string; counterparty: string }) =>
    ({ ...row, amount: money(row.amount) }) satisfies BankMatchItem;
  const pairs = matchBankLines({ lines: lines.map(item), postings: postings.map(item) });
  if (pairs.length === 0) return 0;
  const seqs = pairs.map((pair) => pair.postingId.split(':')[0] ?? '');
  const lineNos = pairs.map((pair) => pair.postingId.split(':')[1] ?? '');
  await transaction`
    insert into bank_matches (line_id, fund_id, entry_seq, line_no, matched_by, matched_at, matched_by_user)
    select u.line_id, ${input.fundId}::bigint, u.entry_seq, u.line_no, 'auto', ${input.now}, ${input.actorUserId}::bigint
      from unnest(${pairs.map((pair) => pair.lineId)}::bigint[], ${seqs}::bigint[], ${lineNos}::int[])
           as u(line_id, entry_seq, line_no)`;
  return pairs.length;
}

/** The postings on the account's ledger code that no bank line is matched to. */
async function unmatchedPostingsIn(
  db: Sql | Transaction,
  input: { fundId: string; account: Pick<BankAccountRow, 'accountCode'> }
) {
  return db<{ id: string; date: string; direction: 'in' | 'out'; amount: string; counterparty: string }[]>`
    select p.entry_seq::text || ':' || p.line_no::text as id, to_char(e.effective_date, 'YYYY-MM-DD') as date,
           case when p.side = 'debit' then 'in' else 'out' end as direction, p.amount::text,
           e.memo || ' ' || coalesce(p.memo, '') as counterparty
      from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.fund_id = ${input.fundId} and p.account_code = ${input.account.accountCode}
       and not exists (select 1 from bank_matches m
                        where m.fund_id = p.fund_id and m.entry_seq = p.entry_seq and m.line_no = p.line_no)
     order by e.effective_date, p.entry_seq, p.line_no`;
}

export type LineCode =
  | 'bank_account_not_found'
  | 'bank_line_not_found'
  | 'bank_posting_not_found'
  | 'bank_line_is_matched_or_explained'
  | 'bank_posting_is_already_matched'
  | 'bank_posting_must_fit_the_line'
  | 'bank_line_is_in_a_reconciled_period'
  | 'bank_explanation_is_required'
  | 'bank_explanation_must_be_short';

export type LineResult = { ok: true } | { ok: false; code: 'not_allowed' } | { ok: false; code: LineCode };

interface LineCommand {
  actor: Actor;
  fundId: string;
  bankAccountId: string;
  lineId: string;
  now: Date;
}

export type LineAction =
  { kind: 'match'; posting: string } | { kind: 'explain'; note: string } | { kind: 'unmatch' } | { kind: 'unexplain' };

const EVENT_OF: Record<LineAction['kind'], EventAction> = {
  match: 'bank.matched',
  explain: 'bank.explained',
  unmatch: 'bank.unmatched',
  unexplain: 'bank.unexplained'
};

/**
 * Matches a line by hand, explains it, or undoes either. Sending the same form again answers as
 * the first time did: a line already matched to that posting, or explained with that note, is
 * left as it is.
 */
export async function actOnLine(sql: Sql, input: LineCommand & LineAction): Promise<LineResult> {
  if (!can(input.actor, 'bank.reconcile', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<{ ok: true }, Failure<LineCode>>(sql, async (transaction) => {
    const account = await lockedBankAccountIn(transaction, input);
    const line = await lineIn(transaction, { account, lineId: input.lineId });
    const changed = await applyIn(transaction, { ...input, account, line, actorUserId });
    if (changed) {
      await recordEvent(transaction, {
        action: EVENT_OF[input.kind],
        outcome: 'ok',
        at: input.now,
        actorUserId,
        fundId: input.fundId,
        resourceType: 'bank_line',
        resourceId: line.id
      });
    }
    return { ok: true };
  });
}

interface LineState {
  id: string;
  date: string;
  direction: 'in' | 'out';
  amount: string;
  posting: string | null;
  note: string | null;
}

async function lineIn(
  transaction: Transaction,
  input: { account: BankAccountRow; lineId: string }
): Promise<LineState> {
  const [line] = await transaction<LineState[]>`
    select l.id::text, to_char(l.line_date, 'YYYY-MM-DD') as date, l.direction, l.amount::text,
           m.entry_seq::text || ':' || m.line_no::text as posting, x.note
      from bank_lines l
      left join bank_matches m on m.line_id = l.id
      left join bank_explanations x on x.line_id = l.id
     where l.bank_account_id = ${input.account.id} and l.id = ${input.lineId}`;
  if (line === undefined) refuse('bank_line_not_found');
  const reconciled = input.account.reconciledThrough;
  if (reconciled !== null && line.date <= reconciled) refuse('bank_line_is_in_a_reconciled_period');
  return line;
}

/** Applies the action; false when the line already was as asked (a form sent twice). */
async function applyIn(
  transaction: Transaction,
  input: LineCommand & LineAction & { account: BankAccountRow; line: LineState; actorUserId: string | null }
): Promise<boolean> {
  const { line } = input;
  switch (input.kind) {
    case 'match':
      if (line.posting === input.posting) return false;
      if (line.posting !== null || line.note !== null) refuse('bank_line_is_matched_or_explained');
      await matchByHandIn(transaction, { ...input, posting: input.posting });
      return true;
    case 'explain': {
      const note = input.note.trim();
      if (note === '') refuse('bank_explanation_is_required');
      if (note.length > EXPLANATION_LENGTH_MAX) refuse('bank_explanation_must_be_short');
      if (line.note === note) return false;
      if (line.posting !== null || line.note !== null) refuse('bank_line_is_matched_or_explained');
      await transaction`
        insert into bank_explanations (line_id, fund_id, note, explained_at, explained_by)
        values (${line.id}, ${input.fundId}, ${note}, ${input.now}, ${input.actorUserId})`;
      return true;
    }
    case 'unmatch':
      return (await transaction`delete from bank_matches where line_id = ${line.id}`).count > 0;
    case 'unexplain':
      return (await transaction`delete from bank_explanations where line_id = ${line.id}`).count > 0;
  }
}

async function matchByHandIn(
  transaction: Transaction,
  input: {
    fundId: string;
    account: BankAccountRow;
    line: LineState;
    posting: string;
    now: Date;
    actorUserId: string | null;
  }
): Promise<void> {
  const key = POSTING_KEY.exec(input.posting);
  if (key === null) refuse('bank_posting_not_found');
  const [posting] = await transaction<{ account_code: string; side: string; amount: string; matched: boolean }[]>`
    select p.account_code, p.side, p.amount::text,
           exists (select 1 from bank_matches m where m.fund_id = p.fund_id and m.entry_seq = p.entry_seq
                                                 and m.line_no = p.line_no) as matched
      from postings p
     where p.fund_id = ${input.fundId} and p.entry_seq = ${key[1] ?? ''} and p.line_no = ${key[2] ?? ''}`;
  if (posting === undefined || posting.account_code !== input.account.accountCode) refuse('bank_posting_not_found');
  if (posting.matched) refuse('bank_posting_is_already_matched');
  const fits =
    money(posting.amount).equals(money(input.line.amount)) &&
    (posting.side === 'debit') === (input.line.direction === 'in');
  if (!fits) refuse('bank_posting_must_fit_the_line');
  await transaction`
    insert into bank_matches (line_id, fund_id, entry_seq, line_no, matched_by, matched_at, matched_by_user)
    values (${input.line.id}, ${input.fundId}, ${key[1] ?? ''}, ${key[2] ?? ''}, 'hand', ${input.now}, ${input.actorUserId})`;
}

/** Runs the automatic matcher again, after the office booked what was missing. */
export async function matchAgain(
  sql: Sql,
  input: { actor: Actor; fundId: string; bankAccountId: string; now: Date }
): Promise<{ ok: true; matched: number } | { ok: false; code: 'not_allowed' | 'bank_account_not_found' }> {
  if (!can(input.actor, 'bank.reconcile', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<{ ok: true; matched: number }, Failure<'bank_account_not_found'>>(sql, async (transaction) => {
    const account = await lockedBankAccountIn(transaction, input);
    const matched = await autoMatchIn(transaction, { ...input, account, actorUserId, by: 'auto' });
    return { ok: true, matched };
  });
}

export { unmatchedPostingsIn };
