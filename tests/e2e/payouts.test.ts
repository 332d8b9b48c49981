import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as books from '../../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { contribution } from '../support/books';
import { journeyAmounts, raiseDirectly } from '../support/pay-world';
import { activeProject, type ActiveProject, type World } from '../support/review-world';
import { chromiumPath, expectAccessible, overflowsHorizontally, screenshot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * The journey's money after approval, in Chinese at phone size: 23 households have paid 2,000.00
 * (written straight into the tables; the self-raising pages have their own test), so 1,500.00 of
 * the 3,000.00 match can be paid out before acceptance. The fund administrator asks for it, which
 * is above the four-eyes threshold of 1,000.00, so it waits; the requester cannot approve it; a
 * leader finds it in the inbox and approves it, and the voucher is there. The committee records
 * the supplier's 3,500.00 deposit with the invoice, split as 1,500.00 match and 2,000.00 of the
 * households' money, and is refused the next yuan with what is available. Every page passes axe
 * and fits 360 px; the payouts page is read in English too. Plain HTTP posts check who may do what.
 */

const office = fundFixture({
  prefix: 'po',
  displayName: '拨付',
  addressBlock: '10.73.4',
  newFund: {
    policy: { ...DEMO_POLICY_JSON, secondApproverAbove: '1000.00' },
    units: ['unit-1', 'unit-2', 'unit-3', 'unit-4'].map((code) => ({ code, name: `单位${code.slice(-1)}` })),
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 23 }]
  }
});
const FUND = office.slug;
const NUMBER = 1;
const PAYOUTS = `/funds/${FUND}/projects/${NUMBER}/payouts`;
const EXPENSES = `/funds/${FUND}/projects/${NUMBER}/expenses`;

