import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { totpCodeAt } from '../../apps/web/src/lib/server/auth/totp';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { createInvitation, issuePasswordReset } from '../../apps/web/src/lib/server/people/members';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { createTestUser, TEST_PASSWORD, type TestMembership } from '../support/people';
import { PHONE, baseUrl, chromiumPath, expectAccessible, launchBrowser, newVisitor, screenshot } from './browser';

/**
 * The sign-in and own-account pages in a real browser: signing in and out, the one message for a
 * wrong password and an unknown name, invitations, password changes and resets, the second
 * factor, no-JavaScript use and accessibility at phone size. Everyone here is made for this file
 * (login names start with ap-), since the tests change passwords and enrol second factors.
 */

const FUND = 'guihuajing';
const origin = new URL(baseUrl).origin;
const run = Date.now().toString(36).slice(-6);

let sql: Sql;
let browser: Browser;
let fundId: string;
let compoundId: string;
let lastAddress = 10;
let admins = 0;

interface Person {
  id: string;
  loginName: string;
  displayName: string;
}

async function person(label: string, memberships: readonly Omit<TestMembership, 'fundSlug'>[] = []): Promise<Person> {
  const loginName = `ap-${label}-${run}`;
  const displayName = `测试${label}`;
  const id = await createTestUser(sql, {
    loginName,
    displayName,
    memberships: memberships.map((membership) => ({ fundSlug: FUND, ...membership }))
  });
  return { id, loginName, displayName };
}

/** Each visitor comes from its own address, so no test is slowed by another's throttle. */
function nextAddress(): string {
  lastAddress += 1;
  return `10.7.${Math.floor(lastAddress / 250)}.${lastAddress % 250}`;
}

async function visitor(options: Parameters<typeof newVisitor>[1] = {}): Promise<BrowserContext> {
  const context = await newVisitor(browser, options);
  await context.setExtraHTTPHeaders({ 'X-Forwarded-For': nextAddress() });
  return context;
}

