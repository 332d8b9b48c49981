import { decideTransition, isDate, money, type Money, chinaDateOf } from '@gongjian/ledger';
import { storeAttachmentIn, type Upload } from '../platform/attachments';
import { recordEvent } from '../platform/audit';
import { runCommand } from '../platform/command';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor } from '../access/policy';
import { loadProject, projectRefOf, type ProjectRow } from './project-core';
import { applyTransition, loadApplication } from '../grants/review';

/*
 * The acceptance check (验收): the fund administrator records that the work was done, with the
 * day it was checked, a note, photos from before and after, and the project's total cost as the
 * check found it (验收核定总费用, which the final match is computed on); a leadership member who has no
 * stake in the compound confirms it, and only then is the project accepted (the ledger's
 * `accept` event, which needs two different people). Until it is confirmed, the administrator may
 * record it again (a corrected date or note, more photos); a confirmation names the version it
 * saw, so nobody confirms a record that changed under them. Photos are never taken away.
 */

export const ACCEPTANCE_NOTE_LENGTH_MAX = 2000;
/** Photos per kind (before, after): enough to show the work, few enough for one request. */
export const ACCEPTANCE_PHOTOS_PER_KIND_MAX = 6;
export const PHOTO_KINDS = ['before', 'after'] as const;
export type PhotoKind = (typeof PHOTO_KINDS)[number];

export interface AcceptancePhotoUpload {
  kind: PhotoKind;
  upload: Upload;
}

type Denied = { ok: false; code: 'not_allowed' };
type NotFound = { ok: false; code: 'project_not_found' };

interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

const userIdOf = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);

// ---------------------------------------------------------------------------------------------
// Recording the check

export type RecordAcceptanceCode =
  | 'acceptance_date_must_be_valid'
  | 'acceptance_date_must_not_be_in_the_future'
  | 'acceptance_note_must_be_short'
  | 'acceptance_cost_must_be_positive'
  | 'acceptance_photo_must_be_jpeg_or_png'
  | 'acceptance_photos_must_not_exceed_limit'
  | 'acceptance_needs_before_and_after_photos'
  | 'acceptance_before_and_after_photos_must_differ'
  | 'acceptance_is_confirmed'
  | 'project_is_not_active';

export type RecordAcceptanceResult =
  { ok: true; replayed: boolean } | Denied | NotFound | { ok: false; code: RecordAcceptanceCode };

export interface RecordAcceptanceInput extends Command {
  /** The day the work was checked on site, YYYY-MM-DD. */
  checkedOn: string;
  note: string;
  /**
   * The project's total cost as the check found it, invoices paid or not; null to let the final
   * match follow the expenses recorded.
   */
  costFinal: Money | null;
  photos: readonly AcceptancePhotoUpload[];
}

/** A real calendar day, not after today in China. */
function dateRefusal(date: string, now: Date): RecordAcceptanceCode | null {
  if (!isDate(date)) return 'acceptance_date_must_be_valid';
  return date > chinaDateOf(now) ? 'acceptance_date_must_not_be_in_the_future' : null;
}

/** What can be refused before the database is asked: the date, the note, the photos' types and count. */
function inputRefusal(input: RecordAcceptanceInput): RecordAcceptanceCode | null {
  const date = dateRefusal(input.checkedOn, input.now);
  if (date !== null) return date;
  if (input.note.length > ACCEPTANCE_NOTE_LENGTH_MAX) return 'acceptance_note_must_be_short';
  if (input.costFinal !== null && !input.costFinal.isPositive()) return 'acceptance_cost_must_be_positive';
  if (input.photos.some((photo) => photo.upload.mediaType === 'application/pdf')) {
    return 'acceptance_photo_must_be_jpeg_or_png';
  }
  // One photo cannot show the place both before and after the work; said as such, not as a
  // missing photo (the stored photos are keyed by content, so the second kind would be lost).
  const before = new Set(input.photos.filter((photo) => photo.kind === 'before').map((photo) => photo.upload.sha256));
  if (input.photos.some((photo) => photo.kind === 'after' && before.has(photo.upload.sha256))) {
    return 'acceptance_before_and_after_photos_must_differ';
  }
  for (const kind of PHOTO_KINDS) {
    if (input.photos.filter((photo) => photo.kind === kind).length > ACCEPTANCE_PHOTOS_PER_KIND_MAX) {
      return 'acceptance_photos_must_not_exceed_limit';
    }
  }
  return null;
}

