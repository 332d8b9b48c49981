import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { TEST_PASSWORD, createTestFund, createTestUser } from '../support/people';
import { createMigratedDatabase, dropDatabase } from '../support/postgres';
import { mailText, startSmtpReceiver } from '../support/receivers';
import { startApp, type AppProcess } from './app-process';
import {
  PHONE,
  chromiumPath,
  expectAccessible,
  launchBrowser,
  newVisitor,
  overflowsHorizontally,
  tourShot
} from './browser';

/*
 * The notification settings in Chromium, on a phone, against an app process of this file's own
 * that sends e-mail to a real SMTP server on loopback: a person adds an e-mail address, the
 * confirmation arrives once with its link, the link's button confirms it, and the page says so.
 * axe finds nothing on either page, in Chinese and English, in normal and elder mode, at 360 px.
 */

let adminUrl: string;
let database: { url: string; name: string };
let owner: Sql;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let server: AppProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!chromiumPath) return;
  adminUrl = inject('adminUrl');
  database = await createMigratedDatabase(adminUrl, 'notifications');
  owner = createClient(database.url, { max: 2, applicationName: 'gongjian-tests' });
  smtp = await startSmtpReceiver();
  await createTestFund(owner, 'notify-e2e');
  await createTestUser(owner, {
    loginName: 'notify-admin',
    memberships: [{ fundSlug: 'notify-e2e', role: 'fund_admin' }]
  });
  server = await startApp({
    DATABASE_URL: database.url,
    GONGJIAN_DEMO_SEED: 'off',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    GONGJIAN_DELIVERY_POLL_MS: '500'
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  await owner?.end();
  if (database) await dropDatabase(adminUrl, database.name);
});

async function signIn(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('登录名（手机号或用户名）').fill('notify-admin');
  await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

describe.skipIf(!chromiumPath)('the notification settings', () => {
  it('adds an e-mail address, confirms it by the link that arrives once, on a phone', async () => {
    const context = await newVisitor(browser as Browser, { viewport: PHONE, baseURL: server?.baseUrl ?? '' });
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/account');
    await page.getByRole('link', { name: '通知（邮件、短信）' }).click();
    await page.waitForURL('**/account/notifications');
    await expectAccessible(page);
    await page.getByLabel('邮箱地址').fill('notify-admin@example.cn');
    await page.getByRole('button', { name: '添加邮箱' }).click();
    await expect.poll(() => page.getByText('确认链接已发往该邮箱').count()).toBe(1);
    await expect.poll(() => smtp.mails.length, { timeout: 30_000 }).toBe(1);
    const link = /(http:\/\/\S+\/account\/notifications\/confirm\/[A-Za-z0-9_-]{43})/.exec(
      mailText(smtp.mails[0] ?? { raw: '', to: [], messageId: '', subject: '' })
    )?.[1];
    expect(link).toBeDefined();
    expect(smtp.mails[0]?.subject).toBe('确认您的通知地址');
    await page.goto(link ?? '');
    await expectAccessible(page);
    await page.getByRole('button', { name: '确认此邮箱' }).click();
    await expect.poll(() => page.getByText('邮箱已确认').count()).toBe(1);
    await page.goto('/account/notifications');
    await expect.poll(() => page.getByText('已确认', { exact: true }).count()).toBe(1);
    expect(await overflowsHorizontally(page)).toBe(false);
    await tourShot(page, 'notifications-zh-phone');
    // The link is single-use.
    await page.goto(link ?? '');
    await page.getByRole('button', { name: '确认此邮箱' }).click();
    await expect.poll(() => page.getByText('此链接无效').count()).toBe(1);
    expect(smtp.mails).toHaveLength(1);
    await context.close();
  });

  it('passes axe in English and in elder mode at 360 px', async () => {
    for (const cookies of [[{ name: 'gj_locale', value: 'en' }], [{ name: 'gj_elder', value: '1' }]]) {
      const context = await newVisitor(browser as Browser, { viewport: PHONE, baseURL: server?.baseUrl ?? '' });
      const page = await context.newPage();
      // Signed in in Chinese; the language or text size is chosen afterwards, as a person would.
      await signIn(page);
      await context.addCookies(cookies.map((cookie) => ({ ...cookie, url: server?.baseUrl ?? '' })));
      await page.goto('/account/notifications');
      await expectAccessible(page);
      expect(await overflowsHorizontally(page)).toBe(false);
      await context.close();
    }
  });
});
