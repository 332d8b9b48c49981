import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { signInOverHttp } from '../support/people';
import { checkoutRoot } from '../support/postgres';
import { activeProject, makeWorld, person as personIn, type ReviewDb, type World } from '../support/review-world';
import {
  DESKTOP,
  baseUrl,
  chromiumPath,
  expectAccessible,
  overflowsHorizontally,
  screenshot,
  choose,
  send
} from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * Self-raising, the receipt and the residents' evaluation in a real browser, at phone size in
 * Chinese (and once in English): the committee records households' payments (one with a receipt
 * file, one without JavaScript), a payment past the target is refused with what is left, the
 * receipt prints with the amount in 大写, and once the project is accepted the committee issues
 * the evaluation codes, which residents use on the public /evaluate page without an account; a
 * code counts once, even sent twice at the same moment. The project is an active grant made for
 * this file in a fund of its own (tests/support/review-world.ts), with six households.
 */

const office = fundFixture({ prefix: 'sr', displayName: '自筹', addressBlock: '10.72.7' });
const { run, post } = office;
const zh = JSON.parse(readFileSync(join(checkoutRoot, 'apps/web/messages/zh-CN.json'), 'utf8')) as Record<
  string,
  string
>;
const en = JSON.parse(readFileSync(join(checkoutRoot, 'apps/web/messages/en.json'), 'utf8')) as Record<string, string>;

const SLUG = `sr-${run}`;
const raisePath = `/funds/${SLUG}/projects/1/raise`;
const evaluationPath = `/funds/${SLUG}/projects/1/evaluation`;

let world: World;
let projectId = '';
let committee: Person;
let leader: Person;

/** A person of this file's world, signed in over HTTP like the login form. */
async function signedIn(actor: Actor, loginName: string): Promise<Person> {
  const result = await signInOverHttp(baseUrl, { loginName, ip: office.nextAddress() });
  if (result.cookie === null || actor.kind !== 'user') throw new Error(`no session for ${loginName}`);
  return { id: actor.userId, loginName, displayName: loginName, cookie: result.cookie };
}

