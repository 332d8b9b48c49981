import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { signInOverHttp } from '../support/people';
import { checkoutRoot } from '../support/postgres';
import { activeProject, makeWorld, person as personIn, type ReviewDb, type World } from '../support/review-world';
import { baseUrl, chromiumPath, expectAccessible, overflowsHorizontally } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * The committee's checklist in a real browser at 360 px: with a register of 25 households and a
 * self-raise target of 2,000.00 (a planned share of 80.00 each), the committee records all 25
 * payments in at most 30 taps (each tick and the one submit are counted), the books hold the 25
 * entries and the page says 25 / 25. The search filters without JavaScript (a GET form) and as one
 * types with it; an empty register shows the step that fills it; axe finds nothing in either
 * language, in elder mode too.
 */

const office = fundFixture({ prefix: 'rc', displayName: '清单', addressBlock: '10.72.9' });
const { run } = office;
const zh = JSON.parse(readFileSync(join(checkoutRoot, 'apps/web/messages/zh-CN.json'), 'utf8')) as Record<
  string,
  string
>;

const SLUG = `rc-${run}`;
const raisePath = (number: number) => `/funds/${SLUG}/projects/${number}/raise`;

let world: World;
let projectId = '';
let committee: Person;
let admin: Person;

async function signedIn(actor: Actor, loginName: string): Promise<Person> {
  const result = await signInOverHttp(baseUrl, { loginName, ip: office.nextAddress() });
  if (result.cookie === null || actor.kind !== 'user') throw new Error(`no session for ${loginName}`);
  return { id: actor.userId, loginName, displayName: loginName, cookie: result.cookie };
}

