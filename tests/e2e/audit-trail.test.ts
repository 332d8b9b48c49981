import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * The audit trail on the audit page and the vote page's grounds, in the demo fund, in a real
 * browser at phone size. The trail: 60 events by one person of this run (written as the app
 * writes them), which the supervisor filters to, pages through (50, then 10, never the same
 * event twice) and downloads as CSV; a committee member is refused. The vote page: an application
 * in its second revision, with the owners' meeting minutes and a quote attached, which a leader
 * opens to find the match's working, the households' shares, both files as links and what
 * changed since revision 1, with the vote form as before.
 */

const office = fundFixture({ prefix: 'at', displayName: '追踪', addressBlock: '10.117.8' });
const FUND = office.slug;
const PAGE = `/funds/${FUND}/audit`;
const EVENTS = 60;

let supervisor: Person;
let committee: Person;
let leader: Person;
let actor: Person;
let number = 0;

/** A real 1×1 PNG; a byte appended makes each file a different one. */
function png(extra: number): Buffer {
  const base = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64'
  );
  return Buffer.concat([base, Buffer.from([extra])]);
}

async function eventsOfActor(): Promise<void> {
  await office.sql`
    insert into events (at, fund_id, actor_user_id, action, resource_type, resource_id, outcome)
    select now() - (${EVENTS} - n) * interval '1 minute', ${office.fundId}, ${actor.id}, 'household.updated',
           'household', n::text, 'ok'
      from generate_series(1, ${EVENTS}) as n`;
}

async function attach(applicationId: string, name: string, extra: number): Promise<string> {
  const bytes = png(extra);
  const [row] = await office.sql<{ sha256: string }[]>`
    insert into attachments (fund_id, sha256, media_type, size_bytes, original_name, content, uploaded_at)
    values (${office.fundId}, encode(sha256(${bytes}), 'hex'), 'image/png', ${bytes.length}, ${name}, ${bytes}, now())
    on conflict (fund_id, sha256) do update set original_name = excluded.original_name
    returning sha256`;
  const sha256 = row?.sha256 ?? '';
  await office.sql`
    insert into application_attachments (fund_id, application_id, sha256, kind, added_at)
    values (${office.fundId}, ${applicationId}, ${sha256}, ${name.startsWith('纪要') ? 'minutes' : 'quote'}, now())`;
  return sha256;
}

type Line = { lineNo: number; item: string; quantity: string; unitPrice: string; amount: string };

function snapshot(input: { revision: number; location: string; lines: Line[]; total: string; match: string }) {
  return {
    number,
    revision: input.revision,
    compoundId: '0',
    title: `门禁更换 ${office.run}`,
    category: 'repairs',
    description: '更换单元门禁。',
    location: input.location,
    requestedRatio: null,
    requestedRatioReason: '',
    selfRaiseTarget: '3200.00',
    householdsExpected: 25,
    lines: input.lines,
    total: input.total,
    resolution: null,
    files: [],
    policyVersion: 1,
    match: { amount: input.match, ratio: '0.6', boundBy: 'ratio', selfRaised: '3200.00' },
    working: { 'zh-CN': [`预算合计 ${input.total} 元，按 60% 配套`], en: [`Budget ${input.total}, matched at 60%`] }
  };
}

/** An application in review in its second revision; revision 1 had one budget line fewer. */
async function applicationInReview(): Promise<void> {
  const sql = office.sql;
  const [row] = await sql<{ id: string; number: number }[]>`
    insert into applications (fund_id, number, compound_id, status, title, category, description, location,
                              self_raise_target, households_expected, created_by, created_at, updated_at)
    select ${office.fundId}, coalesce(max(a.number), 0) + 1,
           (select id from compounds where fund_id = ${office.fundId} and code = 'c-guihua-3'), 'draft',
           ${`门禁更换 ${office.run}`}, 'repairs', '更换单元门禁。', '2号楼和3号楼', '3200.00', 25, ${committee.id}, now(), now()
      from applications a where a.fund_id = ${office.fundId}
    returning id::text as id, number`;
  if (row === undefined) throw new Error('no application');
  number = row.number;
  const door = { lineNo: 1, item: '刷卡门禁', quantity: '2.00', unitPrice: '2500.00', amount: '5000.00' };
  const more = { ...door, quantity: '3.00', amount: '7500.00' };
  const labour = { lineNo: 2, item: '安装人工', quantity: '1.00', unitPrice: '500.00', amount: '500.00' };
  await sql`
    insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
    values (${office.fundId}, ${row.id}, 1, '刷卡门禁', 3, '2500.00', '7500.00'),
           (${office.fundId}, ${row.id}, 2, '安装人工', 1, '500.00', '500.00')`;
  const minutes = await attach(row.id, `纪要-${office.run}.png`, 1);
  await attach(row.id, `报价单-${office.run}.png`, 2);
  await sql`
    insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present,
                             households_agreeing, minutes_sha256)
    values (${office.fundId}, ${row.id}, '2026-03-01', 25, 20, 18, ${minutes})`;
  const revisions = [
    snapshot({ revision: 1, location: '2号楼', lines: [door], total: '5000.00', match: '3000.00' }),
    snapshot({ revision: 2, location: '2号楼和3号楼', lines: [more, labour], total: '8000.00', match: '4800.00' })
  ];
  for (const revision of revisions) {
    await sql`
      insert into application_revisions (fund_id, application_id, revision, submitted_at, snapshot)
      values (${office.fundId}, ${row.id}, ${revision.revision}, now(), ${sql.json(revision)})`;
  }
  await sql`
    update applications
       set status = 'in_review', revision = 2, match_amount = '4800.00', submitted_at = now(),
           policy_version = (select max(version) from fund_policies where fund_id = ${office.fundId})
     where id = ${row.id}`;
}

