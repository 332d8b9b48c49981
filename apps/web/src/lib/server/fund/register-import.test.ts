import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseHouseholdLines } from './registers';
import { checkRegisterRows, pastedLinesOf } from './register-import';
import { readStatementFile } from './bank/statement-file';

describe('checkRegisterRows', () => {
  const existing = [
    { building: '3', unitNo: '1', room: '201', name: '张三' },
    { building: '3', unitNo: '1', room: '301', name: '周九' }
  ];

  it('names what is wrong with each row, skips the header, and keeps the good rows', () => {
    const lines = checkRegisterRows(
      [
        ['楼号', '单元', '房号', '户主姓名'],
        ['3', '1', '201', '张三'],
        ['3', '1', '202', '李四'],
        ['5', '', '101.00', '王五'],
        ['3', '1', '202', '李四'],
        ['', '1', '203', '赵六'],
        ['3', '1', '2/04', '钱七'],
        ['3', '1', '301', '孙八']
      ],
      existing
    );
    expect(lines.map((line) => [line.row, line.door, line.code, line.registered])).toEqual([
      [2, '3-1-201', null, true],
      [3, '3-1-202', null, false],
      [4, '5-101', null, false],
      [5, '3-1-202', 'line_is_repeated', false],
      [6, '1-203', 'line_is_missing_a_number', false],
      [7, '3-1-2/04', 'line_has_a_bad_format', false],
      [8, '3-1-301', 'line_is_registered_under_another_name', false]
    ]);
    const pasted = pastedLinesOf(lines);
    expect(pasted).toBe('3-1-202 李四\n5-101 王五');
    // The confirmation is read by the paste form's own rule.
    const parsed = parseHouseholdLines(pasted);
    expect(parsed.ok && parsed.households).toEqual([
      { building: '3', unitNo: '1', room: '202', name: '李四' },
      { building: '5', unitNo: '', room: '101', name: '王五' }
    ]);
  });
});

describe('the register file', () => {
  it('reads a GBK CSV and an XLSX workbook alike', async () => {
    const csv = iconv.encode('楼号,单元,房号,户主姓名\r\n3,1,202,李四\r\n', 'gbk');
    const fromCsv = await readStatementFile(new Uint8Array(csv));
    expect(fromCsv.ok && checkRegisterRows(fromCsv.rows, []).map((line) => line.name)).toEqual(['李四']);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名册');
    sheet.addRow(['楼号', '单元', '房号', '户主姓名']);
    sheet.addRow([3, 1, 202, '李四']);
    const xlsx = new Uint8Array(await workbook.xlsx.writeBuffer());
    const fromXlsx = await readStatementFile(xlsx);
    expect(fromXlsx.ok && pastedLinesOf(checkRegisterRows(fromXlsx.rows, []))).toBe('3-1-202 李四');
  });
});
