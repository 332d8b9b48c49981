import { activateEndedNotices } from '../grants/review';
import type { ScheduleStep } from './step';

/**
 * A notice that has ended makes its grant active, with no page opened: the review's own rule and
 * use case (activateEndedNotices: the ledger's `notice_ended` transition, no open objection, no
 * provisional end), for every fund. It runs on working days, so a notice that ends on a Friday
 * makes its grant active at Monday's first run. The review queue and the notice page still call
 * it when opened.
 */
export const noticeEndStep: ScheduleStep = {
  name: 'notice_end',
  days: 'working_days',
  async run(sql, context) {
    const activated = await activateEndedNotices(sql, { today: context.today, now: context.now });
    return activated === 0 ? {} : { activated };
  }
};
