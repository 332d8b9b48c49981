import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { money } from '@gongjian/ledger';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkoutRoot } from '../support/postgres';
import { DESKTOP, chromiumPath, expectAccessible, overflowsHorizontally, screenshot, choose } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * The review of an application in the demo fund, in a real browser at phone size in Chinese: the
 * fund administrator pre-checks it, test leaders vote (one sits on the applicant compound's
 * committee and sees why they cannot), the approval reserves the match on the pool (the fund's
 * "available" figure drops by it), the public notice shows the amounts in capitals and takes an
 * objection without a sign-in, and the administrator dismisses it. Each person is made for this
 * file (login names start with rv-); the application is written straight into the tables, as a
 * submission leaves it.
 */

const office = fundFixture({ prefix: 'rv', displayName: '评审', addressBlock: '10.9.6' });
const FUND = office.slug;
const { person, post, run } = office;
const zh = JSON.parse(readFileSync(join(checkoutRoot, 'apps/web/messages/zh-CN.json'), 'utf8')) as Record<
  string,
  string
>;

let number = 0;

async function statusOf(): Promise<string> {
  const [row] = await office.sql<{ status: string }[]>`
    select status from applications where fund_id = ${office.fundId} and number = ${number}`;
  return row?.status ?? '';
}

let admin: Person;
let leaderA: Person;
let leaderB: Person;
let recused: Person;

