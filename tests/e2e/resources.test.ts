import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * The resources list in a real browser, on the demo fund: the administrator records an offer and
 * what it gave, which the books keep out, at 360 px and passing axe. Everyone here is made for this
 * file (login names start with res-). The public page's checks (filters, disclosure, no individual)
 * are in tests/db/resources.test.ts for now.
 */

const office = fundFixture({ prefix: 'res', displayName: '资源', addressBlock: '10.121.4' });
const FUND = office.slug;
const { run } = office;

let admin: Person;

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
});

describe.skipIf(!chromiumPath)('the resources list, in a real browser', () => {
  const { pageOf } = office.browser();

  it('records an offer and what it gave, which the books keep out', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(`/funds/${FUND}/resources`))?.status()).toBe(200);
    await expectAccessible(page);
    await page.getByLabel('资源类型').selectOption('expertise');
    await page.getByLabel('共建单位').selectOption({ index: 1 });
    await page.getByLabel('资源内容').fill(`水管义务维修 ${run}`);
    await page.getByLabel('数量', { exact: true }).fill('5');
    await page.getByLabel('计量单位').fill('次');
    await page.getByRole('button', { name: '登记资源' }).click();
    await page.waitForURL(/\/resources\/\d+\?recorded=1$/);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('资源已登记');
    await page.getByLabel('数量', { exact: true }).fill('2');
    await page.getByLabel('公允价值（元，可不填）').fill('300');
    await page.getByRole('button', { name: '登记贡献' }).click();
    await page.waitForURL(/done=contribution$/);
    const given = page.locator('.res-list .card').first();
    await expect.poll(() => given.textContent()).toContain('未入账，披露');
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await tourShot(page, 'resources-office');
  });
});