interface AcceptanceRow {
  checkedOn: string;
  note: string;
  costFinal: string | null;
  recordedBy: string;
  recordedAt: Date;
  confirmedBy: string | null;
}

async function acceptanceRowIn(db: Sql | Transaction, applicationId: string): Promise<AcceptanceRow | null> {
  const [row] = await db<AcceptanceRow[]>`
    select to_char(checked_on, 'YYYY-MM-DD') as "checkedOn", note, cost_final::text as "costFinal",
           recorded_by::text as "recordedBy",
           recorded_at as "recordedAt", confirmed_by::text as "confirmedBy"
      from acceptances where application_id = ${applicationId}`;
  return row ?? null;
}

async function photoKindsIn(db: Sql | Transaction, applicationId: string): Promise<Map<string, PhotoKind>> {
  const rows = await db<{ sha256: string; kind: PhotoKind }[]>`
    select sha256, kind from acceptance_photos where application_id = ${applicationId}`;
  return new Map(rows.map((row) => [row.sha256, row.kind]));
}

/** Records (or, before its confirmation, records again) the acceptance check of an active project. */
export async function recordAcceptance(sql: Sql, input: RecordAcceptanceInput): Promise<RecordAcceptanceResult> {
  const refused = inputRefusal(input);
  if (refused !== null) return { ok: false, code: refused };
  return runCommand<RecordAcceptanceResult, Extract<RecordAcceptanceResult, { ok: false }>>(sql, (transaction) =>
    recordAcceptanceIn(transaction, input)
  );
}

export async function recordAcceptanceIn(
  transaction: Transaction,
  input: RecordAcceptanceInput
): Promise<RecordAcceptanceResult> {
  const refused = inputRefusal(input);
  if (refused !== null) return { ok: false, code: refused };
  const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
  if (project === null) return { ok: false, code: 'project_not_found' };
  const userId = userIdOf(input.actor);
  const existing = await acceptanceRowIn(transaction, project.id);
  const photos = await photoKindsIn(transaction, project.id);
  // The administrator's role is asked about first, as if the project were still active, so that
  // a form sent twice after the confirmation is a replay, and a late one says why it is too late.
  const asActive = projectRefOf(input.fundId, { ...project, status: 'active' });
  if (!can(input.actor, 'project.accept.record', asActive).allowed) return { ok: false, code: 'not_allowed' };
  // A form sent twice finds its own record, photos and all, and changes nothing.
  if (isSameRecord(existing, photos, input, userId)) return { ok: true, replayed: true };
  if (existing !== null && existing.confirmedBy !== null) return { ok: false, code: 'acceptance_is_confirmed' };
  if (!can(input.actor, 'project.accept.record', projectRefOf(input.fundId, project)).allowed) {
    return { ok: false, code: 'project_is_not_active' };
  }
  const photoRefusal = photosRefusal(photos, input.photos);
  if (photoRefusal !== null) return { ok: false, code: photoRefusal };
  await writeAcceptanceIn(transaction, { ...input, project, stored: photos, userId });
  await notifyConfirmers(transaction, { fundId: input.fundId, project, now: input.now, except: userId });
  return { ok: true, replayed: false };
}

