import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { recordMoneyIn } from '../../apps/web/src/lib/server/fund/money-in';
import { checkoutRoot } from '../support/postgres';
import { DESKTOP, chromiumPath, expectAccessible, overflowsHorizontally } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * Bank reconciliation in a real browser: the administrator adds the pool's bank account, uploads
 * the bank's statement (a GBK CSV with title lines, as Chinese banks export it) through the page,
 * finds two lines matched automatically, matches the third, booked five days apart, by hand, and
 * explains the bank's fee; the 余额调节表 agrees, the period is marked reconciled, and the public fund page says 对账至.
 * The fund is made for this file, so the demo fund's own reconciled month is left alone.
 */

const office = fundFixture({
  prefix: 'bk',
  displayName: '对账',
  addressBlock: '10.97.1',
  newFund: {
    policy: DEMO_POLICY_JSON,
    units: [{ code: 'power', name: '供电所' }],
    compounds: [{ code: 'osmanthus', name: '桂花苑', householdsCount: 20 }]
  }
});
const BANK = `/funds/${office.slug}/bank`;

/** A day in Shanghai, `days` from today, as YYYY-MM-DD. */
function shanghaiDay(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    new Date(Date.now() + days * 86_400_000)
  );
}

const BOOKED = [
  { date: shanghaiDay(-12), amount: '2000.00', bankDate: shanghaiDay(-11), payer: '城东小学' },
  { date: shanghaiDay(-9), amount: '300.00', bankDate: shanghaiDay(-9), payer: '爱心人士' },
  // The bank credited this one five days before the office booked it: too far for the matcher.
  { date: shanghaiDay(-2), amount: '88.00', bankDate: shanghaiDay(-7), payer: '桂花苑住户' }
];

/** The bank's fee, on the statement only: the office explains it instead of matching it. */
const FEE = { bankDate: shanghaiDay(-5), amount: '5.00' };

function statement(): Buffer {
  const moves = [
    ...BOOKED.map((line) => ({ date: line.bankDate, cents: Number(line.amount) * 100, who: line.payer, what: '转账' })),
    { date: FEE.bankDate, cents: -Number(FEE.amount) * 100, who: '', what: '手续费' }
  ].sort((first, second) => first.date.localeCompare(second.date));
  let balance = 0;
  const lines = moves.map((move, index) => {
    balance += move.cents;
    const amount = (Math.abs(move.cents) / 100).toFixed(2);
    const [debit, credit] = move.cents < 0 ? [amount, ''] : ['', amount];
    return `${move.date},${move.what},${move.who},${debit},${credit},${(balance / 100).toFixed(2)},E${index + 1}`;
  });
  const text = [
    '中国农业银行 账户交易明细',
    '户名：测试基金',
    '交易日期,摘要,对方户名,借方发生额,贷方发生额,余额,流水号',
    ...lines
  ];
  return iconv.encode(`${text.join('\r\n')}\r\n`, 'gbk');
}

let admin: Person;

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  const actor = await office.actorOf(admin);
  for (const [index, line] of BOOKED.entries()) {
    const result = await recordMoneyIn(office.sql, {
      actor,
      fundId: office.fundId,
      now: new Date(),
      ip: null,
      source: 'donation',
      date: line.date,
      amount: line.amount,
      method: 'bank',
      memo: '',
      unitId: null,
      payer: line.payer,
      restricted: false,
      attachment: null,
      idempotencyKey: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`
    });
    expect(result.ok, JSON.stringify(result)).toBe(true);
  }
});

describe('the import form over HTTP', () => {
  /** The upload as a browser without JavaScript posts it. */
  function upload(bytes: Uint8Array<ArrayBuffer>, name: string): FormData {
    const form = new FormData();
    form.set('bankAccountId', '1');
    form.set('file', new Blob([bytes], { type: 'text/csv' }), name);
    return form;
  }

  it('refuses a file of 10 MB + 1 and a file in neither UTF-8 nor GBK with a sentence, adding nothing', async () => {
    const tooLarge = await office.post(
      `${BANK}?/import`,
      upload(new Uint8Array(10 * 1024 * 1024 + 1), 'big.csv'),
      admin.cookie
    );
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.text()).toContain('文件超过 10 MB');
    const utf16 = Uint8Array.from(Buffer.from('交易日期,余额\r\n', 'utf16le'));
    const wrong = await office.post(`${BANK}?/import`, upload(utf16, 'utf16.csv'), admin.cookie);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('无法识别文件编码');
    const [lines] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from bank_lines where fund_id = ${office.fundId}`;
    expect(lines?.count).toBe(0);
  });
});

