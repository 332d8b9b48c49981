import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPhoto } from '../../apps/web/src/lib/server/demo/acceptance';
import * as books from '../../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { recordSelfRaisedPayment } from '../../apps/web/src/lib/server/projects/self-raising';
import { contribution } from '../support/books';
import { checkoutRoot } from '../support/postgres';
import { activeProject, submittedApplication, type ReviewDb, type World } from '../support/review-world';
import { DESKTOP, PHONE, chromiumPath, expectAccessible, overflowsHorizontally } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * The public projects of a fund as an anonymous resident sees them, without JavaScript: the list
 * with its filters and two project pages, in Chinese and English at phone and desktop sizes (axe,
 * no sideways scrolling); an objection filed through the project page while its notice runs; and
 * a household's receipt that becomes public only once the compound's committee has checked it.
 */

const office = fundFixture({
  prefix: 'pubproj',
  displayName: '公示项目',
  addressBlock: '10.84.6',
  newFund: {
    policy: DEMO_POLICY_JSON,
    units: ['unit-1', 'unit-2', 'unit-3', 'unit-4'].map((code) => ({ code, name: `单位${code.slice(-1)}` })),
    compounds: [
      { code: 'compound-1', name: '桂香小区', householdsCount: 0 },
      { code: 'compound-2', name: '南苑小区', householdsCount: 0 }
    ]
  }
});
const FUND = office.slug;
const BASE = `/f/${FUND}/projects`;
const ACTIVE = 1;
const ON_NOTICE = 2;

let committee: Person;
let receiptHash = '';

