import { createHash } from 'node:crypto';
import {
  bankLineFingerprints,
  checkBankBalances,
  parseBankLine,
  type BankCells,
  type BankLine
} from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { recordEvent } from '../../platform/audit';
import { Refusal, refuse, runCommand, type Failure } from '../../platform/command';
import { lockedBankAccountIn } from './accounts';
import { autoMatchIn } from './matching';
import { guessMapping, locateHeader, type ColumnMapping, type Located, type MappingField } from './mapping';
import { readStatementFile, type Rows, type StatementFileCode } from './statement-file';

/*
 * Importing a bank statement: the whole file in one transaction, or nothing. The file is read and
 * checked (size, lines, encoding, columns, each line, the running balance) before anything is
 * written; the same file, or lines already imported from another file, add nothing; the new
 * lines are then matched to the books automatically.
 */

export type ImportCode =
  | StatementFileCode
  | 'bank_account_not_found'
  | 'bank_columns_are_missing'
  | 'bank_file_has_no_lines'
  | 'bank_date_must_be_a_date'
  | 'bank_amount_must_be_a_number'
  | 'bank_amount_must_not_be_zero'
  | 'bank_line_must_have_one_amount'
  | 'bank_balance_must_be_a_number'
  | 'bank_balance_must_follow_from_lines';

export type ImportFailure =
  { ok: false; code: 'not_allowed' } | { ok: false; code: ImportCode; row?: number; missing?: MappingField[] };

export interface Imported {
  ok: true;
  fileId: string;
  alreadyImported: boolean;
  linesTotal: number;
  linesAdded: number;
  matched: number;
}

export interface ImportInput {
  actor: Actor;
  fundId: string;
  bankAccountId: string;
  bytes: Uint8Array;
  fileName: string;
  /** The columns a person chose on the account's first import; ignored once a mapping is kept. */
  mapping: Partial<ColumnMapping>;
  now: Date;
}

export async function importStatement(sql: Sql, input: ImportInput): Promise<Imported | ImportFailure> {
  if (!can(input.actor, 'bank.reconcile', { fundId: input.fundId }).allowed) return { ok: false, code: 'not_allowed' };
  const file = await readStatementFile(input.bytes);
  if (!file.ok) return file;
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<Imported, Failure<ImportCode>>(sql, (transaction) =>
    importStatementIn(transaction, { ...input, rows: file.rows, actorUserId })
  );
}

type PlainInput = Omit<ImportInput, 'actor' | 'bytes'> & { bytes: Uint8Array; rows: Rows; actorUserId: string | null };

/** The import inside a transaction the caller holds (the demo's seed too). */
export async function importStatementIn(transaction: Transaction, input: PlainInput): Promise<Imported> {
  const account = await lockedBankAccountIn(transaction, input);
  const mapping = account.mapping ?? guessMapping(input.rows, input.mapping);
  const header = locateHeader(input.rows, mapping);
  if (!header.ok) throw new Refusal({ ok: false, code: 'bank_columns_are_missing', missing: header.missing });
  const lines = linesOf(input.rows, header.located);
  const statement = checkBankBalances(lines);
  if (!statement.ok) throw new Refusal({ ok: false, code: statement.code, row: statement['row'] });
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const [known] = await transaction<{ id: string; lines_total: number }[]>`
    select id::text, lines_total from bank_files where bank_account_id = ${account.id} and sha256 = ${sha256}`;
  if (known !== undefined) {
    return {
      ok: true,
      fileId: known.id,
      alreadyImported: true,
      linesTotal: known.lines_total,
      linesAdded: 0,
      matched: 0
    };
  }
  if (account.mapping === null) {
    await transaction`update bank_accounts set mapping = ${transaction.json(mapping)} where id = ${account.id}`;
  }
  const fileId = await insertFileIn(transaction, { ...input, sha256, linesTotal: statement.value.lines.length });
  const linesAdded = await insertLinesIn(transaction, { ...input, fileId, lines: statement.value.lines });
  await transaction`update bank_files set lines_added = ${linesAdded} where id = ${fileId}`;
  const matched = await autoMatchIn(transaction, { ...input, account, by: 'auto' });
  await recordEvent(transaction, {
    action: 'bank.imported',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    resourceType: 'bank_file',
    resourceId: fileId,
    detail: { count: linesAdded }
  });
  return { ok: true, fileId, alreadyImported: false, linesTotal: statement.value.lines.length, linesAdded, matched };
}

