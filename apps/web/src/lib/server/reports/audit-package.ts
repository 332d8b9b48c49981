import { createHash, type Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { Archiver, ArchiverOptions } from 'archiver';
import {
  Money,
  money,
  openingBalancesEntry,
  toBeancount,
  toCsv,
  toHledger,
  trialBalanceOfTotals,
  type Account,
  type Entry
} from '@gongjian/ledger';
import { m } from '../../paraglide/messages';
import type { Locale } from '../../paraglide/runtime';
import type { Sql } from '../db/client';
import { closingEntryIdsIn } from '../books/periods';
import { accountBalancesOf } from '../fund/account-books';
import { balancesTable, booksFileResponse } from '../fund/account-books-files';
import { vouchersOf } from '../fund/vouchers';
import { entryCheck } from '../public/print';
import { loadStatements, statementsCsv, statementsJson, statementsXlsx } from '../public/statements';
import type { PublicSite } from '../public/site';
import { exportEntries } from '../public/ledger';
import { accountLabelsOf, journalCsv, journalHeaders, journalRowsOf, journalXlsx } from './journal-columns';
import { voucherHtml } from './voucher-html';

/**
 * The auditor's package: one ZIP of everything the books hold for a period, for the supervisor
 * and for an outside audit. The archive is written while it is sent (archiver, one file after
 * the other, each file's bytes pulled only when the archive is ready for them), so its size never
 * sits in memory: the journal's CSV is read in keyset batches, vouchers and attachments one at a
 * time. The XLSX, hledger and Beancount files of the period are built whole, as their writers
 * need all entries at once; a period's entries are few next to a fund's history.
 *
 * Every file's SHA-256 is taken as it streams, and SHA256SUMS (in `sha256sum -c` format) closes
 * the archive, so a recipient can check that nothing was altered or left out.
 */

export interface AuditFund {
  id: string;
  slug: string;
  nameZh: string;
  nameEn: string;
}

export interface AuditPeriod {
  from: string;
  to: string;
}

/** What every part of the package reads from: the fund, the period, the head the reads stop at. */
export interface PackageContext {
  sql: Sql;
  fund: AuditFund;
  period: AuditPeriod;
  locale: Locale;
  /** When the package was made, for the README. */
  now: Date;
  /** The site's public origin (guard.ts publicOrigin), for each voucher's QR code to its public entry. */
  origin: string;
  /** The chain head when the package was begun: no entry after it is read. */
  head: { seq: number; hash: string };
  accounts: readonly Account[];
  labels: ReadonlyMap<string, string>;
  /** The period's entries in keyset batches; each call reads them afresh. */
  batches: () => AsyncGenerator<Entry[]>;
}

/** One file of the package: its path inside the archive and its bytes, produced when its turn comes. */
export interface PackageFile {
  name: string;
  body: string | Uint8Array | AsyncIterable<string | Uint8Array>;
}

/** A part of the package: the files it adds, one after the other. */
export type PackagePart = (context: PackageContext) => AsyncIterable<PackageFile>;

function fundName(context: Pick<PackageContext, 'fund' | 'locale'>): string {
  return context.locale === 'en' ? context.fund.nameEn || context.fund.nameZh : context.fund.nameZh;
}

/** Reads the period's entries in batches: the shape of a public download of one period. */
async function collect(batches: AsyncGenerator<Entry[]>): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const batch of batches) entries.push(...batch);
  return entries;
}

/** Each account's signed (debit positive) balance at the end of the day before the period. */
async function openingBalances(context: PackageContext): Promise<Map<string, Money>> {
  const rows = await context.sql<{ code: string; balance: string }[]>`
    select p.account_code as code,
           sum(case when p.side = 'debit' then p.amount else -p.amount end)::text as balance
      from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.fund_id = ${context.fund.id} and e.seq <= ${context.head.seq}
       and e.effective_date < ${context.period.from}::date
     group by p.account_code`;
  return new Map(rows.map((row) => [row.code, money(row.balance)]));
}

