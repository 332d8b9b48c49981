import { Money, money } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { projectMoneyIn } from '../projects/project-core';
import { demoDoorRepairIn } from './payouts';
import { demoActorIn } from './workflow';
import { recordExpenseIn } from '../projects/expenses';

/**
 * The demo's door repair (#6): its committee records the deposit for the access-control unit
 * (line 1) with the money received so far, up to 1,200.00 (720.00 of match and 480.00 of the
 * households' money at the 60% ratio), under a fixed key so that a re-run records nothing twice.
 * With no money in the project's account yet the step adds nothing.
 */
export async function seedDemoExpenses(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const project = await demoDoorRepairIn(transaction, fundId);
  if (project === null) return;
  const key = 'demo-expense-door-repair-deposit';
  // A re-run finds the deposit recorded; the amount it would take now may differ, so it is not asked.
  const [done] = await transaction`select 1 from expenses where fund_id = ${fundId} and create_key = ${key}`;
  if (done !== undefined) return;
  const spending = await projectMoneyIn(transaction, fundId, project);
  const available = spending.matchPaid
    .minus(spending.matchSpent)
    .plus(spending.selfRaisedReceived.minus(spending.selfRaisedSpent));
  const amount = Money.min(available, money('1200.00'));
  if (!amount.isPositive()) return;
  const actor = await demoActorIn(transaction, 'demo-committee');
  const recorded = await recordExpenseIn(transaction, {
    actor,
    fundId,
    number: project.number,
    now,
    ip: null,
    lineNo: 1,
    supplier: '安居门禁设备有限公司',
    invoiceNo: 'No.26110231',
    // A fixed day in the demo fund's fiscal year (2026), after the door repair's owners' meeting.
    invoiceDate: '2026-11-02',
    amount: amount.toString(),
    amountParsed: amount,
    attachment: null,
    key,
    checkToday: false
  });
  if (!recorded.ok) throw new Error(`demo seed: the deposit of #${project.number} was refused (${recorded.code})`);
}
