import { revisionDiff, type RevisionDiff, type RevisionSide } from '@gongjian/ledger';
import type { Sql } from '../../db/client';
import { revisionSnapshot, type Snapshot } from '../applications';

/**
 * What changed since the previous submission, for the leaders who vote on a revised application:
 * the two revisions' snapshots, as application_revisions kept them, compared by the ledger's
 * revisionDiff. The first revision has nothing to compare with.
 */

/** The fields compared, in the order the page lists them; money fields hold decimal strings. */
export const REVISION_FIELDS = [
  'title',
  'category',
  'location',
  'description',
  'requestedRatio',
  'requestedRatioReason',
  'selfRaiseTarget',
  'householdsExpected',
  'total',
  'match',
  'meeting',
  'files'
] as const;
export type RevisionField = (typeof REVISION_FIELDS)[number];
export const REVISION_MONEY_FIELDS: readonly RevisionField[] = ['selfRaiseTarget', 'total', 'match'];

export interface RevisionChanges {
  from: number;
  to: number;
  diff: RevisionDiff;
}

/** A snapshot as the fields the diff compares, each as display text or null when empty. */
export function revisionSideOf(snapshot: Snapshot): RevisionSide {
  const meeting = snapshot.resolution;
  const fields: Record<RevisionField, string | null> = {
    title: snapshot.title,
    category: snapshot.category,
    location: snapshot.location,
    description: snapshot.description,
    requestedRatio: snapshot.requestedRatio,
    requestedRatioReason: snapshot.requestedRatioReason === '' ? null : snapshot.requestedRatioReason,
    selfRaiseTarget: snapshot.selfRaiseTarget,
    householdsExpected: snapshot.householdsExpected === null ? null : String(snapshot.householdsExpected),
    total: snapshot.total,
    match: snapshot.match.amount,
    meeting:
      meeting === null
        ? null
        : `${meeting.meetingDate} · ${meeting.householdsAgreeing}/${meeting.householdsPresent}/${meeting.householdsTotal}` +
          (meeting.minutesName === null ? '' : ` · ${meeting.minutesName}`),
    files: snapshot.files.length === 0 ? null : snapshot.files.map((file) => file.originalName).join('、')
  };
  return { fields, lines: snapshot.lines };
}

/** The changes from revision N-1 to revision N, or null for a first revision or a missing snapshot. */
export async function revisionChanges(
  sql: Sql,
  input: { applicationId: string; revision: number }
): Promise<RevisionChanges | null> {
  if (input.revision < 2) return null;
  const [before, after] = await Promise.all([
    revisionSnapshot(sql, { applicationId: input.applicationId, revision: input.revision - 1 }),
    revisionSnapshot(sql, { applicationId: input.applicationId, revision: input.revision })
  ]);
  if (before === null || after === null) return null;
  return {
    from: input.revision - 1,
    to: input.revision,
    diff: revisionDiff(revisionSideOf(before), revisionSideOf(after))
  };
}
