import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chinaDateOf, money, monthOf } from '@gongjian/ledger';
import { beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { checkoutRoot } from '../support/postgres';
import { chromiumPath, expectAccessible, overflowsHorizontally, choose } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * The period close (结账) page, in a fund made for this file: the supervisor reads the months, the
 * administrator closes the last ended month in a real browser at phone size after confirming that
 * it cannot be undone, and sees its closing vouchers linked; the form refuses a close that was not
 * confirmed; the page passes axe.
 */

const office = fundFixture({
  prefix: 'pc',
  displayName: '结账',
  addressBlock: '10.16.4',
  newFund: {
    policy: DEMO_POLICY_JSON,
    units: [{ code: 'unit-1', name: '单位1' }],
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 20 }]
  }
});
const { get, post } = office;
const PERIODS = `/funds/${office.slug}/periods`;

/** The month before this one in China, as YYYY-MM. */
function lastMonth(): string {
  const [year, month] = monthOf(chinaDateOf(new Date())).split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

let admin: Person;
let supervisor: Person;
let leader: Person;
const MONTH = lastMonth();

beforeAll(async () => {
  admin = await office.person('adm', [{ role: 'fund_admin' }]);
  supervisor = await office.person('sup', [{ role: 'supervisor' }]);
  leader = await office.person('ldr', [{ role: 'leader', unitCode: 'unit-1' }]);
  for (const [account, amount] of [
    ['4101.02', '800.00'],
    ['4401.01', '5000.00']
  ] as const) {
    const posted = await books.post(office.sql, {
      fundId: office.fundId,
      command: {
        date: `${MONTH}-10`,
        memo: `到账 ${account}`,
        postings: [
          { account: '1002.01', side: 'debit', amount: money(amount) },
          { account, side: 'credit', amount: money(amount) }
        ]
      }
    });
    if (!posted.ok) throw new Error(posted.code);
  }
});

describe('the periods page over HTTP', () => {
  it('lets the supervisor read the months, a leader not at all, and refuses a close not confirmed', async () => {
    const read = await get(PERIODS, supervisor.cookie);
    expect(read.status).toBe(200);
    const html = await read.text();
    expect(html).toContain('还没有结过账');
    expect(html).not.toContain('结账不能撤销');
    expect((await get(PERIODS, leader.cookie)).status).toBe(403);
    const unconfirmed = await post(`${PERIODS}?/month`, { createKey: crypto.randomUUID(), month: MONTH }, admin.cookie);
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('请勾选确认：结账后不能撤销。');
  });
});

describe.skipIf(!chromiumPath)('closing a month in the browser', () => {
  const { pageOf } = office.browser();

  it('closes the last ended month after the confirmation, and links its closing vouchers', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(PERIODS))?.status()).toBe(200);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('结账');
    await expect.poll(() => page.getByText('结账不能撤销').count()).toBeGreaterThan(0);
    await page.getByLabel('结账月份').selectOption(MONTH);
    await choose(page.getByLabel('我知道结账后不能撤销'));
    await page.getByRole('button', { name: '结账', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已结账');
    const vouchers = page.locator('.period-vouchers a');
    await expect.poll(() => vouchers.count()).toBe(1);
    expect(await vouchers.first().getAttribute('href')).toMatch(new RegExp(`^/funds/${office.slug}/vouchers/\\d+$`));
    expect(await page.locator('.period-vouchers').textContent()).toContain('收入结转');
    expect(await overflowsHorizontally(page)).toBe(false);
    const tour = join(checkoutRoot, 'tests/e2e/tour');
    mkdirSync(tour, { recursive: true });
    await page.screenshot({ path: join(tour, 'period-close-zh-phone.png'), fullPage: true });
    await expectAccessible(page);
    const [closed] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from period_closes where fund_id = ${office.fundId} and kind = 'month'`;
    expect(closed?.count).toBe(1);
  });
});
