import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page
} from 'playwright-core';
import { expect, inject } from 'vitest';
import { checkoutRoot } from '../support/postgres';

export const baseUrl = inject('baseUrl');
export const chromiumPath = inject('chromiumPath');
export const screenshotDir = join(checkoutRoot, 'tests/e2e/screenshots');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 360, height: 740 } as const;

export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: chromiumPath,
    // Without the networking flags Chromium floods this closed network with failing connections.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  });
}

/**
 * A fresh visitor: no cookies, zh-CN and Shanghai time like a resident's phone. Its pages' goto
 * and reload wait until the page has hydrated (see waitForHydration).
 */
export async function newVisitor(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: DESKTOP,
    ...options
  });
  if (options.javaScriptEnabled !== false) context.on('page', waitingForHydration);
  return context;
}

/**
 * Resolves once the page's scripts have hydrated it: the root layout marks <html> when it mounts.
 * A page that ships no JavaScript (the public pages, a download) has nothing to wait for.
 *
 * Playwright's goto returns at the load event, but SvelteKit starts the page from a dynamic import
 * that the load event does not wait for. On a loaded machine a test could type before hydration,
 * which then put the server-rendered value back into the field, and submit before use:enhance was
 * attached; the test then failed by timing alone. Waiting for the mark removes that race.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.documentElement.dataset['hydrated'] === 'true' ||
      document.querySelector('script[type="module"], link[rel="modulepreload"]') === null
  );
}

/** Makes a page's goto and reload wait for hydration, so every test gets the wait without asking. */
function waitingForHydration(page: Page): void {
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (...args: Parameters<Page['goto']>) => {
    const response = await goto(...args);
    await waitForHydration(page);
    return response;
  };
  page.reload = async (...args: Parameters<Page['reload']>) => {
    const response = await reload(...args);
    await waitForHydration(page);
    return response;
  };
}

/**
 * Checks a radio button or a checkbox, and insists until it is checked. On a loaded CI machine,
 * Playwright twice clicked a radio button it had found visible, stable and under the pointer, and
 * the button stayed unchecked ("Clicking the checkbox did not change its state"). Checking again is
 * harmless (an option already chosen stays chosen), so the test waits for the outcome, not for one
 * click.
 */
export async function choose(option: Locator): Promise<void> {
  await expect
    .poll(async () => {
      await option.check({ timeout: 10_000 }).catch((error: unknown) => {
        // Said aloud, so that a CI log shows how often the machine needed a second click.
        console.warn(`choose: checking again after: ${String(error).split('\n')[0] ?? ''}`);
      });
      return await option.isChecked();
    })
    .toBe(true);
}

/**
 * Clicks a form's button and makes sure the page sent the form. On a loaded CI machine a click
 * sometimes reached no handler and the page sent nothing, so the test then waited in vain for an
 * answer. A click that sent nothing changed nothing on the server, so clicking again is safe; a
 * click that sent the form is never repeated.
 */
export async function send(page: Page, button: Locator): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const sent = page
      .waitForRequest((request) => request.method() === 'POST', { timeout: 15_000 })
      .then(
        () => true,
        () => false
      );
    await button.click();
    if (await sent) return;
    console.warn(`send: the page sent no form after click ${String(attempt)} on ${page.url()}`);
    if (attempt === 3) throw new Error('three clicks on the button, and the page sent no form');
  }
}

/** Fails the test on any WCAG 2.2 AA violation axe finds, listing them readably. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`
  );
  expect(violations, `axe on ${page.url()}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** A screenshot for the README's tour, which keeps its images in tests/e2e/tour. */
export async function tourShot(page: Page, name: string): Promise<void> {
  const tour = join(checkoutRoot, 'tests/e2e/tour');
  mkdirSync(tour, { recursive: true });
  await page.screenshot({ path: join(tour, `${name}.png`), fullPage: true });
}

/** True when the page is wider than the viewport, i.e. a phone user would scroll sideways. */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
