import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../apps/web/src/lib/format';
import { fundPage } from '../../apps/web/src/lib/server/public/fund-page';
import { DESKTOP, PHONE, expectAccessible, overflowsHorizontally, screenshot } from './browser';
import { fundFixture } from './fund-fixture';

/**
 * The public fund page (/f/guihuajing) in Chromium, as anyone sees it without signing in: in
 * Chinese and English on a phone and a desktop with axe finding nothing, without JavaScript, and
 * with the figures the database holds.
 */

const fx = fundFixture({ prefix: 'pubfund', displayName: '公示', addressBlock: '10.81.2' });
const { pageOf } = fx.browser();

const VIEWS = [
  { label: 'phone', viewport: PHONE },
  { label: 'desktop', viewport: DESKTOP }
] as const;

describe('the public fund page', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    for (const view of VIEWS) {
      it(`reads well in ${locale} on a ${view.label}, with axe finding nothing`, async () => {
        const page = await pageOf(null, { viewport: view.viewport, locale });
        const response = await page.goto(`/f/${fx.slug}`);
        expect(response?.status()).toBe(200);
        const [fund] = await fx.sql<{ zh: string; en: string }[]>`
          select name_zh as zh, name_en as en from funds where id = ${fx.fundId}`;
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(locale === 'en' ? fund?.en : fund?.zh);
        expect(
          await page.getByRole('img', { name: locale === 'en' ? /Money in each month/ : /每月收到的资金/ }).count()
        ).toBe(1);
        // The tables behind the charts are checked open as well as closed.
        await expectAccessible(page);
        for (const summary of await page.locator('details.pub-chart-data summary').all()) await summary.click();
        await expectAccessible(page);
        expect(await overflowsHorizontally(page)).toBe(false);
        if (locale === 'zh-CN' && view.label === 'phone') await screenshot(page, 'public-fund-zh-phone');
      });
    }
  }

  it('works without JavaScript and shows the figures the books hold', async () => {
    const page = await pageOf(null, { javaScript: false });
    expect((await page.goto(`/f/${fx.slug}`))?.status()).toBe(200);
    expect(await page.locator('script').count()).toBe(0);
    const expected = await fundPage(fx.sql, fx.fundId, new Date());
    if (expected === null) throw new Error('no fund page');
    const [pool] = await fx.sql<{ balance: string }[]>`
      select coalesce(sum(debits_posted - credits_posted), 0)::numeric(18, 2)::text as balance
        from account_balances where fund_id = ${fx.fundId} and account_code in ('1002.01', '1001')`;
    expect(expected.pool.balance).toBe(pool?.balance);
    const zh = (amount: string) => formatMoney(amount, 'zh-CN');
    expect(await page.locator('[data-figure="balance"]').textContent()).toBe(zh(expected.pool.balance));
    expect(await page.locator('[data-figure="available"]').textContent()).toBe(zh(expected.pool.available));
    expect(await page.locator('[data-figure="reserved"]').textContent()).toBe(zh(expected.pool.reserved));

    // The head box names the ledger head the database has, and links to the verify page.
    const [head] = await fx.sql<{ seq: string; hash: string }[]>`
      select last_seq::text as seq, last_hash as hash from chain_heads where fund_id = ${fx.fundId}`;
    const box = page.locator('section.pub-fund-head');
    expect(await box.textContent()).toContain(`第 ${head?.seq} 笔`);
    expect(await box.textContent()).toContain(head?.hash ?? 'missing');
    const pathOf = (href: string | null) => new URL(href ?? '', page.url()).pathname;
    expect(pathOf(await box.getByRole('link', { name: '如何核验' }).getAttribute('href'))).toBe(`/f/${fx.slug}/verify`);

    // A <details> opens without script; the table's totals are the books' totals.
    await page.locator('#pub-fund-in-chart-caption ~ details summary').click();
    const inTotals = page.locator('#pub-fund-in-chart-table-caption').locator('xpath=..').locator('tfoot td');
    expect(await inTotals.allTextContents()).toEqual([...expected.moneyIn.totals, expected.moneyIn.total].map(zh));

    const units = await fx.sql<{ name: string }[]>`select name from units where fund_id = ${fx.fundId} order by code`;
    const names = await page.locator('[data-table="contributors"] tbody th').allTextContents();
    expect(names.map((name) => name.trim())).toEqual(units.map((unit) => unit.name));
    const quota = await page.locator('[data-table="quota"] tbody tr').count();
    expect(quota).toBe(expected.quota.length);

    const links = await page.locator('a[href]').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    const paths = new Set(links.map(pathOf));
    for (const suffix of ['/projects', '/ledger', '/verify', '/report', '/ledger.csv', '/ledger.json']) {
      expect(paths.has(`/f/${fx.slug}${suffix}`), suffix).toBe(true);
    }
  });

  it('answers 404 for a fund that does not exist', async () => {
    const response = await fx.get('/f/no-such-fund-here');
    expect(response.status).toBe(404);
  });
});