/** A real 1×1 PNG, as the invoice's photo. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
);

let admin: Person;
let leader: Person;
let supervisor: Person;
let committee: Person;
let made: ActiveProject;

async function payoutRows(): Promise<{ status: string; amount: string }[]> {
  return await office.sql<{ status: string; amount: string }[]>`
    select p.status, p.amount::text as amount from payouts p join applications a on a.id = p.application_id
     where a.fund_id = ${office.fundId} and a.number = ${NUMBER} order by p.id`;
}

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  leader = await office.person('leader', [{ role: 'leader', unitCode: 'unit-1' }]);
  const leaders = [
    leader,
    await office.person('leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await office.person('leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  supervisor = await office.person('supervisor', [{ role: 'supervisor' }]);
  committee = await office.person('committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  const posted = await books.post(office.sql, { fundId: office.fundId, command: contribution('100000.00') });
  if (!posted.ok) throw new Error(`pool: ${posted.code}`);
  const ids = async (table: 'units' | 'compounds') =>
    Object.fromEntries(
      (
        await office.sql<{ code: string; id: string }[]>`
          select code, id::text as id from ${office.sql(table)} where fund_id = ${office.fundId}`
      ).map((row) => [row.code, row.id])
    );
  const world: World = {
    slug: FUND,
    fundId: office.fundId,
    units: await ids('units'),
    compounds: await ids('compounds')
  };
  const now = new Date();
  made = await activeProject({ owner: office.sql, app: office.sql, now }, world, {
    number: NUMBER,
    admin: await office.actorOf(admin),
    leaders: await Promise.all(leaders.map((person) => office.actorOf(person))),
    committee: await office.actorOf(committee),
    households: 23
  });
  await raiseDirectly(office.sql, { world, project: made, amounts: journeyAmounts(), recordedBy: committee.id, now });
});

describe('payouts and spending over plain HTTP', () => {
  it('lets everyone who reads the project see the figures, and only the administrator ask', async () => {
    for (const reader of [committee, leader, supervisor]) {
      const page = await office.get(PAYOUTS, reader.cookie);
      expect(page.status, reader.loginName).toBe(200);
      const html = await page.text();
      expect(html).toContain('现在可拨付');
      expect(html).not.toContain('action="?/request"');
    }
    const form = { key: crypto.randomUUID(), amount: '100.00', payeeKind: 'committee', payeeName: '', memo: '' };
    expect((await office.post(`${PAYOUTS}?/request`, form, committee.cookie)).status).toBe(403);
    expect((await office.post(`${PAYOUTS}?/request`, form, leader.cookie)).status).toBe(403);
    expect((await office.post(`${EXPENSES}?/record`, { key: crypto.randomUUID() }, leader.cookie)).status).toBe(403);
    const anonymous = await office.get(PAYOUTS);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(PAYOUTS)}`);
    expect((await office.get(`/funds/${FUND}/projects/98765/payouts`, admin.cookie)).status).toBe(404);
    expect(await payoutRows()).toEqual([]);
  });

  it('refuses more than the releasable with the figure and the reason, keeping what was typed', async () => {
    const form = { key: crypto.randomUUID(), amount: '1500.01', payeeKind: 'committee', payeeName: '', memo: '留言' };
    const refused = await office.post(`${PAYOUTS}?/request`, form, admin.cookie);
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain('超过了现在可拨付的 ¥1,500.00。原因：部分配套资金须待验收后拨付。');
    expect(html).toContain('value="1500.01"');
    expect(await payoutRows()).toEqual([]);
  });
});

describe.skipIf(!chromiumPath)('the first tranche and the deposit in a browser', () => {
  const { pageOf } = office.browser();

  async function fits(page: Page): Promise<void> {
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
  }

  it('asks for 1,500.00, which waits for a second approver the requester cannot be', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(PAYOUTS))?.status()).toBe(200);
    await expect.poll(() => page.locator('.pay-figure').innerText()).toBe('¥1,500.00');
    await expect.poll(() => page.getByText('配套资金 ¥3,000.00 中有 50% 须待验收合格后才拨付。').count()).toBe(1);
    expect(await page.getByLabel('拨付金额（元）').inputValue()).toBe('1500.00');
    await fits(page);
    await page.getByLabel('备注（可选）').fill('首期配套资金');
    await page.getByRole('button', { name: '提交拨付' }).click();
    await page.waitForURL(`**${PAYOUTS}?done=waiting**`);
    await expect.poll(() => page.getByText('拨付申请已提交，金额超过复核线').count()).toBe(1);
    await expect.poll(() => page.getByText('这是您提交的申请，须由另一人复核。').count()).toBe(1);
    expect(await page.getByRole('button', { name: '复核通过并拨付' }).count()).toBe(0);
    await expect.poll(() => page.locator('.pay-figure').innerText()).toBe('¥0.00');
    await fits(page);
    await screenshot(page, 'payouts-waiting-zh-phone');
    expect(await payoutRows()).toEqual([{ status: 'waiting', amount: '1500.00' }]);

    // The requester's own approval, posted by hand, is refused too.
    const [waiting] = await office.sql<{ id: string }[]>`
      select p.id::text as id from payouts p join applications a on a.id = p.application_id
       where a.fund_id = ${office.fundId} and p.status = 'waiting'`;
    const own = await office.post(`${PAYOUTS}?/approve`, { payoutId: waiting?.id ?? '' }, admin.cookie);
    expect(own.status).toBe(409);
    expect(await own.text()).toContain('申请人不能复核自己提交的拨付');
  });

  it('lets a leader find it in the inbox and approve it, which pays it with a voucher', async () => {
    const page = await pageOf(leader);
    await page.goto('/inbox');
    await expect.poll(() => page.getByText('请您复核拨付').count()).toBe(1);
    await fits(page);
    await page.locator('li', { hasText: '请您复核拨付' }).getByRole('link').click();
    await page.waitForURL(`**${PAYOUTS}`);
    await page.getByRole('button', { name: '复核通过并拨付' }).click();
    await page.waitForURL(`**${PAYOUTS}?done=paid**`);
    await expect.poll(() => page.getByText(/已拨付 ¥1,500\.00，记字第\d+号。/).count()).toBe(1);
    await expect.poll(() => page.getByText(/复核通过$/).count()).toBe(1);
    await fits(page);
    await screenshot(page, 'payouts-paid-zh-phone');
    expect(await payoutRows()).toEqual([{ status: 'paid', amount: '1500.00' }]);
    await page
      .getByRole('link', { name: /^记字第\d+号$/ })
      .first()
      .click();
    await page.waitForURL(`**/funds/${FUND}/vouchers/**`);
    await expect.poll(() => page.getByText('1002.02.P-1').count()).toBeGreaterThan(0);
  });

  it('lets the committee record the 3,500.00 deposit with its invoice, split 1,500.00 and 2,000.00', async () => {
    const page = await pageOf(committee);
    expect((await page.goto(EXPENSES))?.status()).toBe(200);
    await expect.poll(() => page.getByText('现在最多可登记 ¥3,500.00').count()).toBe(1);
    await fits(page);
    await page.getByLabel('预算项目').selectOption({ label: '道闸' });
    await page.getByLabel('供应商').fill('安达道闸');
    await page.getByLabel('发票号码（可选）').fill('FP-2026-118');
    await page.getByLabel('支付金额（元）').fill('3500');
    await page
      .getByLabel('发票或收据（可选）')
      .setInputFiles({ name: 'fapiao.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '登记支出' }).click();
    await page.waitForURL(`**${EXPENSES}?recorded=**`);
    await expect
      .poll(() =>
        page.getByText(/已登记支出 ¥3,500\.00，记字第\d+号：其中配套资金 ¥1,500\.00，自筹资金 ¥2,000\.00。/).count()
      )
      .toBe(1);
    const row = page.getByRole('row', { name: /道闸/ });
    await expect.poll(() => row.innerText()).toContain('¥3,500.00');
    await fits(page);
    await screenshot(page, 'expenses-zh-phone');

    await page.getByLabel('供应商').fill('安达道闸');
    await page.getByLabel('支付金额（元）').fill('100');
    await page.getByRole('button', { name: '登记支出' }).click();
    await expect
      .poll(() => page.getByText('超过了已收到、尚未支出的资金：现在最多可支出 ¥0.00。').count())
      .toBeGreaterThan(0);
    expect(await page.getByLabel('支付金额（元）').getAttribute('aria-invalid')).toBe('true');
    await fits(page);
    const [counted] = await office.sql<{ count: number; hashes: number }[]>`
      select count(*)::int as count, count(attachment_sha256)::int as hashes from expenses where fund_id = ${office.fundId}`;
    expect(counted).toEqual({ count: 1, hashes: 1 });
  });

  it('lets the administrator set a minimum participation in the policy, kept in the new version', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(`/funds/${FUND}/settings`))?.status()).toBe(200);
    expect(await page.getByLabel('拨付前最低参与率（可选）').inputValue()).toBe('');
    await page.getByLabel('拨付前最低参与率（可选）').fill('1.5');
    await page.getByRole('button', { name: '通过为新版本' }).click();
    await expect.poll(() => page.getByLabel('拨付前最低参与率（可选）').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('拨付前最低参与率（可选）').fill('0.6');
    await page.getByRole('button', { name: '通过为新版本' }).click();
    await expect.poll(() => page.getByText('已通过第 2 版。').count()).toBe(1);
    await fits(page);
    const [latest] = await office.sql<{ participationMin: string | null }[]>`
      select policy->>'participationMin' as "participationMin" from fund_policies
       where fund_id = ${office.fundId} order by version desc limit 1`;
    expect(latest?.participationMin).toBe('0.6');
    // The project is paid out under the version it was submitted under, which had no minimum.
    const payouts = await office.get(PAYOUTS, admin.cookie);
    expect(await payouts.text()).not.toContain('（最低 60%）');
  });

  it('reads the payouts and the spending in English', async () => {
    const page = await pageOf(admin, { locale: 'en' });
    await page.goto(PAYOUTS);
    await expect.poll(() => page.getByRole('heading', { name: 'Can be paid out now' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Paid', { exact: true }).count()).toBe(1);
    await fits(page);
    await page.getByRole('link', { name: 'Project spending and budget' }).click();
    await page.waitForURL(`**${EXPENSES}`);
    await expect.poll(() => page.getByRole('heading', { name: 'Budget and actual' }).count()).toBe(1);
    await fits(page);
    await screenshot(page, 'expenses-en-phone');
  });
});
