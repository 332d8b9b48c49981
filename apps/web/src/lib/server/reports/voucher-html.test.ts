import { describe, expect, it } from 'vitest';
import { escapeHtml, voucherHtml } from './voucher-html';

describe('voucherHtml', () => {
  it('escapes every text from the books, and links only inside the archive', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const html = voucherHtml({
      voucher: {
        seq: 3,
        voucherNumber: '记字第3号',
        date: '2026-03-01',
        memo: hostile,
        lines: [
          {
            accountCode: '1002.01',
            accountNameZh: hostile,
            accountNameEn: 'Bank',
            memo: hostile,
            debit: '5.00',
            credit: ''
          },
          {
            accountCode: '4101.01',
            accountNameZh: '捐赠',
            accountNameEn: 'Gifts',
            memo: null,
            debit: '',
            credit: '5.00'
          }
        ],
        debitTotal: '5.00',
        creditTotal: '5.00',
        totalInWords: '人民币伍元整',
        attachmentHashes: ['a'.repeat(64)],
        preparer: hostile,
        hash: 'b'.repeat(64),
        reverses: false
      },
      fundName: hostile,
      locale: 'zh-CN',
      labels: new Map(),
      attachmentPaths: new Map([['a'.repeat(64), `attachments/${'a'.repeat(64)}.pdf`]])
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain(escapeHtml(hostile));
    expect(html).toContain('记字第3号');
    expect(html).toContain(`href="../attachments/${'a'.repeat(64)}.pdf"`);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });
});
