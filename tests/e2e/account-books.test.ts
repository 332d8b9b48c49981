import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, chromiumPath, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * The account books of the demo fund, over plain HTTP and in Chromium: the fund administrator and
 * the supervisor read the 科目余额表, an account's 明细账 (each line linking its voucher), their
 * CSV and XLSX files, a unit's statement and the letter of thanks for one of its payments; the
 * leadership, a committee member and an anonymous visitor do not. Login names start with ab-.
 */

const office = fundFixture({ prefix: 'ab', displayName: '账簿', addressBlock: '10.97.3' });
const FUND = office.slug;
const BOOKS = `/funds/${FUND}/books`;
const YEAR = '?from=2026-01-01&to=2026-12-31';
const { get } = office;

let admin: Person;
let supervisor: Person;
let leader: Person;
let committee: Person;
/** The demo's grid unit 供电所 (grid-04), which paid its start capital on 2026-03-01. */
let unitId = '';
let paymentSeq = 0;

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  supervisor = await office.person('sup', [{ role: 'supervisor' }]);
  leader = await office.person('leader', [{ role: 'leader', unitCode: 'grid-04' }]);
  committee = await office.person('cm', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
  const [unit] = await office.sql<{ id: string }[]>`
    select id::text as id from units where fund_id = ${office.fundId} and code = 'grid-04'`;
  unitId = unit?.id ?? '';
  const [payment] = await office.sql<{ seq: number }[]>`
    select e.seq::int as seq from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
     where e.fund_id = ${office.fundId} and p.account_code = '4101.01.U-grid-04' and p.side = 'credit'
       and e.reverses is null
       and not exists (select 1 from entries r where r.fund_id = e.fund_id and r.reverses = e.id)
     order by e.seq limit 1`;
  paymentSeq = payment?.seq ?? 0;
});

/** The rows of a CSV without quoted commas, as this file's tables are. */
function csvRows(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}

async function workbookOf(response: Response): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new Error('no sheet');
  return sheet;
}

