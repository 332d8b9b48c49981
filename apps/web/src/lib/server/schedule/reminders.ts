import { chinaDateOf, noticeObjectionsReminder, reminderIsDue, voteReminder, type Reminder } from '@gongjian/ledger';
import type { Sql } from '../db/client';
import { can, type ApplicationStatus } from '../access/policy';
import { refuse, runCommand, type Failure } from '../platform/command';
import { readerOf } from '../people/delivery/render';
import { voteEndsOn } from '../people/todo';
import type { ScheduleStep } from './step';

/**
 * Reminders, written as notifications (so the inbox shows them and the outbox sends them to each
 * confirmed address, people/delivery). A reminder goes once per recipient, subject and due day:
 * its row in schedule_reminders is inserted in the notification's transaction, and a second
 * process or a rerun finds the key taken and rolls its notification back. Who is reminded is the
 * policy's answer (`can`), as for every request; what the message asks is people/delivery/requests.ts's
 * (the kinds `reminder.vote` and `reminder.objections`).
 */

interface VoteCandidate {
  applicationId: string;
  fundId: string;
  revision: number;
  status: ApplicationStatus;
  compoundId: string;
  applicantUnitId: string | null;
  policyVersion: number | null;
  /** Null only for an application written straight into the tables, with no transition into review. */
  inReviewSince: Date | null;
  userId: string;
}

/** Leaders who have not voted on an application in review, reminded before the vote's last day. */
export const voteRemindersStep: ScheduleStep = {
  name: 'vote_reminders',
  days: 'working_days',
  async run(sql, context) {
    const candidates = await sql<VoteCandidate[]>`
      select distinct a.id::text as "applicationId", a.fund_id::text as "fundId", a.revision, a.status,
             a.compound_id::text as "compoundId", a.applicant_unit_id::text as "applicantUnitId",
             a.policy_version as "policyVersion", m.user_id::text as "userId",
             (select max(t.at) from application_transitions t
               where t.application_id = a.id and t.to_status = 'in_review') as "inReviewSince"
        from applications a
        join memberships m on m.fund_id = a.fund_id and m.role = 'leader'
        join users u on u.id = m.user_id and u.status = 'active'
       where a.status = 'in_review'
         and not exists (select 1 from votes v
                          where v.application_id = a.id and v.revision = a.revision and v.seat_user_id = m.user_id)
         and not exists (select 1 from schedule_reminders r
                          where r.user_id = m.user_id and r.subject = 'vote:' || a.id || ':r' || a.revision)`;
    const cache = { periods: new Map<number, number | null>(), calendar: { loaded: context.calendar } };
    let sent = 0;
    for (const row of candidates) {
      if (row.inReviewSince === null) continue;
      const reader = await readerOf(sql, row.userId);
      // A recused leader (the applicant's compound or unit) is not asked to vote.
      if (!can(reader, 'application.vote', { ...row, status: row.status }).allowed) continue;
      const endsOn = await voteEndsOn(sql, { ...row, inReviewSince: row.inReviewSince }, cache);
      const reminder = voteReminder(
        { inReviewOn: chinaDateOf(row.inReviewSince), voteEndsOn: endsOn },
        context.calendar
      );
      if (!reminderIsDue(reminder, context.today)) continue;
      const subject = `vote:${row.applicationId}:r${row.revision}`;
      if (await sendReminder(sql, { ...row, kind: 'reminder.vote', subject, reminder, now: context.now })) sent += 1;
    }
    return sent === 0 ? {} : { sent };
  }
};

interface ObjectionCandidate {
  applicationId: string;
  fundId: string;
  revision: number;
  noticeEndsOn: string;
  userId: string;
}

/** The fund office, the working day before a notice ends, of objections it has still to decide. */
export const objectionRemindersStep: ScheduleStep = {
  name: 'objection_reminders',
  days: 'working_days',
  async run(sql, context) {
    const candidates = await sql<ObjectionCandidate[]>`
      select distinct a.id::text as "applicationId", a.fund_id::text as "fundId", a.revision,
             to_char(a.notice_ends_on, 'YYYY-MM-DD') as "noticeEndsOn", m.user_id::text as "userId"
        from applications a
        join memberships m on m.fund_id = a.fund_id and m.role = 'fund_admin'
        join users u on u.id = m.user_id and u.status = 'active'
       where a.status = 'approved' and a.notice_ends_on is not null
         and exists (select 1 from objections o
                      where o.application_id = a.id and o.revision = a.revision and o.status = 'open')
         and not exists (select 1 from schedule_reminders r
                          where r.user_id = m.user_id and r.subject = 'objections:' || a.id || ':r' || a.revision)`;
    let sent = 0;
    for (const row of candidates) {
      const reader = await readerOf(sql, row.userId);
      if (!can(reader, 'objection.decide', { fundId: row.fundId }).allowed) continue;
      const reminder = noticeObjectionsReminder({ noticeEndsOn: row.noticeEndsOn }, context.calendar);
      if (!reminderIsDue(reminder, context.today)) continue;
      const subject = `objections:${row.applicationId}:r${row.revision}`;
      if (await sendReminder(sql, { ...row, kind: 'reminder.objections', subject, reminder, now: context.now })) {
        sent += 1;
      }
    }
    return sent === 0 ? {} : { sent };
  }
};

/**
 * Writes one reminder's notification and its key in one transaction; false (and nothing written)
 * when that recipient was already reminded of that subject for that due day.
 */
async function sendReminder(
  sql: Sql,
  input: {
    userId: string;
    fundId: string;
    applicationId: string;
    kind: 'reminder.vote' | 'reminder.objections';
    subject: string;
    reminder: Reminder;
    now: Date;
  }
): Promise<boolean> {
  const result = await runCommand<true, Failure<'reminder_was_already_sent'>>(sql, async (transaction) => {
    const [notification] = await transaction<{ id: string }[]>`
      insert into notifications (fund_id, user_id, at, kind, application_id)
      values (${input.fundId}, ${input.userId}, ${input.now}, ${input.kind}, ${input.applicationId})
      returning id::text as id`;
    // Another process holding the same key makes this insert wait for its commit, then skip.
    const claimed = await transaction`
      insert into schedule_reminders (user_id, subject, due_on, fund_id, notification_id, sent_at)
      values (${input.userId}, ${input.subject}, ${input.reminder.dueOn}, ${input.fundId}, ${notification?.id ?? null},
              ${input.now})
      on conflict do nothing
      returning user_id`;
    if (claimed.length === 0) refuse('reminder_was_already_sent');
    return true;
  });
  return result === true;
}