/** journal.csv (streamed in batches), journal.xlsx, ledger.journal and ledger.beancount. */
async function* journalPart(context: PackageContext): AsyncIterable<PackageFile> {
  const headers = journalHeaders(context.locale);
  const labels = context.labels;
  async function* csv(): AsyncGenerator<string> {
    let first = true;
    for await (const batch of context.batches()) {
      yield journalCsv(journalRowsOf(batch, labels), first ? headers : null);
      first = false;
    }
    if (first) yield journalCsv([], headers);
  }
  yield { name: 'journal.csv', body: csv() };
  const entries = await collect(context.batches());
  const sheetName = m.export_sheet_journal({ fund: fundName(context) }, { locale: context.locale });
  yield { name: 'journal.xlsx', body: journalXlsx({ rows: journalRowsOf(entries, labels), headers, sheetName }) };
  // The period starts from the accounts' real balances, so that hledger and bean-check check the
  // period's month-end assertions against the books, not against movements alone.
  const opening = openingBalancesEntry({
    fundId: context.fund.id,
    periodFrom: context.period.from,
    balances: await openingBalances(context)
  });
  const input = {
    fundId: `${context.fund.nameZh} (${context.fund.slug}) ${context.period.from}..${context.period.to}`,
    accounts: context.accounts,
    entries: opening === null ? entries : [opening, ...entries],
    assertions: 'month' as const,
    // Tagged `closing:`, as in the public journal, so `hledger is not:tag:closing` reads as the statements.
    closingEntryIds: await closingEntryIdsIn(context.sql, context.fund.id)
  };
  yield { name: 'ledger.journal', body: toHledger(input) };
  yield { name: 'ledger.beancount', body: toBeancount(input) };
}

/** trial-balance.csv: every account's debits and credits posted up to the period's end. */
async function* trialBalancePart(context: PackageContext): AsyncIterable<PackageFile> {
  const rows = await context.sql<{ code: string; debits: string; credits: string }[]>`
    select p.account_code as code,
           coalesce(sum(p.amount) filter (where p.side = 'debit'), 0)::text as debits,
           coalesce(sum(p.amount) filter (where p.side = 'credit'), 0)::text as credits
      from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.fund_id = ${context.fund.id} and e.seq <= ${context.head.seq}
       and e.effective_date <= ${context.period.to}::date
     group by p.account_code`;
  const totals = new Map(rows.map((row) => [row.code, { debits: money(row.debits), credits: money(row.credits) }]));
  const balance = trialBalanceOfTotals(context.accounts, totals);
  const options = { locale: context.locale };
  const header = [
    m.export_tb_col_account({}, options),
    m.export_tb_col_name({}, options),
    m.export_tb_col_debits({}, options),
    m.export_tb_col_credits({}, options),
    m.export_tb_col_balance({}, options)
  ];
  const lines = balance.rows.map((row) => [
    row.account,
    context.labels.get(row.account) ?? row.name.zh,
    row.debitsPosted.toString(),
    row.creditsPosted.toString(),
    row.balance.toString()
  ]);
  const total = [
    m.export_tb_total({}, options),
    '',
    balance.debitsTotal.toString(),
    balance.creditsTotal.toString(),
    balance.balanceTotal.toString()
  ];
  yield { name: 'trial-balance.csv', body: toCsv([header, ...lines, total]) };
}

/** The media types the office may upload, and the extension each is saved with. */
const EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ['application/pdf', 'pdf'],
  ['image/jpeg', 'jpg'],
  ['image/png', 'png']
]);

/** Every attachment the period's entries name, with its path in the archive (by SHA-256). */
async function attachmentPathsOf(context: PackageContext): Promise<Map<string, string>> {
  const rows = await context.sql<{ sha256: string; media_type: string }[]>`
    select a.sha256, a.media_type from attachments a
     where a.fund_id = ${context.fund.id}
       and a.sha256 in (select unnest(e.attachment_hashes) from entries e
                         where e.fund_id = ${context.fund.id} and e.seq <= ${context.head.seq}
                           and e.effective_date between ${context.period.from}::date and ${context.period.to}::date)
     order by a.sha256`;
  return new Map(
    rows.map((row) => [row.sha256, `attachments/${row.sha256}.${EXTENSIONS.get(row.media_type) ?? 'bin'}`])
  );
}

/** How many vouchers are read at a time (three queries for each such group). */
const VOUCHER_BATCH = 500;

/** vouchers/记字第N号.html for every entry of the period, then the attachments they name. */
async function* vouchersAndAttachmentsPart(context: PackageContext): AsyncIterable<PackageFile> {
  const paths = await attachmentPathsOf(context);
  const used = new Set<string>();
  for await (const batch of context.batches()) {
    for (let start = 0; start < batch.length; start += VOUCHER_BATCH) {
      const seqs = batch.slice(start, start + VOUCHER_BATCH).map((entry) => entry.seq);
      for (const voucher of await vouchersOf(context.sql, { fundId: context.fund.id, seqs })) {
        // A stored voucher number is typed by people: path separators leave it, and two entries
        // that share one get the second's seq added, so no file overwrites another.
        let base = voucher.voucherNumber.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
        if (used.has(base)) base = `${base}-${voucher.seq}`;
        used.add(base);
        const body = voucherHtml({
          voucher,
          fundName: fundName(context),
          locale: context.locale,
          labels: context.labels,
          attachmentPaths: paths,
          check: entryCheck({ origin: context.origin, slug: context.fund.slug, seq: voucher.seq, hash: voucher.hash })
        });
        yield { name: `vouchers/${base}.html`, body };
      }
    }
  }
  for (const [sha256, path] of paths) {
    const [row] = await context.sql<{ content: Uint8Array }[]>`
      select content from attachments where fund_id = ${context.fund.id} and sha256 = ${sha256}`;
    if (row !== undefined) yield { name: path, body: row.content };
  }
}

