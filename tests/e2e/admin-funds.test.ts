import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { createTestUser, signInOverHttp } from '../support/people';
import {
  PHONE,
  baseUrl,
  chromiumPath,
  expectAccessible,
  launchBrowser,
  newVisitor,
  overflowsHorizontally,
  screenshot
} from './browser';

/**
 * A platform administrator sets up a new fund at /admin/funds: in Chinese on a phone with
 * JavaScript, in English without it, and with the same form sent twice. The first administrator's
 * link is shown once, works in another browser, and makes its holder the new fund's administrator.
 * Everyone here is made for this file (login names and slugs start with af-).
 */

const origin = new URL(baseUrl).origin;
const run = Date.now().toString(36).slice(-6);

let sql: Sql;
let sessionToken = '';
let lastAddress = 10;

/** Each visitor comes from its own address, so no test is slowed by another's throttle. */
function nextAddress(): string {
  lastAddress += 1;
  return `10.8.${Math.floor(lastAddress / 250)}.${lastAddress % 250}`;
}

beforeAll(async () => {
  sql = createClient(inject('databaseUrl'), { max: 2, applicationName: 'gongjian-admin-funds-tests' });
  const loginName = `af-platform-${run}`;
  await createTestUser(sql, { loginName, displayName: '平台测试员', platformAdmin: true });
  const signedIn = await signInOverHttp(baseUrl, { loginName, ip: nextAddress() });
  expect(signedIn.status, 'sign-in of the platform administrator').toBe(303);
  if (signedIn.token === null) throw new Error('no session for the platform administrator');
  sessionToken = signedIn.token;
});

afterAll(async () => {
  await sql.end();
});

async function fundRoles(slug: string): Promise<{ role: string; login_name: string }[]> {
  return await sql<{ role: string; login_name: string }[]>`
    select m.role, u.login_name from memberships m
      join users u on u.id = m.user_id join funds f on f.id = m.fund_id
     where f.slug = ${slug} order by u.login_name`;
}

async function fundCount(slug: string): Promise<number> {
  const [row] = await sql<{ count: number }[]>`select count(*)::int as count from funds where slug = ${slug}`;
  return row?.count ?? -1;
}