describe.skipIf(!chromiumPath)('bank reconciliation in a real browser', () => {
  const { pageOf } = office.browser();

  it('imports a statement through the page, matches a line by hand and reconciles the month', async () => {
    const publicBefore = await office.get(`/f/${office.slug}`);
    expect(await publicBefore.text()).not.toContain('对账至');

    const page = await pageOf(admin, { viewport: DESKTOP });
    expect((await page.goto(BANK))?.status()).toBe(200);
    await expectAccessible(page);
    await page.getByLabel('账户名称（如：农行基本户）').fill('农行基本户');
    await page.getByLabel('对应科目').selectOption('1002.01');
    await page.getByRole('button', { name: '添加', exact: true }).click();
    const card = page.locator('.card', { hasText: '农行基本户' });
    await card.waitFor();

    await card
      .getByLabel('对账单文件')
      .setInputFiles({ name: '对账单.csv', mimeType: 'text/csv', buffer: statement() });
    await card.getByRole('button', { name: '导入并自动核对' }).click();
    await page.waitForURL(/added=4/);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已导入 4 笔新流水，自动核对 2 笔。');
    await expectAccessible(page);

    await page.getByRole('link', { name: '农行基本户' }).click();
    await page.waitForURL(/\/bank\/\d+$/);
    const open = page.locator('[data-line-status="open"]');
    expect(await open.count()).toBe(2);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await open.filter({ hasText: '桂花苑住户' }).getByRole('button', { name: '核对', exact: true }).click();
    await expect.poll(() => page.locator('[data-line-status="open"]').count()).toBe(1);
    const fee = page.locator('[data-line-status="open"]', { hasText: '手续费' });
    await fee.getByLabel('说明（如：银行手续费，下月入账）').fill('银行手续费，下月入账');
    await fee.getByRole('button', { name: '标记为已说明' }).click();
    await expect.poll(() => page.locator('[data-line-status="open"]').count()).toBe(0);
    // The page opens on the lines still to account for; every month lists its lines with their state.
    expect(await page.getByRole('link', { name: '未核对（0）' }).count()).toBe(1);
    const [state] = await office.sql<{ matched: number; explained: number }[]>`
      select (select count(*) from bank_matches m join bank_lines l on l.id = m.line_id
               where l.fund_id = ${office.fundId})::int as matched,
             (select count(*) from bank_explanations x join bank_lines l on l.id = x.line_id
               where l.fund_id = ${office.fundId})::int as explained`;
    expect(state).toEqual({ matched: 3, explained: 1 });

    const today = shanghaiDay(0);
    await page.getByRole('link', { name: '银行存款余额调节表' }).click();
    await page.waitForURL(/reconciliation/);
    await page.goto(`${new URL(page.url()).pathname}?date=${today}`);
    expect(await page.locator('[data-agrees="yes"]').count()).toBe(1);
    expect(await page.locator('[data-figure="book-adjusted"]').textContent()).toBe('¥2,383.00');
    expect(await page.locator('[data-figure="bank-balance"]').textContent()).toBe('¥2,383.00');
    await expectAccessible(page);
    mkdirSync(join(checkoutRoot, 'tests/e2e/tour'), { recursive: true });
    await page.screenshot({
      path: join(checkoutRoot, 'tests/e2e/tour/bank-reconciliation-zh-desktop.png'),
      fullPage: true
    });
    await page.getByRole('button', { name: `确认对账至 ${today}` }).click();
    await page.waitForURL(/reconciled=1/);
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`已对账至 ${today}`);

    const visitor = await pageOf(null);
    await visitor.goto(`/f/${office.slug}`);
    await expect
      .poll(() => visitor.locator('[data-figure="reconciled-through"]').textContent())
      .toBe(`对账至 ${today}`);
    await expectAccessible(visitor);
  });

  it('fits a phone in elder mode, on every bank page', async () => {
    const [account] = await office.sql<{ id: string }[]>`
      select id::text from bank_accounts where fund_id = ${office.fundId}`;
    const page = await pageOf(admin, { elder: true });
    for (const path of [BANK, `${BANK}/${account?.id ?? ''}`, `${BANK}/${account?.id ?? ''}/reconciliation`]) {
      expect((await page.goto(path))?.status(), path).toBe(200);
      expect(await page.getAttribute('html', 'class')).toContain('elder-mode');
      expect(await overflowsHorizontally(page), path).toBe(false);
      await expectAccessible(page);
    }
  });
});