beforeAll(async () => {
  const db: ReviewDb = { owner: office.sql, app: office.sql, now: new Date() };
  world = await makeWorld(db, { slug: SLUG, pool: '100000.00' });
  const admin = await personIn(db, world, `sr-admin-${run}`, [{ role: 'fund_admin' }]);
  const leaders = [
    await personIn(db, world, `sr-leader1-${run}`, [{ role: 'leader', unitCode: 'unit-2' }]),
    await personIn(db, world, `sr-leader2-${run}`, [{ role: 'leader', unitCode: 'unit-3' }]),
    await personIn(db, world, `sr-leader3-${run}`, [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committeeActor = await personIn(db, world, `sr-committee-${run}`, [
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  const made = await activeProject(db, world, {
    number: 1,
    admin,
    leaders,
    committee: committeeActor,
    households: 6
  });
  projectId = made.applicationId;
  committee = await signedIn(committeeActor, `sr-committee-${run}`);
  leader = await signedIn(leaders[0] as Actor, `sr-leader1-${run}`);
});

async function received(): Promise<string> {
  const [row] = await office.sql<{ total: string }[]>`
    select coalesce(sum(amount), 0)::numeric(18, 2)::text as total from self_raised_payments
     where application_id = ${projectId}`;
  return row?.total ?? '';
}

describe.skipIf(!chromiumPath)('self-raising and the evaluation in a browser', () => {
  const { pageOf } = office.browser();

  it('records payments, refuses one past the target, and prints a receipt', async () => {
    const page = await pageOf(committee);
    expect((await page.goto(raisePath))?.status()).toBe(200);
    await expectAccessible(page);
    // The one-payment form (with a receipt file), below the checklist whose labels say the same words.
    const single = page.locator('form[action="?/record"]');

    const receiptFile = join(tmpdir(), `sr-receipt-${run}.png`);
    writeFileSync(receiptFile, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]));
    await single.getByLabel('住户').selectOption({ label: '1-1-101-1 住户1' });
    await single.getByLabel('金额（元）').fill('150');
    await choose(single.getByLabel('微信'));
    await single.getByLabel('收款凭据（可选）').setInputFiles(receiptFile);
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await expect.poll(() => page.getByText(/已登记，记字第\d+号。/).count()).toBe(1);
    expect(await received()).toBe('150.00');
    // The form starts afresh for the next household.
    await expect.poll(() => single.getByLabel('金额（元）').inputValue()).toBe('');
    await expect.poll(() => page.getByText('1-1-101-1 住*').count()).toBe(1);
    // The list masks the name; only the committee's form lists the full names.
    expect(await page.locator('.money-list').getByText('住户1').count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'raise-zh-phone');
    expect(await overflowsHorizontally(page)).toBe(false);

    // Past the target: refused at the field with the figure left (2,000.00 − 150.00).
    await single.getByLabel('住户').selectOption({ label: '1-1-102-1 住户2' });
    await single.getByLabel('金额（元）').fill('5000');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await expect.poll(() => page.getByText('这笔款会超过自筹目标：最多还能收 ¥1,850.00。').count()).toBeGreaterThan(0);
    await expect.poll(() => single.getByLabel('金额（元）').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page);
    expect(await received()).toBe('150.00');

    // The receipt, in figures and in 大写, with the household's full name.
    await page.getByRole('link', { name: '收据' }).first().click();
    await page.waitForURL('**/receipts/*');
    await expect.poll(() => page.getByText('人民币壹佰伍拾元整').count()).toBe(1);
    await expect.poll(() => page.getByText('住户1（1-1-101-1）').count()).toBe(1);
    // The print button needs the page's script, which may take a moment on a busy machine.
    await expect.poll(() => page.getByRole('button', { name: '打印收据' }).count(), { timeout: 15_000 }).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'receipt-zh-phone');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.receipt').isVisible()).toBe(true);
  });

  it('works without JavaScript, in elder mode, and read-only for a leader', async () => {
    const page = await pageOf(committee, { javaScript: false, elder: true });
    expect((await page.goto(raisePath))?.status()).toBe(200);
    const single = page.locator('form[action="?/record"]');
    await single.getByLabel('住户').selectOption({ label: '1-1-102-1 住户2' });
    await single.getByLabel('金额（元）').fill('80.50');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForURL('**/raise?recorded=*');
    await expect.poll(() => page.getByText(/已登记，记字第\d+号。/).count()).toBe(1);
    expect(await received()).toBe('230.50');
    expect(await overflowsHorizontally(page)).toBe(false);

    const leaderPage = await pageOf(leader);
    expect((await leaderPage.goto(raisePath))?.status()).toBe(200);
    expect(await leaderPage.getByRole('button', { name: '登记', exact: true }).count()).toBe(0);
    await expect.poll(() => leaderPage.getByText(zh['raise_read_only'] ?? '').count()).toBe(1);
    // The leadership reads the vouchers; the committee sees the number only.
    expect(await leaderPage.getByRole('link', { name: /记字第\d+号/ }).count()).toBe(2);
    await expectAccessible(leaderPage);
    // The leader may not record a payment.
    const refused = await post(`${raisePath}?/record`, { key: 'x' }, leader.cookie);
    expect(refused.status).toBe(403);
  });

  it('issues codes once accepted, and residents rate the project with them', async () => {
    const committeePage = await pageOf(committee);
    expect((await committeePage.goto(evaluationPath))?.status()).toBe(200);
    await expect.poll(() => committeePage.getByText(zh['evaluation_not_yet'] ?? '').count()).toBe(1);
    await expectAccessible(committeePage);

    // The acceptance check is another part's work; here the project is simply marked accepted.
    await office.sql`update applications set status = 'accepted' where id = ${projectId}`;
    await committeePage.reload();
    await committeePage.getByRole('button', { name: '生成评议码' }).click();
    await expect.poll(() => committeePage.locator('.evaluation-slip').count()).toBe(6);
    await expect.poll(() => committeePage.getByText(zh['evaluation_sheet_once'] ?? '').count()).toBe(1);
    await expectAccessible(committeePage);
    await screenshot(committeePage, 'evaluation-slips-zh-phone');
    const codes = await committeePage.locator('.evaluation-code').allInnerTexts();
    expect(codes).toHaveLength(6);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    await expect.poll(() => committeePage.getByText(`${new URL(baseUrl).origin}/evaluate`).count()).toBeGreaterThan(0);

    // A resident, on a phone, without an account.
    const resident = await pageOf(null);
    expect((await resident.goto('/evaluate'))?.status()).toBe(200);
    await expectAccessible(resident);
    await resident.getByLabel('评议码').fill('ZZZZ-ZZZZ');
    await send(resident, resident.getByRole('button', { name: '下一步' }));
    await expect.poll(() => resident.getByText(zh['evaluation_public_error_unknown'] ?? '').count()).toBeGreaterThan(0);
    await expectAccessible(resident);
    await resident.getByLabel('评议码').fill((codes[0] ?? '').toLowerCase());
    await send(resident, resident.getByRole('button', { name: '下一步' }));
    await expect.poll(() => resident.getByText(/您将评议的项目：测试小区「项目 1」/).count()).toBe(1);
    await expectAccessible(resident);
    await choose(resident.getByLabel('满意', { exact: true }));
    await resident.getByLabel('意见（可选）').fill(`门禁好用了 ${run}`);
    await send(resident, resident.getByRole('button', { name: '提交评议' }));
    await expect.poll(() => resident.getByText(zh['evaluation_public_thanks'] ?? '').count()).toBe(1);
    await expect.poll(() => resident.getByText('共 1 户参与评议。').count()).toBe(1);
    await expectAccessible(resident);
    await screenshot(resident, 'evaluate-thanks-zh-phone');
    expect(await overflowsHorizontally(resident)).toBe(false);

    // The same code again: refused, with the way to the results.
    await resident.goto('/evaluate');
    await resident.getByLabel('评议码').fill(codes[0] ?? '');
    await send(resident, resident.getByRole('button', { name: '下一步' }));
    await expect.poll(() => resident.getByText(zh['evaluation_public_error_used'] ?? '').count()).toBeGreaterThan(0);

    // Without JavaScript, every step is a plain form post.
    const plain = await pageOf(null, { javaScript: false });
    await plain.goto('/evaluate');
    await plain.getByLabel('评议码').fill(codes[1] ?? '');
    await send(plain, plain.getByRole('button', { name: '下一步' }));
    await choose(plain.getByLabel('基本满意'));
    await send(plain, plain.getByRole('button', { name: '提交评议' }));
    await plain.waitForURL('**/evaluate?fund=*');
    await expect.poll(() => plain.getByText('共 2 户参与评议。').count()).toBe(1);

    // In English.
    const english = await pageOf(null, { locale: 'en', viewport: DESKTOP });
    expect((await english.goto('/evaluate'))?.status()).toBe(200);
    await english.getByLabel(en['evaluation_public_field_code'] ?? 'Code', { exact: true }).fill(codes[2] ?? '');
    await send(english, english.getByRole('button', { name: en['evaluation_public_next'] ?? 'Next' }));
    await choose(english.getByLabel(en['evaluation_rating_not_satisfied'] ?? ''));
    await expectAccessible(english);
    await send(english, english.getByRole('button', { name: en['evaluation_public_submit'] ?? '' }));
    await expect.poll(() => english.getByText(en['evaluation_public_thanks'] ?? '').count()).toBe(1);
    await expectAccessible(english);
    await screenshot(english, 'evaluate-thanks-en-desktop');

    // One code sent twice at the same moment counts once.
    const twice = await Promise.all(
      ['satisfied', 'not_satisfied'].map((rating) =>
        post('/evaluate?/rate', { code: codes[3] ?? '', rating, comment: '' })
      )
    );
    expect(twice.map((response) => response.status).sort()).toEqual([303, 409]);

    // The committee sees the results and the comments.
    await committeePage.goto(evaluationPath);
    await expect.poll(() => committeePage.getByText('共 4 户参与评议。').count()).toBe(1);
    await expect.poll(() => committeePage.getByText(`门禁好用了 ${run}`).count()).toBe(1);
    await expectAccessible(committeePage);
    const [figures] = await office.sql<{ used: number; evaluations: number }[]>`
      select (select count(used_at)::int from evaluation_codes where application_id = ${projectId}) as used,
             (select count(*)::int from evaluations where application_id = ${projectId}) as evaluations`;
    expect(figures).toEqual({ used: 4, evaluations: 4 });
  });

  it('shows the public results of an evaluated project to anyone', async () => {
    const visitor: Page = await pageOf(null, { elder: true });
    expect((await visitor.goto(`/evaluate?fund=${SLUG}&project=1`))?.status()).toBe(200);
    await expect.poll(() => visitor.getByText('共 4 户参与评议。').count()).toBe(1);
    expect(await visitor.getByText(`门禁好用了 ${run}`).count()).toBe(0);
    expect(await overflowsHorizontally(visitor)).toBe(false);
    await expectAccessible(visitor);
  });
});
