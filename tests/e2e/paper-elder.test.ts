import { randomUUID } from 'node:crypto';
import { chinaDateOf } from '@gongjian/ledger';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { qrDataUrl } from '../../apps/web/src/lib/server/auth/totp';
import { fileObjection } from '../../apps/web/src/lib/server/grants/notices';
import { castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { recordSelfRaisedPayment } from '../../apps/web/src/lib/server/projects/self-raising';
import { signInOverHttp } from '../support/people';
import {
  activeProject,
  makeWorld,
  person as personIn,
  submittedApplication,
  type ReviewDb,
  type World
} from '../support/review-world';
import { baseUrl, chromiumPath, expectAccessible, screenshot, send } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * Issue 17's paper and elder mode in a real browser. The printed 记账凭证 and the household's
 * receipt carry a QR code to the entry's public page and the entry's hash, and that page shows the
 * same hash; the office decides an objection with a public reason, which the public project page
 * shows with the outcome and without the objector's name or contact; and in elder mode the form
 * controls grow like the text around them, on the public objection form and an office form.
 * Project 1 is an active grant with a household's payment; project 2 is approved and on notice.
 */

const office = fundFixture({ prefix: 'pe', displayName: '纸面', addressBlock: '10.99.5' });
const { run } = office;
const SLUG = `pe-${run}`;
const OBJECTOR = { name: '钱先生', contact: '13600001234', body: `道闸报价偏高 ${run}` };
const REASON = `已比较三家报价，所选报价最低 ${run}`;

let world: World;
let admin: Person;
let committee: Person;
let payment = { id: '', seq: 0 };

async function signedIn(actor: Actor, loginName: string): Promise<Person> {
  const result = await signInOverHttp(baseUrl, { loginName, ip: office.nextAddress() });
  if (result.cookie === null || actor.kind !== 'user') throw new Error(`no session for ${loginName}`);
  return { id: actor.userId, loginName, displayName: loginName, cookie: result.cookie };
}

beforeAll(async () => {
  const now = new Date();
  const db: ReviewDb = { owner: office.sql, app: office.sql, now };
  world = await makeWorld(db, { slug: SLUG, pool: '100000.00' });
  const adminActor = await personIn(db, world, `pe-admin-${run}`, [{ role: 'fund_admin' }]);
  const leaders = [
    await personIn(db, world, `pe-leader1-${run}`, [{ role: 'leader', unitCode: 'unit-2' }]),
    await personIn(db, world, `pe-leader2-${run}`, [{ role: 'leader', unitCode: 'unit-3' }]),
    await personIn(db, world, `pe-leader3-${run}`, [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committeeActor = await personIn(db, world, `pe-committee-${run}`, [
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  const made = await activeProject(db, world, {
    number: 1,
    admin: adminActor,
    leaders,
    committee: committeeActor,
    households: 3
  });
  const paid = await recordSelfRaisedPayment(office.sql, {
    actor: committeeActor,
    fundId: world.fundId,
    number: 1,
    now,
    ip: null,
    householdId: made.households[0] ?? '',
    amount: '150.00',
    date: chinaDateOf(now),
    method: 'cash',
    receipt: null,
    idempotencyKey: randomUUID()
  });
  if (!paid.ok) throw new Error(`payment: ${paid.code}`);
  payment = { id: paid.paymentId, seq: paid.seq };

  // Project 2: approved, on notice, with one objection from a resident.
  await submittedApplication(db, world, { number: 2, createdBy: committeeActor, cost: '4000.00', match: '2400.00' });
  const command = { fundId: world.fundId, number: 2, now, ip: null };
  await precheck(office.sql, { ...command, actor: adminActor, outcome: 'pass', comments: '' });
  for (const leader of leaders)
    await castVote(office.sql, { ...command, actor: leader, choice: 'approve', reason: '' });
  const filed = await fileObjection(office.sql, { fundId: world.fundId, number: 2, ...OBJECTOR, now, ip: null });
  if (!filed.ok) throw new Error(`objection: ${filed.code}`);
  admin = await signedIn(adminActor, `pe-admin-${run}`);
  committee = await signedIn(committeeActor, `pe-committee-${run}`);
});

/** The entry's hash in the books. */
async function hashOf(seq: number): Promise<string> {
  const [row] = await office.sql<{ hash: string }[]>`
    select hash from entries where fund_id = ${world.fundId} and seq = ${seq}`;
  return row?.hash ?? '';
}

/**
 * What a printed sheet's check says: the QR image's source, the public address in its line and the
 * hash. The QR code is checked by making it again from the address with the app's one helper: the
 * same bytes mean it encodes that address.
 */
async function paperCheckOf(page: Page): Promise<{ qr: string; url: string; hash: string }> {
  const check = page.locator('.paper-check');
  await expect.poll(() => check.count()).toBe(1);
  const qr = (await check.locator('img').getAttribute('src')) ?? '';
  const line = (await check.locator('.paper-check-line').textContent()) ?? '';
  const url = /https?:\/\/\S+\/ledger\/\d+/.exec(line)?.[0] ?? '';
  const hash = ((await check.locator('.paper-hash').textContent()) ?? '').trim();
  return { qr, url, hash };
}

async function expectPublicEntryShows(page: Page, url: string, hash: string): Promise<void> {
  const path = new URL(url).pathname;
  expect((await page.goto(path))?.status()).toBe(200);
  await expect.poll(() => page.locator('.ledger-hashes code.public-hash', { hasText: hash }).count()).toBe(1);
}

/** A control's computed font size and height, and the font size of the text it stands in. */
async function sizesOf(page: Page, control: string, text: string) {
  return page.evaluate(
    ([controlSelector, textSelector]) => {
      const element = document.querySelector(controlSelector);
      const around = document.querySelector(textSelector);
      if (element === null || around === null) throw new Error(`missing ${controlSelector} or ${textSelector}`);
      return {
        control: Number(getComputedStyle(element).fontSize.replace('px', '')),
        height: element.getBoundingClientRect().height,
        text: Number(getComputedStyle(around).fontSize.replace('px', ''))
      };
    },
    [control, text] as const
  );
}

describe.skipIf(!chromiumPath)('paper that can be checked, outcomes in public, and elder mode', () => {
  const { pageOf } = office.browser();

  it('prints the voucher with a QR code to the entry’s public page and the hash that page shows', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(`/funds/${SLUG}/vouchers/${String(payment.seq)}`))?.status()).toBe(200);
    const check = await paperCheckOf(page);
    expect(check.url.endsWith(`/f/${SLUG}/ledger/${String(payment.seq)}`)).toBe(true);
    expect(check.qr).toBe(qrDataUrl(check.url));
    expect(check.hash).toBe(await hashOf(payment.seq));
    await expect.poll(() => page.getByText('扫码或访问').count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'voucher-qr');
    await expectPublicEntryShows(page, check.url, check.hash);
  });

  it('prints the household’s receipt with the same check', async () => {
    const page = await pageOf(committee);
    expect((await page.goto(`/funds/${SLUG}/projects/1/receipts/${payment.id}`))?.status()).toBe(200);
    const check = await paperCheckOf(page);
    expect(check.url.endsWith(`/f/${SLUG}/ledger/${String(payment.seq)}`)).toBe(true);
    expect(check.qr).toBe(qrDataUrl(check.url));
    expect(check.hash).toBe(await hashOf(payment.seq));
    await expectAccessible(page);
    await expectPublicEntryShows(page, check.url, check.hash);
  });

  it('decides an objection with a public reason, which the public project page shows without the objector', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(`/funds/${SLUG}/notices/2`))?.status()).toBe(200);
    await page.getByLabel('处理意见').fill(`已电话答复${OBJECTOR.name}`);
    await send(page, page.getByRole('button', { name: '驳回异议' }));
    // A dismissal without a public reason is refused at that field.
    await expect.poll(() => page.getByText('请填写公开理由').count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await page.getByLabel('公开理由').fill(REASON);
    await send(page, page.getByRole('button', { name: '驳回异议' }));
    await expect.poll(() => page.getByText('异议已处理。').count()).toBe(1);

    const visitor = await pageOf(null);
    for (const path of [`/f/${SLUG}/projects/2`, `/funds/${SLUG}/notices/2`]) {
      expect((await visitor.goto(path))?.status()).toBe(200);
      await expect.poll(() => visitor.getByText(`公开理由：${REASON}`).count()).toBe(1);
      await expect.poll(() => visitor.getByText('不予采纳').count()).toBe(1);
      const html = await visitor.content();
      for (const secret of [OBJECTOR.name, OBJECTOR.contact, OBJECTOR.body, '已电话答复']) {
        expect(html, `${path} shows ${secret}`).not.toContain(secret);
      }
      await expectAccessible(visitor);
    }
  });

  it('grows every form control with elder mode, like the text around it', async () => {
    // Each control is measured against its own field's label, the text it stands in.
    const publicForm = { person: null, path: `/f/${SLUG}/projects/2`, text: 'label[for="objection-name"]' };
    const officeForm = {
      person: admin,
      path: `/funds/${SLUG}/vouchers/${String(payment.seq)}`,
      text: 'label[for="correction-reason"]'
    };
    const cases = [
      {
        ...publicForm,
        controls: ['#objection-name', '#objection-contact', '#objection-body', '.pub-proj-form button']
      },
      { ...officeForm, controls: ['#correction-reason', '#correction-date', '.money-form button'] }
    ];
    for (const { person, path, text, controls } of cases) {
      const plain = await pageOf(person);
      const elder = await pageOf(person, { elder: true });
      expect((await plain.goto(path))?.status()).toBe(200);
      expect((await elder.goto(path))?.status()).toBe(200);
      await expectAccessible(elder);
      for (const control of controls) {
        const small = await sizesOf(plain, control, text);
        const large = await sizesOf(elder, control, text);
        // The control uses the page's text size, not the browser's small control font.
        expect(small.control, `${path} ${control}`).toBe(small.text);
        expect(large.control, `${path} ${control}`).toBe(large.text);
        expect(large.control / small.control, `${path} ${control}`).toBeCloseTo(large.text / small.text, 2);
        expect(large.control / small.control).toBeGreaterThan(1.25);
        expect(large.height / small.height, `${path} ${control} height`).toBeGreaterThan(1.2);
      }
    }
  });
});
