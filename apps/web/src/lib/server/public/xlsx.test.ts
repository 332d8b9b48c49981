import { describe, expect, it } from 'vitest';
import { daySerial, xlsxWorkbook } from './xlsx';

describe('xlsx date cells', () => {
  it('writes a day as the serial every spreadsheet reads', () => {
    expect(daySerial('1899-12-31')).toBe(1);
    expect(daySerial('1900-03-01')).toBe(61);
    expect(daySerial('2026-01-01')).toBe(46023);
  });

  it('refuses what is not a calendar day', () => {
    expect(() => daySerial('2026-02-30')).toThrow(/calendar day/);
    expect(() => daySerial('2026-1-1')).toThrow(/YYYY-MM-DD/);
  });

  it('styles a date cell with the yyyy-mm-dd format', () => {
    const workbook = xlsxWorkbook({ sheetName: 'd', rows: [[{ text: '日期' }], [{ date: '2026-12-06' }]] });
    expect(workbook.subarray(0, 2).toString('latin1')).toBe('PK');
  });
});
