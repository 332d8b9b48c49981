import { toBeancount, toHledger, type Entry } from '@gongjian/ledger';
import { m } from '../../paraglide/messages';
import type { Locale } from '../../paraglide/runtime';
import { closingEntryIdsIn } from '../books/periods';
import type { Sql } from '../db/client';
import {
  accountLabelsOf,
  journalCsv,
  journalHeaders,
  journalRowsOf,
  journalXlsx,
  type Bytes
} from '../reports/journal-columns';
import { exportEntries, parseExportQuery, type ExportScope } from './ledger';
import { publicSite, type PublicSite } from './site';

/**
 * The ledger downloads (/f/<slug>/ledger.csv, .xlsx, .journal, .beancount, .json): the fund's
 * journal, one project's entries or one period's, in the formats residents and accountants open.
 *
 * A download of part of the journal (a project or a period) lists only that part's entries, with
 * every account of the fund declared, and carries NO balance assertions and no opening-balances
 * entry: its totals are the movements within the part, not the accounts' balances, and an
 * assertion would state a "balance" that is not one. The whole fund's download carries an
 * assertion of every account's balance at each month end, so hledger and bean-check confirm that
 * the entries add up to the books' balances.
 */

export type DownloadFormat = 'csv' | 'xlsx' | 'journal' | 'beancount' | 'json';

const CONTENT_TYPES: Readonly<Record<DownloadFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  journal: 'text/plain; charset=utf-8',
  beancount: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8'
};

export const JSON_FORMAT = 'gongjian-ledger 1';

/** The file names of a download: ASCII for old clients, Chinese for the rest (RFC 6266 / 5987). */
export function downloadNames(
  site: PublicSite,
  scope: ExportScope,
  format: DownloadFormat
): { ascii: string; utf8: string } {
  let ascii = `${site.fund.slug}-ledger`;
  let utf8 = `${site.fund.nameZh}-账本`;
  if (scope.project !== null) {
    ascii += `-project${scope.project}`;
    utf8 += `-项目${scope.project}`;
  }
  if (scope.from !== null) ascii += `-from-${scope.from}`;
  if (scope.to !== null) ascii += `-to-${scope.to}`;
  if (scope.from !== null && scope.to !== null) utf8 += `-${scope.from}至${scope.to}`;
  else if (scope.from !== null) utf8 += `-${scope.from}起`;
  else if (scope.to !== null) utf8 += `-截至${scope.to}`;
  // A fund's Chinese name is typed by its administrator: path separators and quotes leave it.
  utf8 = utf8.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  return { ascii: `${ascii}.${format}`, utf8: `${utf8}.${format}` };
}

/** `attachment; filename="…"; filename*=UTF-8''…` with RFC 5987's attr-chars left as they are. */
export function contentDisposition(names: { ascii: string; utf8: string }): string {
  const encoded = encodeURIComponent(names.utf8).replace(
    /['()*!]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`
  );
  const ascii = names.ascii.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export type Download =
  | {
      ok: true;
      contentType: string;
      names: { ascii: string; utf8: string };
      body: ReadableStream<Bytes> | Bytes;
    }
  | { ok: false; code: 'no_such_project' };

/** One download of a fund's ledger, in a format and a scope. */
export async function ledgerDownload(
  sql: Sql,
  site: PublicSite,
  scope: ExportScope,
  format: DownloadFormat,
  locale: Locale
): Promise<Download> {
  const source = await exportEntries(sql, site.fund.id, scope);
  const read = source.batches;
  if (read === null) return { ok: false, code: 'no_such_project' };
  const whole = scope.project === null && scope.from === null && scope.to === null;
  const result = (body: ReadableStream<Bytes> | Bytes): Download => ({
    ok: true,
    contentType: CONTENT_TYPES[format],
    names: downloadNames(site, scope, format),
    body
  });
  switch (format) {
    case 'csv': {
      const labels = await accountLabelsOf(sql, site.fund.id, source.accounts, locale);
      return result(streamOf(csvChunks(read(), labels, journalHeaders(locale))));
    }
    case 'json':
      return result(streamOf(jsonChunks(read(), site, scope, source.head)));
    case 'xlsx': {
      const labels = await accountLabelsOf(sql, site.fund.id, source.accounts, locale);
      const fund = locale === 'en' ? site.fund.nameEn || site.fund.nameZh : site.fund.nameZh;
      return result(
        journalXlsx({
          rows: journalRowsOf(await collect(read()), labels),
          headers: journalHeaders(locale),
          sheetName: m.export_sheet_journal({ fund }, { locale })
        })
      );
    }
    case 'journal':
    case 'beancount': {
      const input = {
        fundId: `${site.fund.nameZh} (${site.fund.slug})`,
        accounts: source.accounts,
        entries: await collect(read()),
        assertions: whole ? ('month' as const) : ('none' as const),
        // Tagged `closing:`, so that `hledger is not:tag:closing` reads as our statement of activities.
        closingEntryIds: await closingEntryIdsIn(sql, site.fund.id)
      };
      return result(new TextEncoder().encode(format === 'journal' ? toHledger(input) : toBeancount(input)));
    }
  }
}

async function collect(batches: AsyncGenerator<Entry[]>): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const batch of batches) entries.push(...batch);
  return entries;
}

