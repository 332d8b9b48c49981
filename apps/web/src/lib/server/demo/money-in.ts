import { money } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { type MoneyInInput, recordMoneyInIn, recordPledgeIn } from '../fund/money-in';
import { Refusal } from '../platform/command';

/**
 * The demo fund's money in for 2026, recorded by its administrator through the same use case
 * as the page: each grid unit's pledge (the 100,000.00 start capital split by `allocate`, as
 * books/demo.ts booked the payments), then government support, a restricted donation and the
 * bank's interest. Fixed idempotency keys keep a re-run from recording anything twice.
 */
export async function seedDemoMoneyIn(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [admin] = await transaction<{ id: string }[]>`
    select u.id::text as id from users u join memberships m on m.user_id = u.id
     where m.fund_id = ${fundId} and m.role = 'fund_admin' order by u.id limit 1`;
  const actorUserId = admin?.id ?? null;
  const units = await transaction<{ id: string; code: string }[]>`
    select id::text as id, code from units where fund_id = ${fundId} and code like 'grid-%' order by code`;
  for (const [index, unit] of units.entries()) {
    const amount = money(index < 10 ? '9090.91' : '9090.90');
    const pledged = await recordPledgeIn(transaction, { fundId, now, ip: null, unitId: unit.id, amount, actorUserId });
    if (!pledged.ok) throw new Error(`demo seed: the pledge of ${unit.code} was refused (${pledged.code})`);
  }
  const common = { fundId, now, ip: null, actorUserId, checkToday: false, unitId: null, attachment: null } as const;
  const payments: (MoneyInInput & { key: string })[] = [
    {
      key: 'demo-government-2026-04',
      source: 'government',
      date: '2026-04-15',
      amount: '20000.00',
      method: 'bank',
      memo: '社区治理补助',
      payer: '街道办',
      restricted: false,
      unitId: null,
      attachment: null,
      idempotencyKey: ''
    },
    {
      key: 'demo-donation-2026-05',
      source: 'donation',
      date: '2026-05-20',
      amount: '3000.00',
      method: 'bank',
      memo: '定向支持小区微更新',
      payer: '爱心企业',
      restricted: true,
      unitId: null,
      attachment: null,
      idempotencyKey: ''
    },
    {
      key: 'demo-interest-2026-06',
      source: 'interest',
      date: '2026-06-21',
      amount: '56.78',
      method: 'bank',
      memo: '第二季度结息',
      payer: '',
      restricted: false,
      unitId: null,
      attachment: null,
      idempotencyKey: ''
    }
  ];
  for (const { key, ...payment } of payments) {
    try {
      await recordMoneyInIn(transaction, { ...common, ...payment, idempotencyKey: key });
    } catch (error) {
      if (error instanceof Refusal) throw new Error(`demo seed: ${key} was refused (${error.failure.code})`);
      throw error;
    }
  }
}
