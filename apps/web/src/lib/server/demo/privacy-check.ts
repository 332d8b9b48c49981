import { GRANT_STATES } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { type ProjectFile, projectFilesIn } from '../projects/privacy-check';

/**
 * The demo: every file of the fund's projects is marked checked by the fund's first administrator,
 * except one invoice (or, without invoices, one file), so the demo shows both a published file and
 * one still waiting for its check. Idempotent: files already checked are left alone.
 */
export async function seedDemoPrivacyChecks(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [admin] = await transaction<{ userId: string }[]>`
    select user_id::text as "userId" from memberships
     where fund_id = ${fundId} and role = 'fund_admin' order by id limit 1`;
  if (admin === undefined) return;
  const applications = await transaction<{ id: string }[]>`
    select id::text as id from applications
     where fund_id = ${fundId} and status = any(${[...GRANT_STATES]}::text[])
     order by number`;
  const files: ProjectFile[] = [];
  for (const application of applications) {
    files.push(...(await projectFilesIn(transaction, { fundId, applicationId: application.id })));
  }
  const kept = files.find((file) => file.kind === 'invoice') ?? files[0];
  const hashes = [...new Set(files.map((file) => file.sha256))].filter((sha256) => sha256 !== kept?.sha256);
  if (hashes.length === 0) return;
  await transaction`
    update attachments set checked_for_personal_data_at = ${now}, checked_by = ${admin.userId}
     where fund_id = ${fundId} and sha256 = any(${hashes}::text[]) and checked_for_personal_data_at is null`;
}
