import { GRANTED_STATES, Money, money, noticeIsRunning, chinaDateOf } from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import { runCommand } from '../platform/command';
import {
  OBJECTIONS_PER_FUND_RULE,
  OBJECTIONS_PER_PROJECT_RULE,
  addressBlock,
  countHits,
  lockedUntil,
  type CountedKey
} from '../auth/throttle';
import * as books from '../books';
import { yearsMissingFor } from '../fund/calendar';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor } from '../access/policy';
import {
  activateEndedNotices,
  applyTransition,
  decided,
  loadApplication,
  lockPool,
  type ApplicationRow
} from './review';

/**
 * The notice (公示) of an approved application: the public page residents read, the objections
 * (异议) anyone may file while it runs, and the fund administrator's decision on each. An upheld
 * objection sends the application back to the leaders: its hold on the pool is released, its
 * decision cleared and its revision raised, so the leaders vote again from scratch.
 */

export const OBJECTION_NAME_MAX = 40;
export const OBJECTION_CONTACT_MAX = 60;
export const OBJECTION_BODY_MAX = 2000;
export const OBJECTION_NOTE_MAX = 2000;
/** One contact may have this many objections open on one application; more is likely abuse. */
export const OPEN_OBJECTIONS_PER_CONTACT_MAX = 5;

/**
 * The states whose notice is public: on notice and in force by default; the printable notice of
 * the public site also reprints it for a project that went on to be accepted or closed.
 */
export type PublicNoticeStatus = (typeof GRANTED_STATES)[number];

export interface PublicNotice {
  number: number;
  title: string;
  description: string;
  location: string;
  compoundName: string;
  status: PublicNoticeStatus;
  budgetTotal: string;
  approvedAmount: string;
  approvedRatio: string | null;
  selfRaised: string;
  noticeStartsOn: string;
  noticeEndsOn: string;
  /** The end date is a guess until the years below are in the working-day calendar. */
  noticeEndsProvisional: boolean;
  /** The years with no calendar that the notice runs into; empty when its end is certain. */
  noticeYearsMissing: number[];
  /** Whether objections are taken today. */
  open: boolean;
  decidedAt: Date | null;
  votes: { approve: number; reject: number; return: number };
  /** The units of the leaders who approved; never a person's name or contact. */
  approvingUnits: string[];
  objections: { open: number; decided: number };
  /** How each objection was decided, with the office's public reason (objectionOutcomesOf). */
  outcomes: ObjectionOutcomeView[];
}

/** One decided objection as the public reads it: never who filed it, how to reach them, or what they wrote. */
export interface ObjectionOutcomeView {
  outcome: 'dismissed' | 'upheld';
  /** The day it was decided, in China (YYYY-MM-DD). */
  decidedOn: string;
  publicReason: string;
}

/**
 * Every dismissed or upheld objection to an application, of all its revisions, oldest first:
 * an upheld objection of an earlier revision is part of the project's story. Spam is left out,
 * as from the public counts. Only the outcome, the day and the public reason are read, so the
 * objector's name and contact and the office's own note cannot reach a public page.
 */
export async function objectionOutcomesOf(
  sql: Sql | Transaction,
  applicationId: string
): Promise<ObjectionOutcomeView[]> {
  return sql<ObjectionOutcomeView[]>`
    select status as outcome, to_char((decided_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as "decidedOn",
           public_reason as "publicReason"
      from objections where application_id = ${applicationId} and status in ('dismissed', 'upheld')
     order by decided_at, id`;
}

/**
 * The public notice of an approved (or, after the notice, active) application, or null for any
 * other application: drafts and applications in review are not public.
 */