beforeAll(async () => {
  const admin = await office.person('admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await office.person('leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await office.person('leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await office.person('leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  committee = await office.person('committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  const now = new Date();
  const db: ReviewDb = { owner: office.sql, app: office.sql, now };
  const posted = await books.post(office.sql, { fundId: office.fundId, command: contribution('100000.00') });
  if (!posted.ok) throw new Error(`pool: ${posted.code}`);
  const ids = async (table: 'units' | 'compounds') =>
    Object.fromEntries(
      (
        await office.sql<{ code: string; id: string }[]>`
          select code, id::text as id from ${office.sql(table)} where fund_id = ${office.fundId}`
      ).map((row) => [row.code, row.id])
    );
  const world: World = {
    slug: FUND,
    fundId: office.fundId,
    units: await ids('units'),
    compounds: await ids('compounds')
  };
  const actors = {
    admin: await office.actorOf(admin),
    leaders: await Promise.all(leaders.map((person) => office.actorOf(person))),
    committee: await office.actorOf(committee)
  };
  const made = await activeProject(db, world, { number: ACTIVE, ...actors, households: 4 });
  // One household pays with a receipt photographed at the door: not public until it is checked.
  const receipt = demoPhoto([200, 60, 60], [60, 60, 200]);
  receiptHash = receipt.sha256;
  const raised = await recordSelfRaisedPayment(office.sql, {
    actor: actors.committee,
    fundId: office.fundId,
    number: ACTIVE,
    now,
    ip: null,
    householdId: made.households[0] ?? '0',
    amount: '500.00',
    date: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now),
    method: 'cash',
    receipt,
    idempotencyKey: '55555555-0000-4000-8000-000000000001'
  });
  if (!raised.ok) throw new Error(`raise: ${raised.code}`);
  // A second application, approved today: its notice runs, so it takes objections.
  await submittedApplication(db, world, {
    number: ON_NOTICE,
    createdBy: actors.committee,
    cost: '2000.00',
    match: '1200.00',
    selfRaiseTarget: '800.00',
    householdsExpected: 4
  });
  const command = { fundId: office.fundId, number: ON_NOTICE, now, ip: null };
  const checked = await precheck(office.sql, { ...command, actor: actors.admin, outcome: 'pass', comments: '' });
  if (!checked.ok) throw new Error(`precheck: ${checked.code}`);
  for (const leader of actors.leaders) {
    const voted = await castVote(office.sql, { ...command, actor: leader, choice: 'approve', reason: '' });
    if (!voted.ok) throw new Error(`vote: ${voted.code}`);
  }
});

describe.skipIf(!chromiumPath)('the public projects in a browser', () => {
  const { pageOf } = office.browser();

  async function open(page: Page, path: string): Promise<void> {
    expect((await page.goto(path))?.status(), path).toBe(200);
  }

  const views = [
    ['zh-CN', 'phone', PHONE],
    ['zh-CN', 'desktop', DESKTOP],
    ['en', 'phone', PHONE],
    ['en', 'desktop', DESKTOP]
  ] as const;

  const paths = [
    BASE,
    `${BASE}?status=active&compound=compound-1&category=repairs&year=2026`,
    `${BASE}?status=nonsense&year=x`,
    `${BASE}/${ACTIVE}`,
    `${BASE}/${ON_NOTICE}`
  ];

  // axe runs as a script in the page, so these contexts allow scripts; the pages ship none (the
  // other tests read and post them with JavaScript off).
  describe.each(views)('in %s on a %s', (locale, size, viewport) => {
    it.each(paths)('renders %s accessibly, with no script of its own', async (path) => {
      const page = await pageOf(null, { locale, viewport });
      await open(page, path);
      expect(await page.locator('script').count(), path).toBe(0);
      await expectAccessible(page);
      expect(await overflowsHorizontally(page), `${path} at ${size}`).toBe(false);
      if (path.endsWith(`/${ON_NOTICE}`)) {
        const heading = locale === 'en' ? 'Object to this project' : '提出异议';
        expect(await page.getByRole('heading', { name: heading }).count()).toBe(1);
      }
      await page.close();
    });
  });

  it('filters the list with a plain GET form', async () => {
    const page = await pageOf(null, { javaScript: false });
    await open(page, BASE);
    expect(await page.locator('.pub-proj-list > li').count()).toBe(2);
    await page.getByLabel('状态').selectOption('approved');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/status=approved/);
    expect(await page.locator('.pub-proj-list > li').count()).toBe(1);
    expect(await page.getByRole('link', { name: /第 2 号/ }).count()).toBe(1);
    await page.getByRole('link', { name: '清除筛选' }).click();
    await page.waitForURL(`**${BASE}`);
    expect(await page.locator('.pub-proj-list > li').count()).toBe(2);
  });

  it('takes an objection through the project page during the notice, without JavaScript', async () => {
    const page = await pageOf(null, { javaScript: false });
    await open(page, `${BASE}/${ON_NOTICE}`);
    // Blanks pass the browser's `required` check and are refused by the server, which trims them.
    await page.getByLabel('姓名').fill(' ');
    await page.getByLabel('联系方式').fill(' ');
    await page.getByLabel('异议内容').fill(' ');
    await page.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => page.getByText('请修改以下内容：').count()).toBe(1);
    await page.getByLabel('姓名').fill('居民甲');
    await page.getByLabel('联系方式').fill('13800001111');
    await page.getByLabel('异议内容').fill('道闸位置挡住消防通道。');
    await page.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => page.getByText('异议已收到').count()).toBe(1);
    const [row] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from objections o join applications a on a.id = o.application_id
       where a.fund_id = ${office.fundId} and a.number = ${ON_NOTICE} and o.contact = '13800001111'`;
    expect(row?.count).toBe(1);
    // The objector's name and contact are the office's, never the public page's.
    await open(page, `${BASE}/${ON_NOTICE}`);
    const html = await page.content();
    expect(html).not.toContain('居民甲');
    expect(html).not.toContain('13800001111');
    expect(html).toContain('已收到异议 1 件');
    // axe needs a script of its own in the page, so the refused form is checked in a context that
    // allows scripts; the page itself has none, and posts the same way.
    const checked = await pageOf(null);
    await open(checked, `${BASE}/${ON_NOTICE}`);
    await checked.getByLabel('姓名').fill(' ');
    await checked.getByLabel('联系方式').fill(' ');
    await checked.getByLabel('异议内容').fill(' ');
    await checked.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => checked.getByText('请修改以下内容：').count()).toBe(1);
    await expectAccessible(checked);
  });

  it('publishes a receipt once the committee has checked it for personal data', async () => {
    const file = `${BASE}/${ACTIVE}/files/${receiptHash}`;
    expect((await office.get(file)).status).toBe(404);
    const visitor = await pageOf(null, { javaScript: false });
    await open(visitor, `${BASE}/${ACTIVE}`);
    expect(await visitor.getByRole('link', { name: '查看票据' }).count()).toBe(0);

    const page = await pageOf(committee);
    await open(page, `/funds/${FUND}/projects/${ACTIVE}`);
    await page.getByRole('link', { name: '票据和照片（公开前检查）' }).click();
    await page.waitForURL(`**/funds/${FUND}/projects/${ACTIVE}/files`);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.getByRole('button', { name: '已检查，没有个人信息，可以公开' }).click();
    await expect.poll(() => page.getByText('已记录检查，文件现在公开。').count()).toBe(1);
    await expectAccessible(page);

    const served = await office.get(file);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toMatch(/^inline/);
    await open(visitor, `${BASE}/${ACTIVE}`);
    expect(await visitor.getByRole('link', { name: '查看票据' }).count()).toBe(1);
    const tour = join(checkoutRoot, 'tests/e2e/tour');
    mkdirSync(tour, { recursive: true });
    await visitor.screenshot({ path: join(tour, 'public-project-zh-phone.png'), fullPage: true });
  });
});

// This fund is made after the demo's, so its project numbers are not its application ids: the
// public ledger's project filter, its entry pages and its downloads must find a project by number.
describe('a project’s entries in the public ledger of a fund whose ids are not its numbers', () => {
  it('lists, names and downloads project 1’s entries', async () => {
    const [row] = await office.sql<{ id: string; seqs: number[] }[]>`
      select a.id::text as id,
             (select array_agg(e.seq order by e.seq) from entries e
               where e.fund_id = a.fund_id and e.application_id = a.number::text) as seqs
        from applications a where a.fund_id = ${office.fundId} and a.number = ${ACTIVE}`;
    expect(row?.id).not.toBe(String(ACTIVE));
    const seqs = row?.seqs ?? [];
    expect(seqs.length).toBeGreaterThan(0);
    const page = await (await office.get(`/f/${FUND}/ledger?project=${ACTIVE}`)).text();
    for (const seq of seqs) expect(page).toContain(`/f/${FUND}/ledger/${seq}`);
    const entry = await (await office.get(`/f/${FUND}/ledger/${seqs[0] ?? 0}`)).text();
    expect(entry).toContain(`/f/${FUND}/projects/${ACTIVE}`);
    const csv = await office.get(`/f/${FUND}/ledger.csv?project=${ACTIVE}`);
    expect(csv.status).toBe(200);
    const text = await csv.text();
    for (const seq of seqs) expect(text).toContain(`记字第${seq}号`);
  });
});
