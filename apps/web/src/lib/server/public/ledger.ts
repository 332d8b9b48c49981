import { GRANT_STATES, canonicalEntry, isDate, type Account, type Entry, type Side } from '@gongjian/ledger';
import * as v from 'valibot';
import type { Sql, Transaction } from '../db/client';
import { projectKey, projectNumberOfEntry } from '../projects/project-core';
import {
  accountColumns,
  accountStateOfRow,
  entryColumns,
  entryOfRow,
  sha256Native,
  type AccountRow,
  type EntryRow
} from '../books/rows';

/**
 * The public ledger (/f/<slug>/ledger): every entry of a fund's journal, ten at a time, with its
 * postings and hash, and one entry with the canonical text that its hash signs.
 *
 * Pages are found by keyset, never by OFFSET: a page is "the ten entries after seq N" (ascending),
 * so page 10,000 of 100,000 entries is one index range scan from N, exactly what page 1 costs.
 * Ten a page because residents read it on a phone, and the same ten fit a printed notice.
 */

export const LEDGER_PAGE_SIZE = 10;

/** How many entries a download reads from the database at a time (keyset batches). */
export const EXPORT_BATCH = 5_000;

const SEQ_MAX = 999_999_999_999;

/** A date the calendar has, written YYYY-MM-DD (the ledger's one rule for a day). */
const dateSchema = v.pipe(v.string(), v.check(isDate));

/** Optional in a GET form: a field left empty is absent. */
function optional<T extends v.GenericSchema<string, unknown>>(schema: T) {
  return v.optional(
    v.union([
      v.pipe(
        v.literal(''),
        v.transform(() => undefined)
      ),
      schema
    ])
  );
}

const seqSchema = v.pipe(v.string(), v.regex(/^\d{1,12}$/), v.transform(Number), v.maxValue(SEQ_MAX));

/** An account code of the chart: four digits, then sub-account segments (1002.02.P-6). */
const accountSchema = v.pipe(v.string(), v.trim(), v.regex(/^\d{4}(?:\.[0-9A-Za-z-]{1,24}){0,4}$/));

const projectSchema = v.pipe(v.string(), v.regex(/^[1-9]\d{0,8}$/), v.transform(Number));

const LedgerQuerySchema = v.pipe(
  v.object({
    after: optional(seqSchema),
    account: optional(accountSchema),
    project: optional(projectSchema),
    from: optional(dateSchema),
    to: optional(dateSchema),
    q: optional(v.pipe(v.string(), v.trim(), v.maxLength(100)))
  }),
  v.forward(
    v.check((query) => query.from === undefined || query.to === undefined || query.from <= query.to),
    ['to']
  )
);

export interface LedgerFilter {
  /** An account code; its sub-accounts are included (1002 also finds 1002.01 and 1002.02.P-6). */
  account: string | null;
  /** A project's (application's) number, as in /f/<slug>/projects/<n>. */
  project: number | null;
  from: string | null;
  to: string | null;
  /** Words to find in the memo or the voucher number. */
  q: string | null;
}

export interface LedgerQuery extends LedgerFilter {
  /** Show the entries after this seq; null shows the latest page. */
  after: number | null;
}

export type LedgerParam = 'after' | 'account' | 'project' | 'from' | 'to' | 'q';

export type ParsedLedgerQuery =
  | { ok: true; value: LedgerQuery }
  | { ok: false; invalid: LedgerParam[]; values: Partial<Record<LedgerParam, string>> };

const PARAMS: readonly LedgerParam[] = ['after', 'account', 'project', 'from', 'to', 'q'];

function rawOf(params: URLSearchParams, names: readonly LedgerParam[]): Partial<Record<LedgerParam, string>> {
  const raw: Partial<Record<LedgerParam, string>> = {};
  for (const name of names) {
    const value = params.get(name);
    // The echo goes back into the form, so a hostile URL cannot make the page any longer.
    if (value !== null) raw[name] = value.slice(0, 200);
  }
  return raw;
}

/** Reads the ledger's query string; a malformed parameter is named, never a server error. */
export function parseLedgerQuery(params: URLSearchParams): ParsedLedgerQuery {
  const raw = rawOf(params, PARAMS);
  const parsed = v.safeParse(LedgerQuerySchema, raw, { abortEarly: false });
  if (!parsed.success) {
    const invalid = new Set<LedgerParam>();
    for (const issue of parsed.issues) {
      const key = issue.path?.[0]?.key;
      if (typeof key === 'string' && (PARAMS as readonly string[]).includes(key)) invalid.add(key as LedgerParam);
    }
    return { ok: false, invalid: PARAMS.filter((name) => invalid.has(name)), values: raw };
  }
  const query = parsed.output;
  return {
    ok: true,
    value: {
      after: query.after ?? null,
      account: query.account ?? null,
      project: query.project ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
      q: query.q === undefined || query.q === '' ? null : query.q
    }
  };
}