beforeAll(async () => {
  const sql = office.sql;
  const fundId = office.fundId;
  admin = await person('admin', [{ role: 'fund_admin' }]);
  leaderA = await person('leader-a', [{ role: 'leader', unitCode: 'grid-04' }]);
  leaderB = await person('leader-b', [{ role: 'leader', unitCode: 'grid-05' }]);
  recused = await person('recused', [
    { role: 'leader', unitCode: 'grid-06' },
    { role: 'committee', compoundCode: 'c-guihua-3' }
  ]);
  const committee = await person('committee', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
  const [row] = await sql<{ id: string; number: number }[]>`
    insert into applications (fund_id, number, compound_id, status, title, category, description, location,
                              requested_ratio, created_by, created_at, updated_at)
    select ${fundId}, coalesce(max(a.number), 0) + 1,
           (select id from compounds where fund_id = ${fundId} and code = 'c-guihua-3'), 'draft',
           ${`更换单元门禁 ${run}`}, 'repairs', '2号楼两个单元的门禁损坏，更换为刷卡门禁。', '桂花井3号院2号楼', '0.6',
           ${committee.id}, now(), now()
      from applications a where a.fund_id = ${fundId}
    returning id::text as id, number`;
  if (row === undefined) throw new Error('no application');
  number = row.number;
  await sql`
    insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
    values (${fundId}, ${row.id}, 1, '刷卡门禁', 2, '2500.00', '5000.00')`;
  await sql`
    insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present,
                             households_agreeing)
    values (${fundId}, ${row.id}, '2026-03-01', 25, 20, 18)`;
  await sql`
    update applications
       set status = 'submitted', match_amount = '3000.00', submitted_at = now(),
           policy_version = (select max(version) from fund_policies where fund_id = ${fundId})
     where id = ${row.id}`;
});

describe.skipIf(!chromiumPath)('the review in a browser', () => {
  const { pageOf } = office.browser();

  async function available(page: Page): Promise<string> {
    await page.goto(`/funds/${FUND}`);
    const text = await page
      .locator('dt', { hasText: zh['office_available'] ?? '可用' })
      .locator('xpath=following-sibling::dd[1]')
      .innerText();
    return text.replace(/[¥,\s]/g, '');
  }

  const reviewPath = () => `/funds/${FUND}/review/${number}`;
  const noticePath = () => `/funds/${FUND}/notices/${number}`;

  it('takes an application from pre-check through the vote to a hold on the pool', async () => {
    const adminPage = await pageOf(admin);
    const availableBefore = await available(adminPage);

    expect((await adminPage.goto(`/funds/${FUND}/review`))?.status()).toBe(200);
    await expectAccessible(adminPage);
    await adminPage
      .getByRole('link', { name: `更换单元门禁 ${run}` })
      .first()
      .click();
    await adminPage.waitForURL(`**${reviewPath()}`);
    await expectAccessible(adminPage);
    await choose(adminPage.getByLabel('通过初审，提交领导小组表决'));
    await adminPage.getByRole('button', { name: '记录初审结论' }).click();
    await expect.poll(() => adminPage.getByText('初审结论已记录。').count()).toBe(1);
    expect(await statusOf()).toBe('in_review');

    // The leader on the applicant compound's committee sees why they cannot vote, and no form.
    const recusedPage = await pageOf(recused);
    expect((await recusedPage.goto(reviewPath()))?.status()).toBe(200);
    await expect.poll(() => recusedPage.getByText(zh['review_recused_you'] ?? '').count()).toBe(1);
    expect(await recusedPage.getByRole('button', { name: '提交表决' }).count()).toBe(0);
    await expectAccessible(recusedPage);

    const leaderPage = await pageOf(leaderA);
    expect((await leaderPage.goto(reviewPath()))?.status()).toBe(200);
    await expectAccessible(leaderPage);
    // An override without a reason is refused with the field's message, keeping the choice.
    await choose(leaderPage.getByLabel('同意，但调整配套比例'));
    await leaderPage.getByLabel('调整后的配套比例').fill('0.5');
    await leaderPage.getByRole('button', { name: '提交表决' }).click();
    await expect.poll(() => leaderPage.getByText('请填写理由。').count()).toBeGreaterThan(0);
    await expectAccessible(leaderPage);
    await choose(leaderPage.getByLabel(/同意，按计算的配套金额/));
    await leaderPage.getByRole('button', { name: '提交表决' }).click();
    await expect.poll(() => leaderPage.getByText('您的表决已记录。').count()).toBe(1);
    await expectAccessible(leaderPage);
    await screenshot(leaderPage, 'review-zh-phone');
    expect(await overflowsHorizontally(leaderPage)).toBe(false);

    // The rest vote without JavaScript. Leaders made by other test files also hold seats in the
    // demo fund, so more test leaders vote until the majority of the seats is reached.
    expect((await post(`${reviewPath()}?/vote`, { choice: 'approve', reason: '' }, leaderB.cookie)).status).toBe(200);
    for (let extra = 0; (await statusOf()) === 'in_review' && extra < 20; extra += 1) {
      const voter = await person(`extra-${extra}`, [
        { role: 'leader', unitCode: `grid-${String(7 + (extra % 5)).padStart(2, '0')}` }
      ]);
      expect((await post(`${reviewPath()}?/vote`, { choice: 'approve', reason: '' }, voter.cookie)).status).toBe(200);
    }
    expect(await statusOf()).toBe('approved');
    const [hold] = await office.sql<{ amount: string; account: string }[]>`
      select h.amount::text as amount, h.account_code as account from holds h
        join applications a on a.fund_id = h.fund_id and a.hold_id = h.id
       where a.fund_id = ${office.fundId} and a.number = ${number}`;
    expect(hold).toEqual({ amount: '3000.00', account: '1002.01' });
    const availableAfter = await available(adminPage);
    expect(money(availableBefore).minus(money(availableAfter)).toString()).toBe('3000.00');

    const elder = await pageOf(leaderA, { elder: true });
    for (const path of [`/funds/${FUND}/review`, reviewPath(), noticePath(), '/inbox']) {
      expect((await elder.goto(path))?.status(), path).toBe(200);
      expect(await overflowsHorizontally(elder), path).toBe(false);
    }
  });

  it('publishes the notice, takes an objection without a sign-in, and lets the administrator dismiss it', async () => {
    const visitor = await pageOf(null, { viewport: DESKTOP });
    expect((await visitor.goto(noticePath()))?.status()).toBe(200);
    await expect.poll(() => visitor.getByText('大写：人民币叁仟元整').count()).toBe(1);
    await expect.poll(() => visitor.getByText('大写：人民币伍仟元整').count()).toBe(1);
    await expect.poll(() => visitor.getByText('大写：人民币贰仟元整').count()).toBe(1);
    await expectAccessible(visitor);
    await screenshot(visitor, 'notice-zh-desktop');
    expect((await visitor.goto(`${noticePath()}/print`))?.status()).toBe(200);
    await expectAccessible(visitor);

    const resident = await pageOf(null);
    await resident.goto(noticePath());
    await resident.getByRole('button', { name: '提交异议' }).click();
    // The browser's own required check stops an empty form; without it the server says which field.
    const emptyPost = await post(`${noticePath()}?/object`, { name: '', contact: '', body: '' });
    expect(emptyPost.status).toBe(400);
    await resident.getByLabel('姓名').fill('吴女士');
    await resident.getByLabel('联系方式').fill('13700000000');
    await resident.getByLabel('异议内容').fill(`门禁报价偏高 ${run}`);
    await resident.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => resident.getByText(zh['objection_filed'] ?? '').count()).toBe(1);
    await expectAccessible(resident);
    // The objection itself is not public: only the count is.
    expect(await resident.getByText('13700000000').count()).toBe(0);

    const adminPage = await pageOf(admin);
    await adminPage.goto(noticePath());
    await expect.poll(() => adminPage.getByText(`门禁报价偏高 ${run}`).count()).toBe(1);
    await expectAccessible(adminPage);
    await adminPage.getByLabel('处理意见').fill('已核对三家报价，报价合理。');
    await adminPage.getByLabel('公开理由').fill('已核对三家报价，报价合理。');
    await adminPage.getByRole('button', { name: '驳回异议' }).click();
    await expect.poll(() => adminPage.getByText('异议已处理。').count()).toBe(1);
    const [objection] = await office.sql<{ status: string }[]>`
      select o.status from objections o join applications a on a.id = o.application_id
       where a.fund_id = ${office.fundId} and a.number = ${number}`;
    expect(objection?.status).toBe('dismissed');
    expect(await statusOf()).toBe('approved');
  });

  it('shows each person their notifications, and marks them read', async () => {
    const page = await pageOf(leaderA);
    expect((await page.goto('/inbox'))?.status()).toBe(200);
    await expectAccessible(page);
    await expect.poll(() => page.getByText(`更换单元门禁 ${run}`).count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: '全部标为已读' }).click();
    await expect.poll(() => page.getByRole('button', { name: '全部标为已读' }).count()).toBe(0);
    await expectAccessible(page);
  });
});
