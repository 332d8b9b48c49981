import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutRoot } from '../support/postgres';
import { DESKTOP, PHONE, expectAccessible, overflowsHorizontally } from './browser';
import { fundFixture } from './fund-fixture';

/**
 * The demo fund's statements (资产负债表, 业务活动表, 现金流量表) in Chromium: read anonymously in
 * Chinese and English on a phone and a desktop with axe finding nothing, the period chosen by plain
 * GET forms (public pages ship no JavaScript), a period that cannot be read said so, and the three
 * downloads beside the page.
 */

const fx = fundFixture({ prefix: 'pubstatements', displayName: '报表', addressBlock: '10.88.16' });
const { pageOf } = fx.browser();

describe('the statements page', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    for (const view of [
      { label: 'phone', viewport: PHONE },
      { label: 'desktop', viewport: DESKTOP }
    ] as const) {
      it(`reads well in ${locale} on a ${view.label}, without signing in, with axe finding nothing`, async () => {
        const page = await pageOf(null, { viewport: view.viewport, locale });
        const response = await page.goto(`/f/${fx.slug}/statements?period=2026`);
        expect(response?.status()).toBe(200);
        expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
        expect(await page.locator('.statements-sheet').count()).toBe(3);
        expect(await page.locator('script').count()).toBe(0);
        await expectAccessible(page);
        expect(await overflowsHorizontally(page)).toBe(false);
        if (locale === 'zh-CN' && view.label === 'desktop') {
          const text = await page.locator('main').innerText();
          for (const words of [
            '资产负债表',
            '业务活动表',
            '现金流量表',
            '单位：元',
            '编制单位',
            '限定性净资产转为非限定性净资产'
          ]) {
            expect(text).toContain(words);
          }
          expect(text).toContain('期间：2026-01-01 至 2026-12-31');
          const tour = join(checkoutRoot, 'tests/e2e/tour');
          mkdirSync(tour, { recursive: true });
          await page.screenshot({ path: join(tour, 'statements-zh-desktop.png'), fullPage: true });
        }
      });
    }
  }
});

describe('the statements page’s forms, downloads and links', () => {
  it('chooses the period with plain GET forms, and says clearly when it cannot be read', async () => {
    const page = await pageOf(null, { viewport: PHONE });
    await page.goto(`/f/${fx.slug}/statements?period=2026-Q5`);
    expect(await page.getByRole('alert').textContent()).toContain('期间无法识别');
    expect(await page.locator('.statements-sheet').count()).toBe(0);
    await expectAccessible(page);
    await page.goto(`/f/${fx.slug}/statements?from=2026-05-01&to=2026-04-01`);
    expect(await page.getByRole('alert').textContent()).toContain('起始日期晚于截止日期');
    await page.locator('#period-from').fill('2026-01-01');
    await page.locator('#period-to').fill('2026-06-30');
    await page.getByRole('button', { name: '生成报表' }).first().click();
    await page.waitForURL(/from=2026-01-01&to=2026-06-30/);
    expect(await page.locator('main').innerText()).toContain('期间：2026-01-01 至 2026-06-30');
    await page.locator('#period-short').fill('2026-Q3');
    await page.getByRole('button', { name: '生成报表' }).nth(1).click();
    await page.waitForURL(/period=2026-Q3/);
    expect(await page.locator('main').innerText()).toContain('期间：2026-07-01 至 2026-09-30');
  });

  it('links to its downloads, which answer in CSV with a BOM, XLSX and JSON, and 400 for a bad period', async () => {
    const page = await pageOf(null, { viewport: DESKTOP });
    await page.goto(`/f/${fx.slug}/statements?period=2026-11`);
    const links = await page.locator('.statements-downloads a').evaluateAll((anchors) =>
      anchors.map((anchor) => {
        const url = new URL((anchor as HTMLAnchorElement).href);
        return `${url.pathname}${url.search}`;
      })
    );
    expect(links).toEqual([
      `/f/${fx.slug}/statements.csv?from=2026-11-01&to=2026-11-30`,
      `/f/${fx.slug}/statements.xlsx?from=2026-11-01&to=2026-11-30`,
      `/f/${fx.slug}/statements.json?from=2026-11-01&to=2026-11-30`
    ]);
    const [csv, xlsx, json] = await Promise.all(links.map((link) => page.request.get(link)));
    expect([...((await csv?.body()) ?? Buffer.alloc(0)).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv?.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await xlsx?.body())?.subarray(0, 2).toString('latin1')).toBe('PK');
    const body = (await json?.json()) as { format: string; period: { from: string; to: string } };
    expect(body.format).toBe('gongjian-statements 1');
    expect(body.period).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    const bad = await page.request.get(`/f/${fx.slug}/statements.json?to=tomorrow`);
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toContain('截止日期无法识别');
  });

  it('is linked from the fund page and the report', async () => {
    const page = await pageOf(null, { viewport: DESKTOP });
    await page.goto(`/f/${fx.slug}`);
    expect(await page.locator(`a[href$="/f/${fx.slug}/statements"]`).count()).toBe(1);
    await page.goto(`/f/${fx.slug}/report?from=2026-01-01&to=2026-06-30`);
    expect(await page.locator(`a[href$="/f/${fx.slug}/statements?from=2026-01-01&to=2026-06-30"]`).count()).toBe(1);
  });
});
