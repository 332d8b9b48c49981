import { CHART_MINFEI_2026, money } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { recordMoneyIn, recordPledge, type MoneyInInput } from '../../apps/web/src/lib/server/fund/money-in';
import {
  accountBalancesOf,
  accountLedgerOf,
  parseBooksPeriod,
  type AccountBalancesView,
  type BalanceView
} from '../../apps/web/src/lib/server/fund/account-books';
import {
  acknowledgementOf,
  contributorYearOf,
  parseStatementYear
} from '../../apps/web/src/lib/server/fund/contributors';
import { voucherOf } from '../../apps/web/src/lib/server/fund/vouchers';
import { createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * The account books and a unit's statement against a real PostgreSQL. The fund's January and
 * February, entered through the office's own use cases:
 *
 *   #1 2026-01-05 unit-1 pays 100.01 into the bank        1002.01 Dr 100.01 / 4101.01.U-unit-1 Cr
 *   #2 2026-01-20 unit-2 pays 0.01 into the bank          1002.01 Dr 0.01   / 4101.01.U-unit-2 Cr
 *   #3 2026-02-03 unit-1 pays 50.00 into the bank         1002.01 Dr 50.00  / 4101.01.U-unit-1 Cr
 *   #4 2026-02-10 #2 is reversed (冲销)                    4101.01.U-unit-2 Dr 0.01 / 1002.01 Cr
 *   #5 2026-02-27 0.01 of bank charges                    5201 Dr 0.01 / 1002.01 Cr 0.01
 *   #6 2026-02-28 0.03 cash from unit-2                   1001 Dr 0.03 / 4101.01.U-unit-2 Cr
 *
 * Every figure asserted below is worked out by hand from these six lines. A reversal carries the
 * references of the entry it reverses (decideReverse), so its voucher number is whatever its own
 * voucher page shows, which is what the books must show too.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundId = '';
let unit1 = '';
let unit2 = '';
let admin: Actor;
/** The voucher number of #4, the reversal, as its voucher page shows it. */
let reversalVoucher = '';

const NOW = new Date('2026-06-30T04:00:00.000Z');
let keys = 0;

function payment(unitId: string, date: string, amount: string, method: 'bank' | 'cash' = 'bank'): MoneyInInput {
  keys += 1;
  return {
    source: 'unit',
    date,
    amount,
    method,
    memo: '',
    unitId,
    payer: '',
    restricted: false,
    attachment: null,
    idempotencyKey: `00000000-0000-4000-8000-${String(keys).padStart(12, '0')}`
  };
}

async function pay(input: MoneyInInput): Promise<number> {
  const result = await recordMoneyIn(app, { actor: admin, fundId, now: NOW, ip: null, ...input });
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.seq;
}

const shown = (balance: BalanceView) =>
  `${balance.direction === 'debit' ? '借' : balance.direction === 'credit' ? '贷' : '平'} ${balance.amount}`;

function row(view: AccountBalancesView, code: string) {
  const found = view.rows.find((candidate) => candidate.code === code);
  if (found === undefined) throw new Error(`no row ${code}`);
  return `${shown(found.opening)} | ${found.debits} ${found.credits} | ${shown(found.closing)}`;
}

beforeAll(async () => {
  const database = await openPeopleDatabase('account_books');
  ({ owner, app, close } = database);
  fundId = await createTestFund(owner, 'account-books');
  await owner`insert into units (fund_id, code, name) values (${fundId}, 'unit-2', '第二单位')`;
  await app.begin((transaction) => books.openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
  const units = await owner<{ id: string; code: string }[]>`
    select id::text as id, code from units where fund_id = ${fundId} order by code`;
  unit1 = units.find((unit) => unit.code === 'unit-1')?.id ?? '';
  unit2 = units.find((unit) => unit.code === 'unit-2')?.id ?? '';
  const adminId = await createTestUser(owner, {
    loginName: 'books-admin',
    memberships: [{ fundSlug: 'account-books', role: 'fund_admin' }]
  });
  admin = {
    kind: 'user',
    userId: adminId,
    platformAdmin: false,
    memberships: [{ fundId, role: 'fund_admin', unitId: null, compoundId: null }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
  await pay(payment(unit1, '2026-01-05', '100.01'));
  const second = await pay(payment(unit2, '2026-01-20', '0.01'));
  await pay(payment(unit1, '2026-02-03', '50.00'));
  const [entry] = await owner<{ id: string }[]>`
    select id::text as id from entries where fund_id = ${fundId} and seq = ${second}`;
  const reversed = await books.reverse(app, {
    fundId,
    command: { entryId: entry?.id ?? '', date: '2026-02-10', memo: '录入错误' }
  });
  if (!reversed.ok) throw new Error(reversed.code);
  const charges = await books.post(app, {
    fundId,
    command: {
      date: '2026-02-27',
      memo: '银行手续费',
      postings: [
        { account: '5201', side: 'debit', amount: money('0.01') },
        { account: '1002.01', side: 'credit', amount: money('0.01') }
      ]
    }
  });
  if (!charges.ok) throw new Error(charges.code);
  await pay(payment(unit2, '2026-02-28', '0.03', 'cash'));
  reversalVoucher = (await voucherOf(app, { fundId, seq: 4 }))?.voucherNumber ?? '';
  const pledged = await recordPledge(app, { actor: admin, fundId, now: NOW, ip: null, unitId: unit1, amount: '200' });
  if (!pledged.ok) throw new Error(pledged.code);
});

afterAll(async () => {
  await close();
});

describe('the 科目余额表', () => {
  it('opens February with January and closes it with both months', async () => {
    const view = await accountBalancesOf(app, { fundId, from: '2026-02-01', to: '2026-02-28' });
    expect(row(view, '1002.01')).toBe('借 100.02 | 50.00 0.02 | 借 150.00');
    expect(row(view, '1001')).toBe('平 0.00 | 0.03 0.00 | 借 0.03');
    expect(row(view, '4101.01.U-unit-1')).toBe('贷 100.01 | 0.00 50.00 | 贷 150.01');
    expect(row(view, '4101.01.U-unit-2')).toBe('贷 0.01 | 0.01 0.03 | 贷 0.03');
    expect(row(view, '5201')).toBe('平 0.00 | 0.01 0.00 | 借 0.01');
  });

  it('rolls the sub-accounts up into their parents', async () => {
    const view = await accountBalancesOf(app, { fundId, from: '2026-02-01', to: '2026-02-28' });
    expect(row(view, '1002')).toBe(row(view, '1002.01'));
    expect(row(view, '4101.01')).toBe('贷 100.02 | 0.01 50.03 | 贷 150.04');
    expect(row(view, '4101')).toBe(row(view, '4101.01'));
    expect(view.rows.find((candidate) => candidate.code === '4101')?.hasChildren).toBe(true);
    // 1001 0.03 + 1002 150.00 + 5201 0.01 on the debit side; 4101 150.04 on the credit side.
    expect(view.totals).toEqual({
      opening: { debit: '100.02', credit: '100.02' },
      debits: '50.05',
      credits: '50.05',
      closing: { debit: '150.04', credit: '150.04' }
    });
  });

  it('shows January alone with nothing before it', async () => {
    const view = await accountBalancesOf(app, { fundId, from: '2026-01-01', to: '2026-01-31' });
    expect(row(view, '1002.01')).toBe('平 0.00 | 100.02 0.00 | 借 100.02');
    expect(view.rows.some((candidate) => candidate.code === '5201')).toBe(false);
  });
});

describe('the 明细账', () => {
  it('lists February with a running balance and voucher numbers, and totals the period and the year', async () => {
    const ledger = await accountLedgerOf(app, { fundId, code: '1002.01', from: '2026-02-01', to: '2026-02-28' });
    expect(ledger).not.toBeNull();
    expect(shown(ledger!.opening)).toBe('借 100.02');
    expect(
      ledger!.lines.map(
        (line) =>
          `${line.date} ${line.voucherNumber} ${line.debit} ${line.credit} ${shown(line.balance)} ${line.reversal}`
      )
    ).toEqual([
      '2026-02-03 记字第3号 50.00 0.00 借 150.02 false',
      `2026-02-10 ${reversalVoucher} 0.00 0.01 借 150.01 true`,
      '2026-02-27 记字第5号 0.00 0.01 借 150.00 false'
    ]);
    expect(ledger!.periodTotal).toEqual({
      debits: '50.00',
      credits: '0.02',
      balance: { direction: 'debit', amount: '150.00' }
    });
    expect(ledger!.yearTotal).toEqual({
      debits: '150.02',
      credits: '0.02',
      balance: { direction: 'debit', amount: '150.00' }
    });
  });

  it('agrees with the 科目余额表 for every account', async () => {
    const period = { from: '2026-02-01', to: '2026-02-28' };
    const view = await accountBalancesOf(app, { fundId, ...period });
    for (const balance of view.rows) {
      const ledger = await accountLedgerOf(app, { fundId, code: balance.code, ...period });
      expect([balance.code, shown(ledger!.opening), ledger!.periodTotal.debits, ledger!.periodTotal.credits]).toEqual([
        balance.code,
        shown(balance.opening),
        balance.debits,
        balance.credits
      ]);
      expect(shown(ledger!.periodTotal.balance)).toBe(shown(balance.closing));
    }
  });

  it('knows no account the fund does not have', async () => {
    expect(await accountLedgerOf(app, { fundId, code: '9999', from: '2026-01-01', to: '2026-12-31' })).toBeNull();
    expect(
      await accountLedgerOf(app, { fundId, code: "1002' or '1'='1", from: '2026-01-01', to: '2026-12-31' })
    ).toBeNull();
  });
});

describe('the period of a books page', () => {
  it('is this year so far by default, and refused with a code when a date cannot be read', () => {
    const today = '2026-06-30';
    expect(parseBooksPeriod(new URLSearchParams(), today)).toEqual({ ok: true, from: '2026-01-01', to: '2026-06-30' });
    expect(parseBooksPeriod(new URLSearchParams({ from: '2026-02-30' }), today)).toMatchObject({
      ok: false,
      code: 'from_is_not_a_date'
    });
    expect(parseBooksPeriod(new URLSearchParams({ from: '2026-03-01', to: '2026-02-01' }), today)).toMatchObject({
      ok: false,
      code: 'from_is_after_to'
    });
  });
});

describe("a unit's statement", () => {
  it('shows what unit-1 pledged, paid with voucher numbers, and still owes', async () => {
    const statement = await contributorYearOf(app, { fundId, unitId: unit1, year: 2026 });
    expect(statement).toMatchObject({ pledged: '200.00', paid: '150.01', owed: '49.99' });
    expect(statement!.payments.map((line) => `${line.date} ${line.voucherNumber} ${line.amount}`)).toEqual([
      '2026-01-05 记字第1号 100.01',
      '2026-02-03 记字第3号 50.00'
    ]);
  });

  it('nets a reversed payment out, and owes nothing without a pledge', async () => {
    const statement = await contributorYearOf(app, { fundId, unitId: unit2, year: 2026 });
    expect(statement).toMatchObject({ pledged: null, paid: '0.03', owed: '0.00' });
    expect(statement!.payments.map((line) => `${line.voucherNumber} ${line.amount} ${line.reversal}`)).toEqual([
      '记字第2号 0.01 false',
      `${reversalVoucher} -0.01 true`,
      '记字第6号 0.03 false'
    ]);
    // The lines add up to what the office's home page says the unit paid.
    const sum = statement!.payments.reduce((total, line) => total.plus(money(line.amount)), money('0'));
    expect(sum.toString()).toBe(statement!.paid);
  });

  it('is empty for a year without payments, and null for a unit of no fund', async () => {
    expect(await contributorYearOf(app, { fundId, unitId: unit1, year: 2025 })).toMatchObject({
      pledged: null,
      paid: '0.00',
      payments: []
    });
    expect(await contributorYearOf(app, { fundId, unitId: '987654321', year: 2026 })).toBeNull();
  });

  it('reads ?year= as four digits, the fiscal year by default', () => {
    expect(parseStatementYear(new URLSearchParams(), 2026)).toEqual({ ok: true, year: 2026 });
    expect(parseStatementYear(new URLSearchParams({ year: '2025' }), 2026)).toEqual({ ok: true, year: 2025 });
    expect(parseStatementYear(new URLSearchParams({ year: '20x5' }), 2026)).toMatchObject({ ok: false });
    expect(parseStatementYear(new URLSearchParams({ year: '1999' }), 2026)).toMatchObject({ ok: false });
  });
});

describe('the letter of thanks for one payment', () => {
  it('names the payment, its voucher and its amount in capitals', async () => {
    expect(await acknowledgementOf(app, { fundId, unitId: unit1, seq: 1 })).toMatchObject({
      seq: 1,
      date: '2026-01-05',
      amount: '100.01',
      words: '人民币壹佰元零壹分',
      voucherNumber: '记字第1号',
      reversedBy: null
    });
  });

  it('says when the payment was reversed', async () => {
    expect(await acknowledgementOf(app, { fundId, unitId: unit2, seq: 2 })).toMatchObject({
      reversedBy: reversalVoucher
    });
    expect(reversalVoucher).not.toBe('');
  });

  it("has none for a reversal, another unit's payment or an entry that is not a payment", async () => {
    expect(await acknowledgementOf(app, { fundId, unitId: unit2, seq: 4 })).toBeNull();
    expect(await acknowledgementOf(app, { fundId, unitId: unit1, seq: 2 })).toBeNull();
    expect(await acknowledgementOf(app, { fundId, unitId: unit1, seq: 5 })).toBeNull();
  });
});