describe.skipIf(!chromiumPath)('setting up a fund in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser.close();
  });

  /** The platform administrator's browser: signed in, in the given language. */
  async function platformVisitor(locale: 'zh-CN' | 'en', options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await newVisitor(browser, { viewport: PHONE, ...options });
    await context.setExtraHTTPHeaders({ 'X-Forwarded-For': nextAddress() });
    await context.addCookies([
      { name: 'gj_locale', value: locale, url: baseUrl },
      { name: 'gj_session', value: sessionToken, url: baseUrl }
    ]);
    return context;
  }

  it('sets up a fund in Chinese at 360 px, and its link makes the first fund administrator', async () => {
    const slug = `af-zh-${run}`;
    const context = await platformVisitor('zh-CN');
    const page = await context.newPage();
    await page.goto('/account');
    await page.getByRole('link', { name: '设立和查看平台上的基金' }).click();
    await page.waitForURL(`${baseUrl}/admin/funds`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.locator('main').textContent()).toContain('桂花井社区共建基金');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);

    // A malformed web name: the page says what is wrong at the field and keeps what was typed.
    await page.getByLabel('网址名', { exact: true }).fill('Bad Slug');
    await page.getByLabel('中文名称', { exact: true }).fill('东关社区共建基金');
    await page.getByLabel('英文名称', { exact: true }).fill('Dongguan Community Co-building Fund');
    await page.getByLabel('社区（可不填）').fill('东关社区');
    await page.getByLabel('邀请备注（可不填）').fill('周秘书');
    await page.getByRole('button', { name: '设立基金', exact: true }).click();
    await expect.poll(() => page.locator('#fund-slug-error').textContent()).toContain('小写字母');
    expect(await page.getByRole('alert').textContent()).toContain('请改正下面标出的项目');
    expect(await page.getAttribute('#fund-slug', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#fund-slug', 'aria-describedby')).toContain('fund-slug-error');
    expect(await page.inputValue('#fund-slug')).toBe('Bad Slug');
    expect(await page.inputValue('#fund-nameZh')).toBe('东关社区共建基金');
    expect(await page.inputValue('#fund-community')).toBe('东关社区');
    expect(await page.inputValue('#fund-adminLabel')).toBe('周秘书');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'admin-funds-error-zh-phone');
    expect(await fundCount('bad slug')).toBe(0);

    await page.getByLabel('网址名', { exact: true }).fill(slug);
    await page.getByRole('button', { name: '设立基金', exact: true }).click();
    await page.waitForURL(`${baseUrl}/admin/funds?created=${slug}`);
    await expect.poll(() => page.locator('#created-heading').textContent()).toBe('已设立东关社区共建基金');
    const link = await page.inputValue('#created-link-url');
    expect(link).toMatch(new RegExp(`^${origin}/invite/[a-z2-7]{40}$`));
    expect(await page.locator('main').textContent()).toContain(`网址名：${slug}`);
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'admin-funds-created-zh-phone');

    // The link is shown once: looking again shows where to make a new one instead.
    await page.reload();
    expect(await page.locator('#created-link-url').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('邀请链接只显示一次');

    // Someone else opens the link on their own phone, joins, and lands in the new fund's office.
    const invitee = await newVisitor(browser, { viewport: PHONE });
    await invitee.setExtraHTTPHeaders({ 'X-Forwarded-For': nextAddress() });
    const theirs = await invitee.newPage();
    await theirs.goto(link);
    expect(await theirs.locator('main').textContent()).toContain('东关社区共建基金');
    await theirs.getByLabel('姓名（其他成员看到的名字）').fill('周秘书');
    await theirs.getByLabel('登录名（手机号或用户名）').fill(`af-admin-${run}`);
    await theirs.getByLabel('密码', { exact: true }).fill('a long enough passphrase');
    await theirs.getByRole('button', { name: '创建账户并加入' }).click();
    await theirs.waitForURL(`${baseUrl}/account?welcome=1`);
    await theirs.getByRole('link', { name: '打开基金办公室' }).click();
    await theirs.waitForURL(`${baseUrl}/funds/${slug}`);
    expect(await theirs.locator('h1').textContent()).toBe('东关社区共建基金');
    await expectAccessible(theirs);
    expect(await fundRoles(slug)).toEqual([{ role: 'fund_admin', login_name: `af-admin-${run}` }]);
    await invitee.close();
    await context.close();
  });

  it('sets up a fund in English', async () => {
    const slug = `af-en-${run}`;
    const context = await platformVisitor('en');
    const page = await context.newPage();
    await page.goto('/admin/funds');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Funds on this platform');
    await expectAccessible(page);

    // A reserved word as the web name: marked at the field and in the summary, the rest kept.
    await page.getByLabel('Web name', { exact: true }).fill('admin');
    await page.getByLabel('Name in Chinese', { exact: true }).fill('西关社区共建基金');
    await page.getByLabel('Name in English', { exact: true }).fill('Xiguan Community Co-building Fund');
    await page.getByRole('button', { name: 'Set up the fund', exact: true }).click();
    await expect.poll(() => page.locator('#fund-slug-error').textContent()).toContain("kept for the site's own pages");
    const summary = page.getByRole('alert');
    expect(await summary.textContent()).toContain('the fund has not been set up');
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#fund-slug');
    expect(await page.inputValue('#fund-nameZh')).toBe('西关社区共建基金');
    expect(await page.inputValue('#fund-nameEn')).toBe('Xiguan Community Co-building Fund');
    expect(await page.inputValue('#fund-slug')).toBe('admin');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'admin-funds-error-en-phone');

    await page.getByLabel('Web name', { exact: true }).fill(slug);
    await page.getByRole('button', { name: 'Set up the fund', exact: true }).click();
    await page.waitForURL(`${baseUrl}/admin/funds?created=${slug}`);
    await expect
      .poll(() => page.locator('#created-heading').textContent())
      .toBe('Xiguan Community Co-building Fund has been set up');
    expect(await page.inputValue('#created-link-url')).toMatch(new RegExp(`^${origin}/invite/[a-z2-7]{40}$`));
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'admin-funds-created-en-phone');
    expect(await fundCount(slug)).toBe(1);
    await context.close();
  });

  // Issue 19: the scheduler's last runs, read-only, on the platform administrator's phone.
  it('shows the scheduler’s steps and their last runs at 360 px', async () => {
    const context = await platformVisitor('zh-CN');
    const page = await context.newPage();
    await page.goto('/account');
    await page.getByRole('link', { name: /定时任务的最近运行/ }).click();
    await page.waitForURL(`${baseUrl}/admin/schedule`);
    expect(await page.locator('h1').textContent()).toBe('定时任务');
    expect(await page.locator('main').textContent()).toContain('公示期满转为实施');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await context.close();
  });

  // axe needs JavaScript in the page, so this run checks behaviour only.
  it('works without JavaScript: a refused form keeps its values, and the link shows after the redirect', async () => {
    const slug = `af-nojs-${run}`;
    const context = await platformVisitor('zh-CN', { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/admin/funds');
    // Blank required fields never leave the browser, which checks them itself; a bad year does.
    await page.getByLabel('网址名', { exact: true }).fill(slug);
    await page.getByLabel('中文名称', { exact: true }).fill('无脚本社区共建基金');
    await page.getByLabel('英文名称', { exact: true }).fill('No Script Fund');
    await page.getByLabel('第一个财年').fill('1999');
    await page.getByRole('button', { name: '设立基金', exact: true }).click();
    await page.waitForURL(`${baseUrl}/admin/funds?/create`);
    expect(await page.locator('#fund-fiscalYear-error').textContent()).toMatch(/^请填写 \d{4} 到 \d{4} 之间的年份。$/);
    expect(await page.inputValue('#fund-slug')).toBe(slug);
    expect(await page.inputValue('#fund-fiscalYear')).toBe('1999');
    expect(await fundCount(slug)).toBe(0);

    await page.getByLabel('第一个财年').fill(String(new Date().getUTCFullYear()));
    await page.getByRole('button', { name: '设立基金', exact: true }).click();
    await page.waitForURL(`${baseUrl}/admin/funds?created=${slug}`);
    expect(await page.locator('#created-heading').textContent()).toBe('已设立无脚本社区共建基金');
    expect(await page.inputValue('#created-link-url')).toMatch(new RegExp(`^${origin}/invite/[a-z2-7]{40}$`));
    expect(await fundCount(slug)).toBe(1);
    await context.close();
  });
});

