import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { signInOverHttp } from '../support/people';
import { createDatabase, dropDatabase } from '../support/postgres';
import { startApp, type AppProcess } from './app-process';
import {
  PHONE,
  chromiumPath,
  expectAccessible,
  launchBrowser,
  newVisitor,
  overflowsHorizontally,
  screenshot,
  send
} from './browser';

/**
 * The working-day calendar as the demo lives it in the last days of 2026: the app runs under
 * libfaketime from Monday 28 December 2026, 10:00 in China, against a database of its own, so the
 * demo seed approves #1 that morning and its five working days run into 2027, a year nobody has
 * entered. The office sees the end date as provisional, with the year to enter and who enters it;
 * the public notice says the same without the office's part. The platform administrator enters
 * 2027 at /admin/calendar (test data, not the official list), and the office then sees the true end.
 */

const adminUrl = inject('adminUrl');
const DEMO_PASSWORD = 'guihuajing-demo';
/** Monday 28 December 2026, 02:00 UTC: 10:00 in China. The clock runs on from there. */
const FAKE_START = '@2026-12-28 02:00:00';

/** libfaketime's library, wherever Debian put it for this machine's architecture. */
function faketimeLibrary(): string {
  const root = '/usr/lib';
  for (const directory of existsSync(root) ? readdirSync(root) : []) {
    const candidate = join(root, directory, 'faketime', 'libfaketime.so.1');
    if (existsSync(candidate)) return candidate;
  }
  if (process.env.CI === 'true') throw new Error('libfaketime is missing: apt-get install -y faketime');
  return '';
}

const library = faketimeLibrary();

/** 2027 as the test enters it: test data with the shape of a notice, not the official dates. */
const TEST_2027 = {
  holidays: ['2027-01-01..2027-01-03 元旦', '2027-02-06..2027-02-12 春节', '2027-10-01..2027-10-07 国庆节'].join('\n'),
  makeupWorkdays: '2027-02-20\n2027-10-09'
};

let app: AppProcess;
let database: { url: string; name: string };
let sql: Sql;
let browser: Browser;
const tokens = new Map<string, string>();

async function signIn(loginName: string): Promise<string> {
  const signedIn = await signInOverHttp(app.baseUrl, { loginName, password: DEMO_PASSWORD });
  expect(signedIn.status, `sign-in of ${loginName}`).toBe(303);
  if (signedIn.token === null) throw new Error(`no session for ${loginName}`);
  return signedIn.token;
}

/**
 * A browser for one demo person (or nobody) on this app. The session cookie is set without an
 * expiry: the app's clock is not the browser's, and a cookie dated by the app could look expired.
 */
async function visitor(
  loginName: string | null,
  locale: 'zh-CN' | 'en',
  options: BrowserContextOptions = {}
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newVisitor(browser, { baseURL: app.baseUrl, viewport: PHONE, ...options });
  const cookies: { name: string; value: string; url: string }[] = [
    { name: 'gj_locale', value: locale, url: app.baseUrl }
  ];
  const token = loginName === null ? undefined : tokens.get(loginName);
  if (token !== undefined) cookies.push({ name: 'gj_session', value: token, url: app.baseUrl });
  await context.addCookies(cookies);
  return { context, page: await context.newPage() };
}

async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').textContent()) ?? '';
}

async function noticeOfOne() {
  const [row] = await sql<{ status: string; startsOn: string; endsOn: string; provisional: boolean }[]>`
    select a.status, a.notice_starts_on::text as "startsOn", a.notice_ends_on::text as "endsOn",
           a.notice_ends_provisional as provisional
      from applications a join funds f on f.id = a.fund_id
     where f.slug = 'guihuajing' and a.number = 1`;
  return row;
}

