import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectAccessible, overflowsHorizontally, screenshot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * A committee's application in a real browser at phone size, in Chinese: a new committee member
 * of 西苑院落 walks every step of a 5,000.00 parking-barrier application, sees the 3,000.00 match
 * with its working, submits it and sees the timeline; the committee of another compound is
 * refused; fields a form does not name change nothing. Each person is made for this file (login
 * names start with ap-).
 */

const office = fundFixture({ prefix: 'ap', displayName: '委员', addressBlock: '10.9.5' });
const APPLICATIONS = `/funds/${office.slug}/applications`;
const { get, post } = office;

/** A committee member of one compound, made for this file. */
async function person(label: string, compoundCode: string): Promise<Person> {
  return await office.person(label, [{ role: 'committee', compoundCode }]);
}

/** A file whose first bytes say PNG, as a supplier's scanned quote would. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

beforeAll(async () => {
  // The register's size bounds the households a plan may count; the demo gives 西苑院落 48.
  await office.sql`update compounds set households_count = 48 where fund_id = ${office.fundId} and code = 'c-xiyuan'
              and households_count is null`;
});

describe.skipIf(!chromiumPath)('a committee’s application at phone size', () => {
  const { pageOf } = office.browser();
  let committee: Person;
  let other: Person;

  beforeAll(async () => {
    committee = await person('xiyuan', 'c-xiyuan');
    other = await person('nanjie', 'c-nanjie');
  });

  async function checkStep(page: Page, step: number, name: string): Promise<void> {
    await expect.poll(() => page.getByText(`第 ${step} 步，共 7 步：${name}`).count()).toBe(1);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page), `step ${step}`).toBe(false);
  }

  it('walks every step, sees the 3,000.00 match with its working, submits and sees the timeline', async () => {
    const page = await pageOf(committee);
    expect((await page.goto(APPLICATIONS))?.status()).toBe(200);
    await expectAccessible(page);
    await page.getByRole('button', { name: '为西苑院落新建申请' }).click();
    await page.waitForURL(/\/applications\/\d+\/edit\?step=basics/);
    const number = Number(/applications\/(\d+)\//.exec(page.url())?.[1]);
    await checkStep(page, 1, '基本情况');

    await page.getByLabel('项目名称').fill('更换停车道闸');
    await page.getByLabel('项目类别').selectOption('repairs');
    await page.getByLabel('地点').fill('西苑院落南门');
    await page.getByLabel('项目说明').fill('道闸老化，更换为车牌识别一体机。');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.waitForURL(/step=budget/);
    await checkStep(page, 2, '预算');

    await page.locator('#app-item_0').fill('道闸一体机');
    await page.locator('#app-quantity_0').fill('1');
    await page.locator('#app-unitPrice_0').fill('5000');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.waitForURL(/step=match/);
    await checkStep(page, 3, '配套资金');
    await expect.poll(() => page.getByText('配套资金 ¥3,000.00，自筹 ¥2,000.00').count()).toBe(1);
    await expect.poll(() => page.getByText(/× 60% = 3000/).count()).toBe(1);
    await expect.poll(() => page.getByText(/类别“设施维修”/).count()).toBe(1);
    await screenshot(page, 'application-step-match-zh-phone');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.waitForURL(/step=selfraise/);
    await checkStep(page, 4, '自筹计划');

    await page.getByLabel('预计出资户数').fill('25');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.waitForURL(/step=meeting/);
    await checkStep(page, 5, '业主大会');

    await page.getByLabel('会议日期').fill('2026-09-12');
    await page.getByLabel('全体户数').fill('25');
    await page.getByLabel('到会户数').fill('21');
    await page.getByLabel('同意户数').fill('20');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.waitForURL(/step=quotes/);
    await checkStep(page, 6, '报价单');

    await page.getByLabel('报价单文件').setInputFiles({ name: '道闸报价.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '上传报价单' }).click();
    await expect.poll(() => page.getByText('道闸报价.png').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: '下一步' }).click();
    await page.waitForURL(/step=review/);
    await checkStep(page, 7, '检查并提交');
    await expect.poll(() => page.getByText('25 户 × ¥80.00').count()).toBe(1);
    await expect.poll(() => page.getByText(/内容已完整/).count()).toBe(1);

    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(new RegExp(`/applications/${number}\\?submitted=1`));
    await expect.poll(() => page.getByText('申请已提交，基金办将进行预审。').count()).toBe(1);
    await expect.poll(() => page.locator('.application-timeline li').count()).toBe(1);
    await expect.poll(() => page.getByText('第 1 次提交').count()).toBeGreaterThan(0);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'application-zh-phone');

    const [row] = await office.sql<{ status: string; match: string; version: number }[]>`
      select status, match_amount::text as match, policy_version as version from applications
       where fund_id = ${office.fundId} and number = ${number}`;
    expect(row).toMatchObject({ status: 'submitted', match: '3000.00' });

    // Submitted, the form is closed: its committee is sent to the application.
    const edit = await get(`${APPLICATIONS}/${number}/edit?step=basics`, committee.cookie);
    expect(edit.status).toBe(303);
    expect(edit.headers.get('location')).toBe(`${APPLICATIONS}/${number}`);

    // The committee of another compound may neither read nor edit it.
    expect((await get(`${APPLICATIONS}/${number}`, other.cookie)).status).toBe(403);
    expect((await get(`${APPLICATIONS}/${number}/edit`, other.cookie)).status).toBe(403);
    const page403 = await pageOf(other);
    expect((await page403.goto(`${APPLICATIONS}/${number}`))?.status()).toBe(403);

    // The quote is linked from the application and served through it to its own committee, with
    // the attachment endpoint's headers; the other compound's committee is refused, and the
    // office's endpoint stays closed to committees.
    const quote = `${APPLICATIONS}/${number}/attachments/${createHash('sha256').update(PNG).digest('hex')}`;
    const [attached] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from application_attachments x join applications a on a.id = x.application_id
       where a.fund_id = ${office.fundId} and a.number = ${number} and x.kind = 'quote'`;
    expect(attached?.count, 'the quote is attached in the database').toBe(1);
    await page.goto(`${APPLICATIONS}/${number}`);
    await expect.poll(() => page.locator(`a[href="${quote}"]`).count()).toBe(1);
    const own = await get(quote, committee.cookie);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect(own.headers.get('content-security-policy')).toBe('sandbox');
    expect(own.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await own.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await get(quote, other.cookie)).status).toBe(403);
    expect((await get(quote.replace(`/applications/${number}`, ''), committee.cookie)).status).toBe(403);
  });

  it('takes exactly what each field’s maxlength lets a person type, counting line breaks as the browser does', async () => {
    // Without JavaScript, the browser posts the form itself, with each line break as CR LF.
    const page = await pageOf(committee, { javaScript: false });
    await page.goto(APPLICATIONS);
    await page.getByRole('button', { name: '为西苑院落新建申请' }).click();
    await page.waitForURL(/\/applications\/\d+\/edit\?step=basics/);
    const number = Number(/applications\/(\d+)\//.exec(page.url())?.[1]);
    const edit = `${APPLICATIONS}/${number}/edit`;
    const description = page.getByLabel('项目说明');
    const maxlength = Number(await description.getAttribute('maxlength'));
    const titleMax = Number(await page.getByLabel('项目名称').getAttribute('maxlength'));
    expect([titleMax, maxlength]).toEqual([80, 4000]);

    // As many characters as the box takes, a quarter of them line breaks: the browser counts a
    // line break as one character and sends it as two (CR LF), and the server must take it all.
    const full = '修道闸\n'.repeat(maxlength / 4);
    await page.getByLabel('项目名称').fill('一'.repeat(titleMax));
    // The demo policy has categories, so the first step asks for one.
    await page.getByLabel('项目类别').selectOption('repairs');
    await description.fill(full);
    expect(await description.evaluate((box: HTMLTextAreaElement) => box.value.length)).toBe(maxlength);
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.waitForURL(/step=budget/);
    const [saved] = await office.sql<{ title: string; description: string }[]>`
      select title, description from applications where fund_id = ${office.fundId} and number = ${number}`;
    expect(saved?.title).toBe('一'.repeat(titleMax));
    expect(saved?.description).toBe(full.trim());

    // Anything longer than a field's maxlength is refused and leaves the draft as it was, whether
    // the extra is words or spaces that would be trimmed (the form used to take twice as much).
    for (const fields of [
      { title: `${'一'.repeat(titleMax)}${' '.repeat(titleMax)}` },
      { title: '门', description: 'x'.repeat(maxlength + 1) },
      { title: '门', location: '地'.repeat(201) }
    ]) {
      const refused = await post(`${edit}?/basics`, fields, committee.cookie);
      expect(refused.status, JSON.stringify(fields).slice(0, 40)).toBe(400);
    }
    const [after] = await office.sql<{ title: string; description: string }[]>`
      select title, description from applications where fund_id = ${office.fundId} and number = ${number}`;
    expect(after).toEqual(saved);
  });

  it('changes nothing for fields a form does not name, and keeps what was typed when it refuses', async () => {
    const created = await post(
      `${APPLICATIONS}?/create`,
      { compoundId: '', idempotencyKey: crypto.randomUUID() },
      committee.cookie
    );
    expect(created.status).toBe(403);
    const page = await pageOf(committee);
    await page.goto(APPLICATIONS);
    await page.getByRole('button', { name: '为西苑院落新建申请' }).click();
    await page.waitForURL(/\/applications\/\d+\/edit\?step=basics/);
    const number = Number(/applications\/(\d+)\//.exec(page.url())?.[1]);
    const [before] = await office.sql<{ id: string; compound: string }[]>`
      select id::text as id, compound_id::text as compound from applications where fund_id = ${office.fundId} and number = ${number}`;

    const saved = await post(
      `${APPLICATIONS}/${number}/edit?/basics`,
      {
        title: '健身路径',
        category: 'greening',
        description: '',
        location: '',
        status: 'approved',
        amount: '99999.00',
        match_amount: '99999.00',
        policy_version: '9',
        number: '1',
        compound_id: '1',
        compoundId: '1'
      },
      committee.cookie
    );
    expect(saved.status).toBe(303);
    const [after] = await office.sql<
      {
        status: string;
        title: string;
        compound: string;
        match: string | null;
        version: number | null;
        number: number;
      }[]
    >`
      select status, title, compound_id::text as compound, match_amount::text as match, policy_version as version, number
        from applications where id = ${before?.id ?? ''}`;
    expect(after).toEqual({
      status: 'draft',
      title: '健身路径',
      compound: before?.compound,
      match: null,
      version: null,
      number
    });

    // A refused budget line names the field and keeps what was typed.
    await page.goto(`${APPLICATIONS}/${number}/edit?step=budget`);
    await page.locator('#app-item_0').fill('树苗');
    await page.locator('#app-quantity_0').fill('0');
    await page.locator('#app-unitPrice_0').fill('12.345');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await expect.poll(() => page.getByText('请修改以下内容：').count()).toBe(1);
    expect(await page.locator('#app-item_0').inputValue()).toBe('树苗');
    expect(await page.locator('#app-unitPrice_0').inputValue()).toBe('12.345');
    await expectAccessible(page);
    const [lines] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from budget_lines where application_id = ${before?.id ?? ''}`;
    expect(lines?.count).toBe(0);

    // The review lists what is missing; submitting anyway is refused with the same list.
    await page.goto(`${APPLICATIONS}/${number}/edit?step=review`);
    await expect.poll(() => page.getByText('提交前还需要补充：').count()).toBe(1);
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.getByText('提交前还有内容要补充。').count()).toBe(1);

    // Elder mode at phone size does not scroll sideways on any step.
    const elder = await pageOf(committee, { elder: true });
    for (const step of ['basics', 'budget', 'match', 'selfraise', 'meeting', 'quotes', 'review']) {
      expect((await elder.goto(`${APPLICATIONS}/${number}/edit?step=${step}`))?.status()).toBe(200);
      expect(await overflowsHorizontally(elder), step).toBe(false);
    }
  });
});
