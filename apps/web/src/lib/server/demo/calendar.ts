import { dateAfterDays } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { activateEndedNoticeIn } from '../grants/review';

/**
 * The demo's shortcut to an active grant: instead of waiting out the notice it asks
 * activateEndedNoticeIn with a `today` the day after the notice ends. The demo is seeded on the
 * day the app first starts, so the notice may run into a year with no working-day calendar (the
 * demo leaves 2027 for the platform administrator to enter, since its official dates are not known
 * here), and a provisional end never activates a grant. For these grants alone, which the demo
 * needs active whatever day it is started on, the seed takes the provisional end as the true one;
 * the demo's grant on notice (#1) keeps its provisional end, so the office sees what to do.
 */
export async function demoNoticeEndedIn(
  transaction: Transaction,
  input: { fundId: string; number: number; now: Date; what: string }
): Promise<void> {
  const [notice] = await transaction<{ endsOn: string | null }[]>`
    update applications set notice_ends_provisional = false
     where fund_id = ${input.fundId} and number = ${input.number}
     returning to_char(notice_ends_on, 'YYYY-MM-DD') as "endsOn"`;
  if (notice?.endsOn === undefined || notice.endsOn === null) {
    throw new Error(`demo seed: ${input.what} has no notice`);
  }
  const today = dateAfterDays(notice.endsOn, 1);
  const { fundId, number, now } = input;
  const activated = await activateEndedNoticeIn(transaction, { fundId, number, now, today });
  if (!activated) throw new Error(`demo seed: ${input.what} did not become active`);
}
