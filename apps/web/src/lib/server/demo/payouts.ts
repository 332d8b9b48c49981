import { payoutReleasable } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { demoActorIn } from './workflow';
import { loadProject, type ProjectRow } from '../projects/project-core';
import { figuresIn, requestPayoutIn } from '../projects/payouts';

/**
 * The demo's door repair: its administrator pays out what the households' money has released so
 * far (750.00 of the 1,500.00 match once 740.00 of 1,000.00 is raised, half held back until
 * acceptance) to the compound's committee, through the same use case as the page, under a fixed
 * key so that a re-run pays nothing twice. With nothing released yet (no self-raised money
 * recorded) there is nothing to pay, and the step adds nothing.
 */
export async function seedDemoPayouts(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const project = await demoDoorRepairIn(transaction, fundId);
  if (project === null) return;
  const key = 'demo-payout-door-repair-first';
  // A re-run finds the payout made; the amount it would ask for now may differ, so it is not asked.
  const [done] = await transaction`select 1 from payouts where fund_id = ${fundId} and create_key = ${key}`;
  if (done !== undefined) return;
  const actor = await demoActorIn(transaction, 'demo-admin');
  const { policy, figures } = await figuresIn(transaction, fundId, project);
  const { releasable } = payoutReleasable(policy, figures);
  if (!releasable.isPositive()) return;
  const paid = await requestPayoutIn(transaction, {
    actor,
    fundId,
    number: project.number,
    now,
    ip: null,
    amount: releasable,
    payeeKind: 'committee',
    payeeName: '',
    memo: '首期配套资金',
    key
  });
  if (!paid.ok) throw new Error(`demo seed: the first payout of #${project.number} was refused (${paid.code})`);
}

/**
 * The demo's project: 桂花井3号院's entrance-door repair (单元门禁维修, #6), which step 008 approved
 * and activated; found by its compound and title rather than its number, which depends on the
 * order of the earlier steps. Null when it is not a project that can still pay or spend.
 */
export async function demoDoorRepairIn(transaction: Transaction, fundId: string): Promise<ProjectRow | null> {
  const [row] = await transaction<{ number: number }[]>`
    select a.number from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${fundId} and c.code = 'c-guihua-3' and a.title = '单元门禁维修'
     order by a.number desc limit 1`;
  if (row === undefined) return null;
  const project = await loadProject(transaction, { fundId, number: row.number, lock: false });
  return project !== null && (project.status === 'active' || project.status === 'accepted') ? project : null;
}