/** chain-head.txt: the head the package was read up to, and how to check it against the books. */
async function* chainHeadPart(context: PackageContext): AsyncIterable<PackageFile> {
  const lines = [
    `fund: ${context.fund.slug}`,
    `seq: ${context.head.seq}`,
    `hash: ${context.head.hash}`,
    '',
    '这是打包时本基金账本哈希链的链头（最新一笔分录的序号和哈希）。',
    `核对方法：打开 /f/${context.fund.slug}/verify 公开核验页，或下载 /f/${context.fund.slug}/ledger.json，`,
    '逐笔重算哈希，最后一笔的序号和哈希应与上面一致；以后任何改动都会使链头不同。',
    '',
    "This is the head of the fund's hash chain (the latest entry's number and hash) when the package was made.",
    `To check it: open the public page /f/${context.fund.slug}/verify, or download /f/${context.fund.slug}/ledger.json`,
    'and recompute each entry hash; the last seq and hash must equal the ones above. Any later change to an',
    'earlier entry would give a different head.'
  ];
  yield { name: 'chain-head.txt', body: `${lines.join('\n')}\n` };
}

/** README.txt: what the package holds and how to check it, in both languages. */
async function* readmePart(context: PackageContext): AsyncIterable<PackageFile> {
  const { fund, period } = context;
  const lines = [
    `${fund.nameZh} 审计资料包  ${period.from} 至 ${period.to}`,
    `${fund.nameEn || fund.nameZh}: auditor's package, ${period.from} to ${period.to}`,
    `生成时间 / made at: ${context.now.toISOString()}`,
    '',
    'journal.csv, journal.xlsx    日记账（每行一条分录行，含凭证号）/ the journal, one row per posting',
    'ledger.journal               hledger 格式，含期初余额 / hledger, opening balances included',
    'ledger.beancount             Beancount 格式，含期初余额 / Beancount, opening balances included',
    'trial-balance.csv            截至期末的科目试算表 / the trial balance at the end of the period',
    'statements.json/.csv/.xlsx   资产负债表、业务活动表、现金流量表 / the three statements of the period',
    'account-balances.csv/.xlsx   本期科目余额表 / opening, debits, credits and closing per account',
    'vouchers/                    每张记账凭证，可打印 / every voucher, printable',
    'attachments/                 凭证附件，文件名为 SHA-256 / the attachments, named by SHA-256',
    'chain-head.txt               哈希链头 / the head of the hash chain',
    'SHA256SUMS                   以上每个文件的 SHA-256 / the SHA-256 of every file above',
    '',
    '核对 / To check:',
    '  sha256sum -c SHA256SUMS',
    '  hledger -f ledger.journal check && hledger -f ledger.journal bal',
    '  bean-check ledger.beancount'
  ];
  yield { name: 'README.txt', body: `${lines.join('\n')}\n` };
}

/** statements.json, .csv and .xlsx: the three statements of the period, as the public page gives them. */
async function* statementsPart(context: PackageContext): AsyncIterable<PackageFile> {
  const statements = await loadStatements(context.sql, {
    fundId: context.fund.id,
    headSeq: context.head.seq,
    period: context.period
  });
  const site: PublicSite = { fund: context.fund, head: context.head, stamp: '' };
  yield { name: 'statements.json', body: statementsJson(site, statements) };
  yield { name: 'statements.csv', body: statementsCsv(site, statements, context.locale) };
  yield { name: 'statements.xlsx', body: statementsXlsx(site, statements, context.locale) };
}

/** account-balances.csv and .xlsx: the 科目余额表 of the period, as the office page gives it. */
async function* accountBalancesPart(context: PackageContext): AsyncIterable<PackageFile> {
  const view = await accountBalancesOf(context.sql, {
    fundId: context.fund.id,
    from: context.period.from,
    to: context.period.to
  });
  const table = balancesTable(view, context.locale);
  for (const format of ['csv', 'xlsx'] as const) {
    const response = booksFileResponse({
      table,
      kind: 'balances',
      format,
      names: { ascii: 'account-balances', utf8: 'account-balances' },
      sheetName: m.books_title({}, { locale: context.locale })
    });
    yield { name: `account-balances.${format}`, body: new Uint8Array(await response.arrayBuffer()) };
  }
}