/** Signs in through the form, in Chinese, and waits until the browser has left /login. */
async function signIn(page: Page, who: { loginName: string }, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('登录名（手机号或用户名）').fill(who.loginName);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** A fund administrator as the policy sees one, to create invitations and reset links directly. */
async function adminActor(): Promise<Actor> {
  admins += 1;
  const admin = await person(`admin-${admins}`, [{ role: 'fund_admin' }]);
  return {
    kind: 'user',
    userId: admin.id,
    platformAdmin: false,
    memberships: [{ fundId, role: 'fund_admin', unitId: null, compoundId: null }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

async function newInvitation(): Promise<string> {
  const result = await createInvitation(sql, {
    actor: await adminActor(),
    fundId,
    now: new Date(),
    ip: null,
    role: 'committee',
    placeId: compoundId,
    label: `ap ${run}`,
    validDays: 3
  });
  if (!result.ok) throw new Error(`createInvitation: ${result.code}`);
  return result.token;
}

async function get(path: string, cookie?: string): Promise<Response> {
  return await fetch(new URL(path, baseUrl), {
    redirect: 'manual',
    headers: { accept: 'text/html', ...(cookie === undefined ? {} : { cookie }) }
  });
}

async function postLogin(fields: Record<string, string>, ip: string): Promise<Response> {
  return await fetch(new URL('/login', baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      origin,
      'x-forwarded-for': ip
    },
    body: new URLSearchParams(fields)
  });
}

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((candidate) => candidate.name === 'gj_session');
  if (cookie === undefined) throw new Error('no session cookie');
  return `gj_session=${cookie.value}`;
}

async function totpKey(userId: string): Promise<Uint8Array> {
  const [row] = await sql<{ totp_key: Uint8Array | null }[]>`select totp_key from users where id = ${userId}`;
  if (!row?.totp_key) throw new Error('no TOTP key was stored');
  return row.totp_key;
}

beforeAll(async () => {
  sql = createClient(inject('databaseUrl'), { max: 2, applicationName: 'auth-pages test' });
  const [row] = await sql<{ fund_id: string; compound_id: string }[]>`
    select f.id::text as fund_id, c.id::text as compound_id
      from funds f join compounds c on c.fund_id = f.id
     where f.slug = ${FUND} and c.code = 'c-guihua-3'`;
  if (row === undefined) throw new Error('the demo fund is missing');
  fundId = row.fund_id;
  compoundId = row.compound_id;
  if (chromiumPath) browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sql?.end();
});

describe('signing in over HTTP', () => {
  it('goes only to a path on this site after signing in', async () => {
    const who = await person('next');
    for (const [next, expected] of [
      ['/about', '/about'],
      ['//evil.example/x', '/'],
      ['https://evil.example/', '/'],
      ['/\\evil.example', '/'],
      ['/login', '/'],
      ['', '/']
    ] as const) {
      const response = await postLogin({ loginName: who.loginName, password: TEST_PASSWORD, next }, nextAddress());
      expect(response.status, next).toBe(303);
      expect(response.headers.get('location'), next).toBe(expected);
    }
  });

  it('sends /logout, /login/totp and private pages to the right place when visited plainly', async () => {
    const home = await get('/logout');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/');
    const totp = await get('/login/totp');
    expect(totp.status).toBe(303);
    expect(totp.headers.get('location')).toBe('/login');
    for (const path of ['/account', '/account/password', '/account/totp']) {
      const response = await get(path);
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('pauses a login name after five wrong passwords, says when to try again (rounded up), and takes the password with a code', async () => {
    const who = await person('throttle', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
    const key = randomBytes(20);
    await sql`update users set totp_key = ${key}, totp_enrolled_at = now() where id = ${who.id}`;
    // Wrong passwords from five addresses: the login name is paused, whoever asks.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const wrong = await postLogin({ loginName: who.loginName, password: `wrong ${attempt}` }, nextAddress());
      expect(wrong.status, `attempt ${attempt}`).toBe(400);
    }
    const paused = await postLogin({ loginName: who.loginName, password: TEST_PASSWORD }, nextAddress());
    expect(paused.status).toBe(429);
    const html = await paused.text();
    const [row] = await sql<{ until: Date }[]>`
      select locked_until as until from throttles where key = ${`login:${who.loginName}`}`;
    if (row === undefined) throw new Error('no pause was recorded');
    // The lock ends within the minute it shows or before, never after: 10:05:40 reads 10:06.
    const minute = 60_000;
    const shown = new Intl.DateTimeFormat('zh-CN', { timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(
      new Date(Math.ceil(row.until.getTime() / minute) * minute)
    );
    expect(html).toContain(`请在 ${shown} 之后再试（大约 1 分钟后）`);
    expect(html).toContain(`value="${who.loginName}"`);
    expect(html).not.toContain('wrong 4');
    // The page offers the other way in: the password with the authenticator's code.
    expect(html).toContain('如果您已开启两步验证，现在仍可登录');
    expect(html).toMatch(/<input[^>]*name="code"/);
    const signedIn = await postLogin(
      { loginName: who.loginName, password: TEST_PASSWORD, code: totpCodeAt(key, new Date()) },
      nextAddress()
    );
    expect(signedIn.status).toBe(303);
    // With nothing else asked for, a person lands on the home page, which opens with their to-do list.
    expect(signedIn.headers.get('location')).toBe('/');
    expect(signedIn.headers.get('set-cookie')).toMatch(/gj_session=\w+/);
  });
});

describe.skipIf(!chromiumPath)('the sign-in and account pages, in a real browser', () => {
  it('signs in in Chinese, shows the account, and signs out again', async () => {
    const who = await person('in-out', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
    const context = await visitor();
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: '登录', exact: true }).click();
    await page.waitForURL(`${baseUrl}/login`);
    await signIn(page, who);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goto('/account');
    expect(await page.locator('h1').textContent()).toBe('我的账户');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(who.displayName);
    expect(main).toContain(who.loginName);
    expect(main).toContain('桂花井社区共建基金');
    expect(main).toContain('小区住委会成员');
    expect(main).toContain('桂花井3号院');
    expect(await page.getByRole('link', { name: who.displayName }).count()).toBe(1);

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(`${baseUrl}/`);
    await expect.poll(() => page.getByRole('link', { name: '登录', exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '退出登录' }).count()).toBe(0);
    await page.goto('/account');
    expect(page.url()).toBe(`${baseUrl}/login?next=%2Faccount`);
    await context.close();
  });

  it('answers a wrong password and an unknown login name with the same words', async () => {
    const who = await person('wrong');
    const context = await visitor();
    const page = await context.newPage();
    const attempt = async (loginName: string): Promise<string> => {
      await page.goto('/login');
      await page.getByLabel('登录名（手机号或用户名）').fill(loginName);
      await page.getByLabel('密码', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      // The login name comes back for correcting; the password never does.
      expect(await page.getByLabel('登录名（手机号或用户名）').inputValue()).toBe(loginName);
      expect(await page.getByLabel('密码', { exact: true }).inputValue()).toBe('');
      return (await alert.textContent()) ?? '';
    };
    const wrongPassword = await attempt(who.loginName);
    const unknownName = await attempt(`ap-nobody-${run}`);
    expect(wrongPassword).toBe('登录名或密码不正确。');
    expect(unknownName).toBe(wrongPassword);
    expect(await page.getByLabel('登录名（手机号或用户名）').getAttribute('aria-describedby')).toBe('login-error');
    await context.close();
  });

  it('takes up an invitation as a new user, once', async () => {
    const token = await newInvitation();
    const context = await visitor({ viewport: PHONE });
    const page = await context.newPage();
    const first = await page.goto(`/invite/${token}`);
    expect(first?.status()).toBe(200);
    const intro = (await page.locator('main').textContent()) ?? '';
    expect(intro).toContain('桂花井社区共建基金');
    expect(intro).toContain('小区住委会成员');
    expect(intro).toContain('桂花井3号院');

    // A blank name is refused by the page before the database sees it.
    await page.getByLabel('姓名（其他成员看到的名字）').fill('   ');
    await page.getByLabel('登录名（手机号或用户名）').fill(`ap-new-${run}`);
    await page.getByLabel('密码', { exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: '创建账户并加入' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('请填写姓名，最多 40 个字。');

    await page.getByLabel('姓名（其他成员看到的名字）').fill('新委员');
    await page.getByLabel('密码', { exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: '创建账户并加入' }).click();
    await page.waitForURL(`${baseUrl}/account?welcome=1`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('新的角色已经加到你的账户');
    expect(main).toContain('新委员');
    expect(main).toContain(`ap-new-${run}`);
    expect(main).toContain('桂花井3号院');

    const again = await page.goto(`/invite/${token}`);
    expect(again?.status()).toBe(410);
    expect(await page.locator('main').textContent()).toContain('这个链接已经用过了');
    const unknown = await page.goto(`/invite/${'a'.repeat(40)}`);
    expect(unknown?.status()).toBe(404);
    await context.close();
  });

  it('adds an invited role to the account one is signed in with', async () => {
    const who = await person('existing');
    const token = await newInvitation();
    const context = await visitor();
    const page = await context.newPage();
    await signIn(page, who);
    await page.goto(`/invite/${token}`);
    expect(await page.locator('main').textContent()).toContain(who.displayName);
    await page.getByRole('button', { name: '把这个角色加到我的账户' }).click();
    await page.waitForURL(`${baseUrl}/account?welcome=1`);
    expect(await page.locator('main').textContent()).toContain('桂花井3号院');
    await context.close();
  });

  it('changes the password and ends every older session', async () => {
    const who = await person('password');
    const context = await visitor();
    const page = await context.newPage();
    await signIn(page, who);
    const oldCookie = await sessionCookie(context);
    await page.goto('/account/password');
    await page.getByLabel('当前密码').fill('not my password');
    await page.getByLabel('新密码').fill('a brand new passphrase');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('当前密码不正确。');
    await page.getByLabel('当前密码').fill(TEST_PASSWORD);
    await page.getByLabel('新密码').fill('12345678');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('这个密码太常见');
    expect(await page.getByLabel('新密码').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('当前密码').fill(TEST_PASSWORD);
    await page.getByLabel('新密码').fill('a brand new passphrase');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.waitForURL(`${baseUrl}/account?changed=password`);
    expect(await page.getByRole('status').first().textContent()).toContain('密码已经修改');

    const old = await get('/account', oldCookie);
    expect(old.status).toBe(303);
    expect(old.headers.get('location')).toBe('/login?next=%2Faccount');
    const fresh = await get('/account', await sessionCookie(context));
    expect(fresh.status).toBe(200);

    const other = await visitor();
    const otherPage = await other.newPage();
    await signIn(otherPage, who, 'a brand new passphrase');
    expect(new URL(otherPage.url()).pathname).toBe('/');
    await other.close();
    await context.close();
  });

  it('enrols a second factor, then asks for the code after the password', async () => {
    const who = await person('totp');
    const context = await visitor();
    const page = await context.newPage();
    await signIn(page, who);
    await page.goto('/account/totp');
    const key = await totpKey(who.id);
    // The key on the page, for typing by hand, is the one the database keeps.
    const shown = ((await page.locator('.totp-key').textContent()) ?? '').replace(/\s/g, '');
    expect(shown).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.locator('img.totp-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);

    const current = totpCodeAt(key, new Date());
    const near = new Set([-30_000, 0, 30_000].map((offset) => totpCodeAt(key, new Date(Date.now() + offset))));
    const wrong = ['000000', '111111', '222222'].find((code) => !near.has(code)) ?? '333333';
    await page.getByLabel('6 位验证码').fill(wrong);
    await page.getByRole('button', { name: '开启两步验证' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('验证码不正确');

    await page.getByLabel('6 位验证码').fill(current);
    await page.getByRole('button', { name: '开启两步验证' }).click();
    await page.waitForURL(`${baseUrl}/account?changed=totp`);
    expect(await page.locator('main').textContent()).toContain('两步验证已经开启');

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(`${baseUrl}/`);
    await signIn(page, who);
    expect(new URL(page.url()).pathname).toBe('/login/totp');
    // The private page stays closed until the code is in.
    expect((await get('/account', await sessionCookie(context))).status).toBe(303);
    // Enrolment used the current step, so the code must be a later one.
    await page.getByLabel('6 位验证码').fill(totpCodeAt(key, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: '验证并登录' }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.goto('/account');
    expect(await page.locator('main').textContent()).toContain(who.displayName);
    await context.close();
  });

  it('resets a password through an administrator’s link, clearing the second factor', async () => {
    const who = await person('reset', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
    await sql`update users set totp_key = ${new Uint8Array(20)}, totp_enrolled_at = now() where id = ${who.id}`;
    const issued = await issuePasswordReset(sql, {
      actor: await adminActor(),
      fundId,
      now: new Date(),
      ip: null,
      userId: who.id
    });
    if (!issued.ok) throw new Error(`issuePasswordReset: ${issued.code}`);
    const context = await visitor({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`/reset/${issued.token}`);
    expect(await page.locator('main').textContent()).toContain(who.displayName);
    await expectAccessible(page);
    await page.getByLabel('新密码').fill('short');
    await page.getByRole('button', { name: '保存新密码并登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('至少要 8 个字符');
    await page.getByLabel('新密码').fill('a reset passphrase here');
    await page.getByRole('button', { name: '保存新密码并登录' }).click();
    await page.waitForURL(`${baseUrl}/account?changed=password`);
    expect(await page.locator('main').textContent()).toContain('未开启');
    const used = await page.goto(`/reset/${issued.token}`);
    expect(used?.status()).toBe(410);
    await context.close();
  });

  it('works without JavaScript', async () => {
    const who = await person('nojs');
    const context = await visitor({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/login?next=%2Faccount%2Fpassword');
    await page.getByLabel('登录名（手机号或用户名）').fill(who.loginName);
    await page.getByLabel('密码', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('登录名或密码不正确。');
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(`${baseUrl}/account/password`);
    await page.goto('/account');
    expect(await page.locator('main').textContent()).toContain(who.displayName);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await page.getByRole('link', { name: '登录', exact: true }).count()).toBe(1);

    // The link pages keep the token out of every Referer, yet their own form posts still carry
    // the Origin that the CSRF checks need.
    const token = await newInvitation();
    await page.goto(`/invite/${token}`);
    await page.getByLabel('姓名（其他成员看到的名字）').fill('无脚本');
    await page.getByLabel('登录名（手机号或用户名）').fill(`ap-nojs-new-${run}`);
    await page.getByLabel('密码', { exact: true }).fill('x');
    await page.getByRole('button', { name: '创建账户并加入' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('新密码太短：至少要 8 个字符。');
    expect(await page.getByLabel('登录名（手机号或用户名）').inputValue()).toBe(`ap-nojs-new-${run}`);
    await page.getByLabel('密码', { exact: true }).fill('no script needed here');
    await page.getByRole('button', { name: '创建账户并加入' }).click();
    await page.waitForURL(`${baseUrl}/account?welcome=1`);
    expect(await page.locator('main').textContent()).toContain('无脚本');
    await context.close();
  });

  it('passes axe at phone size on every sign-in and account page', async () => {
    const who = await person('axe', [{ role: 'supervisor' }, { role: 'committee', compoundCode: 'c-guihua-3' }]);
    const token = await newInvitation();
    const context = await visitor({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto('/login');
    await expectAccessible(page);
    await screenshot(page, 'login-zh-phone');
    await page.goto(`/invite/${token}`);
    await expectAccessible(page);
    await signIn(page, who);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goto('/account');
    // The supervisor reads the fund's people; the committee member opens their compound.
    expect(await page.getByRole('link', { name: '人员与邀请' }).getAttribute('href')).toMatch(
      /funds\/guihuajing\/members$/
    );
    expect(await page.getByRole('link', { name: '打开院落页面：桂花井3号院' }).getAttribute('href')).toMatch(
      new RegExp(`funds/guihuajing/compounds/${compoundId}$`)
    );
    await expectAccessible(page);
    await screenshot(page, 'account-zh-phone');
    for (const path of ['/account/password', '/account/totp', `/invite/${token}`]) {
      await page.goto(path);
      await expectAccessible(page);
    }
    await page.goto('/account/totp?required=1');
    expect(await page.locator('main').textContent()).toContain('你所在的基金要求');
    await context.close();
  });

  it('shows the sign-in page in English after choosing English', async () => {
    const context = await visitor();
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForURL(`${baseUrl}/login`);
    expect((await context.cookies()).find((cookie) => cookie.name === 'gj_locale')?.value).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    expect(await page.locator('main').textContent()).toContain('demo-admin');
    await page.getByLabel('Login name (mobile number or user name)').fill(`ap-nobody-${run}`);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The login name or password is not correct.');
    await expectAccessible(page);
    await context.close();
  });
});