export type ExportParam = 'project' | 'from' | 'to';

export type ParsedExportQuery =
  { ok: true; value: Pick<LedgerFilter, 'project' | 'from' | 'to'> } | { ok: false; invalid: ExportParam[] };

/** Reads a download's query string: a fund, one project or one period. */
export function parseExportQuery(params: URLSearchParams): ParsedExportQuery {
  const names: readonly ExportParam[] = ['project', 'from', 'to'];
  const parsed = parseLedgerQuery(new URLSearchParams(rawOf(params, names) as Record<string, string>));
  if (!parsed.ok) return { ok: false, invalid: names.filter((name) => parsed.invalid.includes(name)) };
  const { project, from, to } = parsed.value;
  return { ok: true, value: { project, from, to } };
}

export interface LedgerPosting {
  account: string;
  nameZh: string;
  nameEn: string;
  side: Side;
  amount: string;
}

export interface LedgerLine {
  seq: number;
  voucher: string | null;
  date: string;
  memo: string;
  /** The project the entry belongs to, by its public number. */
  project: number | null;
  hash: string;
  postings: LedgerPosting[];
}

export interface LedgerPage {
  entries: LedgerLine[];
  /** `after` for the page before this one (0: the first page), or null on the first page. */
  earlier: number | null;
  /** `after` for the page after this one, or null on the latest page. */
  later: number | null;
  /** A filter names something the fund does not have (an account code or a project number). */
  unknown: 'account' | 'project' | null;
}

interface Resolved {
  fundId: string;
  /** The account codes to look in, or null for every account. */
  codes: string[] | null;
  /** The project key (projectKey) of the project filtered on, or null. */
  projectKey: string | null;
  from: string | null;
  to: string | null;
  /** An ILIKE pattern with the visitor's % _ and \ taken literally. */
  pattern: string | null;
}

