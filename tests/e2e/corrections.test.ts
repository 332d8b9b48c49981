import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chinaDateOf } from '@gongjian/ledger';
import * as books from '../../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { recordMoneyIn } from '../../apps/web/src/lib/server/fund/money-in';
import { contribution } from '../support/books';
import { checkoutRoot } from '../support/postgres';
import { chromiumPath, expectAccessible, overflowsHorizontally } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * Corrections (冲销) through the pages, in Chinese at phone size, in a fund made for this file
 * whose four-eyes threshold is 1,000.00: the administrator reverses a unit's payment of 500.00
 * recorded by mistake, with the reason, and is sent on to record the right entry; a payment of
 * 5,000.00 waits for a second person, whom the requester cannot be; a leader confirms it on the
 * corrections page. The public ledger links both entries and gives the reason on each. Every page
 * passes axe and fits 360 px.
 */

const office = fundFixture({
  prefix: 'cx',
  displayName: '冲销',
  addressBlock: '10.97.6',
  newFund: {
    policy: { ...DEMO_POLICY_JSON, secondApproverAbove: '1000.00' },
    units: [{ code: 'unit-1', name: '单位1' }],
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 10 }]
  }
});
const FUND = office.slug;
const CORRECTIONS = `/funds/${FUND}/corrections`;
const voucher = (seq: number) => `/funds/${FUND}/vouchers/${seq}`;

let admin: Person;
let leader: Person;
let small = 0;
let large = 0;

async function unitPayment(amount: string): Promise<number> {
  const [unit] = await office.sql<{ id: string }[]>`select id::text as id from units where fund_id = ${office.fundId}`;
  const now = new Date();
  const paid = await recordMoneyIn(office.sql, {
    actor: await office.actorOf(admin),
    fundId: office.fundId,
    now,
    ip: null,
    source: 'unit',
    date: chinaDateOf(now),
    amount,
    method: 'bank',
    memo: '出资',
    unitId: unit?.id ?? null,
    payer: '',
    restricted: false,
    attachment: null,
    idempotencyKey: crypto.randomUUID()
  });
  if (!paid.ok) throw new Error(`unit payment: ${paid.code}`);
  return paid.seq;
}

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  leader = await office.person('leader', [{ role: 'leader', unitCode: 'unit-1' }]);
  const posted = await books.post(office.sql, { fundId: office.fundId, command: contribution('100000.00') });
  if (!posted.ok) throw new Error(`pool: ${posted.code}`);
  small = await unitPayment('500.00');
  large = await unitPayment('5000.00');
});

async function reversalOf(seq: number): Promise<number | null> {
  const [row] = await office.sql<{ seq: string }[]>`
    select r.seq::text as seq from entries r join entries o on o.fund_id = r.fund_id and o.id = r.reverses
     where o.fund_id = ${office.fundId} and o.seq = ${seq}`;
  return row === undefined ? null : Number(row.seq);
}

describe('corrections over plain HTTP', () => {
  it('lets only the fund administrator reverse, and only the office and the leadership see the page', async () => {
    const form = { key: crypto.randomUUID(), reason: '试', date: '' };
    expect((await office.post(`${voucher(small)}?/correct`, form, leader.cookie)).status).toBe(403);
    expect((await office.get(CORRECTIONS, leader.cookie)).status).toBe(200);
    expect((await office.get(CORRECTIONS)).status).toBe(303);
    const blank = await office.post(`${voucher(small)}?/correct`, { ...form, reason: ' ' }, admin.cookie);
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain('请写明冲销原因');
    expect(await reversalOf(small)).toBeNull();
  });
});

describe.skipIf(!chromiumPath)('corrections in a browser', () => {
  const { pageOf } = office.browser();

  async function fits(page: Page): Promise<void> {
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
  }

  it('reverses 500.00 at once, with the reason, and says where to record the right entry', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(voucher(small)))?.status()).toBe(200);
    await fits(page);
    await page.getByLabel('冲销原因').fill('记错出资单位');
    await page.getByRole('button', { name: '冲销本凭证' }).click();
    await page.waitForURL(`**${voucher(small)}?corrected=done`);
    await expect.poll(() => page.getByText('冲销原因：记错出资单位').count()).toBe(1);
    await expect.poll(() => page.getByRole('link', { name: '到账登记' }).count()).toBeGreaterThan(0);
    const reversal = await reversalOf(small);
    expect(reversal).not.toBeNull();
    await expect.poll(() => page.getByRole('link', { name: `记字第${reversal}号` }).count()).toBe(1);
    await expect.poll(() => page.getByText(`已冲销，冲销凭证为记字第${reversal}号。`).count()).toBe(1);
    await fits(page);
    const tour = join(checkoutRoot, 'tests/e2e/tour');
    mkdirSync(tour, { recursive: true });
    await page.screenshot({ path: join(tour, 'correction-zh-phone.png'), fullPage: true });
  });

  it('holds 5,000.00 for a second person, whom the requester cannot be; a leader confirms it', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(voucher(large)))?.status()).toBe(200);
    await expect.poll(() => page.getByText(/金额超过 ¥1,000\.00/).count()).toBe(1);
    await page.getByLabel('冲销原因').fill('重复入账');
    await page.getByRole('button', { name: '冲销本凭证' }).click();
    await page.waitForURL(`**${voucher(large)}?corrected=waiting`);
    await expect.poll(() => page.getByText('冲销申请已提交，等待另一人确认。').count()).toBe(1);
    await fits(page);
    expect((await page.goto(`/funds/${FUND}`))?.status()).toBe(200);
    await page.getByRole('link', { name: '冲销与更正' }).click();
    await page.waitForURL(`**${CORRECTIONS}`);
    await expect.poll(() => page.getByText('这是您提交的申请，须由另一人确认。').count()).toBe(1);
    expect(await page.getByRole('button', { name: '确认冲销' }).count()).toBe(0);
    await fits(page);
    expect(await reversalOf(large)).toBeNull();

    const other = await pageOf(leader);
    expect((await other.goto(CORRECTIONS))?.status()).toBe(200);
    await expect.poll(() => other.getByText('冲销原因：重复入账').count()).toBe(1);
    await fits(other);
    await other.getByRole('button', { name: '确认冲销' }).click();
    await other.waitForURL(`**${CORRECTIONS}?done=confirmed`);
    await expect.poll(() => other.getByText('已确认，冲销凭证已记账。').count()).toBe(1);
    await expect.poll(() => other.getByText('没有待确认的冲销。').count()).toBe(1);
    await fits(other);
    expect(await reversalOf(large)).not.toBeNull();
  });

  it('shows the reason on both entries of the public ledger, each linking the other', async () => {
    const page = await pageOf(null);
    expect((await page.goto(`/f/${FUND}/ledger/${small}`))?.status()).toBe(200);
    await expect.poll(() => page.getByText('记错出资单位').count()).toBeGreaterThan(0);
    const reversal = await reversalOf(small);
    await page.getByRole('link', { name: `第 ${reversal} 笔`, exact: true }).click();
    await page.waitForURL(`**/f/${FUND}/ledger/${reversal}`);
    await expect.poll(() => page.getByText('冲销原因').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('link', { name: `第 ${small} 笔`, exact: true }).count()).toBe(1);
    await fits(page);
  });
});
