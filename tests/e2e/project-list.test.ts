import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, expectAccessible, overflowsHorizontally, tourShot, choose } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * The project list in Chromium on the demo fund: the office places a direct order for an accepted
 * need and records its delivery, on a phone; the public list, a delivered item and the A4 poster
 * read well anonymously in Chinese and English at 360 px with axe finding nothing, and the poster
 * prints on one A4 page with its four QR codes.
 */

const fx = fundFixture({ prefix: 'plist', displayName: '清单', addressBlock: '10.118.4' });
const { pageOf } = fx.browser();

let admin: Person;
let needNumber = 0;
const pdfDir = mkdtempSync(join(tmpdir(), 'gj-plist-'));

beforeAll(async () => {
  admin = await fx.person('admin', [{ role: 'fund_admin' }]);
  // An accepted need of the 西苑院落 compound, as triage would leave it.
  const [row] = await fx.sql<{ number: number }[]>`
    insert into needs (fund_id, number, compound_id, category, body, place, source, status, public_reason,
                       create_key, raised_at, updated_at)
    select ${fx.fundId}, (select coalesce(max(number), 0) + 1 from needs where fund_id = ${fx.fundId}), c.id,
           'greening', ${`西苑院落门口的花坛需要补种 ${fx.run}`}, '西苑院落门口', 'meeting', 'accepted', '居民普遍反映',
           ${randomUUID()}, now(), now()
      from compounds c where c.fund_id = ${fx.fundId} and c.code = 'c-xiyuan'
    returning number`;
  needNumber = row?.number ?? 0;
});

afterAll(() => {
  rmSync(pdfDir, { recursive: true, force: true });
});

describe('the project list', () => {
  it('lets the office place a direct order and record its delivery, on a phone', async () => {
    const page = await pageOf(admin, { viewport: PHONE });
    await page.goto(`/funds/${fx.slug}/list/new`);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.getByLabel('小区', { exact: true }).selectOption({ label: '西苑院落' });
    await page.getByLabel('项目名称').fill(`花坛补种 ${fx.run}`);
    await choose(page.getByLabel(new RegExp(`#${needNumber} `)));
    await page.getByLabel('责任单位').selectOption({ index: 1 });
    await page.getByLabel('共建项目跟办员').selectOption({ index: 1 });
    await page.getByRole('button', { name: '下单', exact: true }).click();
    await page.waitForURL(/\/list\/\d+\?placed=1$/);
    expect(await page.getByRole('status').textContent()).toContain('已下单');
    await expectAccessible(page);
    await page.getByLabel('公开反馈').fill('共建单位补种了 40 株月季。');
    await page.getByRole('button', { name: '确认交付' }).click();
    await page.waitForURL(/\?saved=1$/);
    await expect.poll(() => page.getByText('已交付', { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.getByText('共建单位补种了 40 株月季。').count()).toBeGreaterThan(0);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await tourShot(page, 'list-office-item-zh-phone');
    const [need] = await fx.sql<{ status: string }[]>`
      select status from needs where fund_id = ${fx.fundId} and number = ${needNumber}`;
    expect(need?.status).toBe('done');
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`reads well in public in ${locale} at 360 px: the list, a delivered item and the poster`, async () => {
      const [delivered] = await fx.sql<{ number: number }[]>`
        select number from list_items where fund_id = ${fx.fundId} and status = 'delivered' and delivery = 'direct'
         order by number limit 1`;
      const page = await pageOf(null, { viewport: PHONE, locale });
      for (const path of [
        `/f/${fx.slug}/list`,
        `/f/${fx.slug}/list?status=delivered`,
        `/f/${fx.slug}/list/${delivered?.number ?? 0}`,
        `/f/${fx.slug}/poster`
      ]) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(200);
        await expectAccessible(page);
        expect(await overflowsHorizontally(page), path).toBe(false);
        expect(await page.locator('script').count()).toBe(0);
        if (locale === 'zh-CN' && path.endsWith('/list')) await tourShot(page, 'list-public-zh-phone');
        if (locale === 'zh-CN' && path.endsWith('/poster')) await tourShot(page, 'list-poster-zh-phone');
      }
      // The poster's four codes carry absolute addresses, never a name.
      expect(await page.locator('figure.poster-qr img').count()).toBe(4);
      const body = (await page.locator('main').textContent()) ?? '';
      expect(body).not.toContain(admin.displayName);
    });
  }

  it('prints the poster on one A4 page', async () => {
    const page = await pageOf(null);
    await page.goto(`/f/${fx.slug}/poster?compound=c-guihua-3`);
    await page.emulateMedia({ media: 'print' });
    const file = join(pdfDir, 'poster.pdf');
    writeFileSync(file, await page.pdf({ format: 'A4', printBackground: false }));
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? '0')).toBe(1);
  });
});
