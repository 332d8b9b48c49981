import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { chromiumPath, expectAccessible, overflowsHorizontally, choose } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * The main flows of issue 6 in English at 360 px, which the other browser tests walk in Chinese:
 * the administrator records a payment, refused once for its amount, and opens its voucher (the
 * pool's money bounds the match that comes next); a committee member drafts an application, is
 * refused with English messages at the fields and in the summary (keeping what was typed),
 * completes and submits it; the administrator pre-checks it and the fund's one leader approves
 * it; a resident's objection to the notice without a contact is refused in English. The fund is
 * made for this file, with the demo policy but a quorum of one, so that one vote decides. Every
 * page visited passes axe, fits the phone and shows no Chinese but the data kept in Chinese and
 * the amounts in capitals.
 */

const office = fundFixture({
  prefix: 'en',
  displayName: 'English ',
  addressBlock: '10.9.9',
  newFund: {
    policy: { ...DEMO_POLICY_JSON, vote: { quorum: 1, majority: '0.5' } },
    units: [{ code: 'power', name: 'Power Supply Office' }],
    compounds: [{ code: 'maple', name: 'Maple Court', householdsCount: 30 }]
  }
});
const OFFICE = `/funds/${office.slug}`;

/** A file whose first bytes say PNG, as a supplier's scanned quote would. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

/**
 * Chinese the English pages show on purpose: the brand mark, the switch to Chinese, and the
 * voucher's bilingual print button.
 */
const ALWAYS_CHINESE = ['共', '中文', '打印'];
/** The unit payment's memo as the books keep it, whatever the page's language. */
const LEDGER_MEMO = ['单位出资·', '：'];
const CJK = /[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]+/gu;

/** Today in Shanghai as YYYY-MM-DD, the day the app's forms count from. */
function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

async function statusOf(number: number): Promise<string> {
  const [row] = await office.sql<{ status: string }[]>`
    select status from applications where fund_id = ${office.fundId} and number = ${number}`;
  return row?.status ?? '';
}

describe.skipIf(!chromiumPath)('the main flows in English at phone size', () => {
  const { pageOf } = office.browser();
  let admin: Person;
  let committee: Person;
  let leader: Person;
  let number = 0;

  beforeAll(async () => {
    admin = await office.person('admin', [{ role: 'fund_admin' }]);
    committee = await office.person('committee', [{ role: 'committee', compoundCode: 'maple' }]);
    leader = await office.person('leader', [{ role: 'leader', unitCode: 'power' }]);
  });

  async function englishPage(who: Person | null): Promise<Page> {
    return await pageOf(who, { locale: 'en' });
  }

  /** Axe, no sideways scrolling, English throughout: what every page visited here must pass. */
  async function checkPage(page: Page, allowedChinese: readonly string[] = []): Promise<void> {
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expectAccessible(page);
    expect(await overflowsHorizontally(page), `${page.url()} at 360 px`).toBe(false);
    const text = await page.locator('body').innerText();
    const chinese = (text.match(CJK) ?? []).filter(
      (run) => ![...ALWAYS_CHINESE, ...allowedChinese].some((allowed) => allowed.includes(run))
    );
    expect(chinese, `Chinese on ${page.url()}`).toEqual([]);
  }

  async function continueTo(page: Page, step: string): Promise<void> {
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(new RegExp(`step=${step}`));
    await checkPage(page);
  }

  it('lets the administrator record a payment, refused once for its amount, and open its voucher', async () => {
    const page = await englishPage(admin);
    expect((await page.goto(`${OFFICE}/money?source=unit`))?.status()).toBe(200);
    await checkPage(page);
    await page.getByLabel('Unit', { exact: true }).selectOption({ label: 'Power Supply Office' });
    await page.getByLabel('Amount (yuan)').fill('12.345');
    await page.getByLabel('Memo (optional)').fill('Start capital');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    const summary = page.getByRole('alert');
    await expect.poll(() => summary.innerText()).toContain('Please correct the following:');
    const message = 'The amount can have at most two decimals (to the fen).';
    expect(await summary.innerText()).toContain(message);
    expect(await page.locator('#money-amount-error').innerText()).toBe(message);
    expect(await page.getByLabel('Amount (yuan)').getAttribute('aria-describedby')).toContain('money-amount-error');
    expect(await page.getByLabel('Amount (yuan)').inputValue()).toBe('12.345');
    expect(await page.getByLabel('Memo (optional)').inputValue()).toBe('Start capital');
    await checkPage(page);

    await page.getByLabel('Amount (yuan)').fill('5000.00');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.waitForURL(/recorded=\d+/);
    const seq = /recorded=(\d+)/.exec(page.url())?.[1] ?? '';
    await expect.poll(() => page.getByRole('status').innerText()).toContain(`Recorded: Voucher no. ${seq}.`);
    // The entry's memo is written into the books in Chinese (单位出资·<unit>：<memo>), as the
    // books are kept; it is data, not the page's wording.
    await checkPage(page, LEDGER_MEMO);
    await page.getByRole('link', { name: 'View and print the voucher' }).click();
    await page.waitForURL(new RegExp(`/vouchers/${seq}$`));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Bookkeeping voucher');
    const voucher = (await page.locator('.voucher').innerText()).replace(/\s+/g, ' ');
    expect(voucher).toContain(`Voucher no. ${seq}`);
    expect(voucher).toContain('¥5,000.00');
    // The amount in words stays in Chinese capitals, as on any voucher.
    expect(voucher).toContain('人民币伍仟元整');
    await checkPage(page, [...LEDGER_MEMO, '人民币伍仟元整']);
  });

  it('lets a committee member draft, correct and submit an application', async () => {
    const page = await englishPage(committee);
    expect((await page.goto(`${OFFICE}/applications`))?.status()).toBe(200);
    await checkPage(page);
    await page.getByRole('button', { name: 'New application for Maple Court' }).click();
    await page.waitForURL(/\/applications\/\d+\/edit\?step=basics/);
    number = Number(/applications\/(\d+)\//.exec(page.url())?.[1]);
    await expect.poll(() => page.getByText('Step 1 of 7: Basics').count()).toBe(1);
    await checkPage(page);

    await page.getByLabel('Project title').fill('Replace the parking barrier');
    await page.getByLabel('Category').selectOption('repairs');
    await page.getByLabel('Location').fill('Maple Court south gate');
    await page.getByLabel('Description').fill('The barrier is worn out; a plate-reading one replaces it.');
    await continueTo(page, 'budget');

    // A budget line with a zero quantity and a price to the tenth of a fen is refused, field by field.
    await page.locator('#app-item_0').fill('Barrier unit');
    await page.locator('#app-quantity_0').fill('0');
    await page.locator('#app-unitPrice_0').fill('12.345');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    const summary = page.getByRole('alert');
    await expect.poll(() => summary.innerText()).toContain('Please correct the following:');
    expect(await summary.innerText()).toContain('The quantity must be more than 0, such as 1 or 2.5.');
    expect(await summary.innerText()).toContain('At most two decimals.');
    const quantityField = page.locator('.field', { has: page.locator('#app-quantity_0') });
    expect(await quantityField.locator('.field-error').innerText()).toBe(
      'The quantity must be more than 0, such as 1 or 2.5.'
    );
    const priceField = page.locator('.field', { has: page.locator('#app-unitPrice_0') });
    expect(await priceField.locator('.field-error').innerText()).toBe('At most two decimals.');
    expect(await page.locator('#app-item_0').inputValue()).toBe('Barrier unit');
    expect(await page.locator('#app-unitPrice_0').inputValue()).toBe('12.345');
    await checkPage(page);
    await page.locator('#app-quantity_0').fill('1');
    await page.locator('#app-unitPrice_0').fill('5000');
    await continueTo(page, 'match');
    await expect.poll(() => page.getByText('Match ¥3,000.00, self-raised ¥2,000.00').count()).toBe(1);

    // A ratio outside the policy's band: the field says so in English, tied to the input.
    const ratio = page.getByLabel('Ask for a different ratio (optional)');
    await ratio.fill('0.95');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    const band = 'This ratio is outside the band the policy allows.';
    await expect.poll(() => page.locator('#app-requestedRatio-error').count()).toBe(1);
    expect(await page.locator('#app-requestedRatio-error').innerText()).toBe(band);
    expect(await summary.innerText()).toContain(band);
    expect(await ratio.getAttribute('aria-describedby')).toContain('app-requestedRatio-error');
    expect(await ratio.inputValue()).toBe('0.95');
    await checkPage(page);
    await ratio.fill('');
    await continueTo(page, 'selfraise');

    await page.getByLabel('Households expected to contribute').fill('25');
    await continueTo(page, 'meeting');
    await page.getByLabel('Date of the meeting').fill(shanghaiToday());
    await page.getByLabel('Households in total').fill('25');
    await page.getByLabel('Households present').fill('21');
    await page.getByLabel('Households agreeing').fill('20');
    await continueTo(page, 'quotes');
    await page
      .getByLabel('Quote file')
      .setInputFiles({ name: 'barrier-quote.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload the quote' }).click();
    await expect.poll(() => page.getByText('barrier-quote.png').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL(/step=review/);
    await expect.poll(() => page.getByText(/^Complete\./).count()).toBe(1);
    await checkPage(page);
    await page.getByRole('button', { name: 'Submit the application' }).click();
    await page.waitForURL(new RegExp(`/applications/${number}\\?submitted=1`));
    await expect.poll(() => page.getByText('Submitted. The fund office will pre-check it.').count()).toBe(1);
    await checkPage(page);
    expect(await statusOf(number)).toBe('submitted');
  });

  it('takes the application through the pre-check and a leader’s vote to its notice', async () => {
    const reviewPath = `${OFFICE}/review/${number}`;
    const adminPage = await englishPage(admin);
    expect((await adminPage.goto(reviewPath))?.status()).toBe(200);
    await checkPage(adminPage);
    await choose(adminPage.getByLabel('Pass: send to the leadership vote'));
    await adminPage.getByRole('button', { name: 'Record the pre-check' }).click();
    await expect.poll(() => adminPage.getByText('The pre-check is recorded.').count()).toBe(1);
    expect(await statusOf(number)).toBe('in_review');

    const page = await englishPage(leader);
    expect((await page.goto(reviewPath))?.status()).toBe(200);
    await checkPage(page);
    await choose(page.getByLabel('Approve at the computed match ¥3,000.00'));
    await page.getByRole('button', { name: 'Cast my vote' }).click();
    await expect.poll(() => page.getByText('Your vote is recorded.').count()).toBe(1);
    await checkPage(page);
    expect(await statusOf(number)).toBe('approved');
  });

  it('refuses an objection without a contact in English, keeping what was typed', async () => {
    const page = await englishPage(null);
    expect((await page.goto(`${OFFICE}/notices/${number}`))?.status()).toBe(200);
    await checkPage(page, ['人民币叁仟元整', '人民币伍仟元整', '人民币贰仟元整']);
    await page.getByLabel('Name').fill('Ms Wu');
    // Blanks pass the browser's required check; the server trims them and finds no contact.
    await page.getByLabel('Contact').fill('   ');
    await page.getByLabel('Your objection').fill(`The quote looks high ${office.run}`);
    await page.getByRole('button', { name: 'Submit the objection' }).click();
    const message = 'Please give a contact (at most 60 characters).';
    await expect.poll(() => page.locator('#objection-contact-error').count()).toBe(1);
    expect(await page.locator('#objection-contact-error').innerText()).toBe(message);
    expect(await page.getByRole('alert').innerText()).toContain(message);
    expect(await page.getByLabel('Contact').getAttribute('aria-describedby')).toContain('objection-contact-error');
    expect(await page.getByLabel('Name').inputValue()).toBe('Ms Wu');
    expect(await page.getByLabel('Your objection').inputValue()).toBe(`The quote looks high ${office.run}`);
    await checkPage(page, ['人民币叁仟元整', '人民币伍仟元整', '人民币贰仟元整']);
    const [objections] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from objections o join applications a on a.id = o.application_id
       where a.fund_id = ${office.fundId} and a.number = ${number}`;
    expect(objections?.count).toBe(0);
  });
});
