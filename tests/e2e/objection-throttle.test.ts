import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { contribution } from '../support/books';
import { submittedApplication, type ReviewDb } from '../support/review-world';
import { baseUrl, chromiumPath, expectAccessible, screenshot } from './browser';
import { fundFixture } from './fund-fixture';

/*
 * An objector who sends too many objections from one address is told so plainly, in their
 * language, with the time they may try again (rounded up) and what they wrote kept in the form:
 * the project page takes three from one address within the hour, and the fourth is refused with
 * 429, in a browser without JavaScript and over plain HTTP in English.
 */

const office = fundFixture({
  prefix: 'objthr',
  displayName: '异议限流',
  addressBlock: '10.84.14',
  newFund: {
    policy: DEMO_POLICY_JSON,
    units: ['unit-1', 'unit-2', 'unit-3'].map((code) => ({ code, name: `单位${code.slice(-1)}` })),
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 0 }]
  }
});
const ON_NOTICE = 1;
const PROJECT = () => `/f/${office.slug}/projects/${ON_NOTICE}`;
/** The address this file's objector sends from, outside the fixture's own block of addresses. */
const OBJECTOR = '10.84.15.7';

beforeAll(async () => {
  const admin = await office.actorOf(await office.person('admin', [{ role: 'fund_admin' }]));
  const leaders = [
    await office.actorOf(await office.person('leader-1', [{ role: 'leader', unitCode: 'unit-1' }])),
    await office.actorOf(await office.person('leader-2', [{ role: 'leader', unitCode: 'unit-2' }])),
    await office.actorOf(await office.person('leader-3', [{ role: 'leader', unitCode: 'unit-3' }]))
  ];
  const committee = await office.actorOf(
    await office.person('committee', [{ role: 'committee', compoundCode: 'compound-1' }])
  );
  const now = new Date();
  const posted = await books.post(office.sql, { fundId: office.fundId, command: contribution('100000.00') });
  if (!posted.ok) throw new Error(`pool: ${posted.code}`);
  const [compound] = await office.sql<{ id: string }[]>`
    select id::text as id from compounds where fund_id = ${office.fundId} and code = 'compound-1'`;
  const db: ReviewDb = { owner: office.sql, app: office.sql, now };
  const world = {
    slug: office.slug,
    fundId: office.fundId,
    units: {},
    compounds: { 'compound-1': compound?.id ?? '0' }
  };
  await submittedApplication(db, world, { number: ON_NOTICE, createdBy: committee, cost: '2000.00', match: '1200.00' });
  const command = { fundId: office.fundId, number: ON_NOTICE, now, ip: null };
  const checked = await precheck(office.sql, { ...command, actor: admin, outcome: 'pass', comments: '' });
  if (!checked.ok) throw new Error(`precheck: ${checked.code}`);
  for (const leader of leaders) {
    const voted = await castVote(office.sql, { ...command, actor: leader, choice: 'approve', reason: '' });
    if (!voted.ok) throw new Error(`vote: ${voted.code}`);
  }
});

/** When the objector's lock on this project ends, as the page should say it: rounded up, in China. */
async function expectedRetry(): Promise<{ time: string; timeEn: string }> {
  const [row] = await office.sql<{ until: Date }[]>`
    select locked_until as until from throttles where key like ${`objection:${office.fundId}:%:${OBJECTOR}`}`;
  if (row === undefined) throw new Error('no lock on the objector');
  const minute = 60_000;
  const at = new Date(Math.ceil(row.until.getTime() / minute) * minute);
  const format = (locale: string) =>
    new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(at);
  return { time: format('zh-CN'), timeEn: format('en') };
}

describe.skipIf(!chromiumPath)('objections from one address', () => {
  const { pageOf } = office.browser();

  async function object(page: Page, body: string): Promise<number> {
    expect((await page.goto(PROJECT()))?.status()).toBe(200);
    await page.getByLabel('姓名').fill('居民');
    await page.getByLabel('联系方式').fill(`1380000${body.length}${body.charCodeAt(0)}`);
    await page.getByLabel('异议内容').fill(body);
    const [response] = await Promise.all([
      page.waitForResponse((answer) => answer.request().method() === 'POST'),
      page.getByRole('button', { name: '提交异议' }).click()
    ]);
    await page.waitForLoadState();
    return response.status();
  }

  it('takes three within the hour and tells the objector plainly when the fourth may be sent', async () => {
    const page = await pageOf(null, { javaScript: false });
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': OBJECTOR });
    for (const body of ['道闸挡住消防通道。', '报价偏高。', '施工时间太早。']) {
      await object(page, body);
      expect(await page.getByText('异议已收到').count(), body).toBe(1);
    }
    expect(await object(page, '第四条意见，应当被限流。')).toBe(429);
    const { time, timeEn } = await expectedRetry();
    const alert = (await page.locator('main').textContent()) ?? '';
    expect(alert).toContain(`从您所在的网络提交的异议已经太多，暂时不能再提交。请在 ${time} 以后再试（还要等 `);
    // The wait is rounded up: a whole hour from the third objection, less the moments since.
    expect(Number(/还要等 (\d+) 分钟/.exec(alert)?.[1])).toBeGreaterThanOrEqual(59);
    // What was typed is still in the form, to send later or take to the office.
    expect(await page.getByLabel('异议内容').inputValue()).toBe('第四条意见，应当被限流。');
    const [filed] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from objections where fund_id = ${office.fundId}`;
    expect(filed?.count).toBe(3);

    // The same refusal in English, on the notice page, over plain HTTP.
    const refused = await fetch(new URL(`/funds/${office.slug}/notices/${ON_NOTICE}?/object`, baseUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        origin: new URL(baseUrl).origin,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': OBJECTOR,
        cookie: 'gj_locale=en'
      },
      body: new URLSearchParams({ name: 'Resident', contact: '13800009999', body: 'One more.' })
    });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain(
      `Too many objections have come from your network, so no more can be filed for now. Please try again after ${timeEn} (in `
    );
  });

  it('shows the refusal accessibly', async () => {
    const page = await pageOf(null);
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': OBJECTOR });
    expect(await object(page, '再试一次。')).toBe(429);
    await expectAccessible(page);
    await screenshot(page, 'objection-throttled-zh-phone');
  });
});
