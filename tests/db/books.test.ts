import { Book, CHART_MINFEI_2026, money } from '@gongjian/ledger';
import { afterAll, describe, expect, inject, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { DEMO_GRID_UNITS } from '../../apps/web/src/lib/server/demo/books';
import { DEMO_FUND_SLUG, seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import {
  balancesOf,
  bookBalances,
  clientsFor,
  contribution,
  createFund,
  payout,
  poolAvailable
} from '../support/books';
import { createMigratedDatabase, dropDatabase } from '../support/postgres';

const adminUrl = inject('adminUrl');
const { owner, app } = clientsFor(inject('databaseUrl'));

afterAll(async () => {
  await Promise.all([owner.end(), app.end()]);
});

describe('the posting path', () => {
  it('posts a balanced entry: chain head, balances and verification follow', async () => {
    const fundId = await createFund(owner);
    const first = await books.post(app, { fundId, command: contribution('10000') });
    const second = await books.post(app, { fundId, command: payout('2500.50') });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect([first.value.seq, second.value.seq]).toEqual([1, 2]);
    expect(second.value.previousHash).toBe(first.value.hash);
    expect(await poolAvailable(app, fundId)).toBe('7499.50');
    const [head] = await app`select last_seq::text, last_hash from chain_heads where fund_id = ${fundId}`;
    expect(head).toEqual({ last_seq: '2', last_hash: second.value.hash });
    expect((await books.verifyBooks(owner)).findings).toEqual([]);
  });

  it('returns the ledger’s rejections as values, in its order, and writes nothing', async () => {
    const fundId = await createFund(owner);
    const unbalanced = {
      date: '2026-03-01',
      postings: [
        { account: '1002.01', side: 'debit' as const, amount: money('10') },
        { account: '4101.02', side: 'credit' as const, amount: money('9') }
      ]
    };
    expect(await books.post(app, { fundId, command: unbalanced })).toMatchObject({
      ok: false,
      code: 'entry_must_balance'
    });
    expect(await books.post(app, { fundId, command: payout('1') })).toMatchObject({
      ok: false,
      code: 'balance_must_not_go_negative'
    });
    expect(await books.post(app, { fundId: '999999999', command: payout('1') })).toMatchObject({
      ok: false,
      code: 'fund_not_found'
    });
    expect(await books.post(app, { fundId: 'x', command: payout('1') })).toMatchObject({ code: 'fund_not_found' });
    expect(await balancesOf(app, fundId)).toEqual([]);
  });

  it('books the worked example (hold, settle, release, reverse) exactly as the pure Book does', async () => {
    const fundId = await createFund(owner);
    const book = Book.create({ fundId, hash: books.sha256Native });
    const at = (minute: number) => `2026-03-01T09:${String(minute).padStart(2, '0')}:00.000Z`;
    const project = { code: '1002.02', cost: '5101' };
    const steps = [
      async (minute: number) => {
        const command = contribution('100000', 'capital');
        const entryId = crypto.randomUUID();
        return [
          await books.post(app, { fundId, command, recordedAt: at(minute), entryId }),
          book.post(command, { recordedAt: at(minute), entryId })
        ];
      },
      async (minute: number) => {
        const command = { holdId: 'barrier', account: '1002.01', amount: money('3000'), reference: 'barrier' };
        return [
          await books.hold(app, { fundId, command, recordedAt: at(minute) }),
          book.hold(command, { recordedAt: at(minute) })
        ];
      },
      async (minute: number) => {
        const command = {
          holdId: 'barrier',
          amount: money('2000'),
          entry: {
            date: '2026-03-10',
            memo: '拨付配套资金',
            idempotencyKey: 'payout-1',
            postings: [
              { account: project.code, side: 'debit' as const, amount: money('2000') },
              { account: '1002.01', side: 'credit' as const, amount: money('2000') }
            ]
          }
        };
        const entryId = crypto.randomUUID();
        return [
          await books.settle(app, { fundId, command, recordedAt: at(minute), entryId }),
          book.settle(command, { recordedAt: at(minute), entryId })
        ];
      },
      async (minute: number) => {
        const command = { holdId: 'barrier' };
        return [
          await books.release(app, { fundId, command, recordedAt: at(minute) }),
          book.release(command, { recordedAt: at(minute) })
        ];
      },
      async (minute: number) => {
        const original = book.entries()[1];
        if (original === undefined) throw new Error('the payout is missing');
        const command = { entryId: original.id, date: '2026-03-21', memo: '录入错误' };
        const entryId = crypto.randomUUID();
        return [
          await books.reverse(app, { fundId, command, recordedAt: at(minute), entryId }),
          book.reverse(command, { recordedAt: at(minute), entryId })
        ];
      }
    ];
    for (const [minute, step] of steps.entries()) {
      const [stored, pure] = await step(minute);
      expect(stored).toEqual(pure);
    }
    expect(await balancesOf(app, fundId)).toEqual(bookBalances(book));
    expect((await books.verifyBooks(owner)).ok).toBe(true);
  });

  it('posts a batch in one go, all or nothing, and a re-run writes only what is missing', async () => {
    const fundId = await createFund(owner);
    const commands = Array.from({ length: 500 }, (_, index) => contribution('1.01', `import-${index}`));
    const refused = await books.postBatch(app, { fundId, commands: [...commands, payout('1000000')] });
    expect(refused).toMatchObject({ ok: false, code: 'balance_must_not_go_negative', index: 500 });
    expect(await poolAvailable(app, fundId)).toBe('0.00');
    const half = await books.postBatch(app, { fundId, commands: commands.slice(0, 250) });
    const all = await books.postBatch(app, { fundId, commands });
    expect(half.ok && all.ok).toBe(true);
    if (!half.ok || !all.ok) return;
    expect(all.value.slice(0, 250)).toEqual(half.value);
    expect(all.value.map((entry) => entry.seq)).toEqual(Array.from({ length: 500 }, (_, index) => index + 1));
    expect(await poolAvailable(app, fundId)).toBe('505.00');
    expect((await books.verifyBooks(owner)).ok).toBe(true);
  });
});

describe('the demo seed', () => {
  it('gives guihuajing its chart and the eleven units’ start capital of 100,000.00, once', async () => {
    const database = await createMigratedDatabase(adminUrl, 'demo_books');
    const clients = clientsFor(database.url, 2);
    try {
      expect(await seedDemo(clients.app)).toEqual([
        '001_demo_fund',
        '002_demo_books',
        '003_demo_people',
        '004_demo_fund_office',
        '005_demo_money_in',
        '006_demo_applications',
        '007_demo_review',
        '008_demo_more_states',
        '009_demo_platform',
        '010_demo_projects',
        '011_demo_public',
        '012_demo_correction',
        '013_demo_bank',
        '015_demo_notifications',
        '016_demo_needs',
        '017_demo_resources',
        '018_demo_project_list',
        '019_demo_signoffs',
        '020_demo_regions',
        '014_demo_period_close'
      ]);
      expect(await seedDemo(clients.app)).toEqual([]);
      const [fund] = await clients.app<
        { id: string }[]
      >`select id::text as id from funds where slug = ${DEMO_FUND_SLUG}`;
      const fundId = fund?.id ?? '';
      const capital = await clients.app<{ code: string; credits: string }[]>`
        select account_code as code, credits_posted::text as credits from account_balances
        where fund_id = ${fundId} and account_code like '4101.01.U-%' order by account_code`;
      expect(capital.map((row) => row.code)).toEqual(DEMO_GRID_UNITS.map((unit) => `4101.01.U-${unit}`));
      // 012_demo_correction credits an extra 1,200.00 to grid-05 by mistake (then reversed by a
      // debit) and to grid-04, where it belonged.
      expect(capital.map((row) => row.credits)).toEqual([
        ...Array(3).fill('9090.91'),
        '10290.91',
        '10290.91',
        ...Array(5).fill('9090.91'),
        '9090.90'
      ]);
      // The start capital, and the demo money in of 005_demo_money_in (20,000.00 + 3,000.00 + 56.78),
      // less the 3,000.00 that 007_demo_review holds for approved application #1 and the 1,500.00
      // that 008_demo_more_states holds for the door repair (of which 010_demo_projects pays 750.00
      // out, which leaves what is available as it was), and less the 2,280.00 final match of the
      // project 010_demo_projects takes to its close (the rest of its hold went back to the pool),
      // and less the 3,600.00 held for the bicycle shed it leaves active.
      // and plus the 1,200.00 that 012_demo_correction records for grid-04 in the end; less the
      // 2,000.00 held for the garden that 018_demo_project_list approves, and the 2,280.00 held for
      // the two repairs that 019_demo_signoffs approves and accepts (no match paid yet).
      expect(await poolAvailable(clients.app, fundId)).toBe('109596.78');
      const accounts = await clients.app`select code from accounts where fund_id = ${fundId}`;
      // The chart, the eleven units' sub-accounts, and three of each of the two projects, and of
      // the two repairs of 019_demo_signoffs, whose residents' share is raised.
      expect(accounts.length).toBe(CHART_MINFEI_2026.accounts.length + 11 + 6 + 6);
      // 60 entries, the three of 012_demo_correction, the donated goods 017_demo_resources
      // recognises, the eight households' payments of 019_demo_signoffs (four per repair), and
      // the two closing entries of the month 014_demo_period_close closes.
      expect(await books.verifyBooks(clients.owner)).toMatchObject({ ok: true, entries: 74 });
      // Lifting the closed project's restriction never left 限定性净资产 with a debit balance.
      const netAssets = await clients.app<{ code: string; balance: string }[]>`
        select account_code as code, (credits_posted - debits_posted)::text as balance from account_balances
         where fund_id = ${fundId} and account_code in ('3101', '3102') order by account_code`;
      expect(netAssets.every((row) => !row.balance.startsWith('-'))).toBe(true);
    } finally {
      await Promise.all([clients.owner.end(), clients.app.end()]);
      await dropDatabase(adminUrl, database.name);
    }
  });
});