function streamOf(chunks: AsyncGenerator<string>): ReadableStream<Bytes> {
  const encoder = new TextEncoder();
  return new ReadableStream<Bytes>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    }
  });
}

/**
 * The journal's CSV (journal-columns.ts: BOM, CRLF, formula guard, the reader's headers), one
 * batch at a time: the first part carries the byte-order mark and the header row, later parts
 * are rows only.
 */
async function* csvChunks(
  batches: AsyncGenerator<Entry[]>,
  labels: ReadonlyMap<string, string>,
  headers: readonly string[]
): AsyncGenerator<string> {
  let first = true;
  for await (const batch of batches) {
    yield journalCsv(journalRowsOf(batch, labels), first ? headers : null);
    first = false;
  }
  if (first) yield journalCsv([], headers);
}

/** One entry as the JSON download writes it: exactly the fields its canonical text is made of. */
export function entryJson(entry: Entry) {
  return {
    seq: entry.seq,
    id: entry.id,
    recordedAt: entry.recordedAt,
    date: entry.date,
    memo: entry.memo,
    key: entry.idempotencyKey,
    reverses: entry.reverses,
    settles: entry.settles === null ? null : { hold: entry.settles.holdId, amount: entry.settles.amount.toString() },
    application: entry.references.applicationId ?? null,
    voucher: entry.references.voucherNumber ?? null,
    attachments: [...(entry.references.attachmentHashes ?? [])],
    postings: entry.postings.map((posting) => ({
      account: posting.account,
      side: posting.side,
      amount: posting.amount.toString(),
      memo: posting.memo ?? null
    })),
    prevHash: entry.previousHash,
    hash: entry.hash
  };
}

async function* jsonChunks(
  batches: AsyncGenerator<Entry[]>,
  site: PublicSite,
  scope: ExportScope,
  head: { seq: number; hash: string }
): AsyncGenerator<string> {
  const header = {
    format: JSON_FORMAT,
    fund: { id: site.fund.id, slug: site.fund.slug, nameZh: site.fund.nameZh, nameEn: site.fund.nameEn },
    // The verifier expects seq 1, 2, 3 … without a gap only in a download of the whole fund.
    scope,
    head
  };
  const opening = JSON.stringify(header);
  yield `${opening.slice(0, -1)},"entries":[\n`;
  let first = true;
  for await (const batch of batches) {
    const lines = batch.map((entry) => JSON.stringify(entryJson(entry)));
    yield (first ? '' : ',\n') + lines.join(',\n');
    first = false;
  }
  yield '\n]}\n';
}

/**
 * The response of a download route: the query read (project, from, to), the fund looked up, the
 * file sent with its name and headers. A malformed query is a 400 saying which parameter, an
 * unknown fund or project a 404; neither is a server error.
 */
export async function downloadResponse(
  sql: Sql,
  input: { slug: string; params: URLSearchParams; now: Date; locale: Locale; texts: DownloadTexts },
  format: DownloadFormat
): Promise<Response> {
  const plain = (status: number, text: string) =>
    new Response(`${text}\n`, {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }
    });
  const scope = parseExportQuery(input.params);
  if (!scope.ok) return plain(400, input.texts.invalid(scope.invalid.join(', ')));
  const site = await publicSite(sql, input.slug, input.now);
  if (site === null) return plain(404, input.texts.notFound);
  const download = await ledgerDownload(sql, site, scope.value, format, input.locale);
  if (!download.ok) return plain(404, input.texts.noSuchProject);
  return new Response(download.body, {
    headers: {
      'content-type': download.contentType,
      'content-disposition': contentDisposition(download.names),
      'x-content-type-options': 'nosniff'
    }
  });
}

export interface DownloadTexts {
  invalid: (parameters: string) => string;
  notFound: string;
  noSuchProject: string;
}