export async function publicNotice(
  sql: Sql,
  input: { fundId: string; number: number; today: string; statuses?: readonly PublicNoticeStatus[] }
): Promise<PublicNotice | null> {
  const statuses: readonly string[] = input.statuses ?? ['approved', 'active'];
  await activateEndedNotices(sql, { fundId: input.fundId, today: input.today });
  if (!Number.isSafeInteger(input.number) || input.number < 1 || input.number > 2_147_483_647) return null;
  const [row] = await sql<
    (Omit<
      PublicNotice,
      'votes' | 'approvingUnits' | 'objections' | 'open' | 'selfRaised' | 'noticeYearsMissing' | 'outcomes'
    > & {
      id: string;
      revision: number;
    })[]
  >`
    select a.id::text as id, a.revision, a.number, a.title, a.description, a.location, c.name as "compoundName",
           a.status, a.approved_amount::text as "approvedAmount", a.approved_ratio as "approvedRatio",
           to_char(a.notice_starts_on, 'YYYY-MM-DD') as "noticeStartsOn",
           to_char(a.notice_ends_on, 'YYYY-MM-DD') as "noticeEndsOn", a.decided_at as "decidedAt",
           a.notice_ends_provisional and a.status = 'approved' as "noticeEndsProvisional",
           (select coalesce(sum(b.amount), 0)::numeric(18, 2)::text from budget_lines b where b.application_id = a.id)
             as "budgetTotal"
      from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${input.fundId} and a.number = ${input.number} and a.status = any(${statuses}::text[])
       and a.notice_ends_on is not null and a.approved_amount is not null`;
  if (row === undefined) return null;
  const [votes, units, objections, yearsMissing, outcomes] = await Promise.all([
    sql<{ choice: 'approve' | 'reject' | 'return'; count: number }[]>`
      select choice, count(*)::int as count from votes
       where application_id = ${row.id} and revision = ${row.revision} group by choice`,
    sql<{ name: string }[]>`
      select distinct un.name from votes v join units un on un.id = v.unit_id
       where v.application_id = ${row.id} and v.revision = ${row.revision} and v.choice = 'approve'
       order by un.name`,
    // An objection marked as spam is not one a resident made; the public counts leave it out.
    sql<{ open: number; decided: number }[]>`
      select count(*) filter (where status = 'open')::int as open,
             count(*) filter (where status in ('dismissed', 'upheld'))::int as decided
        from objections where application_id = ${row.id} and revision = ${row.revision}`,
    row.noticeEndsProvisional
      ? yearsMissingFor(sql, { startsOn: row.noticeStartsOn, endsOn: row.noticeEndsOn })
      : Promise.resolve([]),
    objectionOutcomesOf(sql, row.id)
  ]);
  const counts = { approve: 0, reject: 0, return: 0 };
  for (const vote of votes) counts[vote.choice] = vote.count;
  const { id: _id, revision: _revision, ...notice } = row;
  const selfRaised = money(row.budgetTotal).minus(money(row.approvedAmount));
  return {
    ...notice,
    selfRaised: (selfRaised.isNegative() ? Money.zero() : selfRaised).toString(),
    noticeYearsMissing: yearsMissing,
    open:
      row.status === 'approved' &&
      noticeIsRunning({
        today: input.today,
        noticeStartsOn: row.noticeStartsOn,
        noticeEndsOn: row.noticeEndsOn,
        noticeEndCertain: !row.noticeEndsProvisional
      }),
    votes: counts,
    approvingUnits: units.map((unit) => unit.name),
    objections: objections[0] ?? { open: 0, decided: 0 },
    outcomes
  };
}

export type FileObjectionCode =
  | 'application_not_found'
  | 'notice_is_not_open'
  | 'name_is_required'
  | 'contact_is_required'
  | 'body_is_required'
  | 'too_many_open_objections';

export type FileObjectionResult =
  | { ok: true; objectionId: string; replayed: boolean }
  | { ok: false; code: FileObjectionCode; field?: 'name' | 'contact' | 'body' }
  | { ok: false; code: 'objection_is_throttled'; retryAt: Date; field?: undefined };

/**
 * The throttle's keys for an objection from this address: on this project, and across the fund
 * (auth/throttle.ts has the rules). Without an address (an adapter that cannot tell) nothing is
 * counted: one shared key would let one person silence everyone.
 */
