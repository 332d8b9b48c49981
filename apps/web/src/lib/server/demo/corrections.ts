import type { Transaction } from '../db/client';
import { requestCorrectionIn } from '../fund/corrections';
import { recordMoneyInIn } from '../fund/money-in';
import { Refusal } from '../platform/command';

/**
 * A correction in the demo fund (冲销): a unit's extra contribution was recorded against the wrong
 * unit (网格单位5 instead of 网格单位4); the administrator reverses it with the reason and records
 * it again against the right unit, through the same use cases as the pages. Below the policy's
 * four-eyes threshold the reversal posts at once. Fixed keys keep a re-run from doing anything twice.
 */
export async function seedDemoCorrection(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [admin] = await transaction<{ id: string }[]>`
    select u.id::text as id from users u join memberships m on m.user_id = u.id
     where m.fund_id = ${fundId} and m.role = 'fund_admin' order by u.id limit 1`;
  if (admin === undefined) throw new Error('demo seed: the demo fund has no administrator');
  const units = await transaction<{ id: string; code: string }[]>`
    select id::text as id, code from units where fund_id = ${fundId} and code in ('grid-04', 'grid-05')`;
  const unitId = (code: string) => units.find((unit) => unit.code === code)?.id ?? null;
  const payment = {
    fundId,
    now,
    ip: null,
    actorUserId: admin.id,
    checkToday: false,
    source: 'unit',
    date: '2026-06-25',
    amount: '1200.00',
    method: 'bank',
    memo: '下半年追加出资',
    payer: '',
    restricted: false,
    attachment: null
  } as const;
  try {
    const wrong = await recordMoneyInIn(transaction, {
      ...payment,
      unitId: unitId('grid-05'),
      idempotencyKey: 'demo-correction-wrong-unit'
    });
    const corrected = await requestCorrectionIn(transaction, {
      fundId,
      now,
      ip: null,
      requesterId: admin.id,
      seq: wrong.seq,
      reason: '记错出资单位：应为网格单位4，已按正确单位重新登记',
      date: '',
      key: 'demo-correction-reverse-wrong-unit'
    });
    if (!corrected.ok) throw new Error(`demo seed: the correction was refused (${corrected.code})`);
    await recordMoneyInIn(transaction, {
      ...payment,
      unitId: unitId('grid-04'),
      idempotencyKey: 'demo-correction-right-unit'
    });
  } catch (error) {
    if (error instanceof Refusal) throw new Error(`demo seed: the correction was refused (${error.failure.code})`);
    throw error;
  }
}