describe('the form over HTTP', () => {
  const cookie = () => `gj_session=${sessionToken}`;

  async function freshKey(): Promise<string> {
    const response = await fetch(new URL('/admin/funds', baseUrl), { headers: { cookie: cookie() } });
    expect(response.status).toBe(200);
    const key = /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(await response.text())?.[1];
    if (key === undefined) throw new Error('no idempotency key on the page');
    return key;
  }

  function submit(fields: Record<string, string>, enhanced: boolean): Promise<Response> {
    return fetch(new URL('/admin/funds?/create', baseUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        origin,
        cookie: cookie(),
        'content-type': 'application/x-www-form-urlencoded',
        accept: enhanced ? 'application/json' : 'text/html',
        ...(enhanced ? { 'x-sveltekit-action': 'true' } : {})
      },
      body: new URLSearchParams(fields)
    });
  }

  it('sets up one fund when the same form is sent twice at once, with and without JavaScript', async () => {
    const slug = `af-twice-${run}`;
    const fields = {
      idempotencyKey: await freshKey(),
      slug,
      nameZh: '双击社区共建基金',
      nameEn: 'Double Click Fund',
      fiscalYear: String(new Date().getUTCFullYear()),
      inviteAdmin: 'on'
    };
    const [plain, enhanced] = await Promise.all([submit(fields, false), submit(fields, true)]);
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/admin/funds?created=${slug}`);
    expect(await enhanced.json()).toMatchObject({ type: 'redirect', location: `/admin/funds?created=${slug}` });
    expect(await fundCount(slug)).toBe(1);
    // Only the first of the two carried a link; the replay set up nothing and issued none.
    const [invitations] = await sql<{ count: number }[]>`
      select count(*)::int as count from invitations i join funds f on f.id = i.fund_id where f.slug = ${slug}`;
    expect(invitations?.count).toBe(1);
  });

  it('refuses a form without its key, a blank name and a taken slug, keeping what was typed', async () => {
    const stale = await submit({ slug: `af-stale-${run}`, nameZh: '过期', nameEn: 'Stale', fiscalYear: '2026' }, false);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('这个表单已过期');
    expect(await fundCount(`af-stale-${run}`)).toBe(0);

    const fields = {
      idempotencyKey: await freshKey(),
      slug: 'guihuajing',
      nameZh: '重名基金',
      nameEn: '   ',
      fiscalYear: String(new Date().getUTCFullYear())
    };
    const blank = await submit(fields, false);
    expect(blank.status).toBe(400);
    const blankPage = await blank.text();
    expect(blankPage).toContain('value="重名基金"');
    // The blank name is marked at its field; a taken slug is looked for only once the form is complete.
    expect(blankPage).toContain('<p id="fund-nameEn-error" class="field-error">请填写名称（不超过 60 字）。</p>');
    expect(blankPage).not.toContain('已有基金使用这个网址名');

    const taken = await submit({ ...fields, nameEn: 'Same Name Fund' }, false);
    expect(taken.status).toBe(400);
    const takenPage = await taken.text();
    expect(takenPage).toContain('<p id="fund-slug-error" class="field-error">已有基金使用这个网址名，请换一个。</p>');
    expect(takenPage).toContain('value="Same Name Fund"');
  });
});
