import { money, type Entry } from '@gongjian/ledger';
import { describe, expect, it } from 'vitest';
import {
  accountLabelOf,
  journalCsv,
  journalHeaders,
  journalRowsOf,
  journalXlsx,
  JOURNAL_COLUMNS
} from './journal-columns';

function entry(seq: number, voucherNumber: string | null, memo = '单位出资'): Entry {
  return {
    fundId: '1',
    seq,
    id: `entry-${seq}`,
    date: '2026-03-01',
    recordedAt: '2026-03-01T00:00:00.000Z',
    memo,
    references: voucherNumber === null ? {} : { voucherNumber },
    idempotencyKey: null,
    requestHash: null,
    reverses: null,
    settles: null,
    postings: [
      { account: '1002.01', side: 'debit', amount: money('9090.91') },
      { account: '4101.01.U-grid-01', side: 'credit', amount: money('9090.91') }
    ],
    previousHash: '0'.repeat(64),
    hash: 'a'.repeat(64)
  };
}

const names = { units: new Map([['grid-01', '第一网格']]), compounds: new Map([['A', '桂花苑']]) };

describe('journal columns', () => {
  it('heads every column in Chinese and in English, one text per column', () => {
    const zh = journalHeaders('zh-CN');
    const en = journalHeaders('en');
    expect(zh).toHaveLength(JOURNAL_COLUMNS.length);
    expect(zh.slice(0, 4)).toEqual(['凭证号', '日期', '分录序号', '摘要']);
    expect(en.slice(0, 4)).toEqual(['Voucher no.', 'Date', 'Entry no.', 'Description']);
    expect(new Set(zh).size).toBe(zh.length);
    expect(new Set(en).size).toBe(en.length);
  });

  it('gives every row a voucher number: the stored one, or 记字第N号 from the seq', () => {
    const rows = journalRowsOf([entry(1, null), entry(2, '记-0002')], new Map());
    expect(rows.map((row) => row.voucher)).toEqual(['记字第1号', '记字第1号', '记-0002', '记-0002']);
    expect(rows[0]).toMatchObject({ debit: '9090.91', credit: null });
    expect(rows[1]).toMatchObject({ debit: null, credit: '9090.91' });
  });

  it('names a unit and a compound instead of their codes, in the reader language', () => {
    const unit = { code: '4101.01.U-grid-01', name: { zh: '限定性捐赠收入—U-grid-01', en: 'Restricted: U-grid-01' } };
    expect(accountLabelOf(unit, 'zh-CN', names)).toBe('限定性捐赠收入—第一网格');
    expect(accountLabelOf(unit, 'en', names)).toBe('Restricted: 第一网格');
    const compound = { code: '2241.C-A', name: { zh: '其他应付款—桂花苑', en: 'Other payables: 桂花苑' } };
    expect(accountLabelOf(compound, 'zh-CN', names)).toBe('其他应付款—桂花苑');
    const unknown = { code: '4101.01.U-gone', name: { zh: '限定性捐赠收入—U-gone', en: 'x' } };
    expect(accountLabelOf(unknown, 'zh-CN', names)).toBe('限定性捐赠收入—U-gone');
  });

  it('CSV: one byte-order mark and header, CRLF, a formula guarded, later batches rows only', () => {
    const rows = journalRowsOf([entry(1, null, '=HYPERLINK("http://x")')], new Map([['1002.01', '银行存款']]));
    const first = journalCsv(rows, journalHeaders('zh-CN'));
    expect(first.startsWith('\uFEFF凭证号,日期,分录序号,摘要,科目编码,科目名称,借方金额,贷方金额,')).toBe(true);
    expect(first).toContain(`记字第1号,2026-03-01,1,"'=HYPERLINK(""http://x"")",1002.01,银行存款,9090.91,,`);
    const later = journalCsv(rows, null);
    expect(later.startsWith('记字第1号')).toBe(true);
    expect(later.split('\r\n')).toHaveLength(3);
    expect(journalCsv([], null)).toBe('');
  });

  it('XLSX: a ZIP whose sheet has the day as a date cell and the amounts as numbers', () => {
    const bytes = journalXlsx({
      rows: journalRowsOf([entry(1, null)], new Map()),
      headers: journalHeaders('en'),
      sheetName: 'journal'
    });
    expect([...bytes.slice(0, 2)]).toEqual([0x50, 0x4b]);
  });
});
