import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { contribution } from '../support/books';
import { submittedApplication, type ReviewDb, type World } from '../support/review-world';
import { chromiumPath, expectAccessible, overflowsHorizontally, choose } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * What a refusal says, in a real browser at phone size, in Chinese and in English: a committee
 * follows its own inbox link to a page it may open (its application, not the leaders' review); at
 * the review page it is told who may open it, and the way back, never that the server had a
 * problem; a step sent after the application moved on is told the stage it is in now (409); and a
 * vote the pool cannot cover is headed "this could not be done", not "please correct the
 * following", while a reason left out still is. The fund is made for this file, with a pool of
 * 1,000.00 that cannot cover a match of 3,000.00.
 */

const office = fundFixture({
  prefix: 'ep',
  displayName: '错误',
  addressBlock: '10.95.2',
  newFund: {
    policy: DEMO_POLICY_JSON,
    units: ['unit-1', 'unit-2', 'unit-3', 'unit-4'].map((code) => ({ code, name: `单位${code.slice(-1)}` })),
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 23 }]
  }
});
const FUND = office.slug;
const UNDER_REVIEW = 1;
const DRAFT = 2;
const TITLE = `项目 ${UNDER_REVIEW}`;

let admin: Person;
let leaders: Person[];
let committee: Person;

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  leaders = [
    await office.person('leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await office.person('leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await office.person('leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  committee = await office.person('committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  const posted = await books.post(office.sql, { fundId: office.fundId, command: contribution('1000.00') });
  if (!posted.ok) throw new Error(`pool: ${posted.code}`);
  const [compound] = await office.sql<{ id: string }[]>`
    select id::text as id from compounds where fund_id = ${office.fundId} and code = 'compound-1'`;
  const world: World = {
    slug: FUND,
    fundId: office.fundId,
    units: {},
    compounds: { 'compound-1': compound?.id ?? '' }
  };
  const db: ReviewDb = { owner: office.sql, app: office.sql, now: new Date() };
  const committeeActor = await office.actorOf(committee);
  await submittedApplication(db, world, {
    number: UNDER_REVIEW,
    createdBy: committeeActor,
    cost: '5000.00',
    match: '3000.00'
  });
  await submittedApplication(db, world, {
    number: DRAFT,
    createdBy: committeeActor,
    cost: '2000.00',
    match: '1200.00'
  });
  await office.sql`update applications set status = 'draft' where fund_id = ${office.fundId} and number = ${DRAFT}`;
  const command = { fundId: office.fundId, number: UNDER_REVIEW, now: new Date(), ip: null };
  const checked = await precheck(office.sql, {
    ...command,
    actor: await office.actorOf(admin),
    outcome: 'pass',
    comments: ''
  });
  if (!checked.ok) throw new Error(`precheck: ${checked.code}`);
  for (const leader of leaders.slice(0, 2)) {
    const voted = await castVote(office.sql, {
      ...command,
      actor: await office.actorOf(leader),
      choice: 'approve',
      reason: ''
    });
    if (!voted.ok) throw new Error(`vote: ${voted.code}`);
  }
});

describe.skipIf(!chromiumPath)('honest refusals in a browser', () => {
  const { pageOf } = office.browser();
  const review = `/funds/${FUND}/review/${UNDER_REVIEW}`;

  /**
   * Presses a form's button and waits for the answer, which the page then shows: its status, as
   * the enhanced form's JSON carries it (a failure comes back as 200 with its status inside).
   */
  async function press(page: Page, button: Locator): Promise<number> {
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      button.click()
    ]);
    const result = (await answer.json()) as { status?: number };
    return result.status ?? answer.status();
  }

  /** A link's path, as the page writes it relative to itself. */
  async function pathOf(page: Page, link: Locator): Promise<string> {
    return new URL((await link.getAttribute('href')) ?? '', page.url()).pathname;
  }

  it('leads a committee from its inbox to its own application, not to the leaders’ review', async () => {
    const page = await pageOf(committee);
    expect((await page.goto('/inbox'))?.status()).toBe(200);
    const link = page.getByRole('link', { name: new RegExp(TITLE) }).first();
    const href = await pathOf(page, link);
    expect(href).toBe(`/funds/${FUND}/applications/${UNDER_REVIEW}`);
    expect((await office.get(href, committee.cookie)).status).toBe(200);
    await link.click();
    await page.waitForURL(`**/funds/${FUND}/applications/${UNDER_REVIEW}`);
    await expect.poll(() => page.getByRole('heading', { name: new RegExp(TITLE), level: 1 }).count()).toBe(1);
    await expectAccessible(page);
  });

  it('tells a committee at the review who may open it, and the way back, in Chinese and English', async () => {
    const page = await pageOf(committee);
    expect((await page.goto(review))?.status()).toBe(403);
    await expect.poll(() => page.getByRole('heading', { name: '没有权限', level: 1 }).count()).toBe(1);
    await expect
      .poll(() => page.getByText('只有以下角色可以这样做：基金办公室（管理员）、领导小组成员、监督员。').count())
      .toBe(1);
    expect(await page.getByText('服务器遇到了问题').count()).toBe(0);
    expect(await pathOf(page, page.getByRole('link', { name: '查看我在各基金的角色' }))).toBe('/account');
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);

    const english = await pageOf(committee, { locale: 'en' });
    expect((await english.goto(review))?.status()).toBe(403);
    await expect.poll(() => english.getByRole('heading', { name: 'Not allowed', level: 1 }).count()).toBe(1);
    await expect
      .poll(() =>
        english
          .getByText('Only these roles may do this: Fund office (administrator), Leadership group member, Supervisor.')
          .count()
      )
      .toBe(1);
    await expect.poll(() => english.getByRole('link', { name: 'See my roles in each fund' }).count()).toBe(1);
    await expectAccessible(english);
  });

  it('tells a step sent after the application moved on the stage it is in now (409)', async () => {
    const edit = `/funds/${FUND}/applications/${DRAFT}/edit?step=basics`;
    const chinese = await pageOf(committee);
    const english = await pageOf(committee, { locale: 'en' });
    for (const page of [chinese, english]) expect((await page.goto(edit))?.status()).toBe(200);
    // Another member of the committee submits it meanwhile.
    await office.sql`update applications set status = 'submitted' where fund_id = ${office.fundId} and number = ${DRAFT}`;

    const save = (page: Page) => page.locator('form[action^="?/basics"] button[type="submit"]').first();
    expect(await press(chinese, save(chinese))).toBe(409);
    await expect.poll(() => chinese.getByRole('heading', { name: '情况已经变了', level: 1 }).count()).toBe(1);
    await expect.poll(() => chinese.getByText('它现在的状态是“已提交”，这一步已经不能再做了。').count()).toBe(1);
    expect(await chinese.getByText('服务器遇到了问题').count()).toBe(0);
    await expectAccessible(chinese);
    expect(await overflowsHorizontally(chinese)).toBe(false);

    expect(await press(english, save(english))).toBe(409);
    await expect.poll(() => english.getByRole('heading', { name: 'This has moved on', level: 1 }).count()).toBe(1);
    await expect.poll(() => english.getByText(/It is now “.+”, so this step can no longer be taken\./).count()).toBe(1);
    await expectAccessible(english);
  });

  it('heads a vote the pool cannot cover as not done, and a missing reason as one to correct', async () => {
    const voter = leaders[2];
    if (voter === undefined) throw new Error('no third leader');
    const page = await pageOf(voter);
    expect((await page.goto(review))?.status()).toBe(200);
    await choose(page.getByLabel('同意，但调整配套比例'));
    await page.getByLabel('调整后的配套比例').fill('0.5');
    expect(await press(page, page.getByRole('button', { name: '提交表决' }))).toBe(400);
    await expect.poll(() => page.getByText('请修改以下内容：').count()).toBe(1);
    expect(await page.getByText('无法完成：').count()).toBe(0);

    await choose(page.getByLabel(/同意，按计算的配套金额/));
    expect(await press(page, page.getByRole('button', { name: '提交表决' }))).toBe(409);
    await expect.poll(() => page.getByText('无法完成：').count()).toBe(1);
    await expect.poll(() => page.getByText(/资金池可用余额不足/).count()).toBe(1);
    expect(await page.getByText('请修改以下内容：').count()).toBe(0);
    await expectAccessible(page);
    const [votes] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from votes v join applications a on a.id = v.application_id
       where a.fund_id = ${office.fundId} and a.number = ${UNDER_REVIEW}`;
    expect(votes?.count).toBe(2);
  });
});
