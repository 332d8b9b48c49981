import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { finalAccount, periodReport, printNotice } from '../../apps/web/src/lib/server/public/print';
import { checkoutRoot } from '../support/postgres';
import { DESKTOP, PHONE, expectAccessible, overflowsHorizontally } from './browser';
import { fundFixture, origin } from './fund-fixture';

/**
 * The three printable public documents of the demo fund in Chromium: the 公示 notice of approved
 * project #1, the final account of closed project #7 and the fund's report for this year. Each is
 * read anonymously in Chinese and English on a phone and a desktop with axe finding nothing, then
 * printed to an A4 PDF whose text (pdftotext, from Debian's poppler-utils) carries the amount in
 * 大写 and the ledger head's hash, on one or a few pages.
 */

const fx = fundFixture({ prefix: 'pubprint', displayName: '打印', addressBlock: '10.88.8' });
const { pageOf } = fx.browser();

const VIEWS = [
  { label: 'phone', viewport: PHONE },
  { label: 'desktop', viewport: DESKTOP }
] as const;

const NOTICE = 1;
const CLOSED = 7;

const pdfDir = mkdtempSync(join(tmpdir(), 'gj-print-'));

afterAll(() => {
  rmSync(pdfDir, { recursive: true, force: true });
});

async function head(): Promise<{ seq: string; hash: string }> {
  const [row] = await fx.sql<{ seq: string; hash: string }[]>`
    select last_seq::text as seq, last_hash as hash from chain_heads where fund_id = ${fx.fundId}`;
  if (row === undefined) throw new Error('no chain head');
  return row;
}

function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 10);
}

/** The page printed as Chromium prints it to A4, and the PDF's text and page count. */
async function printed(page: Page, name: string): Promise<{ text: string; pages: number; size: string }> {
  await page.emulateMedia({ media: 'print' });
  const file = join(pdfDir, `${name}.pdf`);
  writeFileSync(file, await page.pdf({ format: 'A4', printBackground: false }));
  await page.emulateMedia({ media: 'screen' });
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? '0');
  const size = /^Page size:\s+(.*)$/m.exec(info)?.[1] ?? '';
  return { text, pages, size };
}

const squeezed = (text: string): string => text.replace(/\s+/g, '');

/** What every sheet must show on screen: a QR code, the URL under it as text, and the full head hash in four groups. */
async function expectStamp(page: Page, url: string): Promise<void> {
  const qr = page.locator('figure.print-qr img');
  expect(await qr.count()).toBe(1);
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  expect((await page.locator('figure.print-qr .print-url').textContent())?.trim()).toBe(url);
  const { hash } = await head();
  const groups = await page.locator('.print-hash code').allTextContents();
  expect(groups).toEqual([hash.slice(0, 16), hash.slice(16, 32), hash.slice(32, 48), hash.slice(48)]);
  expect(await page.locator('script').count()).toBe(0);
}

const PAGES = [
  { name: 'notice', path: () => `/f/${fx.slug}/projects/${NOTICE}/notice` },
  { name: 'account', path: () => `/f/${fx.slug}/projects/${CLOSED}/account` },
  { name: 'report', path: () => `/f/${fx.slug}/report` }
] as const;

describe('the printable public documents on screen', () => {
  for (const sheet of PAGES) {
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const view of VIEWS) {
        it(`${sheet.name} reads well in ${locale} on a ${view.label}, without signing in, with axe finding nothing`, async () => {
          const page = await pageOf(null, { viewport: view.viewport, locale });
          const response = await page.goto(sheet.path());
          expect(response?.status()).toBe(200);
          expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
          expect(await page.locator('.print-hint').isVisible()).toBe(true);
          await expectAccessible(page);
          expect(await overflowsHorizontally(page)).toBe(false);
          if (sheet.name === 'notice' && locale === 'zh-CN' && view.label === 'desktop') {
            const tour = join(checkoutRoot, 'tests/e2e/tour');
            mkdirSync(tour, { recursive: true });
            await page.screenshot({ path: join(tour, 'print-notice-zh-desktop.png'), fullPage: true });
          }
        });
      }
    }
  }

  it('is not found for an application that was never approved', async () => {
    const [draft] = await fx.sql<{ number: number }[]>`
      select number from applications where fund_id = ${fx.fundId} and status = 'draft' order by number limit 1`;
    if (draft === undefined) throw new Error('the demo has no draft');
    expect((await fx.get(`/f/${fx.slug}/projects/${draft.number}/notice`)).status).toBe(404);
    expect((await fx.get(`/f/${fx.slug}/projects/${draft.number}/account`)).status).toBe(404);
    expect((await fx.get(`/f/${fx.slug}/projects/0${NOTICE}/notice`)).status).toBe(404);
  });

  it('says clearly when the report period is malformed or backwards', async () => {
    const page = await pageOf(null, { viewport: PHONE });
    await page.goto(`/f/${fx.slug}/report?from=2026-02-30&to=2026-03-01`);
    expect(await page.getByRole('alert').textContent()).toContain('起始日期无法识别');
    // What was typed comes back in the form (the browser's date field itself shows no impossible day).
    expect(await page.locator('#period-from').getAttribute('value')).toBe('2026-02-30');
    expect(await page.locator('.print-sheet').count()).toBe(0);
    await expectAccessible(page);
    await page.goto(`/f/${fx.slug}/report?from=2026-05-01&to=2026-04-01`);
    expect(await page.getByRole('alert').textContent()).toContain('起始日期晚于截止日期');
    // The form chooses a period without JavaScript: a plain GET.
    await page.locator('#period-from').fill('2026-01-01');
    await page.locator('#period-to').fill('2026-12-31');
    await page.getByRole('button', { name: '生成报告' }).click();
    await page.waitForURL(/from=2026-01-01&to=2026-12-31/);
    expect(await page.locator('.print-sheet').count()).toBe(1);
  });
});

