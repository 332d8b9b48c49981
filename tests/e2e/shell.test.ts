import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { listFunds } from '../../apps/web/src/lib/server/fund/funds';
import { formatMoney } from '../../apps/web/src/lib/format';
import {
  PHONE,
  baseUrl,
  chromiumPath,
  expectAccessible,
  launchBrowser,
  newVisitor,
  overflowsHorizontally,
  screenshot,
  choose
} from './browser';
import { DEMO_PASSWORD } from '../../apps/web/src/lib/server/demo/people';
import { signInOverHttp } from '../support/people';

const pages = ['/', '/about', '/settings', '/login', '/no-such-page'];

describe.skipIf(!chromiumPath)('the shell, in a real browser', () => {
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  function watchConsole(page: Page): void {
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }

  it('serves the home page in Simplified Chinese first, with the demo fund', async () => {
    const context = await newVisitor(browser, { locale: 'en-US' });
    const page = await context.newPage();
    watchConsole(page);
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('共建基金');
    expect(await page.getByRole('heading', { name: '桂花井社区共建基金' }).count()).toBe(1);
    // The demo fund's card shows its books as the maintained balances say. Other test files
    // record money in the demo fund and add funds of their own, so the figures are read from the
    // database rather than written down (the seed's own figures are checked in tests/db).
    const sql = createClient(inject('databaseUrl'), { max: 1 });
    const demo = (await listFunds(sql).finally(() => sql.end())).find((fund) => fund.slug === 'guihuajing');
    const card = page.locator('.card', { has: page.getByRole('heading', { name: '桂花井社区共建基金' }) });
    const figures = await card.locator('.figures').textContent();
    expect(figures).toContain('资金池余额');
    expect(figures).toContain(formatMoney(demo?.poolBalance ?? '', 'zh-CN'));
    expect(figures).toContain(`${demo?.entryCount ?? ''} 张`);
    await expectAccessible(page);
    await screenshot(page, 'home-zh-desktop');
    await context.close();
  });

  it('switches to English and back, with the choice kept in a cookie', async () => {
    const context = await newVisitor(browser);
    const page = await context.newPage();
    watchConsole(page);
    await page.goto('/about');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForURL(`${baseUrl}/about`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('About co-building funds');
    // The worked example's amounts are formatted exactly, to the fen.
    expect(await page.locator('main').textContent()).toContain('¥3,000.00');
    await expectAccessible(page);
    await page.goto('/');
    expect(await page.getByRole('heading', { name: 'Guihuajing Community Co-building Fund' }).count()).toBe(1);
    await screenshot(page, 'home-en-desktop');
    expect((await context.cookies()).find((cookie) => cookie.name === 'gj_locale')?.value).toBe('en');
    await page.getByRole('button', { name: '中文' }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await context.close();
  });

  it('enlarges all text by at least 125% in elder mode, rendered on the server', async () => {
    const context = await newVisitor(browser, { viewport: PHONE });
    const page = await context.newPage();
    watchConsole(page);
    await page.goto('/');
    const sizeOf = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((element) => Number.parseFloat(getComputedStyle(element).fontSize));
    const before = { root: await sizeOf('html'), lead: await sizeOf('.lead'), heading: await sizeOf('h1') };
    await page.getByRole('button', { name: '长辈模式' }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await page.getAttribute('html', 'class')).toContain('elder-mode');
    expect(await page.getByRole('button', { name: '长辈模式' }).getAttribute('aria-pressed')).toBe('true');
    for (const [selector, size] of [
      ['html', before.root],
      ['.lead', before.lead],
      ['h1', before.heading]
    ] as const) {
      expect(await sizeOf(selector)).toBeGreaterThanOrEqual(size * 1.25);
    }
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'home-zh-elder-phone');
    await context.close();
  });

  // One test per language and text size: all the pages with axe in four passes took longer than a
  // test may on a loaded 2-core machine, though each page was fast enough.
  it.each([
    ['zh-CN', false],
    ['zh-CN', true],
    ['en', false],
    ['en', true]
  ] as const)('fits a 360 px phone and passes axe on every page (%s, elder mode %s)', async (locale, elder) => {
    const context = await newVisitor(browser, { viewport: PHONE });
    await context.addCookies([
      { name: 'gj_locale', value: locale, url: baseUrl },
      ...(elder ? [{ name: 'gj_elder', value: '1', url: baseUrl }] : [])
    ]);
    const page = await context.newPage();
    watchConsole(page);
    try {
      for (const path of pages) {
        await page.goto(path);
        expect(await page.getAttribute('html', 'lang')).toBe(locale);
        expect(await overflowsHorizontally(page), `${path} at 360 px`).toBe(false);
        await expectAccessible(page);
      }
      await screenshot(page, `not-found-${locale}${elder ? '-elder' : ''}-phone`);
      await page.goto('/');
      await screenshot(page, `home-${locale}${elder ? '-elder' : ''}-phone`);
    } finally {
      await context.close();
    }
  });

  // Each language and each text size once: the signed-in pages are many, and the public pages
  // above already cross every language with every size.
  it.each([
    ['zh-CN', false],
    ['en', true]
  ] as const)(
    'fits a 360 px phone and passes axe on the signed-in pages (%s, elder mode %s)',
    async (locale, elder) => {
      const signedIn = await signInOverHttp(baseUrl, {
        loginName: 'demo-admin',
        password: DEMO_PASSWORD,
        ip: `10.66.0.${locale === 'en' ? 3 : 1}${elder ? 1 : 0}`
      });
      expect(signedIn.token).not.toBeNull();
      const privatePages = [
        '/account',
        '/account/password',
        '/account/totp',
        '/inbox',
        '/funds/guihuajing',
        '/funds/guihuajing/members',
        '/funds/guihuajing/settings',
        '/funds/guihuajing/registers',
        '/funds/guihuajing/money',
        '/funds/guihuajing/vouchers/12',
        '/funds/guihuajing/applications',
        '/funds/guihuajing/applications/1',
        '/funds/guihuajing/review',
        '/funds/guihuajing/review/1',
        '/funds/guihuajing/notices/1'
      ];
      const context = await newVisitor(browser, { viewport: PHONE });
      await context.addCookies([
        { name: 'gj_locale', value: locale, url: baseUrl },
        { name: 'gj_session', value: signedIn.token ?? '', url: baseUrl },
        ...(elder ? [{ name: 'gj_elder', value: '1', url: baseUrl }] : [])
      ]);
      const page = await context.newPage();
      watchConsole(page);
      try {
        for (const path of privatePages) {
          const response = await page.goto(path);
          expect(response?.status(), path).toBe(200);
          expect(await page.getAttribute('html', 'lang')).toBe(locale);
          expect(await overflowsHorizontally(page), `${path} at 360 px`).toBe(false);
          await expectAccessible(page);
        }
      } finally {
        await context.close();
      }
    }
  );

  it('works without JavaScript: the language and text-size forms still post and redirect', async () => {
    const context = await newVisitor(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/about');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForURL(`${baseUrl}/about`);
    expect(await page.locator('h1').textContent()).toBe('About co-building funds');
    await page.getByRole('button', { name: 'Elder mode' }).click();
    await page.waitForURL(`${baseUrl}/about`);
    expect(await page.getAttribute('html', 'class')).toContain('elder-mode');
    await page.goto('/settings');
    await choose(page.getByLabel('Standard'));
    await page.getByRole('button', { name: 'Save' }).nth(1).click();
    await page.waitForURL(`${baseUrl}/settings`);
    expect(await page.getAttribute('html', 'class')).not.toContain('elder-mode');
    await context.close();
  });

  it('answers a bad settings post with a clear message in the visitor’s language, changing nothing', async () => {
    const context = await newVisitor(browser);
    const response = await context.request.post('/settings?/language', {
      form: { locale: 'fr', returnTo: '/' },
      headers: { Origin: baseUrl, Accept: 'text/html' }
    });
    expect(response.status()).toBe(400);
    expect(await response.text()).toContain('请选择一个有效的选项。');
    expect((await context.cookies()).some((cookie) => cookie.name === 'gj_locale')).toBe(false);
    await context.close();
  });

  it('refuses a form posted from another site, and changes nothing', async () => {
    const response = await fetch(`${baseUrl}/settings?/language`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'locale=en&returnTo=/',
      redirect: 'manual'
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('sends a strict Content-Security-Policy that the pages never trip', async () => {
    const response = await fetch(`${baseUrl}/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(cspViolations).toEqual([]);
  });
});
