import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashToken } from '../../apps/web/src/lib/server/auth/tokens';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { createTestUser, signInOverHttp, TEST_PASSWORD, type TestMembership } from '../support/people';
import { PHONE, baseUrl, chromiumPath, expectAccessible, launchBrowser, newVisitor, screenshot } from './browser';

/**
 * The fund office's people page (/funds/guihuajing/members) and a compound's page, over plain
 * HTTP (as a browser without JavaScript posts forms) and in a real browser. Every person here is
 * made for this file (login names start with fp-), because the tests remove roles, disable
 * accounts and reset passwords; the demo people stay untouched for the other files.
 */

const FUND = 'guihuajing';
const MEMBERS = `/funds/${FUND}/members`;
const origin = new URL(baseUrl).origin;
const run = Date.now().toString(36).slice(-6);

let sql: Sql;
let fundId: string;
const compoundIds: Record<string, string> = {};
let lastAddress = 10;

interface Person {
  id: string;
  loginName: string;
  displayName: string;
}

async function person(label: string, memberships: readonly Omit<TestMembership, 'fundSlug'>[]): Promise<Person> {
  const loginName = `fp-${label}-${run}`;
  const displayName = `测试${label}${run}`;
  const id = await createTestUser(sql, {
    loginName,
    displayName,
    memberships: memberships.map((membership) => ({ fundSlug: FUND, ...membership }))
  });
  return { id, loginName, displayName };
}

/** Each sign-in comes from its own address, so no test is slowed by another's throttle. */
function nextAddress(): string {
  lastAddress += 1;
  return `10.9.0.${lastAddress}`;
}

async function cookieOf(who: Person, password = TEST_PASSWORD): Promise<string> {
  const signedIn = await signInOverHttp(baseUrl, { loginName: who.loginName, password, ip: nextAddress() });
  expect(signedIn.status, `sign-in of ${who.loginName}`).toBe(303);
  if (signedIn.cookie === null) throw new Error(`no session cookie for ${who.loginName}`);
  return signedIn.cookie;
}

async function get(path: string, cookie?: string): Promise<Response> {
  return await fetch(new URL(path, baseUrl), {
    redirect: 'manual',
    headers: { accept: 'text/html', ...(cookie === undefined ? {} : { cookie }) }
  });
}

/** A form post as a browser without JavaScript sends it: the response is the page, with the real status. */
async function post(action: string, fields: Record<string, string>, cookie: string): Promise<Response> {
  return await fetch(new URL(`${MEMBERS}?/${action}`, baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      origin,
      cookie
    },
    body: new URLSearchParams(fields)
  });
}

async function invitationCount(): Promise<number> {
  const [row] = await sql<{ count: number }[]>`select count(*)::int as count from invitations`;
  return row?.count ?? -1;
}

async function setTotpRequiredDirectly(required: boolean): Promise<void> {
  await sql`update funds set totp_required = ${required} where slug = ${FUND}`;
}

beforeAll(async () => {
  sql = createClient(inject('databaseUrl'), { max: 2, applicationName: 'fund-pages test' });
  const [fund] = await sql<{ id: string }[]>`select id::text as id from funds where slug = ${FUND}`;
  if (fund === undefined) throw new Error('the demo fund is missing');
  fundId = fund.id;
  const compounds = await sql<{ id: string; code: string }[]>`
    select id::text as id, code from compounds where fund_id = ${fundId}`;
  for (const compound of compounds) compoundIds[compound.code] = compound.id;
});

afterAll(async () => {
  await sql?.end();
});

