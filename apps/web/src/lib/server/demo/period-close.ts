import { chinaDateOf, monthEnd } from '@gongjian/ledger';
import type { Actor } from '../access/policy';
import type { Transaction } from '../db/client';
import { closeMonthIn } from '../fund/period-close';

/**
 * The demo: the fund's first administrator closes the last month that has fully ended and has
 * entries (the demo's dates are relative to the seeding day: its projects post today, its money in
 * and the expense's invoice on fixed days before). Everything up to that month's end is closed
 * with it, so the periods page shows a closed month with its closing vouchers and the month after
 * it as the open period. This step runs after every other demo step, so that all of them post
 * while the period is still open. Idempotent: a month already closed, or no ended month with
 * entries, closes nothing.
 */
export async function seedDemoPeriodClose(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const today = chinaDateOf(now);
  const [last] = await transaction<{ month: string | null; closedThrough: string | null }[]>`
    select to_char(max(effective_date), 'YYYY-MM') as month,
           (select to_char(max(period_end), 'YYYY-MM-DD') from period_closes
             where fund_id = ${fundId} and kind = 'month') as "closedThrough"
      from entries
     where fund_id = ${fundId} and effective_date < date_trunc('month', ${today}::date)`;
  if (last === undefined || last.month === null) return;
  if (last.closedThrough !== null && last.closedThrough >= monthEnd(last.month)) return;
  const [admin] = await transaction<{ userId: string }[]>`
    select user_id::text as "userId" from memberships
     where fund_id = ${fundId} and role = 'fund_admin' order by id limit 1`;
  if (admin === undefined) return;
  const actor: Actor = {
    kind: 'user',
    userId: admin.userId,
    platformAdmin: false,
    memberships: [{ fundId, role: 'fund_admin', unitId: null, compoundId: null }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
  const closed = await closeMonthIn(transaction, {
    actor,
    fundId,
    month: last.month,
    createKey: `demo-period-close-${last.month}`,
    now
  });
  if (!closed.ok) throw new Error(`demo: closing ${last.month} was refused: ${closed.code}`);
}