/** Whether the form is the same as the record already written by this person, photos and all. */
function isSameRecord(
  existing: AcceptanceRow | null,
  photos: ReadonlyMap<string, PhotoKind>,
  input: RecordAcceptanceInput,
  userId: string | null
): boolean {
  return (
    existing !== null &&
    existing.recordedBy === userId &&
    existing.checkedOn === input.checkedOn &&
    existing.note === input.note.trim() &&
    (existing.costFinal === null ? null : money(existing.costFinal).toString()) ===
      (input.costFinal?.toString() ?? null) &&
    input.photos.every((photo) => photos.get(photo.upload.sha256) === photo.kind)
  );
}

/** The photos kept and added together: both kinds present, each within the limit. */
function photosRefusal(
  photos: ReadonlyMap<string, PhotoKind>,
  added: readonly AcceptancePhotoUpload[]
): RecordAcceptanceCode | null {
  // The same for a photo recorded earlier as the other kind.
  if (added.some((photo) => (photos.get(photo.upload.sha256) ?? photo.kind) !== photo.kind)) {
    return 'acceptance_before_and_after_photos_must_differ';
  }
  const kinds = new Map(photos);
  for (const photo of added) if (!kinds.has(photo.upload.sha256)) kinds.set(photo.upload.sha256, photo.kind);
  const counts = { before: 0, after: 0 };
  for (const kind of kinds.values()) counts[kind] += 1;
  if (counts.before === 0 || counts.after === 0) return 'acceptance_needs_before_and_after_photos';
  if (counts.before > ACCEPTANCE_PHOTOS_PER_KIND_MAX || counts.after > ACCEPTANCE_PHOTOS_PER_KIND_MAX) {
    return 'acceptance_photos_must_not_exceed_limit';
  }
  return null;
}

/** The record (again, until it is confirmed), the new photos with their files, and the audit event. */
async function writeAcceptanceIn(
  transaction: Transaction,
  input: RecordAcceptanceInput & { project: ProjectRow; stored: ReadonlyMap<string, PhotoKind>; userId: string | null }
): Promise<void> {
  const { project, stored, userId } = input;
  await transaction`
    insert into acceptances (application_id, fund_id, checked_on, note, cost_final, recorded_by, recorded_at)
    values (${project.id}, ${input.fundId}, ${input.checkedOn}, ${input.note.trim()},
            ${input.costFinal?.toString() ?? null}, ${userId}, ${input.now})
    on conflict (application_id) do update
       set checked_on = excluded.checked_on, note = excluded.note, cost_final = excluded.cost_final,
           recorded_by = excluded.recorded_by,
           recorded_at = excluded.recorded_at`;
  for (const photo of input.photos) {
    if (stored.has(photo.upload.sha256)) continue;
    await storeAttachmentIn(transaction, {
      fundId: input.fundId,
      upload: photo.upload,
      uploadedBy: userId,
      at: input.now
    });
    await transaction`
      insert into acceptance_photos (fund_id, application_id, sha256, kind, added_at)
      values (${input.fundId}, ${project.id}, ${photo.upload.sha256}, ${photo.kind}, ${input.now})
      on conflict (application_id, sha256) do nothing`;
  }
  await recordEvent(transaction, {
    action: 'acceptance.recorded',
    outcome: 'ok',
    at: input.now,
    actorUserId: userId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: project.id,
    detail: { applicationNumber: project.number, count: input.photos.length }
  });
}

/**
 * The leadership members who may confirm (everyone without a role in the compound or the
 * applicant unit) and the other administrators hear that a check waits for its confirmation.
 */
async function notifyConfirmers(
  transaction: Transaction,
  input: { fundId: string; project: ProjectRow; now: Date; except: string | null }
): Promise<void> {
  await transaction`
    insert into notifications (fund_id, user_id, at, kind, application_id)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, 'acceptance.recorded',
           ${input.project.id}::bigint
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and u.status = 'active' and m.role in ('leader', 'fund_admin')
       and m.user_id <> ${input.except ?? '0'}
       and not exists (
         select 1 from memberships c
          where c.fund_id = m.fund_id and c.user_id = m.user_id
            and (c.compound_id = ${input.project.compoundId}
                 or (${input.project.applicantUnitId}::bigint is not null
                     and c.unit_id = ${input.project.applicantUnitId}::bigint)))`;
}

