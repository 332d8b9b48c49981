import { randomUUID } from 'node:crypto';
import { Money, money } from '@gongjian/ledger';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPhoto } from '../../apps/web/src/lib/server/demo/acceptance';
import * as books from '../../apps/web/src/lib/server/books';
import { writeExpenseIn, writePayoutIn, writeSelfRaisedPaymentIn } from '../../apps/web/src/lib/server/demo/closing';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { contribution } from '../support/books';
import { activeProject, type ReviewDb, type World } from '../support/review-world';
import { chromiumPath, expectAccessible, overflowsHorizontally, screenshot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * A project's last steps in a real browser at phone size in Chinese, continuing the issue's
 * journey: the money raised, paid out and spent is written straight into the tables and the books
 * (those pages have their own tests); here the fund administrator records the acceptance check
 * with photos before and after (refused once without them), a leader who sits on the compound's
 * committee sees why they cannot confirm it, another leader confirms it, the administrator reads
 * the closing plan (2,880.00 final, 120.00 back to the pool, 80.00 refunded to 23 households) and
 * confirms it; the statement then shows the project's account at zero, and the committee sees the
 * photos. The statement is read in English too, and a second grant is cancelled without
 * JavaScript. Every page passes axe and fits 360 px.
 */

const office = fundFixture({
  prefix: 'pj',
  displayName: '项目',
  addressBlock: '10.77.3',
  newFund: {
    policy: DEMO_POLICY_JSON,
    units: ['unit-1', 'unit-2', 'unit-3', 'unit-4'].map((code) => ({ code, name: `单位${code.slice(-1)}` })),
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 23 }]
  }
});
const FUND = office.slug;

let admin: Person;
let leader: Person;
let recused: Person;
let committee: Person;
let world: World;
let db: ReviewDb;
const JOURNEY = 1;
const CANCELLED = 2;

async function statusOf(number: number): Promise<string> {
  const [row] = await office.sql<{ status: string }[]>`
    select status from applications where fund_id = ${office.fundId} and number = ${number}`;
  return row?.status ?? '';
}

