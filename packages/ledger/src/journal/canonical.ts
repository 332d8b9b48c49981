import type { Entry, Posting, Settlement, EntryReferences } from './types.js';

/**
 * The canonical text of an entry, which the hash chain signs. It is documented byte for byte in
 * the README so that anyone can verify a fund's books without this package:
 *
 *   entry = header body
 *   header: "gongjian-entry 1", fund, seq, id, recorded
 *   body:   date, memo, then key, reverses, settles, application, voucher, attachment lines when
 *           present, then one posting line per posting, in order
 *
 * Every line ends with "\n". Free text is a JSON string literal (as JSON.stringify writes it);
 * amounts are fixed two-decimal strings; dates are YYYY-MM-DD; times are ISO-8601 UTC with
 * milliseconds. The body alone is what an idempotent retry must reproduce.
 */
export const CANONICAL_VERSION_LINE = 'gongjian-entry 1\n';

export type CanonicalBody = Pick<
  Entry,
  'date' | 'memo' | 'idempotencyKey' | 'reverses' | 'settles' | 'references' | 'postings'
>;

export type CanonicalHeader = Pick<Entry, 'fundId' | 'seq' | 'id' | 'recordedAt'>;

export function canonicalHeader(header: CanonicalHeader): string {
  return (
    CANONICAL_VERSION_LINE +
    `fund ${JSON.stringify(header.fundId)}\n` +
    `seq ${header.seq}\n` +
    `id ${JSON.stringify(header.id)}\n` +
    `recorded ${header.recordedAt}\n`
  );
}

export function canonicalBody(body: CanonicalBody): string {
  let text = `date ${body.date}\nmemo ${JSON.stringify(body.memo)}\n`;
  if (body.idempotencyKey !== null) {
    text += `key ${JSON.stringify(body.idempotencyKey)}\n`;
  }
  if (body.reverses !== null) {
    text += `reverses ${JSON.stringify(body.reverses)}\n`;
  }
  if (body.settles !== null) {
    text += settlesLine(body.settles);
  }
  text += referenceLines(body.references);
  for (const posting of body.postings) {
    text += postingLine(posting);
  }
  return text;
}

export function canonicalEntry(entry: CanonicalHeader & CanonicalBody): string {
  return canonicalHeader(entry) + canonicalBody(entry);
}

function settlesLine(settles: Settlement): string {
  return `settles ${JSON.stringify(settles.holdId)} ${settles.amount.toString()}\n`;
}

function referenceLines(references: EntryReferences): string {
  let text = '';
  if (references.applicationId !== undefined) {
    text += `application ${JSON.stringify(references.applicationId)}\n`;
  }
  if (references.voucherNumber !== undefined) {
    text += `voucher ${JSON.stringify(references.voucherNumber)}\n`;
  }
  for (const attachment of references.attachmentHashes ?? []) {
    text += `attachment ${attachment}\n`;
  }
  return text;
}

function postingLine(posting: Posting): string {
  const memo = posting.memo === undefined ? '' : ` ${JSON.stringify(posting.memo)}`;
  return `posting ${posting.account} ${posting.side} ${posting.amount.toString()}${memo}\n`;
}
