import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { createTestUser, TEST_PASSWORD } from '../support/people';
import { PHONE, baseUrl, chromiumPath, expectAccessible, launchBrowser, newVisitor, screenshot } from './browser';

/**
 * Signing out here and everywhere, with one person signed in on two browsers (a phone and a
 * laptop, two browser contexts with sessions of their own): "sign out on this device" leaves the
 * other signed in, "sign out everywhere" signs both out, and the account page says how many
 * sessions there are.
 */

const run = Date.now().toString(36).slice(-6);
let sql: Sql;
let browser: Browser;
let address = 0;

beforeAll(async () => {
  sql = createClient(inject('databaseUrl'), { max: 2, applicationName: 'sign-out test' });
  if (chromiumPath) browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sql?.end();
});

async function device(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newVisitor(browser, { viewport: PHONE });
  address += 1;
  await context.setExtraHTTPHeaders({ 'X-Forwarded-For': `10.19.0.${address}` });
  return { context, page: await context.newPage() };
}

async function signIn(page: Page, loginName: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('登录名（手机号或用户名）').fill(loginName);
  await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** Whether this browser is still signed in: /account answers, or sends it to sign in. */
async function signedIn(page: Page): Promise<boolean> {
  await page.goto('/account');
  return new URL(page.url()).pathname === '/account';
}

async function person(label: string): Promise<string> {
  const loginName = `so-${label}-${run}`;
  await createTestUser(sql, {
    loginName,
    displayName: `退出${label}`,
    memberships: [{ fundSlug: 'guihuajing', role: 'committee', compoundCode: 'c-guihua-3' }]
  });
  return loginName;
}

describe.skipIf(!chromiumPath)('signing out here and everywhere', () => {
  it('signs out this device only, or every device of the person', async () => {
    const loginName = await person('a');
    const [phone, laptop] = [await device(), await device()];
    await signIn(phone.page, loginName);
    await signIn(laptop.page, loginName);

    await phone.page.goto('/account');
    expect(await phone.page.locator('main').textContent()).toContain('你现在在 2 个浏览器或设备上保持登录');
    await expectAccessible(phone.page);
    await screenshot(phone.page, 'account-sessions-zh-phone');
    await phone.page.getByRole('button', { name: '在本机退出' }).click();
    await phone.page.waitForURL(`${baseUrl}/`);
    expect(await signedIn(phone.page)).toBe(false);
    expect(await signedIn(laptop.page)).toBe(true);

    // The phone signs in again; from the laptop, "sign out everywhere" ends both.
    await signIn(phone.page, loginName);
    await laptop.page.goto('/account');
    await laptop.page.getByRole('button', { name: '退出所有设备' }).click();
    await laptop.page.waitForURL(`${baseUrl}/`);
    expect(await signedIn(laptop.page)).toBe(false);
    expect(await signedIn(phone.page)).toBe(false);
    await Promise.all([phone.context.close(), laptop.context.close()]);
  });
});
