import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openChartIn, transact } from '../../apps/web/src/lib/server/books';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { activateEndedNotices } from '../../apps/web/src/lib/server/review';
import { TEST_PASSWORD, createTestUser, type TestMembership } from '../support/people';
import { checkoutRoot } from '../support/postgres';
import {
  DESKTOP,
  PHONE,
  chromiumPath,
  expectAccessible,
  launchBrowser,
  newVisitor,
  overflowsHorizontally,
  screenshot
} from './browser';

/*
 * The pilot's whole journey (issue 6) on a fund made for this file, in Chromium and in Chinese:
 * the administrator sets the fund up (profile, policy, eleven units, a compound of 25 households)
 * and records the start capital of 100,000.00; a committee member applies for 5,000.00 and sees
 * the 3,000.00 match; the administrator pre-checks; three leaders approve while the fourth, who
 * sits on the applicant's committee, is recused; the match is held on the pool; the public notice
 * shows the amount in capitals and prints without the site's header; an objection is filed and
 * dismissed; and once the notice period has ended the grant is active. Everyone signs in through
 * the real login page. Login names and the fund's slug carry this run's suffix.
 */

const run = Date.now().toString(36).slice(-6);
const SLUG = `jr-${run}`;
const OFFICE = `/funds/${SLUG}`;
const COMPOUND = `旭日小区${run}`;
const TITLE = `更换停车道闸 ${run}`;
const zh = JSON.parse(readFileSync(join(checkoutRoot, 'apps/web/messages/zh-CN.json'), 'utf8')) as Record<
  string,
  string
>;

/** A file whose first bytes say PNG, as a supplier's scanned quote would. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

let sql: Sql;
let fundId = '';
let lastAddress = 10;

interface Person {
  loginName: string;
}

async function person(label: string, memberships: readonly Omit<TestMembership, 'fundSlug'>[]): Promise<Person> {
  const loginName = `jr-${label}-${run}`;
  await createTestUser(sql, {
    loginName,
    displayName: `旅程${label}`,
    memberships: memberships.map((membership) => ({ fundSlug: SLUG, ...membership }))
  });
  return { loginName };
}

/** Today in Shanghai as YYYY-MM-DD, the day the app's forms and notices count from. */
function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