beforeAll(async () => {
  supervisor = await office.person('sup', [{ role: 'supervisor' }]);
  committee = await office.person('cm', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
  leader = await office.person('leader', [{ role: 'leader', unitCode: 'grid-04' }]);
  actor = await office.person('actor', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
  await eventsOfActor();
  await applicationInReview();
});

describe('the audit trail over HTTP', () => {
  it('downloads the filtered trail as CSV with a byte-order mark, and refuses a committee member', async () => {
    const response = await office.get(`${PAGE}/trail.csv?person=${actor.id}`, supervisor.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trimEnd().split('\r\n');
    expect(lines[0]).toBe('记录号,时间（北京时间）,人员,角色,操作,操作代码,对象类型,对象编号,结果');
    expect(lines).toHaveLength(1 + EVENTS);
    expect(lines.slice(1).every((line) => line.includes(`,${actor.displayName},`))).toBe(true);
    expect(lines[1]).toContain(',修改住户,household.updated,household,60,成功');
    expect((await office.get(`${PAGE}/trail.csv`, committee.cookie)).status).toBe(403);
  });
});

describe.skipIf(!chromiumPath)('the audit trail and the vote page, in a real browser', () => {
  const { pageOf } = office.browser();

  /** The event ids of the trail's rows on the page. */
  const rowIds = async (page: Page) =>
    page
      .locator('[data-testid="trail-table"] tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event-id')));

  it('filters by person and pages by keyset: 50, then 10, never the same event twice', async () => {
    const page = await pageOf(supervisor);
    await page.goto(`/funds/${FUND}`);
    await page.getByRole('link', { name: '操作记录（审计追踪）' }).click();
    await page.waitForURL(new RegExp(`${PAGE}#trail$`));
    await expect.poll(() => page.getByRole('heading', { name: '操作记录' }).isVisible()).toBe(true);
    await page.getByLabel('人员', { exact: true }).selectOption({ label: actor.displayName });
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.waitForURL(new RegExp(`person=${actor.id}`));
    await expect.poll(async () => (await rowIds(page)).length).toBe(50);
    const first = await rowIds(page);
    await expect.poll(() => page.locator('tbody tr').first().textContent()).toContain('修改住户');
    await expect
      .poll(() => page.locator('tbody tr').first().getByRole('link').getAttribute('href'))
      .toBe(`/funds/${FUND}/registers`);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await tourShot(page, 'audit-trail');
    await page.getByTestId('trail-next').click();
    await page.waitForURL(/before=/);
    await expect.poll(async () => (await rowIds(page)).length).toBe(10);
    const second = await rowIds(page);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(await page.getByTestId('trail-next').count()).toBe(0);
  });

  it('filters without JavaScript, a plain GET form', async () => {
    const page = await pageOf(supervisor, { javaScript: false });
    await page.goto(PAGE);
    await page.getByLabel('人员', { exact: true }).selectOption({ label: actor.displayName });
    await page.getByLabel('操作', { exact: true }).selectOption({ label: '修改住户' });
    await page.getByLabel('对象编号').fill('7');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.waitForURL(/kind=household\.updated/);
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').first().textContent({ timeout: 10_000 })).toContain(actor.displayName);
  });

  it('reads in English and passes axe at phone size, and names a malformed filter', async () => {
    const page = await pageOf(supervisor, { locale: 'en' });
    await page.goto(`${PAGE}?kind=household.updated&person=${actor.id}&since=2000-01-01`);
    await expect.poll(() => page.getByRole('heading', { name: 'Audit trail' }).isVisible()).toBe(true);
    expect(await page.locator('tbody tr').count()).toBe(50);
    expect(await page.locator('tbody tr').first().textContent({ timeout: 10_000 })).toContain('Household updated');
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.goto(`${PAGE}?person=nobody`);
    await expect.poll(() => page.getByText('This value is not well formed and was left out.').isVisible()).toBe(true);
  });

  it("shows the leader what the vote rests on: working, shares, minutes, quotes and revision 1's differences", async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await pageOf(leader, { locale });
      await page.goto(`/funds/${FUND}/review/${number}`);
      const changes = page.getByTestId('votepage-changes');
      if (locale === 'zh-CN') {
        await expect.poll(() => changes.textContent()).toContain('第 1 版 → 第 2 版');
        const text = (await changes.textContent()) ?? '';
        expect(text).toContain('2号楼 → 2号楼和3号楼');
        expect(text).toMatch(/新增\s*安装人工/);
        expect(text).toMatch(/修改\s*刷卡门禁/);
        expect(await page.getByText('预算合计 8000.00 元，按 60% 配套').isVisible()).toBe(true);
        const minutes = page.getByRole('link', { name: `会议纪要：纪要-${office.run}.png` });
        expect(await minutes.count()).toBe(1);
        const quote = page.getByRole('link', { name: `报价单-${office.run}.png` });
        const href = (await quote.getAttribute('href')) ?? '';
        expect((await office.get(href, leader.cookie)).status).toBe(200);
        expect(await page.getByRole('button', { name: '提交表决' }).count()).toBe(1);
      } else {
        await expect.poll(() => changes.textContent()).toContain('Revision 1 → revision 2');
      }
      await expectAccessible(page);
      expect(await overflowsHorizontally(page)).toBe(false);
    }
  });
});
