import { chinaDateOf } from '@gongjian/ledger';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { recordMoneyIn } from '../../apps/web/src/lib/server/fund/money-in';
import { activateEndedNotices } from '../../apps/web/src/lib/server/grants/review';
import { chromiumPath, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * One application walked from submission to an active grant in a fund made for this file, with
 * each person's to-do list (待办) on the home page checked at every stage: the committee, the
 * administrator and each of the three leaders see exactly their next step for this application
 * and nothing else about it. The steps are taken as a browser without JavaScript sends them (the
 * review and notice e2e files test those forms); the notice period is ended the way the replays
 * file ends it, by asking for activation on the day after its last day. Lists pass axe in both
 * languages, at 360 px and in elder mode.
 */

const office = fundFixture({
  prefix: 'td',
  displayName: '测试',
  addressBlock: '10.117.3',
  newFund: {
    policy: DEMO_POLICY_JSON,
    units: [
      { code: 'unit-1', name: '单位1' },
      { code: 'unit-2', name: '单位2' },
      { code: 'unit-3', name: '单位3' }
    ],
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 25 }]
  }
});
const FUND = office.slug;
const { person, post, run } = office;
const TITLE = `更换道闸 ${run}`;

let number = 0;
let admin: Person;
let committee: Person;
const leaders: Person[] = [];

async function statusOf(): Promise<string> {
  const [row] = await office.sql<{ status: string }[]>`
    select status from applications where fund_id = ${office.fundId} and number = ${number}`;
  return row?.status ?? '';
}

/** A draft as the committee leaves it once every step is filled in, written straight into the tables. */
async function completeDraft(): Promise<void> {
  const sql = office.sql;
  const fundId = office.fundId;
  const [row] = await sql<{ id: string; number: number }[]>`
    insert into applications (fund_id, number, compound_id, status, title, category, description, location,
                              created_by, created_at, updated_at, self_raise_target, households_expected)
    values (${fundId}, 1, (select id from compounds where fund_id = ${fundId} and code = 'compound-1'), 'draft',
            ${TITLE}, 'repairs', '道闸损坏，无法修复，需更换。', '桂香小区大门', ${committee.id}, now(), now(),
            '2000.00', 25)
    returning id::text as id, number`;
  if (row === undefined) throw new Error('no application');
  number = row.number;
  await sql`
    insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
    values (${fundId}, ${row.id}, 1, '智能道闸', 1, '5000.00', '5000.00')`;
  await sql`
    insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present,
                             households_agreeing)
    values (${fundId}, ${row.id}, '2026-03-01', 25, 20, 18)`;
}

beforeAll(async () => {
  admin = await person('admin', [{ role: 'fund_admin' }]);
  committee = await person('committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  for (const unit of ['unit-1', 'unit-2', 'unit-3']) {
    leaders.push(await person(`leader-${unit}`, [{ role: 'leader', unitCode: unit }]));
  }
  const now = new Date();
  const paid = await recordMoneyIn(office.sql, {
    actor: await office.actorOf(admin),
    fundId: office.fundId,
    now,
    ip: null,
    source: 'unit',
    date: chinaDateOf(now),
    amount: '100000.00',
    method: 'bank',
    memo: '出资',
    unitId: (await office.sql<{ id: string }[]>`select id::text as id from units where fund_id = ${office.fundId}`)[0]!
      .id,
    payer: '',
    restricted: false,
    attachment: null,
    idempotencyKey: crypto.randomUUID()
  });
  expect(paid.ok).toBe(true);
  await completeDraft();
});

type PageOf = (who: Person | null, options?: { locale?: 'zh-CN' | 'en'; elder?: boolean }) => Promise<Page>;

/** Reading each person's home page, one browser page per person, kept for the whole walk. */
function todoReader(pageOf: PageOf) {
  const pages = new Map<Person, Page>();

  async function pageFor(who: Person): Promise<Page> {
    const known = pages.get(who);
    if (known !== undefined) return known;
    const page = await pageOf(who);
    pages.set(who, page);
    return page;
  }

  /** The kinds of the to-do items about this application on the person's home page. */
  async function stepsOf(who: Person): Promise<string[]> {
    const page = await pageFor(who);
    expect((await page.goto('/'))?.status()).toBe(200);
    const items = page.locator('.todo li', { hasText: TITLE });
    const kinds: string[] = [];
    for (let index = 0; index < (await items.count()); index += 1) {
      kinds.push((await items.nth(index).getAttribute('data-todo')) ?? '');
    }
    return kinds;
  }

  /** Everyone's steps at once: committee, administrator, then the leaders in order. */
  async function everyone(): Promise<string[][]> {
    const lists: string[][] = [];
    for (const who of [committee, admin, ...leaders]) lists.push(await stepsOf(who));
    return lists;
  }

  return { pageFor, everyone };
}

