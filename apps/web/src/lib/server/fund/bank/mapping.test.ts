import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { guessMapping, locateHeader, mappingFrom } from './mapping';
import { decodeStatementText } from './statement-file';

const TITLE = [['中国工商银行 账户历史明细'], ['账号', '6222 **** 0001'], []];
const HEADER = ['记账日期', '摘要', '对方账户名称', '借方金额', '贷方金额', '账户余额', '交易流水号'];

describe('the column mapping', () => {
  it("finds the header below the bank's title lines and guesses every column", () => {
    const rows = [...TITLE, HEADER, ['2026-03-01', '转账', '供电所', '', '100.00', '100.00', 'A1']];
    const mapping = guessMapping(rows, {});
    expect(mapping).toEqual({
      date: '记账日期',
      amount: '',
      debit: '借方金额',
      credit: '贷方金额',
      balance: '账户余额',
      counterparty: '对方账户名称',
      description: '摘要',
      serial: '交易流水号'
    });
    expect(locateHeader(rows, mapping)).toMatchObject({
      ok: true,
      located: { headerIndex: 3, columns: { date: 0, balance: 5 } }
    });
  });

  it('takes one signed amount column a person names, and names the required columns it cannot find', () => {
    const rows = [['日期', '金额', '余额']];
    const mapping = guessMapping(rows, { amount: '金额' });
    expect(mapping).toMatchObject({ date: '日期', amount: '金额', debit: '', credit: '', balance: '余额' });
    expect(locateHeader([['日期', '金额']], mapping)).toEqual({ ok: false, missing: ['balance'] });
  });

  it('reads a kept mapping back without trusting its shape', () => {
    expect(mappingFrom({ date: 'A', constructor: 'x', balance: 3 })).toMatchObject({ date: 'A', balance: '' });
    expect(mappingFrom(null)).toBeNull();
  });
});

describe('decodeStatementText', () => {
  it('reads UTF-8 with or without a byte-order mark, and GBK', () => {
    const text = '交易日期,余额\r\n2026-03-01,1.00';
    const utf8 = new TextEncoder().encode(text);
    expect(decodeStatementText(utf8)).toBe(text);
    expect(decodeStatementText(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8]))).toBe(text);
    expect(decodeStatementText(Uint8Array.from(iconv.encode(text, 'gbk')))).toBe(text);
  });

  it('refuses UTF-16 and binary bytes', () => {
    expect(decodeStatementText(Uint8Array.from(Buffer.from('交易日期', 'utf16le')))).toBeNull();
    expect(decodeStatementText(Uint8Array.from([0x00, 0x01, 0xff, 0xfe]))).toBeNull();
  });
});
