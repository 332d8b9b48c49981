import { Money } from '@gongjian/ledger';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/*
 * A bank statement file as banks export it, read into rows of text cells: a CSV in UTF-8 (with or
 * without a byte-order mark) or GBK, or an XLSX workbook's first sheet. Limits come first, so a
 * file too big to read is refused before it is read.
 */

/** Ten megabytes: a year of a busy account's lines is far below it. */
export const BANK_FILE_BYTES_MAX = 10 * 1024 * 1024;
/** A hundred thousand lines, for the same reason; a bigger file is a mistake or an attack. */
export const BANK_FILE_LINES_MAX = 100_000;

export type StatementFileCode =
  | 'bank_file_is_empty'
  | 'bank_file_must_not_exceed_10_mb'
  | 'bank_file_must_have_at_most_100000_lines'
  | 'bank_file_must_be_csv_or_xlsx'
  | 'bank_file_must_be_utf8_or_gbk'
  | 'bank_file_cannot_be_read';

export type Rows = string[][];

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0] as const;
// Tab, line feed and carriage return are text; every other C0 control, and the replacement
// character a decoder leaves for bytes it could not read, mean the guess of encoding was wrong.
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** The file's rows, or a refusal; rows past the line limit are never all read. */
export async function readStatementFile(
  bytes: Uint8Array
): Promise<{ ok: true; rows: Rows } | { ok: false; code: StatementFileCode }> {
  if (bytes.length === 0) return { ok: false, code: 'bank_file_is_empty' };
  if (bytes.length > BANK_FILE_BYTES_MAX) return { ok: false, code: 'bank_file_must_not_exceed_10_mb' };
  if (startsWith(bytes, OLE_MAGIC)) return { ok: false, code: 'bank_file_must_be_csv_or_xlsx' };
  const rows = startsWith(bytes, ZIP_MAGIC) ? await xlsxRows(bytes) : csvRows(bytes);
  if (typeof rows === 'string') return { ok: false, code: rows };
  if (rows.length > BANK_FILE_LINES_MAX) return { ok: false, code: 'bank_file_must_have_at_most_100000_lines' };
  return { ok: true, rows };
}

/** UTF-8 when the bytes are valid UTF-8, GBK (as GB18030, its superset) otherwise. */
export function decodeStatementText(bytes: Uint8Array): string | null {
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'gb18030');
  }
  return NOT_TEXT.test(text) ? null : text;
}

function csvRows(bytes: Uint8Array): Rows | StatementFileCode {
  const text = decodeStatementText(bytes);
  if (text === null) return 'bank_file_must_be_utf8_or_gbk';
  // A cheap count first: a file of more lines than the limit is refused before it is parsed.
  let breaks = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks += 1;
  if (breaks > BANK_FILE_LINES_MAX + 50) return 'bank_file_must_have_at_most_100000_lines';
  try {
    const records: unknown = parse(text, {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      delimiter: delimiterOf(text)
    });
    if (!Array.isArray(records)) return 'bank_file_cannot_be_read';
    return records.map((record: unknown) => (Array.isArray(record) ? record.map((cell: unknown) => String(cell)) : []));
  } catch {
    return 'bank_file_cannot_be_read';
  }
}

/** Commas, unless the first lines have more tabs (some banks export tab-separated "CSV"). */
function delimiterOf(text: string): string {
  const head = text.slice(0, 4096);
  return (head.match(/\t/g)?.length ?? 0) > (head.match(/,/g)?.length ?? 0) ? '\t' : ',';
}

async function xlsxRows(bytes: Uint8Array): Promise<Rows | StatementFileCode> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's types ask for its own Buffer type; a Node Buffer over the same bytes is one.
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch {
    return 'bank_file_cannot_be_read';
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) return 'bank_file_is_empty';
  if (sheet.rowCount > BANK_FILE_LINES_MAX + 50) return 'bank_file_must_have_at_most_100000_lines';
  const rows: Rows = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column += 1) cells.push(cellText(row.getCell(column).value));
    if (cells.some((cell) => cell !== '')) rows.push(cells);
  });
  return rows;
}

/** A cell as the bank meant it: a date cell as YYYY-MM-DD, an amount to the fen, text as text. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value).trim();
  if ('richText' in value)
    return value.richText
      .map((part) => part.text)
      .join('')
      .trim();
  if ('text' in value && typeof value.text === 'string') return value.text.trim();
  if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
  return '';
}

/**
 * A number cell as text. Amounts are stored as binary floating point by the spreadsheet itself;
 * a value within a millionth of a fen is that fen, written exactly, so no float reaches the books.
 */
function numberText(value: number): string {
  const fen = Math.round(value * 100);
  return Math.abs(value * 100 - fen) < 1e-6 ? Money.fromMinor(BigInt(fen)).toString() : String(value);
}