function objectionKeys(input: { fundId: string; applicationId: string; ip: string | null }): CountedKey[] {
  if (input.ip === null) return [];
  const block = addressBlock(input.ip);
  return [
    {
      key: `objection:${input.fundId}:${input.applicationId}:${block}`.slice(0, 120),
      rule: OBJECTIONS_PER_PROJECT_RULE
    },
    { key: `objection:${input.fundId}:${block}`.slice(0, 120), rule: OBJECTIONS_PER_FUND_RULE }
  ];
}

/** A throttled objection is refused and recorded (with its address) in the audit trail. */
async function objectionThrottled(
  transaction: Transaction,
  input: { fundId: string; applicationId: string; now: Date; ip: string | null; retryAt: Date }
): Promise<FileObjectionResult> {
  await recordEvent(transaction, {
    action: 'objection.throttled',
    outcome: 'denied',
    at: input.now,
    actorUserId: null,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: input.applicationId
  });
  return { ok: false, code: 'objection_is_throttled', retryAt: input.retryAt };
}

/**
 * Files an objection. Anyone may, without an account, while the notice is open. The same text
 * from the same contact while it is still open is one objection (a form sent twice).
 */
export async function fileObjection(
  sql: Sql,
  input: { fundId: string; number: number; name: string; contact: string; body: string; now: Date; ip: string | null }
): Promise<FileObjectionResult> {
  const name = input.name.trim();
  const contact = input.contact.trim();
  const body = input.body.trim();
  if (name === '' || name.length > OBJECTION_NAME_MAX) return { ok: false, code: 'name_is_required', field: 'name' };
  if (contact === '' || contact.length > OBJECTION_CONTACT_MAX) {
    return { ok: false, code: 'contact_is_required', field: 'contact' };
  }
  if (body === '' || body.length > OBJECTION_BODY_MAX) return { ok: false, code: 'body_is_required', field: 'body' };
  return sql.begin((transaction) =>
    fileObjectionIn(transaction, { ...input, name, contact, body })
  ) as Promise<FileObjectionResult>;
}

/** Files a checked objection inside a transaction the caller holds (the demo seed too). */
export async function fileObjectionIn(
  transaction: Transaction,
  input: { fundId: string; number: number; name: string; contact: string; body: string; now: Date; ip: string | null }
): Promise<FileObjectionResult> {
  const { name, contact, body } = input;
  const today = chinaDateOf(input.now);
  const application = await loadApplication(transaction, input.fundId, input.number, true);
  if (application === null) return { ok: false, code: 'application_not_found' };
  const noticeOpen =
    application.status === 'approved' &&
    application.noticeStartsOn !== null &&
    application.noticeEndsOn !== null &&
    noticeIsRunning({
      today,
      noticeStartsOn: application.noticeStartsOn,
      noticeEndsOn: application.noticeEndsOn,
      noticeEndCertain: !application.noticeEndsProvisional
    });
  if (!can({ kind: 'anonymous' }, 'objection.file', { fundId: input.fundId, noticeOpen }).allowed) {
    return { ok: false, code: 'notice_is_not_open' };
  }
  const [existing] = await transaction<{ id: string }[]>`
    select id::text as id from objections
     where application_id = ${application.id} and revision = ${application.revision} and status = 'open'
       and contact = ${contact} and body = ${body}`;
  if (existing !== undefined) return { ok: true, objectionId: existing.id, replayed: true };
  const counted = objectionKeys({ fundId: input.fundId, applicationId: application.id, ip: input.ip });
  const throttle = { fundId: input.fundId, applicationId: application.id, now: input.now, ip: input.ip };
  const locked = await lockedUntil(
    transaction,
    counted.map(({ key }) => key),
    input.now
  );
  if (locked !== null) return objectionThrottled(transaction, { ...throttle, retryAt: locked });
  const [open] = await transaction<{ count: number }[]>`
    select count(*)::int as count from objections
     where application_id = ${application.id} and status = 'open' and contact = ${contact}`;
  if ((open?.count ?? 0) >= OPEN_OBJECTIONS_PER_CONTACT_MAX) return { ok: false, code: 'too_many_open_objections' };
  // Counted only now, when the objection will be filed: a form sent twice, or one refused for
  // another reason, costs the address nothing.
  const over = await countHits(transaction, counted, input.now);
  if (over !== null) return objectionThrottled(transaction, { ...throttle, retryAt: over });
  const [row] = await transaction<{ id: string }[]>`
    insert into objections (fund_id, application_id, revision, filed_at, name, contact, body)
    values (${input.fundId}, ${application.id}, ${application.revision}, ${input.now}, ${name}, ${contact}, ${body})
    returning id::text as id`;
  if (row === undefined) throw new Error('objection insert returned no row');
  await recordEvent(transaction, {
    action: 'objection.filed',
    outcome: 'ok',
    at: input.now,
    actorUserId: null,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'objection',
    resourceId: row.id
  });
  // The fund administrators decide objections, so they hear of each one.
  await transaction`
    insert into notifications (fund_id, user_id, at, kind, application_id)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, 'objection.filed', ${application.id}::bigint
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and m.role = 'fund_admin' and u.status = 'active'`;
  return { ok: true, objectionId: row.id, replayed: false };
}

