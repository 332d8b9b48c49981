import type { Sql } from '../../db/client';
import type { Actor, Membership } from '../../access/policy';
import { m } from '../../../paraglide/messages';
import { inboxTarget, type InboxTarget } from '../inbox';
import { voteEndsOn } from '../todo';
import { askOf } from './requests';
import { askSentence, type Lang } from './texts';
import type { OutgoingMessage } from './senders';

/** One outbox row as the worker claimed it. */
export interface ClaimedRow {
  id: string;
  key: string;
  userId: string;
  notificationId: string | null;
  purpose: 'notification' | 'confirmation' | 'digest';
  channel: 'email' | 'webhook';
  address: string;
  lang: Lang;
  createdAt: Date;
  payload: Record<string, unknown> | null;
}

interface NotificationFacts {
  kind: string;
  fundId: string;
  fundSlug: string;
  fundNameZh: string;
  fundNameEn: string;
  applicationNumber: number | null;
  applicationTitle: string | null;
  applicationStatus: string | null;
  compoundId: string | null;
  applicantUnitId: string | null;
  noticeEndsOn: string | null;
  policyVersion: number | null;
  /** When the application went into review, while it is there. */
  inReviewSince: Date | null;
}

/** A page's path for each place a notification leads to. */
export function targetPath(target: InboxTarget, slug: string, number: number | null): string {
  const fund = `/funds/${encodeURIComponent(slug)}`;
  if (target === 'corrections') return `${fund}/corrections`;
  const n = String(number ?? '');
  const paths: Record<Exclude<InboxTarget, 'corrections'>, string> = {
    payouts: `${fund}/projects/${n}/payouts`,
    acceptance: `${fund}/projects/${n}/acceptance`,
    project: `${fund}/projects/${n}`,
    notice: `${fund}/notices/${n}`,
    review: `${fund}/review/${n}`,
    application: `${fund}/applications/${n}`
  };
  return paths[target];
}

/** A notification's reader as the policy sees them: their memberships (the scheduler's reminders ask it too). */
export async function readerOf(sql: Sql, userId: string): Promise<Actor> {
  const memberships = await sql<Membership[]>`
    select fund_id::text as "fundId", role, unit_id::text as "unitId", compound_id::text as "compoundId"
      from memberships where user_id = ${userId}`;
  return {
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships,
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

async function factsOf(sql: Sql, notificationId: string): Promise<NotificationFacts | null> {
  const [row] = await sql<NotificationFacts[]>`
    select n.kind, f.id::text as "fundId", f.slug as "fundSlug", f.name_zh as "fundNameZh", f.name_en as "fundNameEn",
           a.number as "applicationNumber", a.title as "applicationTitle", a.status as "applicationStatus",
           a.compound_id::text as "compoundId", a.applicant_unit_id::text as "applicantUnitId",
           case when a.status = 'approved' then to_char(a.notice_ends_on, 'YYYY-MM-DD') end as "noticeEndsOn",
           a.policy_version as "policyVersion",
           case when a.status = 'in_review' then (select max(t.at) from application_transitions t
                where t.application_id = a.id and t.to_status = 'in_review') end as "inReviewSince"
      from notifications n join funds f on f.id = n.fund_id left join applications a on a.id = n.application_id
     where n.id = ${notificationId}`;
  return row ?? null;
}

/** One notification for one reader: the sentence (a request or an information) and its link. */
export async function notificationLine(
  sql: Sql,
  input: { notificationId: string; userId: string; lang: Lang; origin: string }
): Promise<{ sentence: string; link: string | null } | null> {
  const facts = await factsOf(sql, input.notificationId);
  if (facts === null) return null;
  const reader = await readerOf(sql, input.userId);
  const ask = askOf({
    notificationKind: facts.kind,
    applicationStatus: facts.applicationStatus,
    noticeEndsOn: facts.noticeEndsOn,
    voteEndsOn:
      facts.inReviewSince === null
        ? null
        : await voteEndsOn(sql, {
            fundId: facts.fundId,
            policyVersion: facts.policyVersion,
            inReviewSince: facts.inReviewSince
          }),
    fundId: facts.fundId,
    compoundId: facts.compoundId,
    applicantUnitId: facts.applicantUnitId,
    actor: reader
  });
  const fund = input.lang === 'en' ? facts.fundNameEn : facts.fundNameZh;
  const subject =
    facts.applicationNumber === null
      ? m.notify_subject_correction({ fund }, { locale: input.lang })
      : m.notify_subject_application(
          { fund, number: String(facts.applicationNumber), title: facts.applicationTitle ?? '' },
          { locale: input.lang }
        );
  const target = inboxTarget(reader, { ...facts, id: input.notificationId, at: new Date(), read: false });
  const link = target === null ? null : input.origin + targetPath(target, facts.fundSlug, facts.applicationNumber);
  return { sentence: askSentence(ask, subject, input.lang), link };
}

/** The message one claimed row sends; null when what it was about is gone (it is then marked failed). */
export async function renderRow(sql: Sql, row: ClaimedRow, origin: string): Promise<OutgoingMessage | null> {
  const base = { key: row.key, channel: row.channel, to: row.address, lang: row.lang, at: row.createdAt };
  if (row.purpose === 'confirmation') {
    const code = typeof row.payload?.code === 'string' ? row.payload.code : null;
    const token = typeof row.payload?.token === 'string' ? row.payload.token : null;
    if (token !== null) {
      const link = `${origin}/account/notifications/confirm/${token}`;
      const text = m.notify_confirm_email_text({}, { locale: row.lang });
      return { ...base, subject: m.notify_confirm_subject({}, { locale: row.lang }), text, link };
    }
    if (code === null) return null;
    const text = m.notify_confirm_code_text({ code }, { locale: row.lang });
    return { ...base, subject: m.notify_confirm_subject({}, { locale: row.lang }), text, link: null };
  }
  if (row.purpose === 'digest') return renderDigest(sql, row, origin);
  if (row.notificationId === null) return null;
  const line = await notificationLine(sql, {
    notificationId: row.notificationId,
    userId: row.userId,
    lang: row.lang,
    origin
  });
  if (line === null) return null;
  const footer = m.notify_mail_footer({}, { locale: row.lang });
  return { ...base, subject: line.sentence, text: `${line.sentence}\n\n${footer}`, link: line.link };
}

async function renderDigest(sql: Sql, row: ClaimedRow, origin: string): Promise<OutgoingMessage | null> {
  const ids = Array.isArray(row.payload?.notificationIds) ? row.payload.notificationIds : [];
  const lines: string[] = [];
  for (const id of ids) {
    if (typeof id !== 'string') continue;
    const line = await notificationLine(sql, { notificationId: id, userId: row.userId, lang: row.lang, origin });
    if (line !== null) lines.push(line.link === null ? `- ${line.sentence}` : `- ${line.sentence}\n  ${line.link}`);
  }
  const subject = m.notify_digest_subject({ count: String(lines.length) }, { locale: row.lang });
  const text = [
    m.notify_digest_intro({}, { locale: row.lang }),
    '',
    ...lines,
    '',
    m.notify_mail_footer({}, { locale: row.lang })
  ];
  return {
    key: row.key,
    channel: row.channel,
    to: row.address,
    lang: row.lang,
    at: row.createdAt,
    subject,
    text: text.join('\n'),
    link: `${origin}/inbox`
  };
}