function dayAfter(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

beforeAll(async () => {
  sql = createClient(inject('databaseUrl'), { max: 2, applicationName: 'gongjian-e2e-journey' });
  // A new fund with its chart of accounts and nothing else: no policy, no units, no compounds.
  // The administrator sets all of that up in the browser.
  const [fund] = await sql<{ id: string }[]>`
    insert into funds (slug, name_zh, name_en) values (${SLUG}, ${`旅程基金 ${run}`}, ${`Journey fund ${run}`})
    returning id::text as id`;
  if (fund === undefined) throw new Error('no fund');
  fundId = fund.id;
  await transact(sql, (transaction) => openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
});

afterAll(async () => {
  await sql?.end();
});

describe.skipIf(!chromiumPath)('the pilot journey, from an empty fund to an active grant', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const visited = new Set<string>();

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  /** A browser of its own for one person, signed in through the real login page from its own address. */
  async function signedIn(who: Person | null, options: { desktop?: boolean } = {}): Promise<Page> {
    const context = await newVisitor(browser, { viewport: options.desktop ? DESKTOP : PHONE });
    contexts.push(context);
    lastAddress += 1;
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': `10.9.7.${lastAddress}` });
    const page = await context.newPage();
    if (who !== null) {
      await page.goto('/login');
      await page.getByLabel('登录名（手机号或用户名）').fill(who.loginName);
      await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL((url) => url.pathname !== '/login');
    }
    return page;
  }

  /** Runs axe once per page kind (the path without its query), as the journey returns to many. */
  async function checkOnce(page: Page): Promise<void> {
    const url = new URL(page.url());
    const key = `${url.pathname}?${url.searchParams.get('step') ?? ''}`;
    if (visited.has(key)) return;
    visited.add(key);
    await expectAccessible(page);
  }

  async function figure(page: Page, label: string): Promise<string> {
    return await page.locator('dt', { hasText: label }).first().locator('xpath=following-sibling::dd[1]').innerText();
  }

  async function statusOf(number: number): Promise<string> {
    const [row] = await sql<{ status: string }[]>`
      select status from applications where fund_id = ${fundId} and number = ${number}`;
    return row?.status ?? '';
  }

  it('runs the whole journey', { timeout: 120_000 }, async () => {
    const year = shanghaiToday().slice(0, 4);

    // 1. The administrator sets the fund up and records the start capital.
    const adminPerson = await person('admin', [{ role: 'fund_admin' }]);
    const admin = await signedIn(adminPerson);
    expect((await admin.goto(`${OFFICE}/settings`))?.status()).toBe(200);
    await checkOnce(admin);
    await admin.getByLabel('社区').fill('旭日社区');
    await admin.getByLabel(zh['office_profile_fiscal_year'] ?? '').fill(year);
    await admin.getByRole('button', { name: '保存基本信息' }).click();
    await expect.poll(() => admin.getByText('基本信息已保存。').count()).toBe(1);

    await admin.getByLabel('默认配套比例').fill('0.6');
    await admin.getByLabel('表决最少人数').fill('3');
    await admin.getByLabel('通过所需比例').fill('0.5');
    await admin.getByLabel(zh['policy_notice_days'] ?? '').fill('5');
    await admin.locator('#policy-cat-key-0').fill('repairs');
    await admin.locator('#policy-cat-zh-0').fill('设施维修');
    await admin.locator('#policy-cat-en-0').fill('Repairs');
    await admin.getByLabel('说明（如通过的会议）').fill('基金领导小组第一次会议通过');
    await admin.getByRole('button', { name: '通过为新版本' }).click();
    await expect.poll(() => admin.getByText('已通过第 1 版。').count()).toBe(1);
    await checkOnce(admin);

    expect((await admin.goto(`${OFFICE}/registers`))?.status()).toBe(200);
    await checkOnce(admin);
    for (let unit = 1; unit <= 11; unit += 1) {
      const code = `u-${String(unit).padStart(2, '0')}`;
      await admin.locator('#new-unit-code').fill(code);
      await admin.locator('#new-unit-name').fill(`网格单位${unit}`);
      await admin
        .getByRole('button', { name: zh['registers_add_unit'] ?? '' })
        .last()
        .click();
      await expect.poll(() => admin.getByText(`网格单位${unit}`, { exact: true }).count()).toBe(1);
    }
    await admin.locator('#new-compound-code').fill('c-xuri');
    await admin.locator('#new-compound-name').fill(COMPOUND);
    await admin.locator('#new-compound-householdsCount').fill('25');
    await admin
      .getByRole('button', { name: zh['registers_add_compound'] ?? '' })
      .last()
      .click();
    await expect.poll(() => admin.getByText(COMPOUND, { exact: true }).count()).toBe(1);
    await checkOnce(admin);

    // Ten units pay 9,090.91 and the last 9,090.90: the 100,000.00 split to the fen.
    expect((await admin.goto(`${OFFICE}/money?source=unit`))?.status()).toBe(200);
    await checkOnce(admin);
    for (let unit = 1; unit <= 11; unit += 1) {
      await admin.getByLabel('出资单位').selectOption({ label: `网格单位${unit}` });
      await admin.getByLabel('金额（元）').fill(unit === 11 ? '9090.90' : '9090.91');
      await admin.getByLabel('摘要（可选）').fill(`启动资金 ${unit}`);
      await admin.getByRole('button', { name: '入账', exact: true }).click();
      await expect.poll(() => admin.locator('.money-list .card', { hasText: `启动资金 ${unit}` }).count()).toBe(1);
      await admin.goto(`${OFFICE}/money?source=unit`);
    }
    expect((await admin.goto(OFFICE))?.status()).toBe(200);
    expect(await figure(admin, '资金池余额')).toContain('¥100,000.00');
    await checkOnce(admin);
    expect(await overflowsHorizontally(admin)).toBe(false);
    await screenshot(admin, 'journey-office-zh-phone');

    // The people of the journey, now that their units and compound exist. Leader 4 also sits on
    // the applicant compound's committee, so they must sit the vote out.
    const committeePerson = await person('committee', [{ role: 'committee', compoundCode: 'c-xuri' }]);
    const voters = [
      await person('leader1', [{ role: 'leader', unitCode: 'u-01' }]),
      await person('leader2', [{ role: 'leader', unitCode: 'u-02' }]),
      await person('leader3', [{ role: 'leader', unitCode: 'u-03' }])
    ];
    const recusedLeader = await person('leader4', [
      { role: 'leader', unitCode: 'u-04' },
      { role: 'committee', compoundCode: 'c-xuri' }
    ]);

    // 2. The committee member applies for 5,000.00 and sees the 3,000.00 match.
    const committee = await signedIn(committeePerson);
    expect((await committee.goto(`${OFFICE}/applications`))?.status()).toBe(200);
    await checkOnce(committee);
    await committee.getByRole('button', { name: `为${COMPOUND}新建申请` }).click();
    await committee.waitForURL(/\/applications\/\d+\/edit\?step=basics/);
    const number = Number(/applications\/(\d+)\//.exec(committee.url())?.[1]);
    await checkOnce(committee);
    await committee.getByLabel('项目名称').fill(TITLE);
    await committee.getByLabel('项目类别').selectOption('repairs');
    await committee.getByLabel('地点').fill(`${COMPOUND}南门`);
    await committee.getByLabel('项目说明').fill('道闸老化，更换为车牌识别一体机。');
    await committee.getByRole('button', { name: '保存并继续' }).click();
    await committee.waitForURL(/step=budget/);
    await checkOnce(committee);
    await committee.locator('#app-item_0').fill('道闸一体机');
    await committee.locator('#app-quantity_0').fill('1');
    await committee.locator('#app-unitPrice_0').fill('5000');
    await committee.getByRole('button', { name: '保存并继续' }).click();
    await committee.waitForURL(/step=match/);
    await checkOnce(committee);
    await expect.poll(() => committee.getByText('配套资金 ¥3,000.00，自筹 ¥2,000.00').count()).toBe(1);
    await committee.getByRole('button', { name: '保存并继续' }).click();
    await committee.waitForURL(/step=selfraise/);
    await checkOnce(committee);
    await committee.getByLabel('预计出资户数').fill('25');
    await committee.getByRole('button', { name: '保存并继续' }).click();
    await committee.waitForURL(/step=meeting/);
    await checkOnce(committee);
    await committee.getByLabel('会议日期').fill(shanghaiToday());
    await committee.getByLabel('全体户数').fill('25');
    await committee.getByLabel('到会户数').fill('21');
    await committee.getByLabel('同意户数').fill('20');
    await committee.getByRole('button', { name: '保存并继续' }).click();
    await committee.waitForURL(/step=quotes/);
    await checkOnce(committee);
    await committee
      .getByLabel('报价单文件')
      .setInputFiles({ name: '道闸报价.png', mimeType: 'image/png', buffer: PNG });
    await committee.getByRole('button', { name: '上传报价单' }).click();
    await expect.poll(() => committee.getByText('道闸报价.png').count()).toBeGreaterThan(0);
    await committee.getByRole('link', { name: '下一步' }).click();
    await committee.waitForURL(/step=review/);
    await checkOnce(committee);
    await committee.getByRole('button', { name: '提交申请' }).click();
    await committee.waitForURL(new RegExp(`/applications/${number}\\?submitted=1`));
    await expect.poll(() => committee.getByText('申请已提交，基金办将进行预审。').count()).toBe(1);
    await checkOnce(committee);
    expect(await statusOf(number)).toBe('submitted');

    // 3. The administrator pre-checks it.
    const reviewPath = `${OFFICE}/review/${number}`;
    expect((await admin.goto(reviewPath))?.status()).toBe(200);
    await checkOnce(admin);
    await admin.getByLabel('通过初审，提交领导小组表决').check();
    await admin.getByRole('button', { name: '记录初审结论' }).click();
    await expect.poll(() => admin.getByText('初审结论已记录。').count()).toBe(1);
    expect(await statusOf(number)).toBe('in_review');

    // 4. The recused leader sees why and has no vote; the other three approve.
    const recused = await signedIn(recusedLeader);
    expect((await recused.goto(reviewPath))?.status()).toBe(200);
    await expect.poll(() => recused.getByText(zh['review_recused_you'] ?? '').count()).toBe(1);
    expect(await recused.getByRole('button', { name: '提交表决' }).count()).toBe(0);
    await expectAccessible(recused);
    for (const [index, leader] of voters.entries()) {
      const page = await signedIn(leader);
      expect((await page.goto(reviewPath))?.status()).toBe(200);
      if (index === 0) await expectAccessible(page);
      await page.getByLabel(/同意，按计算的配套金额/).check();
      await page.getByRole('button', { name: '提交表决' }).click();
      await expect.poll(() => page.getByText('您的表决已记录。').count()).toBe(1);
      if (index === 0) {
        await expectAccessible(page);
        expect(await overflowsHorizontally(page)).toBe(false);
        await screenshot(page, 'journey-review-zh-phone');
      }
      expect(await statusOf(number)).toBe(index < 2 ? 'in_review' : 'approved');
    }

    // 5. The match is held on the pool: the balance stays, the available figure drops.
    const [hold] = await sql<{ amount: string; account: string; status: string }[]>`
      select h.amount::text as amount, h.account_code as account, h.status from holds h
        join applications a on a.fund_id = h.fund_id and a.hold_id = h.id
       where a.fund_id = ${fundId} and a.number = ${number}`;
    expect(hold).toMatchObject({ amount: '3000.00', account: '1002.01' });
    await admin.goto(OFFICE);
    expect(await figure(admin, '资金池余额')).toContain('¥100,000.00');
    expect(await figure(admin, '已预留（批准待付）')).toContain('¥3,000.00');
    expect(await figure(admin, '可用余额')).toContain('¥97,000.00');

    // 6. The notice is public: the amount in capitals, the period, and a print view without the header.
    const [dates] = await sql<{ starts: string; ends: string }[]>`
      select notice_starts_on::text as starts, notice_ends_on::text as ends from applications
       where fund_id = ${fundId} and number = ${number}`;
    if (dates === undefined) throw new Error('no notice dates');
    const noticePath = `${OFFICE}/notices/${number}`;
    const visitor = await signedIn(null, { desktop: true });
    expect((await visitor.goto(noticePath))?.status()).toBe(200);
    await expect.poll(() => visitor.getByText('人民币叁仟元整').count()).toBeGreaterThan(0);
    await expect.poll(() => visitor.getByText(`公示期：${dates.starts} 至 ${dates.ends}`).count()).toBe(1);
    await checkOnce(visitor);
    expect((await visitor.goto(`${noticePath}/print`))?.status()).toBe(200);
    await checkOnce(visitor);
    await visitor.emulateMedia({ media: 'print' });
    expect(await visitor.locator('.site-header').isVisible()).toBe(false);
    expect(await visitor.locator('.notice-tools').isVisible()).toBe(false);
    expect(await visitor.getByText('人民币叁仟元整').first().isVisible()).toBe(true);
    await screenshot(visitor, 'journey-notice-print');
    await visitor.emulateMedia({ media: 'screen' });

    // 7. A resident objects without signing in; the administrator dismisses the objection.
    await visitor.goto(noticePath);
    await visitor.getByLabel('姓名').fill('吴女士');
    await visitor.getByLabel('联系方式').fill('13700000000');
    await visitor.getByLabel('异议内容').fill(`道闸报价偏高 ${run}`);
    await visitor.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => visitor.getByText(zh['objection_filed'] ?? '').count()).toBe(1);
    await admin.goto(noticePath);
    await expect.poll(() => admin.getByText(`道闸报价偏高 ${run}`).count()).toBe(1);
    await checkOnce(admin);
    await admin.getByLabel('处理意见').fill('已核对三家报价，报价合理。');
    await admin.getByRole('button', { name: '驳回异议' }).click();
    await expect.poll(() => admin.getByText('异议已处理。').count()).toBe(1);
    const [objection] = await sql<{ status: string }[]>`
      select o.status from objections o join applications a on a.id = o.application_id
       where a.fund_id = ${fundId} and a.number = ${number}`;
    expect(objection?.status).toBe('dismissed');
    expect(await statusOf(number)).toBe('approved');

    // 8. The notice runs 5 working days (policy v1, noticeWorkingDays 5, counted with the 2026
    // holiday calendar); waiting that long is not a test's business, so the day after its last
    // day is passed in directly, as a scheduler would on that day.
    expect(await activateEndedNotices(sql, { fundId, today: dayAfter(dates.ends) })).toBe(1);
    expect(await statusOf(number)).toBe('active');
    expect((await committee.goto(`${OFFICE}/applications/${number}`))?.status()).toBe(200);
    await expect.poll(() => committee.getByText('已生效').count()).toBeGreaterThan(0);
    await checkOnce(committee);
  });
});