describe('the members page over HTTP', () => {
  it('sends an anonymous visitor to sign in and refuses a committee member', async () => {
    const anonymous = await get(MEMBERS);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(MEMBERS)}`);

    const committee = await person('cm', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
    const refused = await get(MEMBERS, await cookieOf(committee));
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('demo-supervisor');
  });

  it('shows the supervisor everything but no forms, and refuses every action they post', async () => {
    const supervisor = await person('sup', [{ role: 'supervisor' }]);
    const target = await person('sup-target', [{ role: 'committee', compoundCode: 'c-nanjie' }]);
    const cookie = await cookieOf(supervisor);
    const page = await get(MEMBERS, cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(target.loginName);
    expect(html).toContain('人员与邀请');
    expect(html).not.toMatch(/action="\?\//);

    const [membership] = await sql<{ id: string }[]>`
      select id::text as id from memberships where user_id = ${target.id}`;
    const before = await invitationCount();
    const attempts: [string, Record<string, string>][] = [
      ['invite', { role: 'committee', compoundId: compoundIds['c-xiyuan'] ?? '', label: 'fp supervisor' }],
      ['remove', { membershipId: membership?.id ?? '' }],
      ['disable', { userId: target.id }],
      ['reset', { userId: target.id }],
      ['requireTotp', { required: 'on' }]
    ];
    for (const [action, fields] of attempts) {
      const response = await post(action, fields, cookie);
      expect(response.status, action).toBe(403);
    }
    expect(await invitationCount()).toBe(before);
    const [after] = await sql<{ status: string; memberships: number; totp: boolean }[]>`
      select u.status, (select count(*)::int from memberships where user_id = u.id) as memberships,
             (select totp_required from funds where id = ${fundId}) as totp
        from users u where u.id = ${target.id}`;
    expect(after).toEqual({ status: 'active', memberships: 1, totp: false });
  });

  it('ignores extra fields: the fund comes from the URL and the role from the role field', async () => {
    const admin = await person('adm-x', [{ role: 'fund_admin' }]);
    const cookie = await cookieOf(admin);
    const before = await invitationCount();
    const label = `fp extra ${run}`;
    const response = await post(
      'invite',
      {
        role: 'committee',
        placeId: compoundIds['c-xiyuan'] ?? '',
        label,
        fund_id: '999',
        fundId: '999',
        platform_admin: 'true',
        status: 'approved',
        created_by: '1'
      },
      cookie
    );
    expect(response.status).toBe(200);
    const token = /\/invite\/([a-z2-7]{40})/.exec(await response.text())?.[1];
    if (token === undefined) throw new Error('the page did not show the new link');
    expect(await invitationCount()).toBe(before + 1);
    const rows = await sql<
      {
        fund_id: string;
        role: string;
        unit_id: string | null;
        compound_id: string | null;
        created_by: string;
        label: string;
      }[]
    >`
      select fund_id::text as fund_id, role, unit_id::text as unit_id, compound_id::text as compound_id,
             created_by::text as created_by, label
        from invitations where token_hash = ${hashToken(token)}`;
    expect(rows).toEqual([
      {
        fund_id: fundId,
        role: 'committee',
        unit_id: null,
        compound_id: compoundIds['c-xiyuan'],
        created_by: admin.id,
        label
      }
    ]);
    const [user] = await sql<{ platform_admin: boolean; status: string }[]>`
      select platform_admin, status from users where id = ${admin.id}`;
    expect(user).toEqual({ platform_admin: false, status: 'active' });
    // The token lives only in the link shown once: not in the audit trail, not in the table.
    const [leaks] = await sql<{ count: number }[]>`
      select (select count(*) from events where detail::text like ${`%${token}%`})::int
           + (select count(*) from invitations where label like ${`%${token}%`})::int as count`;
    expect(leaks?.count).toBe(0);
  });

  it('refuses an administrator changing their own account, and ids that are not ids', async () => {
    const admin = await person('adm-self', [{ role: 'fund_admin' }]);
    const cookie = await cookieOf(admin);
    const own = await post('disable', { userId: admin.id }, cookie);
    expect(own.status).toBe(403);
    expect(await own.text()).toContain('您不能在这里更改自己的账户');
    expect((await post('disable', { userId: '1; drop table users' }, cookie)).status).toBe(400);
    expect((await post('remove', { membershipId: '999999999' }, cookie)).status).toBe(404);
    const wrongPlace = await post('invite', { role: 'leader', unitId: '', label: 'fp no place' }, cookie);
    expect(wrongPlace.status).toBe(400);
    expect(await wrongPlace.text()).toContain('请为这个角色选择单位或小区');
  });

  it('removing a role signs the person out everywhere', async () => {
    const admin = await person('adm-rm', [{ role: 'fund_admin' }]);
    const leaving = await person('leaving', [{ role: 'committee', compoundCode: 'c-nanjie' }]);
    const leavingCookie = await cookieOf(leaving);
    expect((await get('/account', leavingCookie)).status).toBe(200);
    const [membership] = await sql<{ id: string }[]>`
      select id::text as id from memberships where user_id = ${leaving.id}`;
    const response = await post('remove', { membershipId: membership?.id ?? '' }, await cookieOf(admin));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('角色已移除');
    const after = await get('/account', leavingCookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/login/);
    const [count] = await sql<{ count: number }[]>`
      select count(*)::int as count from memberships where user_id = ${leaving.id}`;
    expect(count?.count).toBe(0);
  });

  it('disabling a user ends their sessions and their sign-ins, with the generic message; enabling restores them', async () => {
    const admin = await person('adm-dis', [{ role: 'fund_admin' }]);
    const adminCookie = await cookieOf(admin);
    const resident = await person('dis', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
    const residentCookie = await cookieOf(resident);

    expect((await post('disable', { userId: resident.id }, adminCookie)).status).toBe(200);
    const after = await get('/account', residentCookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/login/);

    // The answer for a disabled account is word for word the one for an unknown name.
    const refusal = async (loginName: string) => {
      const response = await fetch(new URL('/login', baseUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin,
          'x-forwarded-for': nextAddress()
        },
        body: new URLSearchParams({ loginName, password: TEST_PASSWORD })
      });
      expect(response.headers.getSetCookie().some((line) => /^gj_session=[^;]/.test(line))).toBe(false);
      return (await response.text()).replaceAll(loginName, '<name>');
    };
    const disabled = await refusal(resident.loginName);
    expect(disabled).toContain('login_name_or_password_is_wrong');
    expect(disabled).toBe(await refusal(`fp-nobody-${run}`));

    const page = await (await get(MEMBERS, adminCookie)).text();
    expect(page).toContain('账户已停用');

    expect((await post('enable', { userId: resident.id }, adminCookie)).status).toBe(200);
    expect((await get('/account', await cookieOf(resident))).status).toBe(200);
  });

  it('requiring a second factor sends leaders and administrators without one to enrol', async () => {
    const admin = await person('adm-totp', [{ role: 'fund_admin' }]);
    const enrolledAdmin = await person('adm-totp2', [{ role: 'fund_admin' }]);
    const leader = await person('lead', [{ role: 'leader', unitCode: 'grid-05' }]);
    const committee = await person('cm-totp', [{ role: 'committee', compoundCode: 'c-xiyuan' }]);
    const adminCookie = await cookieOf(admin);
    // Signed in first, then enrolled straight in the database: the session reads the enrolment
    // on every request, and the test needs no authenticator to turn the rule off again.
    const enrolledCookie = await cookieOf(enrolledAdmin);
    await sql`update users set totp_key = ${Buffer.alloc(20, 7)}, totp_enrolled_at = now()
               where id = ${enrolledAdmin.id}`;
    const leaderCookie = await cookieOf(leader);
    const committeeCookie = await cookieOf(committee);
    const compound = `/funds/${FUND}/compounds/${compoundIds['c-xiyuan']}`;
    expect((await get(compound, leaderCookie)).status).toBe(200);
    try {
      const turnedOn = await post('requireTotp', { required: 'on' }, adminCookie);
      expect(turnedOn.status).toBe(200);
      const [fund] = await sql<{ totp_required: boolean }[]>`select totp_required from funds where id = ${fundId}`;
      expect(fund?.totp_required).toBe(true);

      const leaderNow = await get(compound, leaderCookie);
      expect(leaderNow.status).toBe(303);
      expect(leaderNow.headers.get('location')).toBe('/account/totp?required=1');
      // The administrator who turned it on has no second factor either.
      const adminNow = await get(MEMBERS, adminCookie);
      expect(adminNow.status).toBe(303);
      expect(adminNow.headers.get('location')).toBe('/account/totp?required=1');
      // Committee members are not asked for a second factor.
      expect((await get(compound, committeeCookie)).status).toBe(200);
      expect(await (await get(MEMBERS, enrolledCookie)).text()).toContain('当前：已要求两步验证');

      const turnedOff = await post('requireTotp', { required: 'off' }, enrolledCookie);
      expect(turnedOff.status).toBe(200);
      expect((await get(compound, leaderCookie)).status).toBe(200);
    } finally {
      // The rule is fund-wide and the other test files share the fund.
      await setTotpRequiredDirectly(false);
    }
  });
});

describe('a compound page', () => {
  it('shows a committee member their own compound and refuses them another', async () => {
    const member = await person('cm-a', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
    const cookie = await cookieOf(member);
    const own = await get(`/funds/${FUND}/compounds/${compoundIds['c-guihua-3']}`, cookie);
    expect(own.status).toBe(200);
    const html = await own.text();
    expect(html).toContain('桂花井3号院');
    expect(html).toContain(member.displayName);
    expect(html).toContain(member.loginName);
    const other = await get(`/funds/${FUND}/compounds/${compoundIds['c-nanjie']}`, cookie);
    expect(other.status).toBe(403);
    expect(await other.text()).not.toContain('南街小区');
  });

  it('answers 404 for an unknown fund, a malformed id and a missing compound', async () => {
    const admin = await person('adm-404', [{ role: 'fund_admin' }]);
    const cookie = await cookieOf(admin);
    expect((await get(`/funds/no-such-fund/compounds/1`, cookie)).status).toBe(404);
    expect((await get(`/funds/${FUND}/compounds/abc`, cookie)).status).toBe(404);
    expect((await get(`/funds/${FUND}/compounds/0123`, cookie)).status).toBe(404);
    expect((await get(`/funds/${FUND}/compounds/999999999`, cookie)).status).toBe(404);
    expect((await get(`/funds/no-such-fund/members`, cookie)).status).toBe(404);
    const anonymous = await get(`/funds/${FUND}/compounds/${compoundIds['c-nanjie']}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/);
  });
});