// ---------------------------------------------------------------------------------------------
// Confirming it

export type ConfirmAcceptanceCode =
  | 'acceptance_is_not_recorded'
  | 'acceptance_is_confirmed'
  | 'acceptance_needs_two_people'
  | 'acceptance_has_changed'
  | 'confirmer_is_recused'
  | 'project_is_not_active'
  | 'transition_not_allowed';

export type ConfirmAcceptanceResult =
  { ok: true; replayed: boolean } | Denied | NotFound | { ok: false; code: ConfirmAcceptanceCode };

export interface ConfirmAcceptanceInput extends Command {
  /** When the record the confirmer read was written (its recordedAt, in milliseconds since 1970). */
  seen: string;
}

/** A leadership member confirms the recorded check: the project becomes accepted. */
export async function confirmAcceptance(sql: Sql, input: ConfirmAcceptanceInput): Promise<ConfirmAcceptanceResult> {
  return runCommand<ConfirmAcceptanceResult, Extract<ConfirmAcceptanceResult, { ok: false }>>(sql, (transaction) =>
    confirmAcceptanceIn(transaction, input)
  );
}

export async function confirmAcceptanceIn(
  transaction: Transaction,
  input: ConfirmAcceptanceInput
): Promise<ConfirmAcceptanceResult> {
  const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
  if (project === null) return { ok: false, code: 'project_not_found' };
  const userId = userIdOf(input.actor);
  const acceptance = await acceptanceRowIn(transaction, project.id);
  if (acceptance?.confirmedBy !== undefined && acceptance.confirmedBy !== null) {
    // The second press of the same button finds the project accepted by this very person.
    if (acceptance.confirmedBy === userId && project.status === 'accepted') return { ok: true, replayed: true };
    return { ok: false, code: 'acceptance_is_confirmed' };
  }
  const decision = can(input.actor, 'project.accept.confirm', projectRefOf(input.fundId, project));
  if (!decision.allowed) {
    if (decision.reason === 'conflict_of_interest') return { ok: false, code: 'confirmer_is_recused' };
    return { ok: false, code: decision.reason === 'state_does_not_allow_it' ? 'project_is_not_active' : 'not_allowed' };
  }
  if (acceptance === null) return { ok: false, code: 'acceptance_is_not_recorded' };
  if (userId === null || acceptance.recordedBy === userId) return { ok: false, code: 'acceptance_needs_two_people' };
  if (String(acceptance.recordedAt.getTime()) !== input.seen) return { ok: false, code: 'acceptance_has_changed' };
  const transition = decideTransition(project.status, {
    event: 'accept',
    recordedBy: acceptance.recordedBy,
    confirmedBy: userId
  });
  if (!transition.ok) {
    return {
      ok: false,
      code: transition.code === 'acceptance_needs_two_people' ? transition.code : 'transition_not_allowed'
    };
  }
  const application = await loadApplication(transaction, input.fundId, input.number, false);
  if (application === null) throw new Error(`acceptance: project ${input.number} vanished under its lock`);
  await transaction`
    update acceptances set confirmed_by = ${userId}, confirmed_at = ${input.now} where application_id = ${project.id}`;
  await applyTransition(transaction, {
    fundId: input.fundId,
    application,
    decision: { ...transition.value, event: 'accept' },
    actorUserId: userId,
    now: input.now,
    ip: input.ip,
    comments: ''
  });
  return { ok: true, replayed: false };
}

// ---------------------------------------------------------------------------------------------
// Reading it

export interface PersonLabel {
  /** The person's role in the fund (fund_admin, leader, committee, supervisor), or null. */
  role: string | null;
  /** The unit a leader sits for, or the compound a committee member serves. */
  placeName: string | null;
}

export interface AcceptancePhoto {
  sha256: string;
  kind: PhotoKind;
  mediaType: string;
}