/** The package's parts, in the order they are written, each read from the same context (fund, period, head). */
export const PACKAGE_PARTS: readonly PackagePart[] = [
  readmePart,
  journalPart,
  trialBalancePart,
  statementsPart,
  accountBalancesPart,
  vouchersAndAttachmentsPart,
  chainHeadPart
];

/**
 * archiver 7 (installed) is a CommonJS function, while its types (@types/archiver 8) describe the
 * classes of archiver 8; the function is loaded with require and given the type it really has.
 */
const archiver = createRequire(import.meta.url)('archiver') as (format: 'zip', options?: ArchiverOptions) => Archiver;

/** The bytes of a file, hashed as they pass. */
async function* hashed(body: PackageFile['body'], hash: Hash): AsyncGenerator<Buffer> {
  const chunks = typeof body === 'string' || body instanceof Uint8Array ? [body] : body;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    hash.update(bytes);
    yield bytes;
  }
}

function bufferOf(body: string | Uint8Array): Buffer {
  return typeof body === 'string'
    ? Buffer.from(body, 'utf8')
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** The archive's entries carry one fixed time, so the same books give the same bytes. */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');

/** Adds one file and waits until the archive has written it, so that files are pulled one by one. */
async function appendFile(archive: Archiver, file: PackageFile): Promise<string> {
  const hash = createHash('sha256');
  // A file already in memory goes in as one buffer (archiver's fast path); a streamed one is
  // pulled chunk by chunk and hashed as it passes.
  const body = file.body;
  let source: Buffer | Readable;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    source = bufferOf(body);
    hash.update(source);
  } else {
    source = Readable.from(hashed(body, hash));
  }
  await new Promise<void>((resolve, reject) => {
    const stop = (error?: unknown) => {
      archive.off('entry', done);
      archive.off('close', stop);
      reject(error instanceof Error ? error : new Error('audit package: the archive closed early'));
    };
    const done = () => {
      archive.off('error', stop);
      archive.off('close', stop);
      resolve();
    };
    archive.once('entry', done);
    archive.once('error', stop);
    archive.once('close', stop);
    archive.append(source, { name: file.name, date: ENTRY_DATE });
  });
  return hash.digest('hex');
}

async function writeParts(archive: Archiver, context: PackageContext, parts: readonly PackagePart[]): Promise<void> {
  const sums: string[] = [];
  for (const part of parts) {
    for await (const file of part(context)) {
      sums.push(`${await appendFile(archive, file)}  ${file.name}`);
    }
  }
  await appendFile(archive, { name: 'SHA256SUMS', body: `${sums.join('\n')}\n` });
  await archive.finalize();
}

/** Reads what every part shares: the chain head, the accounts and their labels. */
export async function packageContext(
  sql: Sql,
  input: { fund: AuditFund; period: AuditPeriod; locale: Locale; now: Date; origin: string }
): Promise<PackageContext> {
  const source = await exportEntries(sql, input.fund.id, { project: null, ...input.period });
  const batches = source.batches;
  if (batches === null) throw new Error('audit package: a period download names no project');
  const labels = await accountLabelsOf(sql, input.fund.id, source.accounts, input.locale);
  return { sql, ...input, head: source.head, accounts: source.accounts, labels, batches };
}

/**
 * The package as a web stream, written while it is read. A failure half-way (the database gone)
 * ends the stream with an error, so the download fails visibly rather than as a short archive.
 */
export function auditPackageStream(
  context: PackageContext,
  parts: readonly PackagePart[] = PACKAGE_PARTS
): ReadableStream<Uint8Array> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  writeParts(archive, context, parts).catch((error: unknown) => {
    if (!archive.destroyed) {
      console.error(`gongjian: audit package of ${context.fund.slug} failed: ${String(error)}`);
      archive.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });
  return Readable.toWeb(archive) as ReadableStream<Uint8Array>;
}

/** The archive's file names: ASCII for old clients, Chinese for the rest. */
export function packageNames(fund: AuditFund, period: AuditPeriod): { ascii: string; utf8: string } {
  const utf8 = `${fund.nameZh}-审计资料-${period.from}至${period.to}.zip`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  return { ascii: `${fund.slug}-audit-${period.from}-to-${period.to}.zip`, utf8 };
}