/** The project's history as the raise, payout and expense pages would leave it. */
async function write(
  number: number,
  what: 'pay' | 'payout' | 'expense',
  amount: string,
  householdId = ''
): Promise<void> {
  const project = await loadProject(office.sql, { fundId: office.fundId, number, lock: false });
  if (project === null) throw new Error(`no project ${number}`);
  const common = { fundId: office.fundId, project, now: new Date(), key: randomUUID(), amount };
  await office.sql.begin(async (transaction) => {
    if (what === 'pay') {
      await writeSelfRaisedPaymentIn(transaction, { ...common, householdId, recordedBy: committee.id });
    } else if (what === 'payout') {
      await writePayoutIn(transaction, {
        ...common,
        requestedBy: admin.id,
        approvedBy: leader.id,
        payeeName: '桂香小区居委会'
      });
    } else {
      await writeExpenseIn(transaction, {
        ...common,
        supplier: '安达道闸',
        invoiceNo: 'FP-2026-118',
        lineNo: 1,
        recordedBy: committee.id
      });
    }
  });
}

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  leader = await office.person('leader', [{ role: 'leader', unitCode: 'unit-1' }]);
  const leaders = [
    leader,
    await office.person('leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await office.person('leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  recused = await office.person('recused', [
    { role: 'leader', unitCode: 'unit-4' },
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  committee = await office.person('committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  db = { owner: office.sql, app: office.sql, now: new Date() };
  const posted = await books.post(office.sql, { fundId: office.fundId, command: contribution('100000.00') });
  if (!posted.ok) throw new Error(`pool: ${posted.code}`);
  const ids = async (table: 'units' | 'compounds') =>
    Object.fromEntries(
      (
        await office.sql<{ code: string; id: string }[]>`
          select code, id::text as id from ${office.sql(table)} where fund_id = ${office.fundId}`
      ).map((row) => [row.code, row.id])
    );
  world = { slug: FUND, fundId: office.fundId, units: await ids('units'), compounds: await ids('compounds') };
  const actors = {
    admin: await office.actorOf(admin),
    leaders: await Promise.all(leaders.map((person) => office.actorOf(person))),
    committee: await office.actorOf(committee)
  };
  const { households } = await activeProject(db, world, { number: JOURNEY, ...actors, households: 23 });
  // 23 households pay 2,000.00 in unequal amounts; the first tranche of 1,500.00; a 3,500.00 deposit.
  const shares: string[] = Array.from({ length: 22 }, (_, index) => (index % 2 === 0 ? '80.00' : '95.00'));
  shares.push(
    money('2000')
      .minus(Money.sum(shares.map((share) => money(share))))
      .toString()
  );
  for (const [index, householdId] of households.entries())
    await write(JOURNEY, 'pay', shares[index] ?? '0', householdId);
  await write(JOURNEY, 'payout', '1500.00');
  await write(JOURNEY, 'expense', '3500.00');
  const second = await activeProject(db, world, {
    number: CANCELLED,
    ...actors,
    households: 2,
    compound: 'compound-1'
  });
  await write(CANCELLED, 'pay', '300.00', second.households[0]);
});

describe.skipIf(!chromiumPath)('acceptance and closing in a browser', () => {
  const { pageOf } = office.browser();
  const hub = (number: number) => `/funds/${FUND}/projects/${number}`;

  async function fits(page: Page): Promise<void> {
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
  }

  it('lists the projects and shows the statement of one', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(`/funds/${FUND}`))?.status()).toBe(200);
    await page.getByRole('link', { name: '项目（资助后）' }).click();
    await page.waitForURL(`**/funds/${FUND}/projects`);
    await fits(page);
    await page.getByLabel('按状态查看').selectOption('active');
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(`**/projects?status=active`);
    await page.getByRole('link', { name: `项目 ${JOURNEY}`, exact: true }).click();
    await page.waitForURL(`**${hub(JOURNEY)}`);
    await expect.poll(() => page.getByRole('heading', { name: '收支与余额' }).count()).toBe(1);
    // 1,500.00 paid in plus 2,000.00 raised, less the 3,500.00 deposit: nothing left in the project's account.
    expect(await page.getByTestId('project-balance').innerText()).toBe('¥0.00');
    // The print button appears once the page runs its script (the page says how to print without it).
    await expect.poll(() => page.getByRole('button', { name: '打印项目收支表' }).count()).toBe(1);
    await fits(page);
  });

  it('records the acceptance with photos, and a leader without a stake confirms it', async () => {
    const page = await pageOf(admin);
    await page.goto(hub(JOURNEY));
    await page.getByRole('link', { name: '验收', exact: true }).click();
    await page.waitForURL(`**${hub(JOURNEY)}/acceptance`);
    await fits(page);
    await page.getByLabel('验收说明').fill('道闸已安装，遥控、车牌识别正常。');
    // The supplier's invoices come to 4,800.00, of which 3,500.00 is paid: the final match is computed on it.
    await page.getByLabel('验收核定总费用（元）').fill('4800.00');
    await page.getByRole('button', { name: '保存验收记录' }).click();
    await expect.poll(() => page.getByText('请至少上传一张施工前照片和一张完工后照片。').count()).toBeGreaterThan(0);
    await fits(page);
    const photo = (name: string, top: [number, number, number]) => {
      const upload = demoPhoto(top, [40, 40, 40]);
      return { name, mimeType: 'image/png', buffer: Buffer.from(upload.bytes) };
    };
    await page.getByLabel('施工前照片', { exact: true }).setInputFiles([photo('before.png', [120, 80, 60])]);
    await page
      .getByLabel('完工后照片', { exact: true })
      .setInputFiles([photo('after-1.png', [200, 220, 240]), photo('after-2.png', [90, 160, 90])]);
    await page.getByRole('button', { name: '保存验收记录' }).click();
    await expect.poll(() => page.getByText('验收记录已保存，已通知领导小组成员确认。').count()).toBe(1);
    await expect.poll(() => page.locator('.project-photos img').count()).toBe(3);
    await fits(page);

    const recusedPage = await pageOf(recused);
    expect((await recusedPage.goto(`${hub(JOURNEY)}/acceptance`))?.status()).toBe(200);
    await expect.poll(() => recusedPage.getByText('您与申请小区或申请单位有关联，需要回避').count()).toBe(1);
    expect(await recusedPage.getByRole('button', { name: '确认验收' }).count()).toBe(0);

    const leaderPage = await pageOf(leader);
    await leaderPage.goto(`${hub(JOURNEY)}/acceptance`);
    await fits(leaderPage);
    await leaderPage.getByRole('button', { name: '确认验收' }).click();
    await expect.poll(() => leaderPage.getByText('已确认验收，项目转为“已验收”。').count()).toBe(1);
    await fits(leaderPage);
    await screenshot(leaderPage, 'acceptance-zh-phone');
    expect(await statusOf(JOURNEY)).toBe('accepted');
  });

  it('shows the closing plan, then closes the project to the fen', async () => {
    // The second tranche of 1,380.00 (60% of the 4,800.00 the check found, less 1,500.00) pays the supplier's remaining 1,300.00.
    await write(JOURNEY, 'payout', '1380.00');
    await write(JOURNEY, 'expense', '1300.00');
    const page = await pageOf(admin);
    await page.goto(hub(JOURNEY));
    await page.getByRole('link', { name: '结项或取消', exact: true }).click();
    await page.waitForURL(`**${hub(JOURNEY)}/close`);
    const figure = (label: string) =>
      page.locator('dt', { hasText: label }).first().locator('xpath=following-sibling::dd[1]').innerText();
    expect(await figure('最终配套资金')).toBe('¥2,880.00');
    expect(await figure('释放预留回基金池')).toBe('¥120.00');
    expect(await figure('自筹结余（退还居民）')).toBe('¥80.00');
    await expect.poll(() => page.getByRole('heading', { name: '退还明细（23 户）' }).count()).toBe(1);
    expect(await page.locator('table tbody tr').count()).toBe(23);
    await fits(page);
    await screenshot(page, 'closing-plan-zh-phone');
    await page.getByRole('button', { name: '确认结项' }).click();
    await page.waitForURL(`**${hub(JOURNEY)}/close?done=1`);
    await expect.poll(() => page.getByText('项目已结项。').count()).toBe(1);
    // 23 refunds and the true-up; the file's pool is unrestricted money, so no restriction is
    // lifted (planRestrictionRelease) and no entry releases one.
    await expect.poll(() => page.getByRole('heading', { name: '结项凭证（24 张）' }).count()).toBe(1);
    await fits(page);
    expect(await statusOf(JOURNEY)).toBe('closed');

    await page.goto(hub(JOURNEY));
    expect(await page.getByTestId('project-balance').innerText()).toBe('¥0.00');
    await fits(page);
    await screenshot(page, 'project-statement-zh-phone');
  });

  it("lets the compound's committee read the statement and see the photos", async () => {
    const page = await pageOf(committee);
    expect((await page.goto(hub(JOURNEY)))?.status()).toBe(200);
    await expect.poll(() => page.locator('.project-photos img').count()).toBe(3);
    // The photos load lazily, below the fold of a phone: each is fetched as the committee, as the page would.
    const sources = await page
      .locator('.project-photos img')
      .evaluateAll((images) => images.map((image) => image.getAttribute('src') ?? ''));
    for (const source of sources) {
      const response = await office.get(source, committee.cookie);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
    }
    // The committee reads the close as recorded, but the vouchers are the office's pages.
    expect(await page.getByRole('link', { name: '结项或取消', exact: true }).count()).toBe(1);
    expect(await page.getByRole('link', { name: /记字第/ }).count()).toBe(0);
    await fits(page);
  });

  it('reads the statement in English', async () => {
    const page = await pageOf(admin, { locale: 'en' });
    expect((await page.goto(hub(JOURNEY)))?.status()).toBe(200);
    await expect.poll(() => page.getByRole('heading', { name: 'Sources, uses and balance' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Surplus refunded to households').count()).toBeGreaterThan(0);
    await fits(page);
    await page.goto(`${hub(JOURNEY)}/close`);
    await expect.poll(() => page.getByRole('heading', { name: 'Closing' }).count()).toBe(1);
    await fits(page);
  });

  it('cancels a grant without JavaScript, and refuses it without a reason', async () => {
    const page = await pageOf(admin, { javaScript: false });
    await page.goto(`${hub(CANCELLED)}/close`);
    await expect.poll(() => page.getByRole('heading', { name: '取消资助', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: '确认取消资助' }).click();
    // The browser's own check stops an empty reason; the plain HTTP post below shows the server's.
    const key = randomUUID();
    const refused = await office.post(
      `${hub(CANCELLED)}/close?/cancel`,
      { idempotencyKey: key, reason: ' ' },
      admin.cookie
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('请填写取消原因。');
    await page.getByLabel('取消原因').fill('街道统一改造，本项目不再实施。');
    await page.getByRole('button', { name: '确认取消资助' }).click();
    await page.waitForURL(`**${hub(CANCELLED)}/close?done=1`);
    await expect.poll(() => page.getByText('资助已取消。').count()).toBe(1);
    expect(await statusOf(CANCELLED)).toBe('cancelled');
    // axe runs script in the page, so the cancelled grant's page is checked in a browser with JavaScript.
    const checked = await pageOf(admin);
    await checked.goto(`${hub(CANCELLED)}/close`);
    await expect.poll(() => checked.getByRole('heading', { name: '取消资助', exact: true }).count()).toBe(1);
    await fits(checked);
    // A second cancellation finds the grant cancelled already: a replay, which changes nothing.
    const again = await office.post(
      `${hub(CANCELLED)}/close?/cancel`,
      { idempotencyKey: key, reason: '重复提交' },
      admin.cookie
    );
    expect(again.status).toBe(303);
  });
});