/**
 * The office's decisions on an objection. A dismissed or upheld objection was a resident's; one
 * marked as spam was not (a flood, an advertisement, abuse): like a dismissal it stops holding up
 * the grant, but public pages do not count it, and the trail keeps it as spam.
 */
export const OBJECTION_OUTCOMES = ['dismissed', 'upheld', 'spam'] as const;
export type ObjectionOutcome = (typeof OBJECTION_OUTCOMES)[number];

const OUTCOME_EVENTS = {
  dismissed: 'objection.dismissed',
  upheld: 'objection.upheld',
  spam: 'objection.marked_spam'
} as const satisfies Record<ObjectionOutcome, string>;

export type DecideObjectionCode =
  | 'objection_not_found'
  | 'objection_already_decided'
  | 'note_is_required'
  | 'public_reason_is_required'
  | 'transition_not_allowed';

/** The longest public reason the office may give (the database says the same). */
export const OBJECTION_PUBLIC_REASON_MAX = 500;

/**
 * A dismissal or an upholding is published with the office's reason, so it needs one; spam is not
 * counted in public, so it needs none (and whatever was typed for it is not kept).
 */
export function publicReasonFor(outcome: ObjectionOutcome, reason: string): string | null {
  if (outcome === 'spam') return '';
  const trimmed = reason.trim();
  return trimmed === '' || trimmed.length > OBJECTION_PUBLIC_REASON_MAX ? null : trimmed;
}

export type DecideObjectionResult =
  | { ok: true; replayed: boolean; applicationStatus: string }
  | { ok: false; code: 'not_allowed' }
  | { ok: false; code: DecideObjectionCode };

/**
 * The fund administrator's decision on an objection. Upholding it sends the application back to
 * review: the hold is released in the same transaction, the decision's figures and the notice
 * dates are cleared, and the revision goes up so the leaders vote again.
 */
export async function decideObjection(
  sql: Sql,
  input: {
    actor: Actor;
    fundId: string;
    objectionId: string;
    outcome: ObjectionOutcome;
    note: string;
    /** What the public pages show beside the outcome; never the objector's name or contact. */
    publicReason: string;
    now: Date;
    ip: string | null;
  }
): Promise<DecideObjectionResult> {
  if (!can(input.actor, 'objection.decide', { fundId: input.fundId }).allowed)
    return { ok: false, code: 'not_allowed' };
  const note = input.note.trim();
  if (note === '' || note.length > OBJECTION_NOTE_MAX) return { ok: false, code: 'note_is_required' };
  const publicReason = publicReasonFor(input.outcome, input.publicReason);
  if (publicReason === null) return { ok: false, code: 'public_reason_is_required' };
  if (!/^[0-9]{1,18}$/.test(input.objectionId)) return { ok: false, code: 'objection_not_found' };
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<DecideObjectionResult, { ok: false; code: DecideObjectionCode }>(sql, (transaction) =>
    decideObjectionIn(transaction, { ...input, note, publicReason, actorUserId })
  );
}

