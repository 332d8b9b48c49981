import {
  chinaDateOf,
  decideReconciled,
  isDate,
  money,
  Money,
  reconciliationOf,
  type Reconciliation
} from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { recordEvent } from '../../platform/audit';
import { Refusal, refuse, runCommand, type Failure } from '../../platform/command';
import { bankAccountOf, lockedBankAccountIn, type BankAccountRow } from './accounts';

/*
 * The bank reconciliation statement (银行存款余额调节表) of one bank account for a date, read from
 * the books and the imported statement and computed by the ledger's reconciliationOf; and marking
 * the period through that date reconciled, which the public fund page shows as 对账至.
 *
 * An item is in transit on the date when it is on one side by the date and not on the other: a
 * line matched to a posting booked after the date is still "received by the bank, not booked" on it.
 */

export interface TransitItem {
  date: string;
  direction: 'in' | 'out';
  amount: string;
  text: string;
  /** The explanation of a bank line, when the office gave one. */
  note: string | null;
}

export interface ReconciliationView {
  account: BankAccountRow;
  date: string;
  figures: Reconciliation;
  bankOnly: TransitItem[];
  bookOnly: TransitItem[];
  linesUnresolved: number;
  lastLineDate: string | null;
}

export async function reconciliationAsOf(
  db: Sql | Transaction,
  input: { fundId: string; bankAccountId: string; date: string }
): Promise<ReconciliationView | null> {
  const account = await bankAccountOf(db, input);
  if (account === null) return null;
  return reconciliationOfAccount(db, { account, date: input.date });
}

async function reconciliationOfAccount(
  db: Sql | Transaction,
  input: { account: BankAccountRow; date: string }
): Promise<ReconciliationView> {
  const { account, date } = input;
  const [book] = await db<{ balance: string }[]>`
    select coalesce(sum(case when p.side = 'debit' then p.amount else -p.amount end), 0)::text as balance
      from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.fund_id = ${account.fundId} and p.account_code = ${account.accountCode} and e.effective_date <= ${date}`;
  const [bank] = await db<{ balance: string | null; unresolved: number; last: string | null }[]>`
    select (select case when l.line_date <= ${date} then l.balance
                        else l.balance - case when l.direction = 'in' then l.amount else -l.amount end end
              from bank_lines l where l.bank_account_id = ${account.id}
             order by (l.line_date <= ${date}) desc,
                      case when l.line_date <= ${date} then l.line_date end desc nulls last,
                      case when l.line_date <= ${date} then -l.id else l.id end, l.line_date
             limit 1)::text as balance,
           (select count(*)::int from bank_lines l
             where l.bank_account_id = ${account.id} and l.line_date <= ${date}
               and not exists (select 1 from bank_matches m where m.line_id = l.id)
               and not exists (select 1 from bank_explanations x where x.line_id = l.id)) as unresolved,
           (select to_char(max(l.line_date), 'YYYY-MM-DD') from bank_lines l
             where l.bank_account_id = ${account.id}) as last`;
  const bankOnly = await bankOnlyOf(db, input);
  const bookOnly = await bookOnlyOf(db, input);
  const item = (row: TransitItem) => ({ direction: row.direction, amount: money(row.amount) });
  const figures = reconciliationOf({
    bookBalance: money(book?.balance ?? '0'),
    bankBalance: bank?.balance === null || bank === undefined ? Money.zero() : money(bank.balance),
    bankOnly: bankOnly.map(item),
    bookOnly: bookOnly.map(item)
  });
  return {
    account,
    date,
    figures,
    bankOnly,
    bookOnly,
    linesUnresolved: bank?.unresolved ?? 0,
    lastLineDate: bank?.last ?? null
  };
}