beforeAll(async () => {
  if (!library) return;
  database = await createDatabase(adminUrl, 'calendar');
  app = await startApp({
    DATABASE_URL: database.url,
    LD_PRELOAD: library,
    FAKETIME: FAKE_START,
    // libfaketime reads the start in the local zone.
    TZ: 'UTC'
  });
  sql = createClient(database.url, { max: 2, applicationName: 'gongjian-calendar-tests' });
  for (const loginName of ['demo-admin', 'demo-platform']) tokens.set(loginName, await signIn(loginName));
});

afterAll(async () => {
  await sql?.end();
  await app?.stop();
  if (database !== undefined) await dropDatabase(adminUrl, database.name);
});

describe.skipIf(!library)('the demo seeded on the faked day', () => {
  it('puts #1 on notice into 2027, its end provisional', async () => {
    expect(await noticeOfOne()).toEqual({
      status: 'approved',
      startsOn: '2026-12-28',
      // 29, 30, 31 December, then 1 and 4 January counted as if 2027 had no holidays.
      endsOn: '2027-01-04',
      provisional: true
    });
  });
});

describe.skipIf(!chromiumPath || !library)('the working-day calendar at the turn of 2026', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('tells the office the end is provisional, which year to enter and who enters it', async () => {
    const { context, page } = await visitor('demo-admin', 'zh-CN');
    await page.goto('/funds/guihuajing/review');
    const queue = await mainText(page);
    expect(queue).toContain('结束日期暂定');
    expect(queue).toContain('2027-01-04 为暂定：2027 年的法定节假日和调休安排尚未录入工作日历');
    expect(queue).toContain('工作日历由平台管理员录入，请联系平台管理员录入 2027 年的安排。');
    // A fund administrator is told who enters the year, and is not offered a page they may not open.
    expect(await page.getByRole('link', { name: '录入 2027 年的工作日历' }).count()).toBe(0);
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'calendar-review-provisional-zh-phone');

    await page.goto('/funds/guihuajing/review/1');
    expect(await mainText(page)).toContain('公示期：2026-12-28 至 2027-01-04（暂定）');
    expect(await mainText(page)).toContain('请联系平台管理员录入 2027 年的安排');
    await expectAccessible(page);

    await page.goto('/funds/guihuajing/projects/1');
    expect(await mainText(page)).toContain('2027-01-04 为暂定');
    await expectAccessible(page);

    await page.goto('/funds/guihuajing/notices/1');
    const notice = await mainText(page);
    expect(notice).toContain('公示期：2026-12-28 至 2027-01-04（暂定）');
    expect(notice).toContain('结束日期为暂定：2027 年的法定节假日安排尚未录入');
    expect(notice).toContain('请联系平台管理员录入 2027 年的安排');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await context.close();
  });

  it('says so in the public notice, without the office’s part', async () => {
    const { context, page } = await visitor(null, 'zh-CN');
    for (const path of ['/funds/guihuajing/notices/1', '/f/guihuajing/projects/1', '/f/guihuajing/projects/1/notice']) {
      expect((await page.goto(path))?.status(), path).toBe(200);
      const text = await mainText(page);
      expect(text, path).toContain('公示期：2026-12-28 至 2027-01-04（暂定）');
      expect(text, path).toContain('结束日期为暂定：2027 年的法定节假日安排尚未录入，暂只按周末计算');
      expect(text, path).not.toContain('平台管理员');
      expect(await overflowsHorizontally(page)).toBe(false);
      await expectAccessible(page);
    }
    await screenshot(page, 'calendar-print-notice-provisional-zh-phone');
    await context.close();
  });

  it('lets the platform administrator enter 2027 in Chinese at 360 px, with every mistake named first', async () => {
    const { context, page } = await visitor('demo-platform', 'zh-CN');
    await page.goto('/account');
    await page.getByRole('link', { name: '录入每年的法定节假日和调休安排（工作日历）' }).click();
    await page.waitForURL(`${app.baseUrl}/admin/calendar`);
    expect(await page.locator('h1').textContent()).toBe('工作日历');
    const before = await mainText(page);
    expect(before).toContain('1 个正在公示的项目跨入尚未录入的年份，结束日期暂定。');
    expect(before).toContain('2026 年');
    expect(before).toContain('随系统预置');
    // The form opens on the first year a notice waits for.
    expect(await page.inputValue('#calendar-year')).toBe('2027');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'calendar-admin-zh-phone');

    await page.getByLabel('依据（选填）').fill('测试数据');
    await page.getByLabel('放假日期').fill('2027-01-01..2027-01-03 元旦\n2027-02-30\n2026-10-01');
    await page.getByLabel('调休上班日期').fill('2027-01-04');
    await page.getByRole('button', { name: '保存工作日历' }).click();
    await expect.poll(() => page.locator('#calendar-holidays-error').textContent()).toContain('第 2 行“2027-02-30”');
    expect(await page.locator('#calendar-holidays-error').textContent()).toContain(
      '第 3 行的 2026-10-01 不在 2027 年内'
    );
    expect(await page.getByRole('alert').textContent()).toContain('请修改以下内容');
    expect(await page.getAttribute('#calendar-holidays', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#calendar-source')).toBe('测试数据');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'calendar-admin-error-zh-phone');

    // With the holidays right, the make-up day is checked against them: 4 January 2027 is a Monday.
    await page.getByLabel('放假日期').fill(TEST_2027.holidays);
    await page.getByRole('button', { name: '保存工作日历' }).click();
    await expect
      .poll(() => page.locator('#calendar-makeupWorkdays-error').textContent())
      .toContain('第 1 行的 2027-01-04 不是周六或周日');
    expect((await noticeOfOne())?.provisional).toBe(true);

    await page.getByLabel('调休上班日期').fill(TEST_2027.makeupWorkdays);
    await page.getByRole('button', { name: '保存工作日历' }).click();
    await page.waitForURL(`${app.baseUrl}/admin/calendar?saved=2027`);
    await expect.poll(() => page.locator('p.notice.success').textContent()).toContain('已保存 2027 年的工作日历');
    const after = await mainText(page);
    expect(after).toContain('没有正在公示的项目等待录入。');
    expect(after).toContain('放假 17 天，调休上班 2 天');
    expect(after).toContain('2027-02-06..2027-02-12');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'calendar-admin-saved-zh-phone');
    await context.close();

    // 29, 30, 31 December, then 1–3 January off, then Monday 4 and Tuesday 5 January.
    expect(await noticeOfOne()).toMatchObject({ status: 'approved', endsOn: '2027-01-05', provisional: false });
  });

  it('shows the office the true end once 2027 is entered, and no note', async () => {
    const { context, page } = await visitor('demo-admin', 'zh-CN');
    await page.goto('/funds/guihuajing/review');
    expect(await mainText(page)).not.toContain('暂定');
    await page.goto('/funds/guihuajing/review/1');
    expect(await mainText(page)).toContain('公示期：2026-12-28 至 2027-01-05');
    expect(await mainText(page)).not.toContain('暂定');
    await page.goto('/funds/guihuajing/notices/1');
    expect(await mainText(page)).toContain('公示期：2026-12-28 至 2027-01-05');
    expect(await mainText(page)).not.toContain('暂定');
    await context.close();
    const visitorPage = await visitor(null, 'zh-CN');
    await visitorPage.page.goto('/f/guihuajing/projects/1');
    expect(await mainText(visitorPage.page)).toContain('公示期：2026-12-28 至 2027-01-05');
    expect(await mainText(visitorPage.page)).not.toContain('暂定');
    await visitorPage.context.close();
  });

  it('works in English', async () => {
    const { context, page } = await visitor('demo-platform', 'en');
    await page.goto('/admin/calendar?year=2027');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Working-day calendar');
    // Opened on 2027, the form shows its days one range a line, as they read back.
    expect(await page.inputValue('#calendar-holidays')).toBe(
      '2027-01-01..2027-01-03\n2027-02-06..2027-02-12\n2027-10-01..2027-10-07'
    );
    await page.getByLabel('Year', { exact: true }).fill('1999');
    await send(page, page.getByRole('button', { name: 'Save the calendar' }));
    await expect
      .poll(() => page.locator('#calendar-year-error').textContent())
      .toBe('The year must be four digits from 2000 to 2099.');
    expect(await page.getByRole('alert').textContent()).toContain('Please correct the following');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'calendar-admin-error-en-phone');
    await context.close();
  });

  // axe needs JavaScript in the page, so this run checks behaviour only.
  it('works without JavaScript: a refused form keeps what was typed, a saved one redirects', async () => {
    const { context, page } = await visitor('demo-platform', 'zh-CN', { javaScriptEnabled: false });
    await page.goto('/admin/calendar?year=2028');
    await page.getByLabel('放假日期').fill('2028-01-01\n2028-02-21..2028-02-15');
    await page.getByRole('button', { name: '保存工作日历' }).click();
    await page.waitForURL(`${app.baseUrl}/admin/calendar?/save`);
    expect(await page.locator('#calendar-holidays-error').textContent()).toBe(
      '第 2 行“2028-02-21..2028-02-15”的结束日期早于开始日期。'
    );
    expect(await page.inputValue('#calendar-holidays')).toBe('2028-01-01\n2028-02-21..2028-02-15');
    await page.getByLabel('放假日期').fill('2028-01-01');
    await page.getByRole('button', { name: '保存工作日历' }).click();
    await page.waitForURL(`${app.baseUrl}/admin/calendar?saved=2028`);
    expect(await page.locator('p.notice.success').textContent()).toContain('已保存 2028 年的工作日历');
    await context.close();
  });
});

