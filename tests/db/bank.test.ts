import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { recordMoneyIn, type MoneyInInput } from '../../apps/web/src/lib/server/fund/money-in';
import { addBankAccount } from '../../apps/web/src/lib/server/fund/bank/accounts';
import { importStatement, type ImportInput } from '../../apps/web/src/lib/server/fund/bank/import';
import { actOnLine } from '../../apps/web/src/lib/server/fund/bank/matching';
import { markReconciled, reconciliationAsOf } from '../../apps/web/src/lib/server/fund/bank/reconciliation';
import { BANK_FILE_BYTES_MAX, BANK_FILE_LINES_MAX } from '../../apps/web/src/lib/server/fund/bank/statement-file';
import { fundPage } from '../../apps/web/src/lib/server/public/fund-page';
import { createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * Bank reconciliation against a real PostgreSQL: statements in the shapes banks export them are
 * imported whole or not at all, twice adds nothing, lines are matched to the books within three
 * days, and the 余额调节表 agrees before a period may be marked reconciled.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundId = '';
let unitId = '';
let admin: Actor;
let bankAccountId = '';
const NOW = new Date('2026-06-30T04:00:00.000Z');
let keys = 0;

const HEADER = '交易日期,摘要,对方户名,借方发生额,贷方发生额,余额,流水号';
const TITLE = [
  '中国农业银行股份有限公司 账户交易明细',
  '账号：6228 **** 0001,户名：测试基金,,,,,',
  '起止日期：2026-06-01 至 2026-06-30'
];
const JUNE = [
  '2026-06-03,转账,网格单位一,,1000.00,1000.00,S1',
  '2026/06/12,捐款,城东小学,,"1,500.00",2500.00,S2',
  '2026-06-22,结息,,,12.30,2512.30,S3',
  '2026-06-25,手续费,,5.00,,2507.30,S4'
];
const BOM = Uint8Array.from([0xef, 0xbb, 0xbf]);

function utf8(lines: readonly string[], bom = true): Uint8Array {
  const text = new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
  return bom ? Uint8Array.from([...BOM, ...text]) : text;
}

function send(bytes: Uint8Array, fileName = 'statement.csv', mapping: ImportInput['mapping'] = {}) {
  return importStatement(app, { actor: admin, fundId, bankAccountId, bytes, fileName, mapping, now: NOW });
}

async function pay(date: string, amount: string, source: MoneyInInput['source'] = 'unit') {
  keys += 1;
  const result = await recordMoneyIn(app, {
    actor: admin,
    fundId,
    now: NOW,
    ip: null,
    source,
    date,
    amount,
    method: 'bank',
    memo: '',
    unitId: source === 'unit' ? unitId : null,
    payer: source === 'donation' ? '城东小学' : '',
    restricted: false,
    attachment: null,
    idempotencyKey: `00000000-0000-4000-8000-${String(keys).padStart(12, '0')}`
  });
  if (!result.ok) throw new Error(result.code);
  return result.seq;
}

async function counts() {
  const [row] = await owner<{ files: number; lines: number; matches: number }[]>`
    select (select count(*) from bank_files where fund_id = ${fundId})::int as files,
           (select count(*) from bank_lines where fund_id = ${fundId})::int as lines,
           (select count(*) from bank_matches where fund_id = ${fundId})::int as matches`;
  if (row === undefined) throw new Error('no counts');
  return row;
}

async function lineIdOf(serial: string): Promise<string> {
  const [row] = await owner<
    { id: string }[]
  >`select id::text from bank_lines where fund_id = ${fundId} and serial = ${serial}`;
  if (row === undefined) throw new Error(`no line ${serial}`);
  return row.id;
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('bank'));
  fundId = await createTestFund(owner, 'bank-test');
  await app.begin((transaction) => books.openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
  const [unit] = await owner<{ id: string }[]>`select id::text as id from units where fund_id = ${fundId}`;
  unitId = unit?.id ?? '';
  const adminId = await createTestUser(owner, {
    loginName: 'bank-admin',
    memberships: [{ fundSlug: 'bank-test', role: 'fund_admin' }]
  });
  admin = {
    kind: 'user',
    userId: adminId,
    platformAdmin: false,
    memberships: [{ fundId, role: 'fund_admin', unitId: null, compoundId: null }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
  await pay('2026-06-02', '1000.00');
  await pay('2026-06-10', '1500.00', 'donation');
  await pay('2026-06-20', '12.30', 'interest');
  const added = await addBankAccount(app, {
    actor: admin,
    fundId,
    name: '农行基本户',
    accountCode: '1002.01',
    now: NOW
  });
  if (!added.ok) throw new Error(added.code);
  bankAccountId = added.id;
});

afterAll(async () => {
  await close();
});

describe('importing a statement', () => {
  it('refuses each broken file with its own code, and imports none of it', async () => {
    const before = await counts();
    expect(await send(new Uint8Array(BANK_FILE_BYTES_MAX + 1).fill(0x41))).toEqual({
      ok: false,
      code: 'bank_file_must_not_exceed_10_mb'
    });
    const many = ['日期,金额,余额', ...Array.from({ length: BANK_FILE_LINES_MAX + 1 }, () => '2026-06-01,1,1')];
    expect(await send(utf8(many))).toMatchObject({ ok: false, code: 'bank_file_must_have_at_most_100000_lines' });
    const utf16 = Uint8Array.from(Buffer.from(`\ufeff${[HEADER, ...JUNE].join('\r\n')}`, 'utf16le'));
    expect(await send(utf16)).toEqual({ ok: false, code: 'bank_file_must_be_utf8_or_gbk' });
    expect(await send(utf8(['交易日期,摘要,借方发生额,贷方发生额', '2026-06-03,转账,,1000.00']))).toMatchObject({
      ok: false,
      code: 'bank_columns_are_missing',
      missing: ['balance']
    });
    const broken = [...JUNE.slice(0, 3), '2026-06-25,手续费,,5.00,,2500.00,S4'];
    expect(await send(utf8([...TITLE, HEADER, ...broken]))).toEqual({
      ok: false,
      code: 'bank_balance_must_follow_from_lines',
      row: TITLE.length + 5
    });
    expect(await send(utf8([HEADER, '2026-06-03,转账,网格单位一,,1千,1000.00,S1']))).toMatchObject({
      code: 'bank_amount_must_be_a_number',
      row: 2
    });
    expect(await counts()).toEqual(before);
    const [account] = await owner<
      { mapping: unknown }[]
    >`select mapping from bank_accounts where id = ${bankAccountId}`;
    expect(account?.mapping).toBeNull();
  });

  it('reads UTF-8 with a BOM and title lines, keeps the mapping, and matches within three days', async () => {
    const result = await send(utf8([...TITLE, HEADER, ...JUNE]));
    expect(result).toMatchObject({ ok: true, alreadyImported: false, linesTotal: 4, linesAdded: 4, matched: 3 });
    const [account] = await owner<{ mapping: Record<string, string> }[]>`
      select mapping from bank_accounts where id = ${bankAccountId}`;
    expect(account?.mapping).toMatchObject({
      date: '交易日期',
      debit: '借方发生额',
      credit: '贷方发生额',
      balance: '余额'
    });
    const unmatched = await owner<{ serial: string }[]>`
      select serial from bank_lines l where fund_id = ${fundId}
         and not exists (select 1 from bank_matches m where m.line_id = l.id)`;
    expect(unmatched.map((row) => row.serial)).toEqual(['S4']);
  });

  it('adds nothing for the same file twice, or for the same lines in GBK with one new line', async () => {
    const before = await counts();
    expect(await send(utf8([...TITLE, HEADER, ...JUNE]))).toMatchObject({
      ok: true,
      alreadyImported: true,
      linesAdded: 0
    });
    expect(await counts()).toEqual(before);
    await pay('2026-06-26', '80.00');
    const gbk = iconv.encode(
      `${[...TITLE, HEADER, ...JUNE, '2026-06-29,转账,网格单位一,,80.00,2587.30,S5'].join('\n')}\n`,
      'gbk'
    );
    expect(await send(Uint8Array.from(gbk), 'gbk.csv')).toMatchObject({
      ok: true,
      linesTotal: 5,
      linesAdded: 1,
      matched: 1
    });
    expect(await counts()).toEqual({ files: before.files + 1, lines: before.lines + 1, matches: before.matches + 1 });
  });

  it('reads an XLSX written by a spreadsheet, with date and number cells, and leaves a 4-day gap unmatched', async () => {
    await pay('2026-06-24', '66.00');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('明细');
    sheet.addRow(['中国农业银行 账户交易明细']);
    sheet.addRow([]);
    sheet.addRow(['交易日期', '摘要', '对方户名', '借方发生额', '贷方发生额', '余额', '流水号']);
    sheet.addRow([new Date(Date.UTC(2026, 5, 30)), '转账', '网格单位一', null, 66, 2653.3, 'S6']);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    expect(await send(bytes, 'june.xlsx')).toMatchObject({ ok: true, linesAdded: 1, matched: 0 });
    const [line] = await owner<{ date: string; amount: string; balance: string }[]>`
      select to_char(line_date, 'YYYY-MM-DD') as date, amount::text, balance::text from bank_lines where serial = 'S6'`;
    expect(line).toEqual({ date: '2026-06-30', amount: '66.00', balance: '2653.30' });
  });
});

describe('matching by hand, explaining and reconciling', () => {
  it('matches by hand only a posting that fits, and keeps each posting to one line', async () => {
    const line = await lineIdOf('S6');
    const act = (posting: string) =>
      actOnLine(app, { actor: admin, fundId, bankAccountId, lineId: line, now: NOW, kind: 'match', posting });
    const [posting] = await owner<{ key: string }[]>`
      select entry_seq || ':' || line_no as key from postings
       where fund_id = ${fundId} and account_code = '1002.01' and amount = 66`;
    const [matched] = await owner<{ key: string }[]>`
      select entry_seq || ':' || line_no as key from bank_matches limit 1`;
    expect(await act(matched?.key ?? '')).toEqual({ ok: false, code: 'bank_posting_is_already_matched' });
    expect(await act(posting?.key ?? '')).toEqual({ ok: true });
    expect(await act(posting?.key ?? '')).toEqual({ ok: true });
    // The database keeps a posting to one line, and a line to a posting that fits it.
    const fee = await lineIdOf('S4');
    await expect(owner`insert into bank_matches (line_id, fund_id, entry_seq, line_no, matched_by, matched_at)
      select ${fee}, ${fundId}, entry_seq, line_no, 'hand', now() from bank_matches
       where line_id = ${line}`).rejects.toMatchObject({ code: '23505' });
    await expect(owner`update bank_matches set line_id = ${fee} where line_id = ${line}`).rejects.toMatchObject({
      code: 'GJ021'
    });
  });

  it('refuses to mark a period until every line is accounted for and the 调节表 agrees', async () => {
    const mark = (date: string) => markReconciled(app, { actor: admin, fundId, bankAccountId, date, now: NOW });
    expect(await mark('2026-06-30')).toMatchObject({
      ok: false,
      code: 'bank_lines_must_be_matched_or_explained',
      lines: 1
    });
    const view = await reconciliationAsOf(app, { fundId, bankAccountId, date: '2026-06-30' });
    expect(view?.figures.bookBalance.toString()).toBe('2658.30');
    expect(view?.figures.bankBalance.toString()).toBe('2653.30');
    expect(view?.figures.bankPaidNotBooked.toString()).toBe('5.00');
    expect(view?.figures.agrees).toBe(true);
    const fee = await lineIdOf('S4');
    expect(
      await actOnLine(app, {
        actor: admin,
        fundId,
        bankAccountId,
        lineId: fee,
        now: NOW,
        kind: 'explain',
        note: '银行手续费，下月入账'
      })
    ).toEqual({ ok: true });
    expect(await mark('2026-07-31')).toEqual({ ok: false, code: 'bank_statement_does_not_reach_the_date' });
    expect(await mark('2026-06-30')).toEqual({ ok: true, replayed: false });
    expect(await mark('2026-06-30')).toEqual({ ok: true, replayed: true });
    expect((await fundPage(app, fundId, NOW))?.reconciledThrough).toBe('2026-06-30');
    expect(
      await actOnLine(app, { actor: admin, fundId, bankAccountId, lineId: fee, now: NOW, kind: 'unexplain' })
    ).toEqual({
      ok: false,
      code: 'bank_line_is_in_a_reconciled_period'
    });
    await expect(owner`delete from bank_explanations where line_id = ${fee}`).rejects.toMatchObject({ code: 'GJ021' });
  });

  it('shows items in transit across the date on both sides of the 调节表', async () => {
    const view = await reconciliationAsOf(app, { fundId, bankAccountId, date: '2026-06-27' });
    // The 66.00 booked on the 24th reached the bank on the 30th, and the 80.00 booked on the 26th
    // reached it on the 29th: both are booked, not yet in the bank, on the 27th.
    expect(view?.figures.bookReceivedNotInBank.toString()).toBe('146.00');
    expect(view?.bookOnly.map((item) => item.amount)).toEqual(['66.00', '80.00']);
    expect(view?.figures.agrees).toBe(true);
  });
});