describe.skipIf(!chromiumPath)('the members page in a real browser', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  async function signedInPage(who: Person): Promise<Page> {
    const context = await newVisitor(browser, { viewport: PHONE });
    contexts.push(context);
    const token = (await cookieOf(who)).replace(/^gj_session=/, '');
    await context.addCookies([{ name: 'gj_session', value: token, url: baseUrl }]);
    return await context.newPage();
  }

  async function freshPage(): Promise<Page> {
    const context = await newVisitor(browser, { viewport: PHONE });
    contexts.push(context);
    return await context.newPage();
  }

  /** The link the page shows once, read from its plain-text copy; the QR code must be there too. */
  async function shownLink(page: Page): Promise<string> {
    const panel = page.locator('.link-panel');
    await panel.waitFor();
    const qr = await panel.locator('img.qr').getAttribute('src');
    expect(qr).toMatch(/^data:image\/svg\+xml;base64,/);
    return await panel.getByRole('textbox').inputValue();
  }

  it('invites a committee member who joins through the link, and the invitation shows as used', async () => {
    const admin = await person('adm-br', [{ role: 'fund_admin' }]);
    const page = await signedInPage(admin);
    const response = await page.goto(MEMBERS);
    expect(response?.status()).toBe(200);
    await expectAccessible(page);
    await screenshot(page, 'members-zh-phone');

    const label = `西苑 fp ${run}`;
    await page.getByLabel('角色').selectOption('committee');
    await page.getByLabel('小区（邀请住委会成员时必选）').selectOption({ label: '西苑院落' });
    await page.getByLabel(/^备注/).fill(label);
    await page.getByRole('button', { name: '生成邀请链接' }).click();
    const link = await shownLink(page);
    expect(link).toMatch(new RegExp(`^${origin}/invite/[a-z2-7]{40}$`));
    await expectAccessible(page);

    const invitee = await freshPage();
    await invitee.goto(link);
    const loginName = `fp-joined-${run}`;
    await invitee.locator('input[name="displayName"]').fill(`西苑新委员${run}`);
    await invitee.locator('input[name="loginName"]').fill(loginName);
    await invitee.locator('input[name="password"]').fill('a long new passphrase for fp');
    const confirm = invitee.locator('input[name="confirmPassword"]');
    if ((await confirm.count()) > 0) await confirm.fill('a long new passphrase for fp');
    await invitee.locator('form:has(input[name="loginName"]) button[type="submit"]').click();
    await invitee.waitForURL((url) => !url.pathname.startsWith('/invite/'));
    await invitee.goto('/account');
    const account = await invitee.locator('main').textContent();
    expect(account).toContain('桂花井社区共建基金');
    expect(account).toContain('西苑院落');
    const roles = await sql<{ role: string; compound_id: string | null }[]>`
      select m.role, m.compound_id::text as compound_id
        from memberships m join users u on u.id = m.user_id where u.login_name = ${loginName}`;
    expect(roles).toEqual([{ role: 'committee', compound_id: compoundIds['c-xiyuan'] }]);

    await page.goto(MEMBERS);
    const item = page.locator('li', { hasText: label });
    expect(await item.textContent()).toContain('已使用');
    expect(await page.locator('main').textContent()).toContain(loginName);
  });

  it('issues a password-reset link behind “more actions”, and the new password works', async () => {
    const admin = await person('adm-rs', [{ role: 'fund_admin' }]);
    const forgetful = await person('forgot', [{ role: 'committee', compoundCode: 'c-nanjie' }]);
    const page = await signedInPage(admin);
    await page.goto(MEMBERS);
    const resetButton = page.getByRole('button', { name: `为 ${forgetful.displayName} 生成重设密码链接` });
    // The per-person actions stay folded away until asked for.
    expect(await resetButton.isVisible()).toBe(false);
    await page.getByText(`更多操作：${forgetful.displayName}`).click();
    await resetButton.click();
    const link = await shownLink(page);
    expect(link).toMatch(new RegExp(`^${origin}/reset/[a-z2-7]{40}$`));
    expect(await page.locator('.link-panel h2').textContent()).toContain(forgetful.displayName);

    const owner = await freshPage();
    await owner.goto(link);
    const newPassword = 'a fresh reset passphrase for fp';
    await owner.locator('input[name="password"]').fill(newPassword);
    const confirm = owner.locator('input[name="confirmPassword"]');
    if ((await confirm.count()) > 0) await confirm.fill(newPassword);
    await owner.locator('form:has(input[name="password"]) button[type="submit"]').click();
    await owner.waitForURL((url) => !url.pathname.startsWith('/reset/'));

    const signedIn = await signInOverHttp(baseUrl, {
      loginName: forgetful.loginName,
      password: newPassword,
      ip: nextAddress()
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.cookie).not.toBeNull();
  });

  it('the compound page is accessible on a phone', async () => {
    const admin = await person('adm-cp', [{ role: 'fund_admin' }]);
    await person('cm-cp', [{ role: 'committee', compoundCode: 'c-xiyuan' }]);
    const page = await signedInPage(admin);
    const response = await page.goto(`/funds/${FUND}/compounds/${compoundIds['c-xiyuan']}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('西苑院落');
    await expectAccessible(page);
  });
});
