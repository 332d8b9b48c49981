import { toCsv } from '@gongjian/ledger';
import { actionLabel, outcomeLabel, roleLabel } from '../../trail-texts';
import { m } from '../../paraglide/messages';
import type { Locale } from '../../paraglide/runtime';
import type { Sql } from '../db/client';
import { trailBatches, type TrailEntry, type TrailQuery } from './audit-trail';

/**
 * The filtered audit trail as CSV: UTF-8 with a byte-order mark (Excel reads Chinese by it), CRLF
 * line ends and the ledger's formula guard (toCsv), headed in the reader's language. It is written
 * a batch at a time while it is sent, so a million events never sit whole in memory; the labels
 * name the locale because the stream runs after the request's own scope has ended.
 */

export function trailCsvHeaders(locale: Locale): string[] {
  const options = { locale };
  return [
    m.trail_csv_id({}, options),
    m.trail_csv_when({}, options),
    m.trail_csv_who({}, options),
    m.trail_csv_role({}, options),
    m.trail_csv_action({}, options),
    m.trail_csv_action_code({}, options),
    m.trail_csv_type({}, options),
    m.trail_csv_resource({}, options),
    m.trail_csv_outcome({}, options)
  ];
}

export function trailCsvRow(entry: TrailEntry, locale: Locale): string[] {
  return [
    entry.id,
    entry.when,
    entry.actorName ?? m.trail_system({}, { locale }),
    entry.roles.map((role) => roleLabel(role, locale)).join('; '),
    actionLabel(entry.action, locale),
    entry.action,
    entry.resourceType ?? '',
    entry.resourceId ?? '',
    outcomeLabel(entry.outcome, locale)
  ];
}

/** Drops the byte-order mark toCsv starts every text with; only the file's first part keeps it. */
function withoutMark(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

export function trailCsvStream(
  sql: Sql,
  input: { fundId: string; query: TrailQuery; locale: Locale }
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = trailBatches(sql, { fundId: input.fundId, query: input.query });
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await batches.next();
      const rows = next.done ? [] : next.value.entries.map((entry) => trailCsvRow(entry, input.locale));
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(toCsv([trailCsvHeaders(input.locale), ...rows])));
      } else if (rows.length > 0) {
        controller.enqueue(encoder.encode(withoutMark(toCsv(rows))));
      }
      if (next.done) controller.close();
    },
    async cancel() {
      await batches.return(undefined);
    }
  });
}