describe('the account books over HTTP', () => {
  it('lets the fund administrator and the supervisor read them, and nobody else', async () => {
    for (const who of [admin, supervisor]) {
      const page = await get(`${BOOKS}${YEAR}`, who.cookie);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('科目余额表');
      // Links are written relative to the page (paths.relative), so only their ends are compared.
      expect(html).toMatch(
        new RegExp(`href="[./]*/funds/${FUND}/books/1002\\.01\\?from=2026-01-01&(amp;)?to=2026-12-31"`)
      );
    }
    for (const path of [
      BOOKS,
      `${BOOKS}/balances.csv`,
      `${BOOKS}/1002.01`,
      `${BOOKS}/1002.01/ledger.xlsx`,
      `/funds/${FUND}/units/${unitId}/statement`,
      `/funds/${FUND}/units/${unitId}/acknowledgements/${paymentSeq}`
    ]) {
      expect((await get(path, leader.cookie)).status, path).toBe(403);
      expect((await get(path, committee.cookie)).status, path).toBe(403);
      expect((await get(path)).status, path).toBe(303);
    }
  });

  it('links the books from the office home and each unit to its statement, for those who may read them', async () => {
    const home = await (await get(`/funds/${FUND}`, admin.cookie)).text();
    expect(home).toContain(`/funds/${FUND}/books"`);
    const registers = await (await get(`/funds/${FUND}/registers`, supervisor.cookie)).text();
    expect(registers).toContain(`/funds/${FUND}/units/${unitId}/statement"`);
    const leaderHome = await (await get(`/funds/${FUND}`, leader.cookie)).text();
    expect(leaderHome).not.toContain(`/funds/${FUND}/books"`);
  });

  it('says why a period cannot be read, on the page and in a download', async () => {
    const page = await get(`${BOOKS}?from=2026-02-30&to=2026-03-31`, admin.cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('起始日期无法识别');
    const reversed = await get(`${BOOKS}/balances.csv?from=2026-03-31&to=2026-03-01`, admin.cookie);
    expect(reversed.status).toBe(400);
    expect(await reversed.text()).toContain('起始日期晚于截止日期');
    expect((await get(`${BOOKS}/9999.X-none`, admin.cookie)).status).toBe(404);
  });

  it('writes the 科目余额表 as CSV with headers in the reader language, each side adding up', async () => {
    const response = await get(`${BOOKS}/balances.csv${YEAR}`, supervisor.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain(`${FUND}-balances-2026-01-01-2026-12-31.csv`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // The byte-order mark that tells a spreadsheet the file is UTF-8 (text() would drop it).
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const rows = csvRows(text);
    expect(rows[0]).toEqual([
      '科目代码',
      '科目名称',
      '期初借方余额',
      '期初贷方余额',
      '本期借方发生额',
      '本期贷方发生额',
      '期末借方余额',
      '期末贷方余额'
    ]);
    const total = rows.at(-1)!;
    expect(total[0]).toBe('合计');
    expect(total[4]).toBe(total[5]);
    expect(total[6]).toBe(total[7]);
    expect(rows.some((row) => row[0] === '4101.01.U-grid-04')).toBe(true);

    const english = await get(`${BOOKS}/balances.csv${YEAR}`, `${admin.cookie}; gj_locale=en`);
    expect(csvRows(await english.text())[0]?.slice(0, 3)).toEqual(['Code', 'Account', 'Opening debit balance']);
  });

  it('writes the 明细账 as XLSX with days as date cells and amounts as numbers', async () => {
    const response = await get(`${BOOKS}/1002.01/ledger.xlsx${YEAR}`, admin.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    );
    const sheet = await workbookOf(response);
    expect(sheet.getRow(1).getCell(1).value).toBe('日期');
    expect(sheet.getRow(2).getCell(3).value).toBe('期初余额');
    const first = sheet.getRow(3);
    expect(first.getCell(1).value).toBeInstanceOf(Date);
    expect(String(first.getCell(2).value)).toMatch(/^记字第\d+号$/);
    expect(typeof first.getCell(8).value).toBe('number');
    const last = sheet.getRow(sheet.rowCount);
    expect(last.getCell(3).value).toBe('本年累计');
    expect(typeof last.getCell(5).value).toBe('number');

    const csv = await get(`${BOOKS}/1002.01/ledger.csv${YEAR}`, admin.cookie);
    const rows = csvRows(await csv.text());
    expect(rows.at(-2)?.[2]).toBe('本期合计');
    // The running balance of the last posting is the closing balance of 本期合计.
    expect(rows.at(-3)?.slice(6)).toEqual(rows.at(-2)?.slice(6));
  });

  it("shows a unit's statement and the letter of thanks for one of its payments", async () => {
    const statement = await get(`/funds/${FUND}/units/${unitId}/statement?year=2026`, supervisor.cookie);
    expect(statement.status).toBe(200);
    const html = await statement.text();
    expect(html).toContain('2026 年度出资对账单');
    expect(html).toContain('¥9,090.91');
    expect(html).toContain(`/f/${FUND}`);
    expect(html).toContain('data:image/svg+xml;base64,');
    const letter = await get(`/funds/${FUND}/units/${unitId}/acknowledgements/${paymentSeq}`, admin.cookie);
    expect(letter.status).toBe(200);
    const letterHtml = await letter.text();
    expect(letterHtml).toContain('不是捐赠票据');
    expect(letterHtml).toContain('人民币');
    expect((await get(`/funds/${FUND}/units/${unitId}/statement?year=20x6`, admin.cookie)).status).toBe(200);
    expect((await get(`/funds/${FUND}/units/987654321/statement`, admin.cookie)).status).toBe(404);
    expect((await get(`/funds/${FUND}/units/${unitId}/acknowledgements/1`, admin.cookie)).status).toBe(
      paymentSeq === 1 ? 200 : 404
    );
  });
});

describe.skipIf(!chromiumPath)('the account books in a real browser', () => {
  const { pageOf } = office.browser();

  it('shows the 科目余额表 on a desktop, and leads from an account to its ledger and a voucher', async () => {
    const page = await pageOf(admin, { viewport: DESKTOP });
    expect((await page.goto(`${BOOKS}${YEAR}`))?.status()).toBe(200);
    await expectAccessible(page);
    await tourShot(page, 'trial-balance-zh-desktop');
    const totals = page.locator('.books-table tfoot td');
    expect(await totals.nth(2).textContent()).toBe(await totals.nth(3).textContent());
    // On A4 (210 mm less Chromium's default margins: about 718 CSS pixels) the eight columns fit the
    // sheet's width without scrolling, which paper cannot do.
    await page.setViewportSize({ width: 718, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    const table = page.locator('.books-scroll');
    expect(await table.evaluate((region) => region.scrollWidth <= region.clientWidth + 1)).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: '1002.01', exact: true }).click();
    await page.waitForURL(/\/books\/1002\.01\?/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('1002.01');
    await expectAccessible(page);
    await page.locator('.books-table tbody a').first().click();
    await page.waitForURL(/\/vouchers\/\d+$/);
    expect(await page.locator('.voucher').textContent()).toContain('记字第');
  });

  it('fits the 明细账 on a phone, in elder mode too', async () => {
    const page = await pageOf(supervisor);
    await page.goto(`${BOOKS}/1002.01${YEAR}`);
    await expectAccessible(page);
    await tourShot(page, 'account-ledger-zh-phone');
    expect(await overflowsHorizontally(page)).toBe(false);
    const elder = await pageOf(supervisor, { elder: true });
    for (const path of [`${BOOKS}${YEAR}`, `${BOOKS}/1002.01${YEAR}`, `/funds/${FUND}/units/${unitId}/statement`]) {
      await elder.goto(path);
      expect(await overflowsHorizontally(elder), path).toBe(false);
      await expectAccessible(elder);
    }
  });

  it('chooses a period without JavaScript', async () => {
    const page = await pageOf(admin, { javaScript: false });
    await page.goto(BOOKS);
    await page.getByLabel('起始日期').fill('2026-03-01');
    await page.getByLabel('截止日期').fill('2026-03-31');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/from=2026-03-01&to=2026-03-31/);
    expect(await page.locator('.print-lead').first().textContent()).toContain('2026-03-01 至 2026-03-31');
  });

  it('prints the statement with its QR code, and the letter saying it is no donation receipt', async () => {
    const page = await pageOf(admin, { viewport: DESKTOP });
    await page.goto(`/funds/${FUND}/units/${unitId}/statement?year=2026`);
    await expectAccessible(page);
    await tourShot(page, 'contributor-statement-zh-desktop');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.books-tools').isVisible()).toBe(false);
    expect(await page.locator('.print-qr img').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page
      .getByRole('link', { name: /^致谢函/ })
      .first()
      .click();
    await page.waitForURL(/\/acknowledgements\/\d+$/);
    expect(await page.locator('.books-not-receipt').textContent()).toContain('不是捐赠票据');
    await expectAccessible(page);
  });
});