describe('the printable public documents on paper', () => {
  it('prints the notice to one A4 page or a few, with the amount in 大写 and the ledger head', async () => {
    const page = await pageOf(null, { viewport: DESKTOP });
    expect((await page.goto(`/f/${fx.slug}/projects/${NOTICE}/notice`))?.status()).toBe(200);
    await expectStamp(page, `${origin}/f/${fx.slug}/projects/${NOTICE}`);
    const notice = await printNotice(fx.sql, { fundId: fx.fundId, number: NOTICE, today: today() });
    if (notice === null) throw new Error('no notice');
    const pdf = await printed(page, 'notice');
    expect(pdf.size).toContain('A4');
    expect(pdf.pages).toBeGreaterThanOrEqual(1);
    expect(pdf.pages).toBeLessThanOrEqual(2);
    const text = squeezed(pdf.text);
    expect(text).toContain(notice.notice.words.budgetTotal);
    expect(text).toContain(notice.notice.words.approvedAmount);
    expect(text).toContain((await head()).hash);
    expect(text).toContain(`${origin}/f/${fx.slug}/projects/${NOTICE}`);
    // The site's own header and the public navigation are not printed.
    expect(text).not.toContain('长辈模式');
    expect(text).not.toContain('基金概况');
  });

  it('prints the final account with every total in 大写, and the households only masked', async () => {
    const page = await pageOf(null, { viewport: DESKTOP });
    expect((await page.goto(`/f/${fx.slug}/projects/${CLOSED}/account`))?.status()).toBe(200);
    await expectStamp(page, `${origin}/f/${fx.slug}/projects/${CLOSED}`);
    const account = await finalAccount(fx.sql, { fundId: fx.fundId, number: CLOSED, today: today() });
    if (account === null) throw new Error('no account');
    expect(account.final).toBe(true);
    const pdf = await printed(page, 'account');
    expect(pdf.size).toContain('A4');
    expect(pdf.pages).toBeGreaterThanOrEqual(1);
    expect(pdf.pages).toBeLessThanOrEqual(3);
    const text = squeezed(pdf.text);
    for (const total of [account.budgetTotal, account.actualTotal, account.match.paid, account.selfRaised.refunded]) {
      expect(text).toContain(total.words);
    }
    expect(text).toContain((await head()).hash);
    expect(account.refunds.length).toBeGreaterThan(0);
    for (const refund of account.refunds) expect(text).toContain(squeezed(refund.label));
    const names = await fx.sql<{ name: string }[]>`
      select distinct h.name from households h join self_raised_payments p on p.household_id = h.id
        join applications a on a.id = p.application_id
       where a.fund_id = ${fx.fundId} and a.number = ${CLOSED} and length(h.name) > 1`;
    for (const { name } of names) expect(text).not.toContain(name);
  });

  it('prints the period report, whose balances add up, with its URL and the ledger head', async () => {
    const page = await pageOf(null, { viewport: DESKTOP });
    const from = `${today().slice(0, 4)}-01-01`;
    const to = today();
    expect((await page.goto(`/f/${fx.slug}/report?from=${from}&to=${to}`))?.status()).toBe(200);
    await expectStamp(page, `${origin}/f/${fx.slug}/report?from=${from}&to=${to}`);
    const report = await periodReport(fx.sql, { fundId: fx.fundId, from, to });
    expect(report.balanced).toBe(true);
    const pdf = await printed(page, 'report');
    expect(pdf.size).toContain('A4');
    expect(pdf.pages).toBeGreaterThanOrEqual(1);
    expect(pdf.pages).toBeLessThanOrEqual(3);
    const text = squeezed(pdf.text);
    expect(text).toContain(report.sourcesTotal.words);
    expect(text).toContain(report.end.total.words);
    expect(text).toContain((await head()).hash);
  });
});