/** The decision inside a transaction the caller holds, after the policy check (the demo seed too). */
export async function decideObjectionIn(
  transaction: Transaction,
  input: {
    fundId: string;
    objectionId: string;
    outcome: ObjectionOutcome;
    note: string;
    /** Checked by publicReasonFor; the database refuses a decision without one (GJ024). */
    publicReason: string;
    actorUserId: string | null;
    now: Date;
    ip: string | null;
  }
): Promise<DecideObjectionResult> {
  const { note, actorUserId } = input;
  await lockPool(transaction, input.fundId);
  const [target] = await transaction<{ number: number }[]>`
    select a.number from objections o join applications a on a.id = o.application_id
     where o.id = ${input.objectionId} and o.fund_id = ${input.fundId}`;
  if (target === undefined) return { ok: false, code: 'objection_not_found' };
  const application = await loadApplication(transaction, input.fundId, target.number, true);
  if (application === null) return { ok: false, code: 'objection_not_found' };
  const [objection] = await transaction<{ status: string; revision: number }[]>`
    select status, revision from objections where id = ${input.objectionId} for update`;
  if (objection === undefined) return { ok: false, code: 'objection_not_found' };
  if (objection.status !== 'open') {
    return objection.status === input.outcome
      ? { ok: true, replayed: true, applicationStatus: application.status }
      : { ok: false, code: 'objection_already_decided' };
  }
  await transaction`
    update objections set status = ${input.outcome}, outcome_note = ${note}, decided_by = ${actorUserId},
           decided_at = ${input.now}, public_reason = ${input.outcome === 'spam' ? '' : input.publicReason}
     where id = ${input.objectionId}`;
  await recordEvent(transaction, {
    action: OUTCOME_EVENTS[input.outcome],
    outcome: 'ok',
    at: input.now,
    actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'objection',
    resourceId: input.objectionId
  });
  if (input.outcome !== 'upheld' || objection.revision !== application.revision) {
    return { ok: true, replayed: false, applicationStatus: application.status };
  }
  await reopenReview(transaction, { ...input, application, actorUserId, note });
  return { ok: true, replayed: false, applicationStatus: 'in_review' };
}

async function reopenReview(
  transaction: Transaction,
  input: {
    fundId: string;
    application: ApplicationRow;
    actorUserId: string | null;
    note: string;
    now: Date;
    ip: string | null;
  }
): Promise<void> {
  const { application } = input;
  const decision = decided(application.status, { event: 'objection_upheld' });
  if (application.holdId !== null) {
    const released = await books.releaseIn(transaction, {
      fundId: input.fundId,
      command: { holdId: application.holdId },
      recordedAt: input.now.toISOString()
    });
    // A hold already released is what this step wants; anything else is a broken invariant.
    if (!released.ok && released.code !== 'hold_already_released') {
      throw new Error(`releasing hold ${application.holdId} failed: ${released.code}`);
    }
  }
  await applyTransition(transaction, {
    fundId: input.fundId,
    application,
    decision,
    actorUserId: input.actorUserId,
    now: input.now,
    ip: input.ip,
    comments: input.note
  });
  await transaction`
    update applications
       set approved_ratio = null, approved_amount = null, hold_id = null, decided_at = null,
           notice_starts_on = null, notice_ends_on = null, revision = revision + 1
     where id = ${application.id}`;
}

export interface OpenObjection {
  id: string;
  filedAt: Date;
  name: string;
  contact: string;
  body: string;
}

/** The open objections on an application's current decision, for the fund administrator only. */
export async function openObjections(
  sql: Sql,
  input: { actor: Actor; fundId: string; number: number }
): Promise<OpenObjection[] | null> {
  if (!can(input.actor, 'objection.decide', { fundId: input.fundId }).allowed) return null;
  return sql<OpenObjection[]>`
    select o.id::text as id, o.filed_at as "filedAt", o.name, o.contact, o.body
      from objections o join applications a on a.id = o.application_id and a.revision = o.revision
     where a.fund_id = ${input.fundId} and a.number = ${input.number} and o.status = 'open'
     order by o.id`;
}