/** Words a bank writes in the date column of its summary rows at the foot of a statement. */
const SUMMARY_ROW = /合计|小计|总计|本页|累计|total/i;

/** The statement's lines below its header; a line that cannot be read refuses the whole file. */
function linesOf(rows: Rows, located: Located): BankLine[] {
  const lines: BankLine[] = [];
  const cell = (row: readonly string[], field: MappingField) => {
    const column = located.columns[field];
    return column === undefined ? undefined : (row[column] ?? '');
  };
  for (let index = located.headerIndex + 1; index < rows.length; index += 1) {
    const row = rows[index] ?? [];
    const date = cell(row, 'date') ?? '';
    if (date.trim() === '' || SUMMARY_ROW.test(date)) continue;
    const cells: BankCells = {
      row: index + 1,
      date,
      amount: cell(row, 'amount'),
      debit: cell(row, 'debit'),
      credit: cell(row, 'credit'),
      balance: cell(row, 'balance') ?? '',
      counterparty: cell(row, 'counterparty'),
      description: cell(row, 'description'),
      serial: cell(row, 'serial')
    };
    const parsed = parseBankLine(cells);
    if (!parsed.ok) throw new Refusal({ ok: false, code: parsed.code, row: index + 1 });
    lines.push(parsed.value);
  }
  if (lines.length === 0) refuse('bank_file_has_no_lines');
  return lines;
}

async function insertFileIn(
  transaction: Transaction,
  input: PlainInput & { sha256: string; linesTotal: number }
): Promise<string> {
  const [file] = await transaction<{ id: string }[]>`
    insert into bank_files (fund_id, bank_account_id, sha256, file_name, size_bytes, lines_total, lines_added,
                            imported_at, imported_by)
    values (${input.fundId}, ${input.bankAccountId}, ${input.sha256}, ${input.fileName.slice(0, 200)},
            ${input.bytes.length}, ${input.linesTotal}, 0, ${input.now}, ${input.actorUserId})
    returning id::text`;
  if (file === undefined) throw new Error('insert into bank_files returned no row');
  return file.id;
}

/** Inserts the lines oldest first; a line already imported (by its fingerprint) is skipped. */
async function insertLinesIn(
  transaction: Transaction,
  input: PlainInput & { fileId: string; lines: readonly BankLine[] }
): Promise<number> {
  const fingerprints = bankLineFingerprints(input.lines).map((text) =>
    createHash('sha256').update(`${input.bankAccountId}\u001f${text}`).digest('hex')
  );
  const column = <T>(pick: (line: BankLine) => T) => input.lines.map(pick);
  const added = await transaction<{ id: string }[]>`
    insert into bank_lines (fund_id, bank_account_id, file_id, row_number, fingerprint, line_date, direction, amount,
                            balance, counterparty, description, serial)
    select ${input.fundId}::bigint, ${input.bankAccountId}::bigint, ${input.fileId}::bigint, u.row_number,
           u.fingerprint, u.line_date, u.direction, u.amount, u.balance, u.counterparty, u.description, u.serial
      from unnest(${column((line) => line.row)}::int[], ${fingerprints}::text[], ${column((line) => line.date)}::date[],
                  ${column((line) => line.direction)}::text[], ${column((line) => line.amount.toString())}::numeric[],
                  ${column((line) => line.balance.toString())}::numeric[], ${column((line) => line.counterparty)}::text[],
                  ${column((line) => line.description)}::text[], ${column((line) => line.serial)}::text[])
           with ordinality as u(row_number, fingerprint, line_date, direction, amount, balance, counterparty,
                                description, serial, position)
     order by u.position
    on conflict (bank_account_id, fingerprint) do nothing
    returning id`;
  return added.length;
}
