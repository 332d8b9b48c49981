import { m } from '../../paraglide/messages';
import type { Locale } from '../../paraglide/runtime';
import type { Voucher } from '../fund/vouchers';
import type { EntryCheck } from '../public/print';

/**
 * One 记账凭证 as a standalone, printable HTML page for the auditor's package: no script, no
 * link outside the archive, its own small A4 style sheet, and every text that comes from the
 * books (memo, account names, the preparer) escaped, so a memo such as "<script>" prints as
 * written. Attachments are linked by their place in the archive (../attachments/<sha256>.<ext>).
 */

/** HTML text and attribute escaping: the five characters that can change markup. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
@page { size: A4; margin: 18mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 48rem; color: #111; }
h1 { text-align: center; letter-spacing: 0.4em; margin: 0; }
.head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem; margin: 1rem 0; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #333; padding: 0.35rem 0.5rem; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.code { font-family: monospace; margin-right: 0.5em; }
.muted { color: #555; }
.signatures { display: flex; gap: 4rem; margin-top: 1.5rem; }
.hash { font-family: monospace; font-size: 0.8rem; word-break: break-all; }
.check { display: flex; gap: 1rem; align-items: flex-start; margin-top: 1rem; break-inside: avoid; }
.check img { flex: none; }
`;

export interface VoucherPageInput {
  voucher: Voucher;
  fundName: string;
  locale: Locale;
  /** An account's label by its code (units and compounds by name); falls back to the voucher's. */
  labels: ReadonlyMap<string, string>;
  /** The archive path of each attachment, by its SHA-256, for those the package holds. */
  attachmentPaths: ReadonlyMap<string, string>;
  /** The QR code to the entry's public page and its hash (public/print.ts entryCheck). */
  check: EntryCheck;
}

/** The check a reader makes against the public books: the QR code, the address and the entry's hash. */
function checkHtml(input: VoucherPageInput): string {
  const { check, locale } = input;
  const options = { locale };
  return (
    `<div class="check"><img src="${escapeHtml(check.qr)}" alt="${escapeHtml(m.paper_qr_alt({}, options))}" width="112" height="112">` +
    `<div><p>${escapeHtml(m.paper_check_line({ url: check.url }, options))}</p>` +
    `<p class="hash">${escapeHtml(m.paper_entry_hash({ seq: String(check.seq) }, options))} ${escapeHtml(check.hash)}</p></div></div>`
  );
}

function linesHtml(input: VoucherPageInput): string {
  const { voucher, locale, labels } = input;
  return voucher.lines
    .map((line) => {
      const fallback = locale === 'en' ? line.accountNameEn : line.accountNameZh;
      const name = labels.get(line.accountCode) ?? fallback;
      const memo = line.memo === null ? '' : `<br><span class="muted">${escapeHtml(line.memo)}</span>`;
      return (
        `<tr><td><span class="code">${escapeHtml(line.accountCode)}</span>${escapeHtml(name)}${memo}</td>` +
        `<td class="num">${escapeHtml(line.debit)}</td><td class="num">${escapeHtml(line.credit)}</td></tr>`
      );
    })
    .join('\n');
}

function attachmentsHtml(input: VoucherPageInput): string {
  const { voucher, locale } = input;
  if (voucher.attachmentHashes.length === 0) return '';
  const items = voucher.attachmentHashes.map((hash, index) => {
    const label = escapeHtml(m.voucher_attachment_link({ n: String(index + 1) }, { locale }));
    const path = input.attachmentPaths.get(hash);
    const link = path === undefined ? label : `<a href="../${escapeHtml(path)}">${label}</a>`;
    return `<li>${link} <span class="hash">${escapeHtml(hash)}</span></li>`;
  });
  return `<h2>${escapeHtml(m.voucher_attachments_heading({}, { locale }))}</h2>\n<ul>${items.join('\n')}</ul>`;
}

/** The whole page, UTF-8, in the reader's language. */
export function voucherHtml(input: VoucherPageInput): string {
  const { voucher, locale } = input;
  const t = (text: string) => escapeHtml(text);
  const options = { locale };
  const title = `${m.voucher_title({}, options)} ${voucher.voucherNumber}`;
  const reversal = voucher.reverses ? `<p>${t(m.voucher_reversal({}, options))}</p>` : '';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<article>
<h1>${t(m.voucher_title({}, options))}</h1>
<div class="head">
<span>${t(m.voucher_fund({ fund: input.fundName }, options))}</span>
<strong>${t(voucher.voucherNumber)}</strong>
<span>${t(m.voucher_date({ date: voucher.date }, options))}</span>
</div>
<p><strong>${t(m.voucher_memo({}, options))}</strong> ${t(voucher.memo)}</p>
${reversal}
<table>
<thead><tr><th scope="col">${t(m.voucher_account({}, options))}</th><th scope="col" class="num">${t(m.voucher_debit({}, options))}</th><th scope="col" class="num">${t(m.voucher_credit({}, options))}</th></tr></thead>
<tbody>
${linesHtml(input)}
</tbody>
<tfoot><tr><th scope="row">${t(m.voucher_total({}, options))}</th><td class="num">${t(voucher.debitTotal)}</td><td class="num">${t(voucher.creditTotal)}</td></tr></tfoot>
</table>
<p><strong>${t(m.voucher_in_words({}, options))}</strong> ${t(voucher.totalInWords)}</p>
<p>${t(m.voucher_attachments({ count: String(voucher.attachmentHashes.length) }, options))}</p>
<div class="signatures">
<p><strong>${t(m.voucher_preparer({}, options))}</strong> ${t(voucher.preparer ?? '')}</p>
<p><strong>${t(m.voucher_reviewer({}, options))}</strong></p>
</div>
${checkHtml(input)}
${attachmentsHtml(input)}
</article>
</body>
</html>
`;
}
