import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { recordEvent } from '../../platform/audit';
import { refuse, runCommand, type Failure } from '../../platform/command';
import { mappingFrom, type ColumnMapping } from './mapping';

/*
 * A fund's bank accounts, each tied to the ledger account that books it. The chart's bank
 * accounts are 1002.01 银行存款—基金池 and 1002.02 银行存款—项目资金; a fund may add others under
 * 1002 and tie a bank account to each.
 */

export interface BankAccountRow {
  id: string;
  fundId: string;
  name: string;
  accountCode: string;
  mapping: ColumnMapping | null;
  reconciledThrough: string | null;
}

interface Row {
  id: string;
  fund_id: string;
  name: string;
  account_code: string;
  mapping: unknown;
  reconciled_through: string | null;
}

function rowOf(row: Row): BankAccountRow {
  return {
    id: row.id,
    fundId: row.fund_id,
    name: row.name,
    accountCode: row.account_code,
    mapping: mappingFrom(row.mapping),
    reconciledThrough: row.reconciled_through
  };
}

const COLUMNS =
  "id::text, fund_id::text, name, account_code, mapping, to_char(reconciled_through, 'YYYY-MM-DD') as reconciled_through";

/** The fund's bank accounts, by ledger code. */
export async function bankAccountsOf(db: Sql | Transaction, fundId: string): Promise<BankAccountRow[]> {
  const rows = await db.unsafe<Row[]>(`select ${COLUMNS} from bank_accounts where fund_id = $1 order by account_code`, [
    fundId
  ]);
  return rows.map(rowOf);
}

/** One bank account of the fund, or null; `lock` takes its row lock, which orders every bank command on it. */
export async function bankAccountOf(
  db: Sql | Transaction,
  input: { fundId: string; bankAccountId: string; lock?: boolean }
): Promise<BankAccountRow | null> {
  const rows = await db.unsafe<Row[]>(
    `select ${COLUMNS} from bank_accounts where fund_id = $1 and id = $2${input.lock === true ? ' for update' : ''}`,
    [input.fundId, input.bankAccountId]
  );
  const row = rows[0];
  return row === undefined ? null : rowOf(row);
}

/** The bank account, locked, inside a command: a missing one refuses the command. */
export async function lockedBankAccountIn(
  transaction: Transaction,
  input: { fundId: string; bankAccountId: string }
): Promise<BankAccountRow> {
  const account = await bankAccountOf(transaction, { ...input, lock: true });
  if (account === null) refuse('bank_account_not_found');
  return account;
}

/** The ledger accounts a bank account may be tied to: the fund's open accounts under 1002. */
export async function bankLedgerAccountsOf(
  db: Sql | Transaction,
  fundId: string
): Promise<{ code: string; nameZh: string; nameEn: string; taken: boolean }[]> {
  const rows = await db<{ code: string; name_zh: string; name_en: string; taken: boolean }[]>`
    select a.code, a.name_zh, a.name_en,
           exists (select 1 from bank_accounts b where b.fund_id = a.fund_id and b.account_code = a.code) as taken
      from accounts a
     where a.fund_id = ${fundId} and a.code like '1002.%' and not a.closed
     order by a.code`;
  return rows.map((row) => ({ code: row.code, nameZh: row.name_zh, nameEn: row.name_en, taken: row.taken }));
}

export const BANK_ACCOUNT_NAME_LENGTH_MAX = 60;

export type AddAccountCode =
  | 'bank_account_name_is_required'
  | 'bank_account_name_must_be_short'
  | 'bank_ledger_account_must_be_a_bank_account'
  | 'bank_ledger_account_is_taken';

/**
 * Adds a bank account tied to a ledger account under 1002. The same form sent again (the same
 * ledger account and name) answers with the account it added the first time.
 */
export async function addBankAccount(
  sql: Sql,
  input: { actor: Actor; fundId: string; name: string; accountCode: string; now: Date }
): Promise<{ ok: true; id: string } | { ok: false; code: 'not_allowed' | AddAccountCode }> {
  if (!can(input.actor, 'bank.reconcile', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  const name = input.name.trim();
  if (name === '') return { ok: false, code: 'bank_account_name_is_required' };
  if (name.length > BANK_ACCOUNT_NAME_LENGTH_MAX) return { ok: false, code: 'bank_account_name_must_be_short' };
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<{ ok: true; id: string }, Failure<AddAccountCode>>(sql, async (transaction) => {
    await transaction`select id from funds where id = ${input.fundId} for update`;
    const ledger = await bankLedgerAccountsOf(transaction, input.fundId);
    if (!ledger.some((account) => account.code === input.accountCode))
      refuse('bank_ledger_account_must_be_a_bank_account');
    const [existing] = await transaction<{ id: string; name: string }[]>`
      select id::text, name from bank_accounts where fund_id = ${input.fundId} and account_code = ${input.accountCode}`;
    if (existing !== undefined) {
      if (existing.name === name) return { ok: true, id: existing.id };
      refuse('bank_ledger_account_is_taken');
    }
    const [added] = await transaction<{ id: string }[]>`
      insert into bank_accounts (fund_id, name, account_code)
      values (${input.fundId}, ${name}, ${input.accountCode}) returning id::text`;
    if (added === undefined) throw new Error('insert into bank_accounts returned no row');
    await recordEvent(transaction, {
      action: 'bank.account_added',
      outcome: 'ok',
      at: input.now,
      actorUserId,
      fundId: input.fundId,
      resourceType: 'bank_account',
      resourceId: added.id
    });
    return { ok: true, id: added.id };
  });
}
