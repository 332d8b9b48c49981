import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTACHMENT_BYTES_MAX,
  checkUpload,
  readUpload,
  type Upload
} from '../../apps/web/src/lib/server/platform/attachments';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import {
  MONEY_PAGE_SIZE,
  moneyInOverview,
  recordMoneyIn,
  recordPledge,
  type MoneyInInput,
  type MoneyInResult
} from '../../apps/web/src/lib/server/fund/money-in';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { voucherOf } from '../../apps/web/src/lib/server/fund/vouchers';
import { createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * Money in against a real PostgreSQL: each source is one balanced entry on the right accounts,
 * numbered as its voucher; a retried form records nothing twice; bad input is refused with a
 * code and leaves nothing behind; attachments are judged by their bytes.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundId = '';
let unitId = '';
let admin: Actor;
let leader: Actor;
let adminName = '';

/** Midday in China on 30 June 2026: "today" for the date rules. */
const NOW = new Date('2026-06-30T04:00:00.000Z');
let keyCounter = 0;

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

function upload(bytes: Uint8Array, name: string): Upload {
  const checked = checkUpload(bytes, name);
  if (!checked.ok || checked.upload === null) throw new Error(`test file ${name} was refused`);
  return checked.upload;
}

function payment(overrides: Partial<MoneyInInput> = {}): MoneyInInput {
  keyCounter += 1;
  return {
    source: 'unit',
    date: '2026-06-15',
    amount: '9090.91',
    method: 'bank',
    memo: '',
    unitId,
    payer: '',
    restricted: false,
    attachment: null,
    idempotencyKey: `00000000-0000-4000-8000-${String(keyCounter).padStart(12, '0')}`,
    ...overrides
  };
}

function record(input: MoneyInInput, actor: Actor = admin): Promise<MoneyInResult> {
  return recordMoneyIn(app, { actor, fundId, now: NOW, ip: null, ...input });
}

async function counts() {
  const [row] = await owner<{ entries: number; attachments: number; events: number; accounts: number }[]>`
    select (select count(*) from entries where fund_id = ${fundId})::int as entries,
           (select count(*) from attachments where fund_id = ${fundId})::int as attachments,
           (select count(*) from events where fund_id = ${fundId} and action = 'money.recorded')::int as events,
           (select count(*) from accounts where fund_id = ${fundId})::int as accounts`;
  if (row === undefined) throw new Error('no counts');
  return row;
}

async function postingsOf(seq: number) {
  return owner<{ account: string; side: string; amount: string }[]>`
    select account_code as account, side, amount::text as amount from postings
     where fund_id = ${fundId} and entry_seq = ${seq} order by line_no`;
}

function seqOf(result: MoneyInResult): number {
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.seq;
}

beforeAll(async () => {
  const database = await openPeopleDatabase('money_in');
  ({ owner, app, close } = database);
  fundId = await createTestFund(owner, 'money-in');
  await app.begin((transaction) => books.openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
  const [unit] = await owner<{ id: string }[]>`select id::text as id from units where fund_id = ${fundId}`;
  unitId = unit?.id ?? '';
  adminName = '出纳测试';
  const adminId = await createTestUser(owner, {
    loginName: 'money-admin',
    displayName: adminName,
    memberships: [{ fundSlug: 'money-in', role: 'fund_admin' }]
  });
  const leaderId = await createTestUser(owner, {
    loginName: 'money-leader',
    memberships: [{ fundSlug: 'money-in', role: 'leader', unitCode: 'unit-1' }]
  });
  const user = (userId: string, role: 'fund_admin' | 'leader'): Actor => ({
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships: [{ fundId, role, unitId: role === 'leader' ? unitId : null, compoundId: null }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  });
  admin = user(adminId, 'fund_admin');
  leader = user(leaderId, 'leader');
});

afterAll(async () => {
  await close();
});

describe('recording money in', () => {
  it('books each source as one balanced entry on its accounts, numbered as its voucher', async () => {
    const before = await counts();
    const unitSeq = seqOf(await record(payment()));
    const governmentSeq = seqOf(
      await record(
        payment({
          source: 'government',
          unitId: null,
          payer: '街道办',
          restricted: true,
          method: 'cash',
          amount: '20000'
        })
      )
    );
    const donationSeq = seqOf(
      await record(payment({ source: 'donation', unitId: null, payer: '爱心企业', amount: '3000.00' }))
    );
    const restrictedSeq = seqOf(
      await record(payment({ source: 'donation', unitId: null, payer: '爱心企业', restricted: true, amount: '1.5' }))
    );
    const interestSeq = seqOf(await record(payment({ source: 'interest', unitId: null, amount: '56.78' })));

    expect(await postingsOf(unitSeq)).toEqual([
      { account: '1002.01', side: 'debit', amount: '9090.91' },
      { account: '4101.01.U-unit-1', side: 'credit', amount: '9090.91' }
    ]);
    expect(await postingsOf(governmentSeq)).toEqual([
      { account: '1001', side: 'debit', amount: '20000.00' },
      { account: '4401.01', side: 'credit', amount: '20000.00' }
    ]);
    expect(await postingsOf(donationSeq)).toEqual([
      { account: '1002.01', side: 'debit', amount: '3000.00' },
      { account: '4101.02', side: 'credit', amount: '3000.00' }
    ]);
    expect((await postingsOf(restrictedSeq))[1]).toEqual({ account: '4101.01', side: 'credit', amount: '1.50' });
    expect(await postingsOf(interestSeq)).toEqual([
      { account: '1002.01', side: 'debit', amount: '56.78' },
      { account: '4601', side: 'credit', amount: '56.78' }
    ]);

    const seqs = [unitSeq, governmentSeq, donationSeq, restrictedSeq, interestSeq];
    expect(seqs).toEqual([1, 2, 3, 4, 5].map((n) => before.entries + n));
    const vouchers = await owner<{ seq: string; voucher_number: string; memo: string }[]>`
      select seq::text as seq, voucher_number, memo from entries
       where fund_id = ${fundId} and seq = any(${seqs.map(String)}::bigint[]) order by seq`;
    expect(vouchers.map((row) => row.voucher_number)).toEqual(seqs.map((seq) => `记字第${seq}号`));
    expect(vouchers[1]?.memo).toBe('政府补助·街道办');
    // The unit's sub-account was opened by its first payment; every entry left one event.
    const after = await counts();
    expect(after.accounts).toBe(before.accounts + 1);
    expect(after.events).toBe(before.events + 5);
    expect(await books.verifyBooks(owner)).toMatchObject({ ok: true });
  });

  it('returns the first entry when the same form is sent again, and refuses the key for other content', async () => {
    const input = payment({ amount: '100.00', attachment: upload(PNG, 'slip.png') });
    const first = await record(input);
    const before = await counts();
    const again = await record(input);
    expect(again).toEqual({ ok: true, seq: seqOf(first), replayed: true });
    expect(await counts()).toEqual(before);

    const changed = await record({ ...input, amount: '200.00' });
    expect(changed).toEqual({ ok: false, code: 'form_was_already_used_for_something_else' });
    expect(await counts()).toEqual(before);
  });

  it('refuses bad input with a code and writes nothing, not even the attachment', async () => {
    const before = await counts();
    const withFile = (overrides: Partial<MoneyInInput>) =>
      payment({ attachment: upload(PDF, `refused-${keyCounter}.pdf`), ...overrides });
    const cases: [Partial<MoneyInInput>, string][] = [
      [{ date: '2026-07-01' }, 'date_must_not_be_in_the_future'],
      [{ date: '2024-12-31' }, 'date_must_be_in_the_fiscal_year'],
      [{ date: '2026-02-30' }, 'date_must_be_valid'],
      [{ amount: '12.345' }, 'amount_must_have_at_most_two_decimals'],
      [{ amount: '0' }, 'amount_must_be_positive'],
      [{ amount: '0.00' }, 'amount_must_be_positive'],
      [{ amount: '-5.00' }, 'amount_must_be_positive'],
      [{ amount: '100000000.00' }, 'amount_must_not_exceed_limit'],
      [{ amount: '1e5' }, 'amount_must_be_a_number'],
      [{ memo: '长'.repeat(201) }, 'memo_must_be_short'],
      [{ source: 'donation', unitId: null, payer: '' }, 'payer_is_required'],
      [{ unitId: '987654321' }, 'unit_must_belong_to_fund']
    ];
    for (const [overrides, code] of cases) {
      expect(await record(withFile(overrides)), code).toEqual({ ok: false, code });
    }
    expect(await record(payment(), leader)).toEqual({ ok: false, code: 'not_allowed' });
    expect(await counts()).toEqual(before);
  });

  it('stores an attachment once per fund and records its hash in the entry', async () => {
    const slip = upload(PDF, 'bank slip.pdf');
    const first = seqOf(await record(payment({ amount: '10.00', attachment: slip })));
    const second = seqOf(await record(payment({ amount: '11.00', attachment: slip })));
    const rows = await owner<{ seq: string; attachment_hashes: string[] }[]>`
      select seq::text as seq, attachment_hashes from entries
       where fund_id = ${fundId} and seq in (${first}, ${second}) order by seq`;
    expect(rows.map((row) => row.attachment_hashes)).toEqual([[slip.sha256], [slip.sha256]]);
    const [stored] = await owner<{ count: number; media_type: string; original_name: string }[]>`
      select count(*)::int as count, min(media_type) as media_type, min(original_name) as original_name
        from attachments where fund_id = ${fundId} and sha256 = ${slip.sha256}`;
    expect(stored).toEqual({ count: 1, media_type: 'application/pdf', original_name: 'bank slip.pdf' });
  });
});

describe('attachments are judged by their bytes', () => {
  it('refuses HTML named .png, accepts a real PDF, PNG and JPEG, and refuses 10 MB + 1', async () => {
    const html = new TextEncoder().encode('<!doctype html><script>alert(1)</script>');
    expect(checkUpload(html, 'receipt.png')).toEqual({ ok: false, code: 'attachment_must_be_pdf_jpeg_or_png' });
    expect(await readUpload(new File([html], 'receipt.png', { type: 'image/png' }))).toEqual({
      ok: false,
      code: 'attachment_must_be_pdf_jpeg_or_png'
    });
    const pdf = await readUpload(new File([PDF], 'slip.bin', { type: 'application/octet-stream' }));
    expect(pdf.ok && pdf.upload?.mediaType).toBe('application/pdf');
    expect(checkUpload(PNG, 'a').ok && checkUpload(PNG, 'a')).toMatchObject({ upload: { mediaType: 'image/png' } });
    expect(checkUpload(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]), 'a.jpg')).toMatchObject({
      upload: { mediaType: 'image/jpeg' }
    });

    const tooLarge = new Uint8Array(ATTACHMENT_BYTES_MAX + 1);
    tooLarge.set(PDF.subarray(0, 5));
    expect(checkUpload(tooLarge, 'big.pdf')).toEqual({ ok: false, code: 'attachment_must_not_exceed_10_mb' });
    expect(await readUpload(new File([tooLarge], 'big.pdf'))).toEqual({
      ok: false,
      code: 'attachment_must_not_exceed_10_mb'
    });
    const largest = new Uint8Array(ATTACHMENT_BYTES_MAX);
    largest.set(PDF.subarray(0, 5));
    expect(checkUpload(largest, 'largest.pdf').ok).toBe(true);
    // An empty file input sends a nameless empty file: no attachment.
    expect(await readUpload(new File([], ''))).toEqual({ ok: true, upload: null });
  });
});

describe('the voucher', () => {
  it('shows the lines, the totals in 大写, the attachments and who prepared it', async () => {
    const seq = seqOf(
      await record(payment({ amount: '9090.91', memo: '第二期', attachment: upload(PNG, 'voucher.png') }))
    );
    const voucher = await voucherOf(app, { fundId, seq });
    expect(voucher).toMatchObject({
      seq,
      voucherNumber: `记字第${seq}号`,
      date: '2026-06-15',
      memo: '单位出资·测试单位：第二期',
      debitTotal: '9090.91',
      creditTotal: '9090.91',
      totalInWords: '人民币玖仟零玖拾元玖角壹分',
      preparer: adminName,
      reverses: false
    });
    expect(voucher?.attachmentHashes).toHaveLength(1);
    expect(voucher?.lines).toEqual([
      {
        accountCode: '1002.01',
        accountNameZh: expect.any(String) as string,
        accountNameEn: expect.any(String) as string,
        memo: null,
        debit: '9090.91',
        credit: ''
      },
      {
        accountCode: '4101.01.U-unit-1',
        accountNameZh: expect.any(String) as string,
        accountNameEn: expect.any(String) as string,
        memo: null,
        debit: '',
        credit: '9090.91'
      }
    ]);
    expect(await voucherOf(app, { fundId, seq: 999999 })).toBeNull();
  });
});

describe('pledges', () => {
  it('records a pledge, changes it by recording a new amount, and ignores the same amount twice', async () => {
    const pledge = (amount: string, actor: Actor = admin) =>
      recordPledge(app, { actor, fundId, now: NOW, ip: null, unitId, amount });
    expect(await pledge('9090.91')).toEqual({ ok: true, changed: true });
    expect(await pledge('9090.91')).toEqual({ ok: true, changed: false });
    expect(await pledge('10000')).toEqual({ ok: true, changed: true });
    expect(await pledge('0')).toEqual({ ok: false, code: 'amount_must_be_positive' });
    expect(await pledge('1.001')).toEqual({ ok: false, code: 'amount_must_have_at_most_two_decimals' });
    expect(await pledge('5', leader)).toEqual({ ok: false, code: 'not_allowed' });
    const rows = await owner<{ amount: string; fiscal_year: number }[]>`
      select amount::text as amount, fiscal_year from pledges where fund_id = ${fundId}`;
    expect(rows).toEqual([{ amount: '10000.00', fiscal_year: 2026 }]);
    const [events] = await owner<{ count: number }[]>`
      select count(*)::int as count from events where fund_id = ${fundId} and action = 'pledge.recorded'`;
    expect(events?.count).toBe(2);
  });
});

describe('the money page', () => {
  it('lists money in newest first, a page at a time, with each unit’s pledge and payments', async () => {
    const first = await moneyInOverview(app, { fundId, before: null });
    expect(first.fiscalYear).toBe(2026);
    const seqs = first.entries.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(first.entries.length).toBeLessThanOrEqual(MONEY_PAGE_SIZE);
    expect(first.entries.find((entry) => entry.memo === '政府补助·街道办')).toMatchObject({
      source: 'government',
      amount: '20000.00',
      attachmentsCount: 0
    });
    expect(first.entries[0]?.attachmentsCount).toBe(1);
    const older = await moneyInOverview(app, { fundId, before: seqs[1] ?? 0 });
    expect(older.entries[0]?.seq).toBe(seqs[2]);
    expect(first.units).toEqual([
      { id: unitId, name: '测试单位', pledged: '10000.00', paid: expect.any(String) as string }
    ]);
  });
});
