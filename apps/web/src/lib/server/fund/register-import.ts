import type { Sql } from '../db/client';
import { can, type Actor, type DenyReason } from '../access/policy';
import { readStatementFile, type Rows } from './bank/statement-file';
import { HOUSEHOLD_LINES_MAX, HOUSEHOLD_PART, type HouseholdFields } from './registers';

/*
 * A compound's household register imported from a spreadsheet (住户名册导入): a CSV in UTF-8 or
 * GBK, or an XLSX workbook's first sheet, in the template's columns 楼号, 单元, 房号, 户主姓名
 * (building, unit, room, name). The file is only read: the preview lists every row with what is
 * wrong with it, and the good rows go back to the page as the register's pasted lines ("3-1-201
 * 张三"), which the office confirms through `addHouseholds`, one transaction, all or none, and a
 * household already registered under the same name is skipped, so a confirmation sent twice adds
 * nothing twice. The spreadsheet reading is the bank import's (statement-file.ts), under tighter
 * limits.
 */

/** One megabyte: 500 households' rows are a few tens of kilobytes. */
export const REGISTER_IMPORT_BYTES_MAX = 1024 * 1024;
/** As many rows as a pasted list may hold. */
export const REGISTER_IMPORT_ROWS_MAX = HOUSEHOLD_LINES_MAX;

export type RegisterFileCode =
  | 'register_file_is_empty'
  | 'register_file_must_not_exceed_1_mb'
  | 'register_file_must_have_at_most_500_rows'
  | 'register_file_must_be_csv_or_xlsx'
  | 'register_file_cannot_be_read';

export type ImportLineCode =
  'line_is_missing_a_number' | 'line_has_a_bad_format' | 'line_is_repeated' | 'line_is_registered_under_another_name';

export interface ImportLine {
  /** The row in the file, counting from 1 (the header row too). */
  row: number;
  door: string;
  name: string;
  /** What is wrong with the row; null for a row that will be imported. */
  code: ImportLineCode | null;
  /** Already in the register under the same name: nothing to add, nothing wrong. */
  registered: boolean;
}

export interface RegisterPreview {
  lines: ImportLine[];
  /** The rows to import, as the register's pasted lines, for the confirmation. */
  pasted: string;
  /** How many households the confirmation adds. */
  adding: number;
}

export type PreviewResult =
  | { ok: true; preview: RegisterPreview }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: RegisterFileCode | 'item_is_not_in_this_fund' };

/** The words a header row is made of, in either language: such a row is not a household. */
const HEADER_WORDS = /楼|单元|房|姓名|户主|building|unit|room|name/i;

/** A whole number a spreadsheet stored as a number reads back as "201.00"; a door has no decimals. */
function partOf(cell: string | undefined): string {
  const text = (cell ?? '').replace(/\s+/g, ' ').trim();
  return /^[0-9]+\.0+$/.test(text) ? text.replace(/\.0+$/, '') : text;
}

function doorOf(household: HouseholdFields): string {
  return [household.building, household.unitNo, household.room].filter((part) => part !== '').join('-');
}

/**
 * Each row of the file checked against the rules of the register and the households it already
 * holds: a building and a room are needed, each part letters or digits, the name at most 40
 * characters, a door at most once in the file, and not registered under another name.
 */
export function checkRegisterRows(rows: Rows, existing: readonly HouseholdFields[]): ImportLine[] {
  const registered = new Map(existing.map((row) => [`${row.building}|${row.unitNo}|${row.room}`, row.name]));
  const seen = new Set<string>();
  const lines: ImportLine[] = [];
  for (const [index, cells] of rows.entries()) {
    if (index === 0 && cells.some((cell) => HEADER_WORDS.test(cell))) continue;
    const household = {
      building: partOf(cells[0]),
      unitNo: partOf(cells[1]),
      room: partOf(cells[2]),
      name: partOf(cells[3])
    };
    const key = `${household.building}|${household.unitNo}|${household.room}`;
    const line = { row: index + 1, door: doorOf(household), name: household.name, registered: false };
    const formatOk =
      [household.building, household.room].every((part) => HOUSEHOLD_PART.test(part)) &&
      (household.unitNo === '' || HOUSEHOLD_PART.test(household.unitNo)) &&
      household.name.length <= 40;
    const earlier = registered.get(key);
    let code: ImportLineCode | null = null;
    if (household.building === '' || household.room === '') code = 'line_is_missing_a_number';
    else if (!formatOk) code = 'line_has_a_bad_format';
    else if (seen.has(key)) code = 'line_is_repeated';
    else if (earlier !== undefined && earlier !== household.name) code = 'line_is_registered_under_another_name';
    if (code === null) seen.add(key);
    lines.push({ ...line, code, registered: code === null && earlier !== undefined });
  }
  return lines;
}

/** The rows to add, as lines the register's paste form reads (parseHouseholdLines). */
export function pastedLinesOf(lines: readonly ImportLine[]): string {
  return lines
    .filter((line) => line.code === null && !line.registered)
    .map((line) => (line.name === '' ? line.door : `${line.door} ${line.name}`))
    .join('\n');
}

const FILE_CODES: Readonly<Record<string, RegisterFileCode>> = {
  bank_file_is_empty: 'register_file_is_empty',
  bank_file_must_be_csv_or_xlsx: 'register_file_must_be_csv_or_xlsx'
};

/** Reads the file and checks its rows, for the one who may fill the compound's register. */
export async function previewRegisterImport(
  sql: Sql,
  input: { actor: Actor; fundId: string; compoundId: string; bytes: Uint8Array }
): Promise<PreviewResult> {
  const decision = can(input.actor, 'compound.households.manage', {
    fundId: input.fundId,
    compoundId: input.compoundId
  });
  if (!decision.allowed) return { ok: false, code: 'not_allowed', reason: decision.reason };
  if (input.bytes.length === 0) return { ok: false, code: 'register_file_is_empty' };
  if (input.bytes.length > REGISTER_IMPORT_BYTES_MAX) return { ok: false, code: 'register_file_must_not_exceed_1_mb' };
  const read = await readStatementFile(input.bytes);
  if (!read.ok) {
    const code = Object.hasOwn(FILE_CODES, read.code) ? FILE_CODES[read.code] : undefined;
    return { ok: false, code: code ?? 'register_file_cannot_be_read' };
  }
  if (read.rows.length === 0) return { ok: false, code: 'register_file_is_empty' };
  if (read.rows.length > REGISTER_IMPORT_ROWS_MAX + 1) {
    return { ok: false, code: 'register_file_must_have_at_most_500_rows' };
  }
  const [compound] = await sql`select 1 from compounds where id = ${input.compoundId} and fund_id = ${input.fundId}`;
  if (compound === undefined) return { ok: false, code: 'item_is_not_in_this_fund' };
  const existing = await sql<HouseholdFields[]>`
    select building, unit_no as "unitNo", room, name from households where compound_id = ${input.compoundId}`;
  const lines = checkRegisterRows(read.rows, existing);
  const pasted = pastedLinesOf(lines);
  return { ok: true, preview: { lines, pasted, adding: pasted === '' ? 0 : pasted.split('\n').length } };
}
