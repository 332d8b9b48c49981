import { describe, expect, it } from 'vitest';
import { entryCheck } from '../public/print';
import { escapeHtml, voucherHtml, type VoucherPageInput } from './voucher-html';

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
      attachmentPaths: new Map([['a'.repeat(64), `attachments/${'a'.repeat(64)}.pdf`]]),
      check: entryCheck({ origin: 'https://fund.example.cn', slug: 'demo', seq: 3, hash: 'b'.repeat(64) })
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain(escapeHtml(hostile));
    expect(html).toContain('记字第3号');
    expect(html).toContain(`href="../attachments/${'a'.repeat(64)}.pdf"`);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it("prints the QR code to the entry's public page, its address and the whole hash, in both languages", () => {
    const hash = 'c'.repeat(64);
    const input: VoucherPageInput = {
      voucher: {
        seq: 7,
        voucherNumber: '记字第7号',
        date: '2026-03-01',
        memo: '捐赠',
        lines: [],
        debitTotal: '0.00',
        creditTotal: '0.00',
        totalInWords: '人民币零元整',
        attachmentHashes: [],
        preparer: null,
        hash,
        reverses: false
      },
      fundName: '基金',
      locale: 'zh-CN',
      labels: new Map(),
      attachmentPaths: new Map(),
      check: entryCheck({ origin: 'https://fund.example.cn', slug: 'demo', seq: 7, hash })
    };
    const zh = voucherHtml(input);
    expect(zh).toContain('src="data:image/svg+xml;base64,');
    expect(zh).toContain('扫码或访问 https://fund.example.cn/f/demo/ledger/7 核对');
    expect(zh).toContain(hash);
    const en = voucherHtml({ ...input, locale: 'en' });
    expect(en).toContain('Scan the code or visit https://fund.example.cn/f/demo/ledger/7 to check');
    expect(en).toContain(hash);
  });
});
