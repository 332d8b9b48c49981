import { chinaDateOf } from '@gongjian/ledger';
import { describe, beforeAll, expect, it } from 'vitest';
import { DESKTOP, chromiumPath, expectAccessible, overflowsHorizontally, screenshot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * Money in, over plain HTTP (as a browser without JavaScript posts) and in a real browser: the
 * administrator records a unit's payment with a bank slip, finds it in the list and prints its
 * voucher; the leadership reads but cannot record; a committee member sees none of it, nor the
 * slip. Everyone here is made for this file (login names start with mi-).
 */

const office = fundFixture({ prefix: 'mi', displayName: '到账', addressBlock: '10.61.0' });
const FUND = office.slug;
const MONEY = `/funds/${FUND}/money`;
const { get, run } = office;

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
);

/** A multipart form post as a browser without JavaScript sends it. */
async function postMultipart(action: string, form: FormData, cookie: string): Promise<Response> {
  return await office.post(`${MONEY}?/${action}`, form, cookie);
}

function paymentForm(
  fields: Record<string, string>,
  file?: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string }
) {
  const form = new FormData();
  const defaults = {
    idempotencyKey: crypto.randomUUID(),
    source: 'interest',
    // Today in China: the demo fund's months up to the last ended one are closed (014_demo_period_close).
    date: chinaDateOf(new Date()),
    amount: '1.00',
    method: 'bank',
    memo: `mi ${run}`
  };
  for (const [key, value] of Object.entries({ ...defaults, ...fields })) form.set(key, value);
  if (file !== undefined) form.set('attachment', new Blob([file.bytes], { type: file.type }), file.name);
  return form;
}

async function entryCount(): Promise<number> {
  const [row] = await office.sql<
    { count: number }[]
  >`select count(*)::int as count from entries where fund_id = ${office.fundId}`;
  return row?.count ?? -1;
}

let admin: Person;
let leader: Person;
let committee: Person;

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  leader = await office.person('leader', [{ role: 'leader', unitCode: 'grid-04' }]);
  committee = await office.person('cm', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
});

