import { chinaDateOf } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { loadProject, type ProjectRow } from '../projects/project-core';
import { Refusal } from '../platform/command';
import { type RaiseMethod, recordIn } from '../projects/self-raising';

/**
 * The demo's self-raising on 桂花井3号院's entrance-door repair (the active grant step 008 made):
 * 18 of the compound's 25 households have paid, in unequal amounts, 740.00 of the 1,000.00 to
 * raise, recorded by the compound's committee through the same use case as the page. The rest is
 * left for a newcomer to record. Fixed keys keep a re-run from recording anything twice.
 */
export async function seedDemoSelfRaising(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const project = await demoProjectIn(transaction, fundId);
  const [committee] = await transaction<{ id: string }[]>`
    select m.user_id::text as id from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${fundId} and m.role = 'committee' and m.compound_id = ${project.compoundId}
     order by (u.login_name = 'demo-committee') desc, m.user_id limit 1`;
  const households = await transaction<{ id: string }[]>`
    select id::text as id from households where compound_id = ${project.compoundId}
     order by building, unit_no, room, id limit 18`;
  const amounts = ['50.00', '40.00', '40.00', '60.00', '30.00', '40.00', '50.00', '40.00', '20.00'];
  const methods: readonly RaiseMethod[] = ['cash', 'wechat', 'bank', 'cash', 'hand', 'wechat'];
  // The grant was approved on the day the seed runs, so the money comes in that day too.
  const date = chinaDateOf(now);
  for (const [index, household] of households.entries()) {
    await recordIn(transaction, {
      fundId,
      now,
      ip: null,
      project,
      actorUserId: committee?.id ?? null,
      checkDates: false,
      householdId: household.id,
      amount: amounts[index % amounts.length] ?? '40.00',
      date,
      method: methods[index % methods.length] ?? 'cash',
      receipt: null,
      idempotencyKey: `00000000-0000-4000-8000-0000000009${String(index).padStart(2, '0')}`
    }).catch((error: unknown) => {
      if (error instanceof Refusal)
        throw new Error(`demo seed: a self-raised payment was refused (${error.failure.code})`);
      throw error;
    });
  }
}

/**
 * The demo's project: 桂花井3号院's entrance-door repair (单元门禁维修), which step 008 approved and
 * activated. Found by its compound and title rather than its number, which depends on the order
 * of the earlier steps.
 */
export async function demoProjectIn(transaction: Transaction, fundId: string): Promise<ProjectRow> {
  const [row] = await transaction<{ number: number }[]>`
    select a.number from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${fundId} and c.code = 'c-guihua-3' and a.title = '单元门禁维修'
     order by a.number desc limit 1`;
  const project = row === undefined ? null : await loadProject(transaction, { fundId, number: row.number, lock: true });
  if (project === null) throw new Error('demo seed: the entrance-door repair is not a project');
  return project;
}
