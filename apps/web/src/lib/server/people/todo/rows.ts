import type { Sql } from '../../db/client';
import type { ApplicationStatus } from '../../access/policy';

/*
 * What the to-do list reads of one fund: the state of its applications and books, never the
 * notifications table. Each read is one query by fund, on the tables' fund or application indexes.
 */

/** The states in which an application or project can still ask someone for something. */
export const LIVE_STATES: readonly ApplicationStatus[] = [
  'draft',
  'submitted',
  'in_review',
  'returned',
  'approved',
  'active',
  'accepted'
];

export interface ApplicationStateRow {
  id: string;
  number: number;
  title: string;
  status: ApplicationStatus;
  compoundId: string;
  compoundName: string;
  applicantUnitId: string | null;
  policyVersion: number | null;
  /** The notice's last day (YYYY-MM-DD) of an approved application, else null. */
  noticeEndsOn: string | null;
  /** When the application entered its present state. */
  since: Date;
  /** Whether the reader voted on the present revision. */
  voted: boolean;
  objectionsOpen: number;
  objectionsSince: Date | null;
  /** An acceptance check recorded and not yet confirmed: who recorded it, and when. */
  acceptanceRecordedBy: string | null;
  acceptanceRecordedAt: Date | null;
  /** Whether the households have paid less than the self-raising target so far. */
  raiseShort: boolean;
  evaluationCodesIssued: boolean;
}

/** A project whose acceptance check is recorded, with how many representatives signed it off. */
export interface SignoffCountRow {
  number: number;
  recordedAt: Date;
  given: number;
}

/** The fund's active or accepted projects with a recorded acceptance check, and their sign-offs. */
export async function signoffCounts(sql: Sql, fundId: string): Promise<SignoffCountRow[]> {
  return sql<SignoffCountRow[]>`
    select a.number, ac.recorded_at as "recordedAt",
           (select count(*)::int from acceptance_signoffs s where s.application_id = a.id) as given
      from applications a join acceptances ac on ac.application_id = a.id
     where a.fund_id = ${fundId} and a.status in ('active', 'accepted')
     order by a.number`;
}

/**
 * The fund's applications in a live state (or, with `compoundId`, every application of that
 * compound, finished ones too, for the compound's page), each with what its next step depends on.
 */
export async function applicationStates(
  sql: Sql,
  input: { fundId: string; userId: string; compoundId?: string }
): Promise<ApplicationStateRow[]> {
  const compoundId = input.compoundId ?? null;
  return sql<ApplicationStateRow[]>`
    select a.id::text as id, a.number, a.title, a.status, a.compound_id::text as "compoundId",
           c.name as "compoundName", a.applicant_unit_id::text as "applicantUnitId",
           a.policy_version as "policyVersion",
           case when a.status = 'approved' then to_char(a.notice_ends_on, 'YYYY-MM-DD') end as "noticeEndsOn",
           coalesce((select max(t.at) from application_transitions t
                      where t.application_id = a.id and t.to_status = a.status),
                    a.decided_at, a.submitted_at, a.updated_at) as since,
           exists (select 1 from votes v where v.application_id = a.id and v.revision = a.revision
                     and v.seat_user_id = ${input.userId}) as voted,
           o.open::int as "objectionsOpen", o.since as "objectionsSince",
           ac.recorded_by::text as "acceptanceRecordedBy", ac.recorded_at as "acceptanceRecordedAt",
           (select coalesce(sum(p.amount), 0) from self_raised_payments p where p.application_id = a.id)
             < coalesce(a.self_raise_target, 0) as "raiseShort",
           exists (select 1 from evaluation_codes e where e.application_id = a.id) as "evaluationCodesIssued"
      from applications a
      join compounds c on c.id = a.compound_id
      left join acceptances ac on ac.application_id = a.id and ac.confirmed_by is null
      cross join lateral (
        select count(*) as open, min(filed_at) as since from objections ob
         where ob.application_id = a.id and ob.revision = a.revision and ob.status = 'open') o
     where a.fund_id = ${input.fundId}
       and (${compoundId}::bigint is null or a.compound_id = ${compoundId}::bigint)
       and (${compoundId}::bigint is not null or a.status in ${sql(LIVE_STATES)})
     order by a.number`;
}

export interface WaitingPayoutRow {
  id: string;
  number: number;
  requestedBy: string;
  requestedAt: Date;
}

/** Payouts that wait for their second approver. */
export async function waitingPayouts(sql: Sql, fundId: string): Promise<WaitingPayoutRow[]> {
  return sql<WaitingPayoutRow[]>`
    select p.id::text as id, a.number, p.requested_by::text as "requestedBy", p.requested_at as "requestedAt"
      from payouts p join applications a on a.id = p.application_id
     where p.fund_id = ${fundId} and p.status = 'waiting'
     order by p.id`;
}

export interface UncheckedFilesRow {
  number: number;
  count: number;
  since: Date;
}

/**
 * Per project, its files (invoices, receipts, acceptance photos) not yet checked for personal
 * data, which therefore are not public yet; the links are those projectFilesIn follows.
 */
export async function uncheckedFiles(sql: Sql, fundId: string): Promise<UncheckedFilesRow[]> {
  return sql<UncheckedFilesRow[]>`
    select a.number, count(distinct x.sha256)::int as count, min(f.uploaded_at) as since
      from (
        select application_id, attachment_sha256 as sha256 from expenses
         where fund_id = ${fundId} and attachment_sha256 is not null
        union all
        select application_id, receipt_sha256 from self_raised_payments
         where fund_id = ${fundId} and receipt_sha256 is not null
        union all
        select application_id, sha256 from acceptance_photos where fund_id = ${fundId}
      ) x
      join attachments f on f.fund_id = ${fundId} and f.sha256 = x.sha256 and f.checked_for_personal_data_at is null
      join applications a on a.id = x.application_id
     group by a.number
     order by a.number`;
}

export interface WaitingCorrectionRow {
  id: string;
  requestedBy: string;
  requestedAt: Date;
}

/** Corrections that wait for a second person's confirmation. */
export async function waitingCorrections(sql: Sql, fundId: string): Promise<WaitingCorrectionRow[]> {
  return sql<WaitingCorrectionRow[]>`
    select id::text as id, requested_by::text as "requestedBy", requested_at as "requestedAt"
      from corrections where fund_id = ${fundId} and status = 'waiting'
     order by id`;
}
