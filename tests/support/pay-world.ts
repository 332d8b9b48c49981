import { money } from '@gongjian/ledger';
import * as books from '../../apps/web/src/lib/server/books';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import {
  loadProject,
  postVoucherIn,
  projectAccountsIn,
  projectKey
} from '../../apps/web/src/lib/server/projects/project-core';
import type { ActiveProject, World } from './review-world';

/*
 * What the payout and spending tests need of the parts other helpers build, written straight
 * into the tables the way those use cases leave them: the households' self-raised payments (one
 * entry each, Dr 1002.02.P-n / Cr 2209.P-n, with its row) and a confirmed acceptance check. The
 * payouts and expenses under test then read them as they would read the real thing.
 */

/**
 * The journey's 23 households paying 2,000.00 in unequal amounts: a pattern of eight amounts
 * repeated, the last household paying what makes up the total.
 */
export function journeyAmounts(): string[] {
  const pattern = ['100.00', '50.00', '80.00', '120.00', '60.00', '90.00', '70.00', '110.00'];
  const first = Array.from({ length: 22 }, (_, index) => pattern[index % pattern.length] ?? '0.00');
  const total = first.reduce((sum, amount) => sum.plus(money(amount)), money('0'));
  return [...first, money('2000.00').minus(total).toString()];
}

/** Each household (in order) pays the amount at its index; an amount of '' skips that household. */
export async function raiseDirectly(
  app: Sql,
  input: { world: World; project: ActiveProject; amounts: readonly string[]; recordedBy: string; now: Date }
): Promise<void> {
  const { world } = input;
  await books.transact(app, async (transaction) => {
    const project = await loadProject(transaction, { fundId: world.fundId, number: input.project.number, lock: true });
    if (project === null) throw new Error(`raiseDirectly: no project ${input.project.number}`);
    const accounts = await projectAccountsIn(transaction, world.fundId, project);
    for (const [index, amount] of input.amounts.entries()) {
      const household = input.project.households[index];
      if (amount === '' || household === undefined) continue;
      const key = `test-raise:${project.id}:${index}:${amount}`;
      const posted = await postVoucherIn(transaction, {
        fundId: world.fundId,
        key,
        now: input.now,
        posting: {
          kind: 'post',
          command: {
            date: '2026-03-01',
            memo: `自筹款 ${index + 1}`,
            postings: [
              { account: accounts.funds, side: 'debit', amount: money(amount) },
              { account: accounts.selfRaised, side: 'credit', amount: money(amount) }
            ]
          },
          references: { applicationId: projectKey(project) }
        }
      });
      if (!posted.ok) throw new Error(`raiseDirectly: ${posted.code}`);
      await transaction`
        insert into self_raised_payments (fund_id, application_id, household_id, amount, paid_on, method, entry_seq,
                                          recorded_by, recorded_at, create_key)
        values (${world.fundId}, ${project.id}, ${household}, ${amount}, '2026-03-01', 'cash', ${posted.seq},
                ${input.recordedBy}, ${input.now}, ${key})`;
    }
  });
}

/**
 * A confirmed acceptance check and the project moved to accepted, as the acceptance use case
 * leaves them, in one transaction of the owner that holds the project row's lock the way that use
 * case does; `whileLocked` runs after the lock is taken and before the rows are written.
 */
export async function acceptDirectly(
  owner: Sql,
  input: {
    world: World;
    project: ActiveProject;
    recordedBy: string;
    confirmedBy: string;
    now: Date;
    whileLocked?: () => Promise<void>;
  }
): Promise<void> {
  await owner.begin(async (transaction) => {
    await transaction`select 1 from applications where id = ${input.project.applicationId} for update`;
    await input.whileLocked?.();
    await transaction`
      insert into acceptances (application_id, fund_id, checked_on, note, recorded_by, recorded_at, confirmed_by,
                               confirmed_at)
      values (${input.project.applicationId}, ${input.world.fundId}, '2026-03-09', '验收合格', ${input.recordedBy},
              ${input.now}, ${input.confirmedBy}, ${input.now})`;
    await transaction`update applications set status = 'accepted' where id = ${input.project.applicationId}`;
  });
}
