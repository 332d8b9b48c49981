import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../apps/web/src/lib/format';
import { regionPage } from '../../apps/web/src/lib/server/regions/reads';
import { createTestFund } from '../support/people';
import { DESKTOP, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture } from './fund-fixture';

/**
 * The region pages (/r/<slug>) of the demo's county 青山区 and its street 花园街道 (seed step
 * 020_demo_regions), as anyone sees them without JavaScript, on a phone and in elder mode; and a
 * region officer, who opens the private pages of a fund of their street and is refused a write
 * there and every page of a fund outside it.
 */

const fx = fundFixture({ prefix: 'regions', displayName: '片区', addressBlock: '10.123.9' });
const { pageOf } = fx.browser();

const zh = (amount: string) => formatMoney(amount, 'zh-CN');

describe('the region pages', () => {
  it('show the county and the street, with no script, at 360 px, with the sums of their funds', async () => {
    for (const slug of ['qingshan', 'huayuan']) {
      // The page ships no script, so the browser (with scripting on, which axe needs) sees what a
      // phone without JavaScript gets; the HTML itself is checked for scripts over plain HTTP.
      const html = await (await fx.get(`/r/${slug}`)).text();
      expect(html).not.toContain('<script');
      const page = await pageOf(null);
      expect((await page.goto(`/r/${slug}`))?.status()).toBe(200);
      const expected = await regionPage(fx.sql, slug, new Date());
      if (expected === null) throw new Error(`no region ${slug}`);
      expect(expected.funds.map((fund) => fund.slug)).toContain(fx.slug);
      for (const [figure, amount] of [
        ['balance', expected.totals.balance],
        ['matched', expected.totals.matched],
        ['self-raised', expected.totals.selfRaised]
      ] as const) {
        expect(await page.locator(`[data-figure="${figure}"]`).textContent()).toBe(zh(amount));
      }
      await expectAccessible(page);
      expect(await overflowsHorizontally(page)).toBe(false);
      await tourShot(page, slug === 'qingshan' ? 'region-county' : 'region-street');
    }
  });

  it('reads well in English on a desktop and in elder mode, and the fund page links to its street', async () => {
    const english = await pageOf(null, { viewport: DESKTOP, locale: 'en' });
    expect((await english.goto('/r/huayuan'))?.status()).toBe(200);
    expect(await english.getByRole('heading', { level: 1 }).textContent()).toBe('Huayuan Street');
    await expectAccessible(english);
    const elder = await pageOf(null, { elder: true });
    expect((await elder.goto('/r/qingshan'))?.status()).toBe(200);
    await expectAccessible(elder);
    expect(await overflowsHorizontally(elder)).toBe(false);
    expect((await elder.goto(`/f/${fx.slug}`))?.status()).toBe(200);
    await elder.getByRole('link', { name: '花园街道' }).click();
    await expect.poll(() => new URL(elder.url()).pathname).toBe('/r/huayuan');
    expect((await fx.get('/r/no-such-region')).status).toBe(404);
  });
});

describe('a region officer', () => {
  it('reads the private pages of a fund of their street, and writes nothing, and reads nothing outside it', async () => {
    const officer = await fx.person('officer', []);
    await fx.sql`
      insert into region_officers (region_id, user_id, appointed_at)
      select id, ${officer.id}, now() from regions where slug = 'huayuan'`;
    for (const path of ['', '/applications', '/review', '/books', '/members', '/audit']) {
      expect((await fx.get(`/funds/${fx.slug}${path}`, officer.cookie)).status, path).toBe(200);
    }
    // A write, with a body that would change nothing even if it were let through.
    expect((await fx.post(`/funds/${fx.slug}/settings?/profile`, {}, officer.cookie)).status).toBe(403);
    expect((await fx.post(`/funds/${fx.slug}/registers?/addUnit`, {}, officer.cookie)).status).toBe(403);
    const outside = `regions-outside-${fx.run}`;
    await createTestFund(fx.sql, outside);
    expect((await fx.get(`/funds/${outside}`, officer.cookie)).status).toBe(403);
    // The account page lists the street and links the fund's office.
    const page = await pageOf(officer);
    expect((await page.goto('/account'))?.status()).toBe(200);
    await expect
      .poll(() => page.locator('[data-officer-region="huayuan"] a[href$="/funds/guihuajing"]').count())
      .toBe(1);
    await expectAccessible(page);
  });
});
