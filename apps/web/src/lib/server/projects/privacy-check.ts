import { recordEvent } from '../platform/audit';
import { SHA256_HEX, findAttachment, type StoredAttachment } from '../platform/attachments';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor } from '../access/policy';
import { loadProject, projectRefOf } from './project-core';

/*
 * The check of a project's uploaded files for personal data (阳光公示): a receipt, an invoice or an
 * acceptance photo may show a household's full name, a phone number or an ID card, so it is public
 * only once a committee member of the project's compound or the fund administrator has looked at
 * it and said so. The check is recorded once, with who made it and when, and never undone or moved
 * to another person (the database refuses it, GJ017): a public file may already have been printed.
 */

/** Where a file is linked to a project: an expense's invoice, a household's receipt, an acceptance photo. */
export type ProjectFileKind = 'invoice' | 'receipt' | 'photo_before' | 'photo_after';

export interface ProjectFile {
  sha256: string;
  kind: ProjectFileKind;
  mediaType: 'application/pdf' | 'image/jpeg' | 'image/png';
  sizeBytes: number;
  /** The date of the expense, the payment or the photo. */
  date: string;
  checkedAt: Date | null;
}

/**
 * The files linked to one application, each once (a file linked twice keeps its first link), in
 * the order they were added. Each link is an index scan by application.
 */
export async function projectFilesIn(
  db: Sql | Transaction,
  input: { fundId: string; applicationId: string }
): Promise<ProjectFile[]> {
  const rows = await db<(ProjectFile & { sizeBytes: number })[]>`
    select distinct on (x.sha256) x.sha256, x.kind, f.media_type as "mediaType", f.size_bytes as "sizeBytes",
           x.date, f.checked_for_personal_data_at as "checkedAt"
      from (
        select e.attachment_sha256 as sha256, 'invoice' as kind, to_char(e.invoice_date, 'YYYY-MM-DD') as date,
               1 as source, e.id as position
          from expenses e where e.application_id = ${input.applicationId} and e.attachment_sha256 is not null
        union all
        select p.receipt_sha256, 'receipt', to_char(p.paid_on, 'YYYY-MM-DD'), 2, p.id
          from self_raised_payments p where p.application_id = ${input.applicationId} and p.receipt_sha256 is not null
        union all
        select ph.sha256, 'photo_' || ph.kind, to_char(ph.added_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'), 3, 0
          from acceptance_photos ph where ph.application_id = ${input.applicationId}
      ) x
      join attachments f on f.fund_id = ${input.fundId} and f.sha256 = x.sha256
     order by x.sha256, x.source, x.position`;
  const order: Record<ProjectFileKind, number> = { invoice: 0, receipt: 1, photo_before: 2, photo_after: 3 };
  return rows.sort((a, b) => order[a.kind] - order[b.kind] || a.date.localeCompare(b.date));
}

export type PrivacyCheckCode = 'not_allowed' | 'project_not_found' | 'attachment_is_not_in_project';

export type PrivacyCheckResult =
  { ok: true; replayed: boolean; checkedAt: Date } | { ok: false; code: PrivacyCheckCode };

/**
 * Marks one file of one project as checked for personal data, which publishes it on the project's
 * public page. One transaction: the project row, then the file's row, are locked; a file already
 * checked (the same button pressed twice, or two people at once) is a replay and changes nothing.
 */
export async function checkForPersonalData(
  sql: Sql,
  input: { actor: Actor; fundId: string; number: number; sha256: string; now: Date; ip: string | null }
): Promise<PrivacyCheckResult> {
  if (input.actor.kind !== 'user') return { ok: false, code: 'not_allowed' };
  const actorUserId = input.actor.userId;
  return sql.begin(async (transaction): Promise<PrivacyCheckResult> => {
    const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
    if (project === null) return { ok: false, code: 'project_not_found' };
    if (!can(input.actor, 'attachment.privacy_check', projectRefOf(input.fundId, project)).allowed) {
      return { ok: false, code: 'not_allowed' };
    }
    if (!SHA256_HEX.test(input.sha256)) return { ok: false, code: 'attachment_is_not_in_project' };
    const files = await projectFilesIn(transaction, { fundId: input.fundId, applicationId: project.id });
    if (!files.some((file) => file.sha256 === input.sha256)) return { ok: false, code: 'attachment_is_not_in_project' };
    const [row] = await transaction<{ checkedAt: Date | null }[]>`
      select checked_for_personal_data_at as "checkedAt" from attachments
       where fund_id = ${input.fundId} and sha256 = ${input.sha256} for update`;
    if (row === undefined) return { ok: false, code: 'attachment_is_not_in_project' };
    if (row.checkedAt !== null) return { ok: true, replayed: true, checkedAt: row.checkedAt };
    await transaction`
      update attachments set checked_for_personal_data_at = ${input.now}, checked_by = ${actorUserId}
       where fund_id = ${input.fundId} and sha256 = ${input.sha256}`;
    await recordEvent(transaction, {
      action: 'attachment.checked',
      outcome: 'ok',
      at: input.now,
      actorUserId,
      // The fund's last event is part of its public pages' stamp: the page that now shows the file
      // is rendered afresh.
      fundId: input.fundId,
      ip: input.ip,
      resourceType: 'attachment',
      resourceId: input.sha256,
      detail: { applicationNumber: project.number }
    });
    return { ok: true, replayed: false, checkedAt: input.now };
  }) as Promise<PrivacyCheckResult>;
}

/**
 * One file of one project, checked or not, for the project's readers to look at before they mark
 * it: null when the file is the fund's but not this project's, so that the fund's other evidence
 * cannot be reached through a project.
 */
export async function findProjectFile(
  sql: Sql,
  input: { fundId: string; applicationId: string; sha256: string }
): Promise<StoredAttachment | null> {
  if (!SHA256_HEX.test(input.sha256)) return null;
  const files = await projectFilesIn(sql, { fundId: input.fundId, applicationId: input.applicationId });
  if (!files.some((file) => file.sha256 === input.sha256)) return null;
  return findAttachment(sql, { fundId: input.fundId, sha256: input.sha256 });
}
