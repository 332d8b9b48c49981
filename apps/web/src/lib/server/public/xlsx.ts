import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal Office Open XML workbook (.xlsx) with one sheet, written without a dependency: a ZIP
 * of five small XML parts. Text cells are inline strings (t="inlineStr"), which a spreadsheet
 * shows as written and never evaluates, so a memo such as "=HYPERLINK(…)" stays text: no cell
 * is ever a formula (no <f> element is written). Amounts are numeric cells written from their
 * decimal strings, so no amount passes through a JavaScript number on the way out.
 */

/**
 * A cell: text (never evaluated), a decimal number written from its string, or a calendar day
 * (YYYY-MM-DD) written as a real date cell, a day serial with a yyyy-mm-dd format, so that a
 * spreadsheet sorts, filters and sums by it.
 */
export type XlsxCell = { text: string } | { number: string } | { date: string } | null;

const NUMBER = /^-?\d{1,15}(?:\.\d{1,6})?$/;

/** XML text: the five escapes, and characters XML 1.0 cannot hold at all are dropped. */
function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A1-style column letters for a zero-based column index. */
function columnName(index: number): string {
  let name = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name;
  }
  return name;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The spreadsheet serial of a day: days since 1899-12-30, the epoch every spreadsheet reads. */
export function daySerial(day: string): number {
  const match = DAY.exec(day);
  if (match === null) throw new Error(`xlsx: ${day} is not a YYYY-MM-DD day`);
  const [, year, month, date] = match;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(date));
  const serial = (utc - Date.UTC(1899, 11, 30)) / 86_400_000;
  if (!Number.isInteger(serial) || new Date(utc).toISOString().slice(0, 10) !== day) {
    throw new Error(`xlsx: ${day} is not a calendar day`);
  }
  return serial;
}

function cellXml(cell: XlsxCell, reference: string, header: boolean): string {
  if (cell === null) return '';
  const style = header ? ' s="1"' : '';
  if ('date' in cell) {
    return `<c r="${reference}" s="2"><v>${daySerial(cell.date)}</v></c>`;
  }
  if ('number' in cell) {
    if (!NUMBER.test(cell.number)) throw new Error(`xlsx: ${cell.number} is not a decimal number`);
    return `<c r="${reference}"${style}><v>${cell.number}</v></c>`;
  }
  return `<c r="${reference}" t="inlineStr"${style}><is><t xml:space="preserve">${xmlText(cell.text)}</t></is></c>`;
}

function sheetXml(rows: readonly (readonly XlsxCell[])[], widths: readonly number[]): string {
  const columns = widths
    .map((width, index) => `<col min="${index + 1}" max="${index + 1}" width="${width}"/>`)
    .join('');
  const body = rows
    .map((row, rowIndex) => {
      const cells = row.map((cell, column) => cellXml(cell, `${columnName(column)}${rowIndex + 1}`, rowIndex === 0));
      return `<row r="${rowIndex + 1}">${cells.join('')}</row>`;
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    // The header row stays in view while scrolling down a long journal.
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    (columns === '' ? '' : `<cols>${columns}</cols>`) +
    `<sheetData>${body}</sheetData></worksheet>`
  );
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
  '</Types>';

const ROOT_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
  '</Relationships>';

const WORKBOOK_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
  '</Relationships>';

/** Three cell styles: the default, bold for the header row, and a day as yyyy-mm-dd. */
const STYLES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

function workbookXml(sheetName: string): string {
  // Excel limits a sheet name to 31 characters and forbids []:*?/\ in it.
  const name = sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet1';
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<sheets><sheet name="${xmlText(name)}" sheetId="1" r:id="rId1"/></sheets></workbook>`
  );
}

/** A ZIP archive (PKWARE APPNOTE 6.3) of deflated files, without ZIP64: parts stay well under 4 GiB. */
export function zip(files: readonly { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  // 1980-01-01 00:00 in MS-DOS format: the archive's bytes depend on its content only.
  const dosTime = 0;
  const dosDate = (1 << 5) | 1;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const compressed = deflateRawSync(file.data);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A workbook of one sheet; the first row is the header (bold, frozen). */
export function xlsxWorkbook(input: {
  sheetName: string;
  rows: readonly (readonly XlsxCell[])[];
  /** Column widths in characters. */
  widths?: readonly number[];
}): Buffer {
  const part = (text: string) => Buffer.from(text, 'utf8');
  return zip([
    { name: '[Content_Types].xml', data: part(CONTENT_TYPES) },
    { name: '_rels/.rels', data: part(ROOT_RELS) },
    { name: 'xl/workbook.xml', data: part(workbookXml(input.sheetName)) },
    { name: 'xl/_rels/workbook.xml.rels', data: part(WORKBOOK_RELS) },
    { name: 'xl/styles.xml', data: part(STYLES) },
    { name: 'xl/worksheets/sheet1.xml', data: part(sheetXml(input.rows, input.widths ?? [])) }
  ]);
}

/** A sheet of a workbook of several: its name (31 characters at most, as Excel allows), rows and widths. */
export interface XlsxSheet {
  name: string;
  rows: readonly (readonly XlsxCell[])[];
  widths?: readonly number[];
}

/**
 * A workbook of several sheets (the statements: one sheet each), the same parts as xlsxWorkbook with
 * one worksheet part and relationship per sheet. Sheet names are made unique, since Excel refuses a
 * workbook with two sheets of one name.
 */
export function xlsxWorkbookSheets(sheets: readonly XlsxSheet[]): Buffer {
  const part = (text: string) => Buffer.from(text, 'utf8');
  const used = new Set<string>();
  const names = sheets.map((sheet, index) => {
    let name = sheet.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || `Sheet${index + 1}`;
    if (used.has(name)) name = `${name.slice(0, 28)} ${index + 1}`;
    used.add(name);
    return name;
  });
  const overrides = sheets
    .map(
      (_, index) =>
        `<Override PartName="/xl/worksheets/sheet${index + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
    )
    .join('');
  const contentTypes = CONTENT_TYPES.replace(/<Override PartName="\/xl\/worksheets\/sheet1\.xml"[^>]*\/>/, overrides);
  const sheetRels = sheets
    .map(
      (_, index) =>
        `<Relationship Id="rId${index + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`
    )
    .join('');
  const workbookRels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
    `${sheetRels}</Relationships>`;
  const workbook =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
    names
      .map((name, index) => `<sheet name="${xmlText(name)}" sheetId="${index + 1}" r:id="rId${index + 2}"/>`)
      .join('') +
    '</sheets></workbook>';
  return zip([
    { name: '[Content_Types].xml', data: part(contentTypes) },
    { name: '_rels/.rels', data: part(ROOT_RELS) },
    { name: 'xl/workbook.xml', data: part(workbook) },
    { name: 'xl/_rels/workbook.xml.rels', data: part(workbookRels) },
    { name: 'xl/styles.xml', data: part(STYLES) },
    ...sheets.map((sheet, index) => ({
      name: `xl/worksheets/sheet${index + 1}.xml`,
      data: part(sheetXml(sheet.rows, sheet.widths ?? []))
    }))
  ]);
}
