import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { baseUrl } from './browser';
import { fundFixture } from './fund-fixture';

/**
 * The journal's XLSX as an accountant opens it: downloaded from the public ledger in Chinese and
 * in English, opened in a real spreadsheet program (LibreOffice Calc, headless) and read back:
 * the headers in the reader's language, the day a real date cell, the amounts numbers, a unit by
 * its name, and a voucher number on every row (the demo's first entries' computed from seq).
 */

const fund = fundFixture({ prefix: 'ex', displayName: '导出', addressBlock: '10.116.6' });
const soffice = ['soffice', 'libreoffice'].find((name) => spawnSync(name, ['--version']).status === 0);
const directory = mkdtempSync(join(tmpdir(), 'gj-exports-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** UTF-8, comma, quote, from line 1, cells saved as shown (token 9), so a date reads as its format shows it. */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true';

/** Runs LibreOffice on one file; a fresh profile per run, so runs never share a lock. */
function convert(file: string, to: string, name: string): string {
  const outdir = join(directory, `${name}-out`);
  const result = spawnSync(
    soffice ?? 'soffice',
    [
      '--headless',
      '--norestore',
      `-env:UserInstallation=file://${join(directory, `${name}-profile`)}`,
      '--convert-to',
      to,
      '--outdir',
      outdir,
      file
    ],
    { encoding: 'utf8', timeout: 120_000 }
  );
  expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  return outdir;
}

async function downloaded(name: string, locale: 'zh-CN' | 'en'): Promise<string> {
  const response = await fetch(new URL(`/f/${fund.slug}/ledger.xlsx?to=2026-03-31`, baseUrl), {
    headers: { cookie: `gj_locale=${locale}` }
  });
  expect(response.status).toBe(200);
  const path = join(directory, `${name}.xlsx`);
  writeFileSync(path, new Uint8Array(await response.arrayBuffer()));
  return path;
}

describe.skipIf(soffice === undefined)('the journal in LibreOffice Calc', () => {
  // Both downloads come first, one after the other: LibreOffice takes seconds, long enough for
  // the server to close an idle keep-alive connection that the next fetch would try to reuse.
  const files = { zh: '', en: '' };
  beforeAll(async () => {
    files.zh = await downloaded('zh', 'zh-CN');
    files.en = await downloaded('en', 'en');
  });

  it(
    'reads back Chinese headers, date cells, numbers, unit names and every voucher number',
    { timeout: 240_000 },
    async () => {
      const file = files.zh;
      const csv = readFileSync(join(convert(file, CSV_FILTER, 'zh'), 'zh.csv'), 'utf8');
      const lines = parse(csv) as string[][];
      expect(lines[0]).toEqual([
        '凭证号',
        '日期',
        '分录序号',
        '摘要',
        '科目编码',
        '科目名称',
        '借方金额',
        '贷方金额',
        '冲销的分录',
        '分录标识',
        '哈希'
      ]);
      const rows = lines.slice(1);
      expect(rows.length).toBeGreaterThan(20);
      // Every row has its voucher number; the demo's start capital was posted without one.
      for (const row of rows) expect(row[0]).toMatch(/^\S+$/);
      expect(rows[0]?.[0]).toBe('记字第1号');
      expect(rows[0]?.[1]).toBe('2026-03-01');
      const [unit] = await fund.sql<{ name: string }[]>`
      select name from units where fund_id = ${fund.fundId} and code = 'grid-01'`;
      const unitRow = rows.find((row) => row[4] === '4101.01.U-grid-01');
      expect(unitRow?.[5]).toContain(unit?.name ?? '?');
      expect(unitRow?.[5]).not.toContain('U-grid-01');
      expect(unitRow?.[7]).toBe('9090.91');

      // The document itself says what each cell is: a date, a float, a string.
      const fods = readFileSync(join(convert(file, 'fods', 'zh-fods'), 'zh.fods'), 'utf8');
      expect(fods).toContain('office:value-type="date" office:date-value="2026-03-01"');
      expect(fods).toContain('office:value-type="float" office:value="9090.91"');
      expect(fods).not.toMatch(/office:value-type="string"[^>]*>\s*<text:p>2026-03-01</);
    }
  );

  it('reads back English headers for an English reader', { timeout: 240_000 }, async () => {
    const file = files.en;
    const csv = readFileSync(join(convert(file, CSV_FILTER, 'en'), 'en.csv'), 'utf8');
    const [header, first] = parse(csv) as string[][];
    expect(header).toEqual([
      'Voucher no.',
      'Date',
      'Entry no.',
      'Description',
      'Account code',
      'Account',
      'Debit',
      'Credit',
      'Reverses entry',
      'Entry ID',
      'Hash'
    ]);
    expect(first?.slice(0, 3)).toEqual(['记字第1号', '2026-03-01', '1']);
  });
});