describe.skipIf(!library)('the calendar form over HTTP', () => {
  const origin = () => new URL(app.baseUrl).origin;
  const cookie = () => `gj_session=${tokens.get('demo-platform') ?? ''}`;

  async function freshKey(): Promise<string> {
    const response = await fetch(new URL('/admin/calendar', app.baseUrl), { headers: { cookie: cookie() } });
    expect(response.status).toBe(200);
    const key = /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(await response.text())?.[1];
    if (key === undefined) throw new Error('no idempotency key on the page');
    return key;
  }

  function submit(fields: Record<string, string>, enhanced: boolean, session = cookie()): Promise<Response> {
    return fetch(new URL('/admin/calendar?/save', app.baseUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        origin: origin(),
        cookie: session,
        'content-type': 'application/x-www-form-urlencoded',
        accept: enhanced ? 'application/json' : 'text/html',
        ...(enhanced ? { 'x-sveltekit-action': 'true' } : {})
      },
      body: new URLSearchParams(fields)
    });
  }

  it('answers a resend as the first time and saves once, with and without JavaScript', async () => {
    const idempotencyKey = await freshKey();
    const fields = { idempotencyKey, year: '2029', source: '重发', holidays: '2029-01-01', makeupWorkdays: '' };
    const plain = await submit(fields, false);
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/admin/calendar?saved=2029');
    const again = await submit(fields, true);
    expect(await again.json()).toMatchObject({ type: 'redirect', location: '/admin/calendar?saved=2029' });
    const [events] = await sql<{ count: number }[]>`
      select count(*)::int as count from events
       where action = 'calendar.year_saved' and detail ->> 'idempotencyKey' = ${idempotencyKey}`;
    expect(events?.count).toBe(1);
  });

  it('refuses a fund administrator, and saves nothing', async () => {
    const response = await submit(
      { idempotencyKey: crypto.randomUUID(), year: '2030', holidays: '2030-01-01', makeupWorkdays: '' },
      false,
      `gj_session=${tokens.get('demo-admin') ?? ''}`
    );
    expect(response.status).toBe(403);
    const [years] = await sql<{ count: number }[]>`select count(*)::int as count from calendar_years where year = 2030`;
    expect(years?.count).toBe(0);
  });
});