/** Escapes LIKE's wildcards so that a search for "10%" or "a_b" finds exactly that. */
export function likePattern(words: string): string {
  return `%${words.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

async function resolve(sql: Sql, fundId: string, filter: LedgerFilter): Promise<Resolved | 'account' | 'project'> {
  let codes: string[] | null = null;
  if (filter.account !== null) {
    // The chart is small (tens of accounts and one per unit or project), so listing an account's
    // subtree is cheap, and each code found becomes one range of postings_by_account.
    const rows = await sql<{ code: string }[]>`
      select code from accounts
       where fund_id = ${fundId} and (code = ${filter.account} or starts_with(code, ${`${filter.account}.`}))`;
    if (rows.length === 0) return 'account';
    codes = rows.map((row) => row.code);
  }
  let key: string | null = null;
  if (filter.project !== null) {
    const [row] = await sql<{ number: number }[]>`
      select number from applications where fund_id = ${fundId} and number = ${filter.project}`;
    if (row === undefined) return 'project';
    key = projectKey(row);
  }
  return {
    fundId,
    codes,
    projectKey: key,
    from: filter.from,
    to: filter.to,
    pattern: filter.q === null ? null : likePattern(filter.q)
  };
}

type Bound = { kind: 'after'; seq: number } | { kind: 'before'; seq: number | null };

/**
 * The seqs of at most `limit` entries that pass the filter, ascending after a seq or descending
 * before one. Each shape is an index range scan in seq order that stops after `limit` matches:
 *   - no filter, or project / date / search: entries_pkey (fund_id, seq), or entries_by_application
 *     for a project, reading from the keyset position on;
 *   - an account: postings_by_account (fund_id, account_code, entry_seq), one range per code of the
 *     account's subtree, each stopping after `limit` entries, merged.
 * A date range or a search is a filter on that walk: its cost is the number of entries stepped
 * over before ten match (for a date range that few entries fall in, the planner reads
 * entries_by_date instead and sorts the few it finds). For a common word that is a few rows; a word that is rare, or absent,
 * walks the fund's whole journal from the keyset position (about 50 ms per 100,000 entries on the
 * benchmark machine) and is the one expensive request the public ledger answers. The coordinator's
 * cache keeps a repeat of it free, and a search needs no more than a sequential read of entries.
 */
async function seqsOf(sql: Sql, where: Resolved, bound: Bound, limit: number): Promise<number[]> {
  const descending = bound.kind === 'before';
  const direction = descending ? sql`desc` : sql`asc`;
  const [project, from, to, search] = [
    where.projectKey === null ? sql`` : sql`and e.application_id = ${where.projectKey}`,
    where.from === null ? sql`` : sql`and e.effective_date >= ${where.from}::date`,
    where.to === null ? sql`` : sql`and e.effective_date <= ${where.to}::date`,
    where.pattern === null
      ? sql``
      : sql`and (e.memo ilike ${where.pattern} escape '\\' or e.voucher_number ilike ${where.pattern} escape '\\')`
  ];
  const filters = sql`${project} ${from} ${to} ${search}`;
  if (where.codes === null) {
    const keyset =
      bound.kind === 'after'
        ? sql`and e.seq > ${bound.seq}`
        : bound.seq === null
          ? sql``
          : sql`and e.seq < ${bound.seq}`;
    const rows = await sql<{ seq: string }[]>`
      select e.seq::text as seq from entries e
       where e.fund_id = ${where.fundId} ${keyset} ${filters}
       order by e.seq ${direction} limit ${limit}`;
    return rows.map((row) => Number(row.seq));
  }
  const keyset =
    bound.kind === 'after'
      ? sql`and p.entry_seq > ${bound.seq}`
      : bound.seq === null
        ? sql``
        : sql`and p.entry_seq < ${bound.seq}`;
  // The entries join is a primary-key probe per posting, only needed when another filter applies.
  const filtered = where.projectKey !== null || where.from !== null || where.to !== null || where.pattern !== null;
  const join = filtered ? sql`join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq` : sql``;
  const rows = await sql<{ seq: string }[]>`
    select s.seq::text as seq
      from unnest(${where.codes}::text[]) as c(code)
      cross join lateral (
        select distinct p.entry_seq as seq from postings p ${join}
         where p.fund_id = ${where.fundId} and p.account_code = c.code ${keyset} ${filters}
         order by p.entry_seq ${direction} limit ${limit}) s
     group by s.seq
     order by s.seq ${direction} limit ${limit}`;
  return rows.map((row) => Number(row.seq));
}

type LineRow = {
  seq: string;
  date: string;
  memo: string;
  voucher: string | null;
  project: number | null;
  hash: string;
  postings: { account: string; side: Side; amount: string }[] | null;
};

/** The entries with these seqs, each with its postings and account names: a few primary-key reads. */
async function linesOf(sql: Sql, fundId: string, seqs: readonly number[]): Promise<LedgerLine[]> {
  if (seqs.length === 0) return [];
  const rows = await sql<LineRow[]>`
    select e.seq::text as seq, to_char(e.effective_date, 'YYYY-MM-DD') as date, e.memo,
           e.voucher_number as voucher, ${projectNumber(sql)} as project, e.hash,
           (select json_agg(json_build_object('account', p.account_code, 'side', p.side, 'amount', p.amount::text)
                   order by p.line_no)
              from postings p where p.fund_id = e.fund_id and p.entry_seq = e.seq) as postings
      from entries e
     where e.fund_id = ${fundId} and e.seq = any(${seqs.map(String)}::bigint[])
     order by e.seq`;
  const names = await accountNames(
    sql,
    fundId,
    rows.flatMap((row) => (row.postings ?? []).map((posting) => posting.account))
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    voucher: row.voucher,
    date: row.date,
    memo: row.memo,
    project: row.project,
    hash: row.hash,
    postings: (row.postings ?? []).map((posting) => ({
      ...posting,
      nameZh: names.get(posting.account)?.zh ?? '',
      nameEn: names.get(posting.account)?.en ?? ''
    }))
  }));
}

/**
 * The number of the public project an entry belongs to, by its project key (projectKey), or null
 * when the entry names none or a project that is not public. A unique-key read on (fund, number).
 */
function projectNumber(sql: Sql | Transaction) {
  return sql`(select a.number from applications a
                where a.fund_id = e.fund_id and a.number = ${projectNumberOfEntry(sql)}
                  and a.status = any(${[...GRANT_STATES]}::text[]))`;
}

async function accountNames(
  sql: Sql,
  fundId: string,
  codes: readonly string[]
): Promise<Map<string, { zh: string; en: string }>> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return new Map();
  const rows = await sql<{ code: string; zh: string; en: string }[]>`
    select code, name_zh as zh, name_en as en from accounts where fund_id = ${fundId} and code = any(${unique}::text[])`;
  return new Map(rows.map((row) => [row.code, { zh: row.zh, en: row.en }]));
}

/**
 * One page of the public ledger. Without `after` it is the latest page (the newest ten entries,
 * shown oldest first); with `after` the ten entries after that seq. "Later" continues after the
 * page's last entry; "earlier" is found by a descending scan from the page's first entry (the
 * eleventh entry back is the `after` of the page before), never by counting rows.
 */
export async function ledgerPage(sql: Sql, fundId: string, query: LedgerQuery): Promise<LedgerPage> {
  const where = await resolve(sql, fundId, query);
  if (typeof where === 'string') return { entries: [], earlier: null, later: null, unknown: where };
  const extra = LEDGER_PAGE_SIZE + 1;
  let seqs: number[];
  let later: number | null;
  let earlier: number | null;
  if (query.after === null) {
    const newest = await seqsOf(sql, where, { kind: 'before', seq: null }, extra);
    seqs = newest.slice(0, LEDGER_PAGE_SIZE).reverse();
    later = null;
    earlier = newest.length > LEDGER_PAGE_SIZE ? earlierAfter(await before(seqs[0] ?? 0)) : null;
  } else {
    const next = await seqsOf(sql, where, { kind: 'after', seq: query.after }, extra);
    seqs = next.slice(0, LEDGER_PAGE_SIZE);
    later = next.length > LEDGER_PAGE_SIZE ? (seqs.at(-1) ?? null) : null;
    const first = seqs[0] ?? query.after + 1;
    const previous = await before(first);
    earlier = previous.length === 0 ? null : earlierAfter(previous);
  }
  return { entries: await linesOf(sql, fundId, seqs), earlier, later, unknown: null };

  function before(seq: number): Promise<number[]> {
    return seqsOf(sql, where as Resolved, { kind: 'before', seq }, extra);
  }
}

/** The page before shows up to ten of these (descending); the eleventh is its `after`, else 0. */
function earlierAfter(descending: readonly number[]): number {
  return descending.length > LEDGER_PAGE_SIZE ? (descending[LEDGER_PAGE_SIZE] ?? 0) : 0;
}

export interface LedgerEntryView {
  seq: number;
  id: string;
  date: string;
  recordedAt: string;
  memo: string;
  voucher: string | null;
  project: number | null;
  reverses: number | null;
  reversedBy: number | null;
  /** The reason a correction gave, on the reversed entry and on its reversal alike. */
  correctionReason: string | null;
  postings: (LedgerPosting & { memo: string | null })[];
  prevHash: string;
  hash: string;
  /** The text the hash signs (README "The hash chain"), rebuilt from the stored row. */
  canonical: string;
  /** SHA-256 of prevHash followed by the canonical text, computed now. */
  recomputed: string;
  matches: boolean;
  attachments: {
    count: number;
    /** Files checked for personal data, on an entry of a project: these may be opened. */
    public: string[];
  };
}

/** One entry with everything needed to check its hash by hand. Null when the fund has no such seq. */
export async function ledgerEntry(sql: Sql, fundId: string, seq: number): Promise<LedgerEntryView | null> {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > SEQ_MAX) return null;
  const found = await sql.begin('read only', async (transaction) => {
    const [entryRow] = await transaction<
      EntryRow[]
    >`${entryColumns(transaction)} where e.fund_id = ${fundId} and e.seq = ${seq}`;
    if (entryRow === undefined) return null;
    const [links] = await transaction<
      { project: number | null; reverses: string | null; reversedBy: string | null; reason: string | null }[]
    >`
      select ${projectNumber(transaction)} as project,
             (select r.seq::text from entries r where r.fund_id = e.fund_id and r.id = e.reverses) as reverses,
             (select r.seq::text from entries r where r.fund_id = e.fund_id and r.reverses = e.id) as "reversedBy",
             (select c.reason from corrections c
               where c.fund_id = e.fund_id and c.status = 'done' and (c.entry_seq = e.seq or c.reversal_seq = e.seq))
               as reason
        from entries e where e.fund_id = ${fundId} and e.seq = ${seq}`;
    return { row: entryRow, links: links ?? { project: null, reverses: null, reversedBy: null, reason: null } };
  });
  if (found === null) return null;
  const { row, links } = found;
  const entry: Entry = entryOfRow(row);
  const canonical = canonicalEntry(entry);
  const recomputed = sha256Native(entry.previousHash + canonical);
  const names = await accountNames(
    sql,
    fundId,
    entry.postings.map((posting) => posting.account)
  );
  const hashes = row.attachment_hashes;
  let published: string[] = [];
  if (hashes.length > 0 && links.project !== null) {
    const checked = await sql<{ sha256: string }[]>`
      select sha256 from attachments
       where fund_id = ${fundId} and sha256 = any(${hashes}::text[]) and checked_for_personal_data_at is not null`;
    const open = new Set(checked.map((file) => file.sha256));
    published = hashes.filter((hash) => open.has(hash));
  }
  return {
    seq: entry.seq,
    id: entry.id,
    date: entry.date,
    recordedAt: entry.recordedAt,
    memo: entry.memo,
    voucher: entry.references.voucherNumber ?? null,
    project: links.project,
    reverses: links.reverses === null ? null : Number(links.reverses),
    reversedBy: links.reversedBy === null ? null : Number(links.reversedBy),
    correctionReason: links.reason,
    postings: entry.postings.map((posting) => ({
      account: posting.account,
      nameZh: names.get(posting.account)?.zh ?? '',
      nameEn: names.get(posting.account)?.en ?? '',
      side: posting.side,
      amount: posting.amount.toString(),
      memo: posting.memo ?? null
    })),
    prevHash: entry.previousHash,
    hash: entry.hash,
    canonical,
    recomputed,
    matches: recomputed === entry.hash,
    attachments: { count: hashes.length, public: published }
  };
}

export type HeadCheck = 'matches' | 'differs' | 'no_such_entry';

/** Whether a printed (seq, hash) is entry seq's hash: one primary-key read. */
export async function checkPrintedHead(sql: Sql, fundId: string, seq: number, hash: string): Promise<HeadCheck> {
  const [row] = await sql<{ hash: string }[]>`select hash from entries where fund_id = ${fundId} and seq = ${seq}`;
  if (row === undefined) return 'no_such_entry';
  return row.hash === hash ? 'matches' : 'differs';
}

export interface ExportScope {
  project: number | null;
  from: string | null;
  to: string | null;
}

export interface ExportSource {
  /** The fund's chain head when the download began; the export reads no entry after it. */
  head: { seq: number; hash: string };
  accounts: Account[];
  /** The project key (projectKey) of the project, when the scope names one that exists. */
  projectKey: string | null;
  /** Null when the scope names a project the fund does not have. */
  batches: (() => AsyncGenerator<Entry[]>) | null;
}

/**
 * The entries of a download, read by keyset in batches of EXPORT_BATCH, each batch one short
 * read-only query, so that 100,000 entries are never one result set held by the database and the
 * process at once. The chain head is read first and bounds every batch: entries are append-only,
 * so the batches together are the journal exactly as it stood when the download began.
 */
export async function exportEntries(sql: Sql, fundId: string, scope: ExportScope): Promise<ExportSource> {
  const [head] = await sql<{ seq: string; hash: string }[]>`
    select last_seq::text as seq, last_hash as hash from chain_heads where fund_id = ${fundId}`;
  const accountRows = await sql.begin(
    'read only',
    (transaction) =>
      transaction<AccountRow[]>`${accountColumns(transaction)} where b.fund_id = ${fundId} order by a.code`
  );
  const accounts = accountRows.map((row) => accountStateOfRow(row).account);
  const headSeq = Number(head?.seq ?? '0');
  let key: string | null = null;
  if (scope.project !== null) {
    const [row] = await sql<{ number: number }[]>`
      select number from applications where fund_id = ${fundId} and number = ${scope.project}`;
    if (row === undefined) {
      return { head: { seq: headSeq, hash: head?.hash ?? '' }, accounts, projectKey: null, batches: null };
    }
    key = projectKey(row);
  }
  async function* batches(): AsyncGenerator<Entry[]> {
    let after = 0;
    for (;;) {
      const rows = await sql.begin(
        'read only',
        (transaction) => transaction<EntryRow[]>`
          ${entryColumns(transaction)}
           where e.fund_id = ${fundId} and e.seq > ${after} and e.seq <= ${headSeq}
             ${key === null ? transaction`` : transaction`and e.application_id = ${key}`}
             ${scope.from === null ? transaction`` : transaction`and e.effective_date >= ${scope.from}::date`}
             ${scope.to === null ? transaction`` : transaction`and e.effective_date <= ${scope.to}::date`}
           order by e.seq limit ${EXPORT_BATCH}`
      );
      if (rows.length === 0) return;
      const entries = rows.map(entryOfRow);
      yield entries;
      if (rows.length < EXPORT_BATCH) return;
      after = entries.at(-1)?.seq ?? headSeq;
    }
  }
  return { head: { seq: headSeq, hash: head?.hash ?? '' }, accounts, projectKey: key, batches };
}