describe('the money page over HTTP', () => {
  it('shows the leadership the list without forms, and refuses what they post', async () => {
    const page = await get(MONEY, leader.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('到账记录');
    expect(html).toContain('记字第12号');
    expect(html).not.toMatch(/action="[^"]*\?\/(record|pledge)/);
    const before = await entryCount();
    expect((await postMultipart('record', paymentForm({}), leader.cookie)).status).toBe(403);
    expect((await postMultipart('pledge', paymentForm({ unitId: '1' }), leader.cookie)).status).toBe(403);
    expect(await entryCount()).toBe(before);
  });

  it('refuses a committee member everything, and sends an anonymous visitor to sign in', async () => {
    expect((await get(MONEY, committee.cookie)).status).toBe(403);
    expect((await get(`/funds/${FUND}/vouchers/1`, committee.cookie)).status).toBe(403);
    expect((await postMultipart('record', paymentForm({}), committee.cookie)).status).toBe(403);
    const anonymous = await get(MONEY);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(MONEY)}`);
  });

  it('sends bad input back with the messages and what was typed, and records nothing', async () => {
    const before = await entryCount();
    const response = await postMultipart(
      'record',
      paymentForm({ amount: '12.345', memo: `三位小数 ${run}` }),
      admin.cookie
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('金额最多两位小数（到分）。');
    expect(html).toContain('请修改以下内容');
    expect(html).toContain('value="12.345"');
    expect(html).toContain(`三位小数 ${run}`);

    const future = await postMultipart('record', paymentForm({ date: '2099-01-01' }), admin.cookie);
    expect(future.status).toBe(400);
    expect(await future.text()).toContain('到账日期不能晚于今天。');

    const html2 = new TextEncoder().encode('<!doctype html><script>alert(1)</script>');
    const disguised = await postMultipart(
      'record',
      paymentForm({}, { bytes: html2, name: 'slip.png', type: 'image/png' }),
      admin.cookie
    );
    expect(disguised.status).toBe(400);
    expect(await disguised.text()).toContain('附件只能是 PDF、JPEG 或 PNG 文件。');
    expect(await entryCount()).toBe(before);
  });

  it('takes a body well over 512 KB, refuses a file of 10 MB + 1, and a longer body unread', async () => {
    const before = await entryCount();
    const tooLarge = new Uint8Array(10 * 1024 * 1024 + 1);
    tooLarge.set(new TextEncoder().encode('%PDF-'));
    const response = await postMultipart(
      'record',
      paymentForm({}, { bytes: tooLarge, name: 'big.pdf', type: 'application/pdf' }),
      admin.cookie
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('附件不能超过 10 MB。');
    const huge = new Uint8Array(12 * 1024 * 1024);
    huge.set(new TextEncoder().encode('%PDF-'));
    const refused = await postMultipart(
      'record',
      paymentForm({}, { bytes: huge, name: 'huge.pdf', type: 'application/pdf' }),
      admin.cookie
    );
    expect(refused.status).toBe(413);
    expect(await entryCount()).toBe(before);
  });
});

describe.skipIf(!chromiumPath)('money in, in a real browser', () => {
  const { pageOf } = office.browser();

  let voucherPath = '';

  it('records a unit payment with a bank slip, lists it and opens its voucher', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(`${MONEY}?source=unit`))?.status()).toBe(200);
    await expectAccessible(page);
    await screenshot(page, 'money-zh-phone');

    await page.getByLabel('出资单位').selectOption({ label: '供电所' });
    await page.getByLabel('金额（元）').fill('1234.56');
    await page.getByLabel('摘要（可选）').fill(`追加出资 ${run}`);
    await page.getByLabel('附件：银行回单或收据（可选）').setInputFiles({
      name: '回单.png',
      mimeType: 'image/png',
      buffer: PNG
    });
    await page.getByRole('button', { name: '入账', exact: true }).click();
    await page.waitForURL(/recorded=\d+/);
    const seq = /recorded=(\d+)/.exec(page.url())?.[1] ?? '';
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent()).toContain(`记字第${seq}号`);
    const card = page.locator('.money-list .card', { hasText: `追加出资 ${run}` });
    expect(await card.textContent()).toContain('¥1,234.56');
    expect(await card.textContent()).toContain('附件 1 个');
    await expectAccessible(page);

    await card.getByRole('link', { name: `记字第${seq}号` }).click();
    await page.waitForURL(new RegExp(`/vouchers/${seq}$`));
    voucherPath = new URL(page.url()).pathname;
    const voucher = page.locator('.voucher');
    const text = (await voucher.textContent()) ?? '';
    expect(text).toContain(`记字第${seq}号`);
    expect(text).toContain('人民币壹仟贰佰叁拾肆元伍角陆分');
    expect(text).toContain('附单据 1 张');
    expect(text).toContain('4101.01.U-grid-04');
    expect(text).toContain(admin.displayName);
    expect(await page.getByRole('button', { name: '打印 / Print' }).count()).toBe(1);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
  });

  it('prints the voucher on its own, and shows it on a desktop', async () => {
    const page = await pageOf(admin, { viewport: DESKTOP });
    await page.goto(voucherPath);
    await expectAccessible(page);
    await screenshot(page, 'voucher-zh-desktop');
    expect(await page.locator('.site-header').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.site-footer').isVisible()).toBe(false);
    expect(await page.locator('.voucher-tools').isVisible()).toBe(false);
    expect(await page.locator('.voucher').isVisible()).toBe(true);
    const colors = await page
      .locator('.voucher-table td')
      .first()
      .evaluate((cell) => getComputedStyle(cell).borderTopColor);
    expect(colors).toBe('rgb(0, 0, 0)');
  });

  it('says how to print without JavaScript', async () => {
    const page = await pageOf(admin, { javaScript: false });
    await page.goto(voucherPath);
    expect(await page.getByText('请用浏览器的“打印”功能打印本页（A4 纸）。').count()).toBe(1);
    expect(await page.getByRole('button', { name: '打印 / Print' }).count()).toBe(0);
  });

  it('fits a phone in elder mode', async () => {
    const page = await pageOf(admin, { elder: true });
    for (const path of [voucherPath, `${MONEY}?source=donation`, `${MONEY}?source=pledge`]) {
      await page.goto(path);
      expect(await page.getAttribute('html', 'class')).toContain('elder-mode');
      expect(await overflowsHorizontally(page), path).toBe(false);
      await expectAccessible(page);
    }
  });

  it('serves the slip to the office only, as the checked type, never cached or sniffed', async () => {
    const [row] = await office.sql<{ sha256: string }[]>`
      select a.sha256 from attachments a where a.fund_id = ${office.fundId} and a.original_name = '回单.png'`;
    const path = `/funds/${FUND}/attachments/${row?.sha256 ?? ''}`;
    const refused = await get(path, committee.cookie);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('PNG');

    const page = await pageOf(admin);
    const response = await page.request.get(path);
    expect(response.status()).toBe(200);
    expect(Buffer.from(await response.body()).equals(PNG)).toBe(true);
    expect(response.headers()).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
      'content-security-policy': 'sandbox',
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent('回单.png')}`
    });
    const leaderView = await get(path, leader.cookie);
    expect(leaderView.status).toBe(200);
  });
});