function bankOnlyOf(db: Sql | Transaction, input: { account: BankAccountRow; date: string }) {
  return db<TransitItem[]>`
    select to_char(l.line_date, 'YYYY-MM-DD') as date, l.direction, l.amount::text,
           trim(l.counterparty || ' ' || l.description) as text, x.note
      from bank_lines l
      left join bank_matches m on m.line_id = l.id
      left join entries e on e.fund_id = m.fund_id and e.seq = m.entry_seq
      left join bank_explanations x on x.line_id = l.id
     where l.bank_account_id = ${input.account.id} and l.line_date <= ${input.date}
       and (m.line_id is null or e.effective_date > ${input.date})
     order by l.line_date, l.id`;
}

function bookOnlyOf(db: Sql | Transaction, input: { account: BankAccountRow; date: string }) {
  return db<TransitItem[]>`
    select to_char(e.effective_date, 'YYYY-MM-DD') as date,
           case when p.side = 'debit' then 'in' else 'out' end as direction, p.amount::text,
           coalesce(e.voucher_number || ' ', '') || e.memo as text, null as note
      from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.fund_id = ${input.account.fundId} and p.account_code = ${input.account.accountCode}
       and e.effective_date <= ${input.date}
       and not exists (select 1 from bank_matches m join bank_lines l on l.id = m.line_id
                        where m.fund_id = p.fund_id and m.entry_seq = p.entry_seq and m.line_no = p.line_no
                          and l.line_date <= ${input.date})
     order by e.effective_date, p.entry_seq, p.line_no`;
}

export type ReconcileCode =
  | 'bank_account_not_found'
  | 'bank_date_must_be_a_date'
  | 'bank_period_is_already_reconciled'
  | 'bank_statement_does_not_reach_the_date'
  | 'bank_lines_must_be_matched_or_explained'
  | 'bank_adjusted_balances_must_agree';

export type ReconcileResult =
  | { ok: true; replayed: boolean }
  | { ok: false; code: 'not_allowed' }
  | { ok: false; code: ReconcileCode; lines?: number; difference?: string };

/**
 * Marks the account reconciled through the date: every line up to it matched or explained, and
 * the two adjusted balances agree. Marking the same date again answers as the first time.
 */
export async function markReconciled(
  sql: Sql,
  input: { actor: Actor; fundId: string; bankAccountId: string; date: string; now: Date }
): Promise<ReconcileResult> {
  if (!can(input.actor, 'bank.reconcile', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  if (!isDate(input.date)) return { ok: false, code: 'bank_date_must_be_a_date' };
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<{ ok: true; replayed: boolean }, Failure<ReconcileCode>>(sql, (transaction) =>
    markReconciledIn(transaction, { ...input, actorUserId })
  );
}

export async function markReconciledIn(
  transaction: Transaction,
  input: { fundId: string; bankAccountId: string; date: string; now: Date; actorUserId: string | null }
): Promise<{ ok: true; replayed: boolean }> {
  const account = await lockedBankAccountIn(transaction, input);
  if (account.reconciledThrough === input.date) return { ok: true, replayed: true };
  if (account.reconciledThrough !== null && input.date < account.reconciledThrough) {
    refuse('bank_period_is_already_reconciled');
  }
  const view = await reconciliationOfAccount(transaction, { account, date: input.date });
  // A statement covers its period to the end even when its last line is earlier, so the date may
  // pass the last line; but no statement reaches a day that has not come yet.
  if (view.lastLineDate === null || input.date > chinaDateOf(input.now)) {
    refuse('bank_statement_does_not_reach_the_date');
  }
  const decision = decideReconciled({ reconciliation: view.figures, linesUnresolved: view.linesUnresolved });
  if (!decision.ok) {
    const { code, lines, difference } = decision as { code: ReconcileCode; lines?: number; difference?: string };
    throw new Refusal({
      ok: false,
      code,
      ...(lines === undefined ? {} : { lines }),
      ...(difference === undefined ? {} : { difference })
    });
  }
  await transaction`update bank_accounts set reconciled_through = ${input.date} where id = ${account.id}`;
  await recordEvent(transaction, {
    action: 'bank.reconciled',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    resourceType: 'bank_account',
    resourceId: account.id,
    detail: { reason: input.date }
  });
  return { ok: true, replayed: false };
}
