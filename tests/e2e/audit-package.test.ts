import { chinaDateOf } from '@gongjian/ledger';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectAccessible, overflowsHorizontally, screenshot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * The auditor's package over HTTP and in a browser: the supervisor chooses a period and
 * downloads one ZIP, sent as it is written (chunked, no length); unzipped, its SHA256SUMS,
 * hledger and bean-check all pass, and its chain head is the database's. A payment with a bank
 * slip is recorded first, so the package holds an attachment. A committee member is refused.
 */

const office = fundFixture({ prefix: 'ap', displayName: '审计', addressBlock: '10.116.7' });
const FUND = office.slug;
const PAGE = `/funds/${FUND}/audit`;
const PERIOD = 'from=2026-03-02&to=2026-12-31';
const directory = mkdtempSync(join(tmpdir(), 'gj-audit-e2e-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
);

let admin: Person;
let supervisor: Person;
let committee: Person;

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  supervisor = await office.person('sup', [{ role: 'supervisor' }]);
  committee = await office.person('cm', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
  const form = new FormData();
  const fields = {
    idempotencyKey: crypto.randomUUID(),
    source: 'interest',
    // Today in China: the demo fund's last ended month is closed (结账), so an earlier day is refused.
    date: chinaDateOf(new Date()),
    amount: '1.23',
    method: 'bank',
    memo: `审计 ${office.run} <b>&</b>`
  };
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set('attachment', new Blob([PNG], { type: 'image/png' }), '回单.png');
  const recorded = await office.post(`/funds/${FUND}/money?/record`, form, admin.cookie);
  expect(recorded.status).toBe(303);
});

describe('the auditor’s package over HTTP', () => {
  it('streams a ZIP that unzip, sha256sum, hledger and bean-check accept, with the database’s chain head', async () => {
    const response = await office.get(`${PAGE}/package.zip?${PERIOD}`, supervisor.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="guihuajing-audit-2026-03-02-to-2026-12-31\.zip"/
    );
    const zip = join(directory, 'package.zip');
    writeFileSync(zip, new Uint8Array(await response.arrayBuffer()));
    const folder = join(directory, 'package');
    expect(run('unzip', ['-q', zip, '-d', folder], directory)).toEqual({ status: 0, output: '' });

    const sums = run('sha256sum', ['-c', '--strict', 'SHA256SUMS'], folder);
    expect(sums.status, sums.output).toBe(0);
    const [slip] = await office.sql<{ sha256: string }[]>`
      select a.sha256 from attachments a where a.fund_id = ${office.fundId} and a.original_name = '回单.png'
       order by a.uploaded_at desc limit 1`;
    expect(sums.output).toContain(`attachments/${slip?.sha256 ?? '?'}.png: OK`);
    expect(readdirSync(join(folder, 'attachments'))).toContain(`${slip?.sha256 ?? '?'}.png`);

    expect(run('hledger', ['-f', 'ledger.journal', 'check', '--strict'], folder)).toEqual({ status: 0, output: '' });
    expect(run('hledger', ['-f', 'ledger.journal', 'bal'], folder).status).toBe(0);
    expect(run('bean-check', ['ledger.beancount'], folder)).toEqual({ status: 0, output: '' });

    const [head] = await office.sql<{ seq: string; hash: string }[]>`
      select last_seq::text as seq, last_hash as hash from chain_heads where fund_id = ${office.fundId}`;
    const chain = readFileSync(join(folder, 'chain-head.txt'), 'utf8');
    expect(chain).toContain(`seq: ${head?.seq ?? '?'}\n`);
    expect(chain).toContain(`hash: ${head?.hash ?? '?'}\n`);

    // The payment's voucher is a page of its own, its memo escaped.
    const [entry] = await office.sql<{ seq: string }[]>`
      select seq::text as seq from entries where fund_id = ${office.fundId} and memo like ${`%审计 ${office.run}%`}`;
    const voucher = readFileSync(join(folder, 'vouchers', `记字第${entry?.seq ?? '?'}号.html`), 'utf8');
    expect(voucher).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(voucher).not.toContain('<b>&</b>');
    expect(readFileSync(join(folder, 'journal.csv'), 'utf8').startsWith('\uFEFF凭证号,日期,')).toBe(true);
  });

  it('refuses a committee member and an anonymous visitor, and a malformed period', async () => {
    expect((await office.get(`${PAGE}/package.zip?${PERIOD}`, committee.cookie)).status).toBe(403);
    expect((await office.get(PAGE, committee.cookie)).status).toBe(403);
    const anonymous = await office.get(`${PAGE}/package.zip?${PERIOD}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/);
    expect((await office.get(`${PAGE}/package.zip?from=2026-12-31&to=2026-01-01`, supervisor.cookie)).status).toBe(400);
  });

  it('sends a valid period from the page to the archive, and an invalid one back with its message', async () => {
    const valid = await office.get(`${PAGE}?${PERIOD}`, supervisor.cookie);
    expect(valid.status).toBe(303);
    expect(valid.headers.get('location')).toBe(`${PAGE}/package.zip?${PERIOD}`);
    const invalid = await office.get(`${PAGE}?from=2026-02-30&to=2026-03-01`, supervisor.cookie);
    expect(invalid.status).toBe(200);
    const html = await invalid.text();
    expect(html).toContain('请填写有效的起止日期，起始日期不能晚于截止日期。');
    expect(html).toContain('value="2026-02-30"');
  });
});

describe.skipIf(!chromiumPath)('the auditor’s package page, in a real browser', () => {
  const { pageOf } = office.browser();

  it('is linked from the office, fits a phone and passes axe', async () => {
    const page = await pageOf(supervisor);
    await page.goto(`/funds/${FUND}`);
    await page.getByRole('link', { name: '审计资料包（按期间下载）' }).click();
    await page.waitForURL(new RegExp(`${PAGE}$`));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('审计资料包');
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'audit-zh-phone');
    await page.getByLabel('起始日期').fill('2026-03-02');
    await page.getByLabel('截止日期').fill('2026-12-31');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载资料包（ZIP）' }).click();
    expect((await download).suggestedFilename()).toBe('桂花井社区共建基金-审计资料-2026-03-02至2026-12-31.zip');
  });

  it('fits a phone in elder mode', async () => {
    const page = await pageOf(supervisor, { elder: true });
    await page.goto(PAGE);
    expect(await page.getAttribute('html', 'class')).toContain('elder-mode');
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
  });

  it('downloads without JavaScript', async () => {
    const page = await pageOf(supervisor, { javaScript: false });
    await page.goto(PAGE);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载资料包（ZIP）' }).click();
    expect((await download).suggestedFilename()).toMatch(
      /^桂花井社区共建基金-审计资料-2026-01-01至\d{4}-\d{2}-\d{2}\.zip$/
    );
  });
});
