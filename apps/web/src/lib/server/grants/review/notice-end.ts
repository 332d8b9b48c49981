import { decideTransition } from '@gongjian/ledger';
import { runCommand } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import { applyTransition, loadApplication } from './transitions';

/** The end of the notice period: an approved application with no open objection becomes active. */

/**
 * Every approved application whose notice ended before `today` with no open objection becomes
 * active. Pages that show review state call it on load (the review queue, the notice page), so
 * that state is right without a scheduler; a scheduler may call it too, as it is idempotent.
 */
export async function activateEndedNotices(
  sql: Sql,
  input: { fundId?: string | null; today: string; now?: Date }
): Promise<number> {
  const now = input.now ?? new Date();
  const due = await sql<{ fundId: string; number: number }[]>`
    select a.fund_id::text as "fundId", a.number from applications a
     where a.status = 'approved' and a.notice_ends_on < ${input.today}::date and not a.notice_ends_provisional
       and (${input.fundId ?? null}::bigint is null or a.fund_id = ${input.fundId ?? null}::bigint)
       and not exists (select 1 from objections o where o.application_id = a.id and o.revision = a.revision
                         and o.status = 'open')`;
  let activated = 0;
  for (const item of due) {
    // Nothing here refuses: a notice not yet due is simply left as it is.
    const moved = await runCommand<boolean, never>(sql, (transaction) =>
      activateEndedNoticeIn(transaction, { fundId: item.fundId, number: item.number, today: input.today, now })
    );
    if (moved) activated += 1;
  }
  return activated;
}

/**
 * One approved application becomes active if its notice ended before `today` with no open
 * objection, inside a transaction the caller holds (activateEndedNotices, the demo seed); false
 * when it is not due, so calling it again changes nothing.
 */
export async function activateEndedNoticeIn(
  transaction: Transaction,
  input: { fundId: string; number: number; today: string; now: Date }
): Promise<boolean> {
  const application = await loadApplication(transaction, input.fundId, input.number, true);
  if (application === null || application.status !== 'approved' || application.noticeEndsOn === null) return false;
  const [open] = await transaction<{ count: number }[]>`
    select count(*)::int as count from objections
     where application_id = ${application.id} and revision = ${application.revision} and status = 'open'`;
  const decision = decideTransition(application.status, {
    event: 'notice_ended',
    today: input.today,
    noticeEndsOn: application.noticeEndsOn,
    noticeEndCertain: !application.noticeEndsProvisional,
    openObjections: open?.count ?? 0
  });
  if (!decision.ok) return false;
  await applyTransition(transaction, {
    fundId: input.fundId,
    application,
    decision: { ...decision.value, event: 'notice_ended' },
    actorUserId: null,
    now: input.now,
    ip: null,
    comments: ''
  });
  return true;
}