describe.skipIf(!chromiumPath)('each person’s to-do list along one application', () => {
  const { pageOf } = office.browser();
  const { pageFor, everyone } = todoReader(pageOf);

  const reviewPath = () => `/funds/${FUND}/review/${number}`;

  it('asks the committee to submit its draft, then the administrator to pre-check it', async () => {
    expect(await everyone()).toEqual([['draft_submit'], [], [], [], []]);
    const page = await pageFor(committee);
    await page.goto('/');
    await expectAccessible(page);
    await tourShot(page, 'todo-committee-zh-phone');
    // The item leads to the application's page, where the committee submits it.
    await page.locator('.todo li', { hasText: TITLE }).getByRole('link').click();
    await page.waitForURL(`**/funds/${FUND}/applications/${number}`);
    const submitted = await post(`/funds/${FUND}/applications/${number}?/submit`, {}, committee.cookie);
    expect(submitted.status).toBe(303);
    expect(await statusOf()).toBe('submitted');
    expect(await everyone()).toEqual([[], ['precheck'], [], [], []]);
  });

  it('asks each leader for a vote once pre-checked, until they cast it', async () => {
    const checked = await post(`${reviewPath()}?/precheck`, { outcome: 'pass', comments: '' }, admin.cookie);
    expect(checked.status).toBe(200);
    expect(await statusOf()).toBe('in_review');
    expect(await everyone()).toEqual([[], [], ['vote'], ['vote'], ['vote']]);
    const page = await pageFor(leaders[0]!);
    await page.goto('/');
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await tourShot(page, 'todo-leader-zh-phone');
    await page.locator('.todo li', { hasText: TITLE }).getByRole('link').click();
    await page.waitForURL(`**${reviewPath()}`);

    for (const [index, leader] of leaders.entries()) {
      const voted = await post(`${reviewPath()}?/vote`, { choice: 'approve', reason: '' }, leader.cookie);
      expect(voted.status).toBe(200);
      if (index < 2) {
        expect(await statusOf()).toBe('in_review');
        const expected = leaders.map((_, seat) => (seat <= index ? [] : ['vote']));
        expect(await everyone()).toEqual([[], [], ...expected]);
      }
    }
    expect(await statusOf()).toBe('approved');
  });

  it('asks the committee to raise the residents’ share once approved, and nobody else', async () => {
    expect(await everyone()).toEqual([['raise'], [], [], [], []]);
    const [ends] = await office.sql<{ day: string }[]>`
      select to_char(notice_ends_on + 1, 'YYYY-MM-DD') as day from applications
       where fund_id = ${office.fundId} and number = ${number}`;
    await activateEndedNotices(office.sql, { fundId: office.fundId, today: ends?.day ?? '', now: new Date() });
    expect(await statusOf()).toBe('active');
    expect(await everyone()).toEqual([['raise'], [], [], [], []]);
  });
});

describe.skipIf(!chromiumPath)('the to-do list on its pages', () => {
  const { pageOf } = office.browser();

  it('shows the list on the office’s dashboard and the steps on the compound’s page, in both languages and sizes', async () => {
    const [compound] = await office.sql<{ id: string }[]>`
      select id::text as id from compounds where fund_id = ${office.fundId} and code = 'compound-1'`;
    const compoundPath = `/funds/${FUND}/compounds/${compound?.id ?? ''}`;
    for (const options of [{}, { locale: 'en' as const }, { elder: true }]) {
      const page = await pageOf(committee, options);
      expect((await page.goto(compoundPath))?.status()).toBe(200);
      await expect.poll(() => page.locator('[data-step="raise"]', { hasText: TITLE }).count()).toBe(1);
      await expectAccessible(page);
      expect(await overflowsHorizontally(page)).toBe(false);
      if (Object.keys(options).length === 0) await tourShot(page, 'todo-compound-zh-phone');
      expect((await page.goto('/'))?.status()).toBe(200);
      await expectAccessible(page);
      expect(await overflowsHorizontally(page)).toBe(false);
    }
    for (const options of [{}, { locale: 'en' as const }, { elder: true }]) {
      const page = await pageOf(admin, options);
      expect((await page.goto(`/funds/${FUND}`))?.status()).toBe(200);
      await expect.poll(() => page.locator('.todo').count()).toBe(1);
      await expectAccessible(page);
      expect(await overflowsHorizontally(page)).toBe(false);
      if (Object.keys(options).length === 0) await tourShot(page, 'todo-office-zh-phone');
    }
  });
});