beforeAll(async () => {
  const db: ReviewDb = { owner: office.sql, app: office.sql, now: new Date() };
  world = await makeWorld(db, { slug: SLUG, pool: '100000.00' });
  const adminActor = await personIn(db, world, `rc-admin-${run}`, [{ role: 'fund_admin' }]);
  const leaders = [
    await personIn(db, world, `rc-leader1-${run}`, [{ role: 'leader', unitCode: 'unit-2' }]),
    await personIn(db, world, `rc-leader2-${run}`, [{ role: 'leader', unitCode: 'unit-3' }]),
    await personIn(db, world, `rc-leader3-${run}`, [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committeeActor = await personIn(db, world, `rc-committee-${run}`, [
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  const made = await activeProject(db, world, {
    number: 1,
    admin: adminActor,
    leaders,
    committee: committeeActor,
    households: 25
  });
  projectId = made.applicationId;
  // A second project, in a compound whose register is then emptied: the page's first step.
  const empty = await activeProject(db, world, {
    number: 2,
    admin: adminActor,
    leaders,
    committee: committeeActor,
    compound: 'compound-2',
    households: 1
  });
  await office.sql`delete from households where id = any(${empty.households}::bigint[])`;
  committee = await signedIn(committeeActor, `rc-committee-${run}`);
  admin = await signedIn(adminActor, `rc-admin-${run}`);
});

async function books(): Promise<{ payments: number; entries: number; total: string }> {
  const [row] = await office.sql<{ payments: number; entries: number; total: string }[]>`
    select count(*)::int as payments, count(distinct p.entry_seq)::int as entries,
           coalesce(sum(p.amount), 0)::numeric(18, 2)::text as total
      from self_raised_payments p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.application_id = ${projectId}`;
  return row ?? { payments: -1, entries: -1, total: '' };
}

describe.skipIf(!chromiumPath)('the self-raising checklist in a browser', () => {
  const { pageOf } = office.browser();

  it('searches without JavaScript, with a GET filter, and passes axe in English and elder mode', async () => {
    const page = await pageOf(committee, { javaScript: false });
    expect((await page.goto(`${raisePath(1)}?q=住户12`))?.status()).toBe(200);
    await expect.poll(() => page.locator('.checklist-row:visible').count()).toBe(1);
    expect(await page.getByLabel('1-1-112-1 住户12 今天已交').count()).toBe(1);
    await page.getByLabel(zh['checklist_search'] ?? '').fill('住户3');
    await page.getByRole('button', { name: zh['checklist_search_submit'] ?? '' }).click();
    await page.waitForURL(/q=/);
    // 住户3 and 住户30…: only 住户3 exists of those among 25 households.
    await expect.poll(() => page.locator('.checklist-row:visible').count()).toBe(1);
    // Before anything is paid, every row has its tick box: axe in both languages, in elder mode.
    for (const locale of ['en', 'zh-CN'] as const) {
      const elder = await pageOf(committee, { locale, elder: true });
      expect((await elder.goto(raisePath(1)))?.status()).toBe(200);
      await expectAccessible(elder);
      expect(await overflowsHorizontally(elder)).toBe(false);
    }
  });

  it('records 25 payments in at most 30 taps, and the books hold the 25 entries', async () => {
    const page = await pageOf(committee);
    expect((await page.goto(raisePath(1)))?.status()).toBe(200);
    await expectAccessible(page);
    let taps = 0;
    const tap = async (target: Locator) => {
      taps += 1;
      await target.click();
    };
    // The search filters as one types (JavaScript), with the server's rule; then it is cleared.
    await page.getByLabel(zh['checklist_search'] ?? '').fill('住户2');
    await expect.poll(() => page.locator('.checklist-row:visible').count()).toBe(7);
    await page.getByLabel(zh['checklist_search'] ?? '').fill('');
    await expect.poll(() => page.locator('.checklist-row:visible').count()).toBe(25);
    // Every amount is already the planned share.
    expect(await page.getByLabel('1-1-101-1 住户1 的交款金额（元）').inputValue()).toBe('80.00');
    const ticks = page.locator('.checklist-row input[type="checkbox"]');
    expect(await ticks.count()).toBe(25);
    for (let index = 0; index < 25; index += 1) await tap(ticks.nth(index));
    // The tour's picture: the checklist ticked, just before the one submit.
    await page.evaluate(() => document.getElementById('checklist-heading')?.scrollIntoView());
    mkdirSync(join(checkoutRoot, 'tests/e2e/tour'), { recursive: true });
    await page.screenshot({ path: join(checkoutRoot, 'tests/e2e/tour/raise-checklist.png') });
    await tap(page.getByRole('button', { name: zh['checklist_submit'] ?? '' }));
    await expect.poll(() => page.getByText('已登记 25 户，共 ¥2,000.00。').count()).toBe(1);
    expect(taps).toBeLessThanOrEqual(30);
    expect(await books()).toEqual({ payments: 25, entries: 25, total: '2000.00' });
    await expect.poll(() => page.getByText('25 / 25 户', { exact: true }).count()).toBe(1);
    await expect.poll(() => page.locator('.checklist-row input[type="checkbox"]').count()).toBe(0);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await expect.poll(() => page.getByText(zh['checklist_all_paid'] ?? '').count()).toBe(1);
  });

  it('shows the step that fills an empty register', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(raisePath(2)))?.status()).toBe(200);
    await expect.poll(() => page.getByRole('heading', { name: zh['checklist_empty_heading'] ?? '' }).count()).toBe(1);
    const link = page.getByRole('link', { name: zh['checklist_empty_link'] ?? '' });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`/funds/${SLUG}/registers/compounds/\\d+$`));
    expect(await page.locator('select[name="householdId"]').count()).toBe(0);
    await expectAccessible(page);
  });

  it('imports the empty register from a GBK spreadsheet, with a preview that names the bad line', async () => {
    const page = await pageOf(admin);
    const registerPath = `/funds/${SLUG}/registers/compounds/${world.compounds['compound-2'] ?? ''}`;
    expect((await page.goto(registerPath))?.status()).toBe(200);
    const csv = iconv.encode('楼号,单元,房号,户主姓名\r\n2,1,101,周一\r\n2,1,,吴二\r\n2,1,102,郑三\r\n', 'gbk');
    await page
      .getByLabel(zh['regimport_file'] ?? '')
      .setInputFiles({ name: '名册.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: zh['regimport_preview_submit'] ?? '' }).click();
    await expect.poll(() => page.getByText(zh['regimport_line_missing'] ?? '').count()).toBe(1);
    await expect.poll(() => page.getByText('将新增 2 户，1 行有问题').count()).toBe(1);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    // Nothing is written before the confirmation.
    const count = async () => {
      const [row] = await office.sql<{ count: number }[]>`
        select count(*)::int as count from households where compound_id = ${world.compounds['compound-2'] ?? '0'}`;
      return row?.count ?? -1;
    };
    expect(await count()).toBe(0);
    await page.getByRole('button', { name: '确认导入 2 户' }).click();
    await expect.poll(count).toBe(2);
    await expect.poll(() => page.getByText('已添加 2 户。').count()).toBe(1);
    // The raise page now lists the two households with their planned shares.
    expect((await page.goto(raisePath(2)))?.status()).toBe(200);
    await expect.poll(() => page.locator('.checklist-row').count()).toBe(2);
  });
});