export interface AcceptanceView {
  checkedOn: string;
  note: string;
  /** The total cost the check found, as a decimal string, or null when it stated none. */
  costFinal: string | null;
  recordedBy: PersonLabel;
  recordedById: string;
  recordedAt: Date;
  confirmedBy: PersonLabel | null;
  confirmedAt: Date | null;
  photos: AcceptancePhoto[];
}

/**
 * Who someone is in a fund, for pages that show the project to more than the office: a role and
 * a unit or compound, never a name or a phone number. Of several roles the one that acts for the
 * fund comes first.
 */
export async function personLabelsIn(
  db: Sql | Transaction,
  fundId: string,
  userIds: readonly string[]
): Promise<Map<string, PersonLabel>> {
  if (userIds.length === 0) return new Map();
  const rows = await db<{ userId: string; role: string; placeName: string | null }[]>`
    select distinct on (m.user_id) m.user_id::text as "userId", m.role, coalesce(un.name, c.name) as "placeName"
      from memberships m
      left join units un on un.id = m.unit_id
      left join compounds c on c.id = m.compound_id
     where m.fund_id = ${fundId} and m.user_id = any(${[...new Set(userIds)]}::bigint[])
     order by m.user_id, array_position(array['fund_admin', 'leader', 'supervisor', 'committee'], m.role), m.id`;
  return new Map(rows.map((row) => [row.userId, { role: row.role, placeName: row.placeName }]));
}

export async function acceptanceView(
  db: Sql | Transaction,
  input: { fundId: string; applicationId: string }
): Promise<AcceptanceView | null> {
  const [row] = await db<
    (Omit<AcceptanceView, 'recordedBy' | 'confirmedBy' | 'photos'> & { confirmedById: string | null })[]
  >`
    select to_char(checked_on, 'YYYY-MM-DD') as "checkedOn", note, cost_final::text as "costFinal",
           recorded_by::text as "recordedById",
           recorded_at as "recordedAt", confirmed_by::text as "confirmedById", confirmed_at as "confirmedAt"
      from acceptances where fund_id = ${input.fundId} and application_id = ${input.applicationId}`;
  if (row === undefined) return null;
  const photos = await db<AcceptancePhoto[]>`
    select p.sha256, p.kind, f.media_type as "mediaType"
      from acceptance_photos p join attachments f on f.fund_id = p.fund_id and f.sha256 = p.sha256
     where p.application_id = ${input.applicationId}
     order by p.kind desc, p.added_at, p.sha256`;
  const ids = [row.recordedById, ...(row.confirmedById === null ? [] : [row.confirmedById])];
  const labels = await personLabelsIn(db, input.fundId, ids);
  const unknown: PersonLabel = { role: null, placeName: null };
  const { confirmedById, ...rest } = row;
  return {
    ...rest,
    recordedBy: labels.get(row.recordedById) ?? unknown,
    confirmedBy: confirmedById === null ? null : (labels.get(confirmedById) ?? unknown),
    photos
  };
}

/** One acceptance photo of one project, for its readers; null when the file is not one of them. */
export async function findAcceptancePhoto(
  sql: Sql,
  input: { fundId: string; applicationId: string; sha256: string }
): Promise<{ sha256: string; mediaType: 'image/jpeg' | 'image/png'; originalName: string; content: Buffer } | null> {
  if (!/^[0-9a-f]{64}$/.test(input.sha256)) return null;
  const [row] = await sql<
    { sha256: string; mediaType: 'image/jpeg' | 'image/png'; originalName: string; content: Buffer }[]
  >`
    select f.sha256, f.media_type as "mediaType", f.original_name as "originalName", f.content
      from acceptance_photos p join attachments f on f.fund_id = p.fund_id and f.sha256 = p.sha256
     where p.fund_id = ${input.fundId} and p.application_id = ${input.applicationId} and p.sha256 = ${input.sha256}`;
  return row ?? null;
}
