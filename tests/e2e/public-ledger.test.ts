import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutRoot } from '../support/postgres';
import {
  DESKTOP,
  PHONE,
  baseUrl,
  expectAccessible,
  launchBrowser,
  newVisitor,
  overflowsHorizontally,
  screenshot
} from './browser';

/**
 * The public ledger of the demo fund, as an anonymous resident sees it: the ledger with a filter,
 * one entry, the verify page (zh-CN and en, phone and desktop, axe), all without JavaScript (the
 * public pages ship none), the printed-head check both ways, and each download's headers.
 */

const FUND = 'guihuajing';
const BASE = `/f/${FUND}`;

let browser: Browser;
let head: { seq: number; hash: string };

beforeAll(async () => {
  browser = await launchBrowser();
  const json = (await (await fetch(new URL(`${BASE}/ledger.json`, baseUrl))).json()) as {
    head: { seq: number; hash: string };
  };
  head = json.head;
});

afterAll(async () => {
  await browser?.close();
});

/**
 * A resident's browser. The pages ship no JavaScript, so a visitor with it turned off sees the
 * same; axe itself runs as a script, so the accessibility checks keep it on.
 */
async function visitor(
  locale: 'zh-CN' | 'en',
  viewport: { width: number; height: number },
  javaScriptEnabled = false
): Promise<BrowserContext> {
  const context = await newVisitor(browser, {
    viewport,
    javaScriptEnabled,
    ...(locale === 'en' ? { locale: 'en-US' } : {})
  });
  await context.addCookies([{ name: 'gj_locale', value: locale, url: baseUrl }]);
  return context;
}

async function open(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
}

describe('the public ledger pages', () => {
  const views = [
    ['zh-CN', 'phone', PHONE],
    ['zh-CN', 'desktop', DESKTOP],
    ['en', 'phone', PHONE],
    ['en', 'desktop', DESKTOP]
  ] as const;

  it.each(views)('render accessibly in %s on a %s', async (locale, size, viewport) => {
    const context = await visitor(locale, viewport, true);
    const page = await context.newPage();
    try {
      for (const path of [
        `${BASE}/ledger`,
        `${BASE}/ledger?account=1002&after=0`,
        `${BASE}/ledger?from=2026-13-01&q=x`,
        `${BASE}/ledger/33`,
        `${BASE}/verify`,
        `${BASE}/verify?seq=1&hash=${'0'.repeat(64)}`,
        `${BASE}/verify?seq=${head.seq}&hash=${head.hash}`,
        `${BASE}/verify?seq=x&hash=y`
      ]) {
        await open(page, path);
        await expectAccessible(page);
        expect(await overflowsHorizontally(page), `${path} at ${size}`).toBe(false);
      }
      if (locale === 'zh-CN' && size === 'phone') {
        await open(page, `${BASE}/ledger?project=6`);
        const tour = join(checkoutRoot, 'tests/e2e/tour');
        mkdirSync(tour, { recursive: true });
        await page.screenshot({ path: join(tour, 'public-ledger-zh-phone.png'), fullPage: true });
      }
      if (size === 'desktop') {
        await open(page, `${BASE}/ledger/33`);
        await screenshot(page, `public-ledger-entry-${locale}-desktop`);
      }
    } finally {
      await context.close();
    }
  });

  it('filters, pages and opens an entry without JavaScript', async () => {
    const context = await visitor('zh-CN', PHONE);
    const page = await context.newPage();
    try {
      await open(page, `${BASE}/ledger`);
      await expect.poll(() => page.locator('.ledger-entry').count()).toBe(10);
      await page.getByLabel('会计科目代码').fill('1002');
      await page.getByLabel('项目编号').fill('7');
      await page.getByRole('button', { name: '筛选' }).click();
      await page.waitForURL(/account=1002/);
      expect(new URL(page.url()).searchParams.get('project')).toBe('7');
      await expect.poll(() => page.getByText('符合筛选条件的分录').count()).toBe(1);
      const seqs = await page.locator('.ledger-entry-head a[href*="/ledger/"]').allTextContents();
      expect(seqs.length).toBeGreaterThan(0);

      await page.getByRole('link', { name: '上一页（较早）' }).click();
      await page.waitForURL(/after=/);
      expect(new URL(page.url()).searchParams.get('account')).toBe('1002');
      await page.getByRole('link', { name: '下一页（较晚）' }).click();
      await page.waitForURL(/after=/);

      await page.locator('.ledger-entry-head a[href*="/ledger/"]').first().click();
      await page.waitForURL(/\/ledger\/\d+$/);
      await expect.poll(() => page.getByText('本笔内容与哈希一致').count()).toBe(1);
      expect(await page.locator('.ledger-canonical').first().textContent()).toContain('gongjian-entry 1');

      await open(page, `${BASE}/ledger?q=${encodeURIComponent('照明')}`);
      const memos = await page.locator('.ledger-memo').allTextContents();
      expect(memos.length).toBeGreaterThan(0);
      expect(memos.every((memo) => memo.includes('照明'))).toBe(true);

      await open(page, `${BASE}/ledger?from=2026-02-30`);
      await expect.poll(() => page.getByText('筛选条件有误').count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('checks a printed head hash both ways, in a plain form', async () => {
    const context = await visitor('zh-CN', PHONE);
    const page = await context.newPage();
    try {
      await open(page, `${BASE}/verify`);
      await page.getByLabel('第几笔（编号）').fill(String(head.seq));
      // As typed from paper: upper case with spaces, which the check forgives.
      await page.getByLabel('哈希（64 位）').fill(head.hash.toUpperCase().replace(/(.{8})/g, '$1 '));
      await page.getByRole('button', { name: '核对' }).click();
      await page.waitForURL(/seq=/);
      await expect.poll(() => page.getByText(`一致：这是第 ${head.seq} 笔的哈希`).count()).toBe(1);

      await page.getByLabel('哈希（64 位）').fill(`${head.hash.slice(0, 63)}${head.hash.endsWith('0') ? '1' : '0'}`);
      await page.getByRole('button', { name: '核对' }).click();
      await expect.poll(() => page.getByText(`不一致：第 ${head.seq} 笔的哈希与您填的不同`).count()).toBe(1);
      expect(await page.locator('a[href$="/gongjian-verify.mjs"]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});

describe('the downloads over HTTP', () => {
  const formats = [
    ['csv', 'text/csv; charset=utf-8'],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['journal', 'text/plain; charset=utf-8'],
    ['beancount', 'text/plain; charset=utf-8'],
    ['json', 'application/json; charset=utf-8']
  ] as const;

  it.each(formats)('ledger.%s has its type, a Chinese file name and nosniff', async (extension, type) => {
    const response = await fetch(
      new URL(`${BASE}/ledger.${extension}?project=6&from=2026-01-01&to=2026-12-31`, baseUrl)
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).toContain(`filename="${FUND}-ledger-project6-from-2026-01-01-to-2026-12-31.${extension}"`);
    const encoded = /filename\*=UTF-8''([^;]+)$/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toMatch(new RegExp(`^.+-账本-项目6-2026-01-01至2026-12-31\\.${extension}$`));
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it('refuses a malformed query with 400 and serves the verifier', async () => {
    const malformed = await fetch(new URL(`${BASE}/ledger.csv?from=yesterday`, baseUrl));
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const verifier = await fetch(new URL('/gongjian-verify.mjs', baseUrl));
    expect(verifier.status).toBe(200);
    expect(await verifier.text()).toContain('gongjian-entry 1');
  });
});
