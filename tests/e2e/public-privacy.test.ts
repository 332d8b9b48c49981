import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD } from '../../apps/web/src/lib/server/demo/people';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { signInOverHttp } from '../support/people';
import { createDatabase, dropDatabase } from '../support/postgres';
import { startApp, type AppProcess } from './app-process';

/**
 * No personal data on the public side. A fresh app seeds the demo fund; then every private field
 * it has (people's names, households' names, objectors' names and contacts, the office's comments
 * and notes, vote reasons, evaluation comments, file names, the bytes of a receipt nobody checked)
 * gets a value nobody could guess. Then every page under /f/guihuajing that a link reaches, in
 * both languages, every download of the fund, of each project and of a period, and the other
 * public pages (the old notice pages, /evaluate) are fetched anonymously, and none of them may
 * hold any planted value, nor a name that was there before the planting, nor a login name.
 *
 * A positive control proves the planted values are real: the office's own pages show them to the
 * fund administrator.
 */

const adminUrl = inject('adminUrl');
const SLUG = 'guihuajing';
const TAG = `Q${createHash('sha256').update(String(process.pid)).digest('hex').slice(0, 6).toUpperCase()}`;
/** Every planted value contains this, so one search finds them all. */
const MARK = `PRIV${TAG}`;
const CRAWL_MAX = 900;

let app: AppProcess;
let database: { url: string; name: string };
let owner: Sql;
let fundId = '';
/** Names the demo gave people and households before the planting: they must not leak either. */
const originalNames = new Set<string>();
const loginNames = new Set<string>();
let uncheckedSha = '';

beforeAll(async () => {
  database = await createDatabase(adminUrl, 'privacy');
  app = await startApp({ DATABASE_URL: database.url, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
  owner = createClient(database.url, { max: 2, applicationName: 'gongjian-privacy-test' });
  const [fund] = await owner<{ id: string }[]>`select id::text as id from funds where slug = ${SLUG}`;
  if (fund === undefined) throw new Error('the demo fund was not seeded');
  fundId = fund.id;
  for (const row of await owner<{ name: string }[]>`
    select display_name as name from users
    union all select name from households where fund_id = ${fundId}`) {
    if (row.name.trim().length >= 2) originalNames.add(row.name.trim());
  }
  for (const row of await owner<{ login: string }[]>`select login_name as login from users`) loginNames.add(row.login);
  await plant(owner);
}, 180_000);

afterAll(async () => {
  await owner?.end();
  await app?.stop();
  if (database !== undefined) await dropDatabase(adminUrl, database.name);
});

/**
 * Writes a marked value into every private field. The journal and the audit records refuse
 * changes through their triggers; this connection is the database owner's and switches triggers
 * off for itself (session_replication_role), as only a test should.
 */
async function plant(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`update users set display_name = ${MARK} || '-person-' || id`;
    await tx`update households set name = '张' || ${MARK} || '-household-' || id where fund_id = ${fundId}`;
    await tx`update application_transitions set comments = ${MARK} || '-comment-' || id
              where application_id in (select id from applications where fund_id = ${fundId})`;
    await tx`update votes set reason = ${MARK} || '-vote-' || seat_user_id
              where application_id in (select id from applications where fund_id = ${fundId})`;
    await tx`update evaluations set comment = ${MARK} || '-evaluation-' || id where fund_id = ${fundId}`;
    await tx`update acceptances set note = ${MARK} || '-acceptance-' || application_id
              where application_id in (select id from applications where fund_id = ${fundId})`;
    await tx`update attachments set original_name = ${MARK} || '-file-' || left(sha256, 8) || '.pdf'
              where fund_id = ${fundId}`;
    await tx`update objections set name = ${MARK} || '-objector-' || id, contact = '139' || ${TAG} || id,
                     body = ${MARK} || '-objection-' || id, outcome_note = ${MARK} || '-outcome-' || id
              where fund_id = ${fundId}`;
    // An objection on every application that is or was public, so that every page has one.
    await tx`
      insert into objections (fund_id, application_id, revision, filed_at, name, contact, body)
      select fund_id, id, revision, now(), ${MARK} || '-objector-new', ${`139${TAG}`}, ${MARK} || '-objection-new'
        from applications
       where fund_id = ${fundId} and status in ('approved', 'active', 'accepted', 'closed', 'cancelled')`;
    // A receipt nobody checked for personal data: its bytes carry the mark.
    const bytes = Buffer.from(`%PDF-1.4\n% ${MARK}-receipt-bytes\n%%EOF\n`);
    uncheckedSha = createHash('sha256').update(bytes).digest('hex');
    await tx`
      insert into attachments (fund_id, sha256, media_type, size_bytes, original_name, content, uploaded_at)
      values (${fundId}, ${uncheckedSha}, 'application/pdf', ${bytes.length}, ${`${MARK}-unchecked.pdf`}, ${bytes}, now())`;
    await tx`
      insert into acceptance_photos (fund_id, application_id, sha256, kind, added_at)
      select ${fundId}, a.application_id, ${uncheckedSha}, 'after', now()
        from acceptances a join applications p on p.id = a.application_id
       where p.fund_id = ${fundId}
       limit 1`;
  });
}

interface Fetched {
  url: string;
  status: number;
  type: string;
  text: string;
}

async function fetchPublic(path: string, locale: 'zh-CN' | 'en', cookie = ''): Promise<Fetched> {
  const url = new URL(path, app.baseUrl);
  const request = () =>
    fetch(url, {
      redirect: 'manual',
      headers: { cookie: [`gj_locale=${locale}`, cookie].filter(Boolean).join('; ') }
    });
  // The crawl reuses one kept-alive connection for hundreds of GETs. On a loaded machine the
  // server once closed it as idle at the moment the next request went out ("other side closed");
  // a GET changes nothing, so it is simply sent again, once, on a new connection.
  const response = await request().catch((error: unknown) => {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET') throw error;
    return request();
  });
  const type = response.headers.get('content-type') ?? '';
  const bytes = Buffer.from(await response.arrayBuffer());
  const headerText = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  return {
    url: url.pathname + url.search,
    status: response.status,
    type,
    text: `${headerText}\n${textOf(bytes, type)}`
  };
}

/** What a person would read in a response: the text itself, or every part of a workbook. */
function textOf(bytes: Buffer, type: string): string {
  if (type.includes('spreadsheetml')) {
    return execFileSync(
      'python3',
      [
        '-c',
        'import sys, zipfile, io\nz = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\nfor n in z.namelist(): sys.stdout.write(z.read(n).decode("utf-8", "replace"))'
      ],
      { input: bytes, maxBuffer: 256 * 1024 * 1024 }
    ).toString('utf8');
  }
  if (type.startsWith('text/') || type.includes('json') || type.includes('javascript') || type.includes('xml')) {
    return bytes.toString('utf8');
  }
  // Images and PDFs: the marks are ASCII, so reading the bytes as Latin-1 finds them.
  return bytes.toString('latin1');
}

/** Every link on an HTML page that stays on this fund's public side (or is the verifier). */
function linksOf(page: Fetched): string[] {
  if (!page.type.includes('text/html')) return [];
  const found: string[] = [];
  for (const match of page.text.matchAll(/href="([^"]+)"/g)) {
    const raw = (match[1] ?? '').replaceAll('&amp;', '&');
    const url = new URL(raw, new URL(page.url, app.baseUrl));
    if (url.origin !== new URL(app.baseUrl).origin) continue;
    if (url.pathname.startsWith(`/f/${SLUG}`) || url.pathname === '/gongjian-verify.mjs') {
      found.push(url.pathname + url.search);
    }
  }
  return found;
}

/** Breadth first from the fund page, in one language. */
async function crawl(locale: 'zh-CN' | 'en', extra: readonly string[]): Promise<Fetched[]> {
  const queue = [`/f/${SLUG}`, ...extra];
  const seen = new Set(queue);
  const pages: Fetched[] = [];
  while (queue.length > 0 && pages.length < CRAWL_MAX) {
    const path = queue.shift() as string;
    const page = await fetchPublic(path, locale);
    pages.push(page);
    for (const link of linksOf(page)) {
      if (!seen.has(link)) {
        seen.add(link);
        queue.push(link);
      }
    }
  }
  return pages;
}

function leaksIn(pages: readonly Fetched[]): string[] {
  const leaks: string[] = [];
  for (const page of pages) {
    if (page.text.includes(MARK) || page.text.includes(`139${TAG}`)) leaks.push(`${page.url}: a planted value`);
    for (const name of originalNames) if (page.text.includes(name)) leaks.push(`${page.url}: the name ${name}`);
    for (const login of loginNames) {
      if (new RegExp(`(^|[^a-z0-9-])${login.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9-]|$)`).test(page.text)) {
        leaks.push(`${page.url}: the login name ${login}`);
      }
    }
  }
  return leaks;
}

describe('no personal data on any public page or download', () => {
  it('plants values the office pages really show (the positive control)', async () => {
    const signedIn = await signInOverHttp(app.baseUrl, {
      loginName: 'demo-admin',
      password: DEMO_PASSWORD,
      ip: '10.9.0.1'
    });
    expect(signedIn.cookie).not.toBeNull();
    const [compound] = await owner<{ id: string }[]>`
      select c.id::text as id from compounds c join households h on h.compound_id = c.id
       where c.fund_id = ${fundId} limit 1`;
    const page = await fetchPublic(
      `/funds/${SLUG}/registers/compounds/${compound?.id ?? '0'}`,
      'zh-CN',
      signedIn.cookie ?? ''
    );
    expect(page.status).toBe(200);
    expect(leaksIn([page]).some((leak) => leak.includes('a planted value'))).toBe(true);
  });

  it('shows none of them, in Chinese or English, on any page a link reaches, or in any download', async () => {
    const [numbers] = await owner<{ numbers: number[] }[]>`
      select coalesce(array_agg(number order by number), '{}') as numbers from applications where fund_id = ${fundId}`;
    const projects = numbers?.numbers ?? [];
    const [head] = await owner<{ seq: number }[]>`
      select last_seq::int as seq from chain_heads where fund_id = ${fundId}`;
    const headSeq = head?.seq ?? 0;
    expect(headSeq).toBeGreaterThan(50);
    const formats = ['csv', 'xlsx', 'journal', 'beancount', 'json'];
    const downloads = formats.flatMap((format) => [
      `/f/${SLUG}/ledger.${format}`,
      `/f/${SLUG}/ledger.${format}?from=2026-01-01&to=2026-12-31`,
      ...projects.map((number) => `/f/${SLUG}/ledger.${format}?project=${number}`)
    ]);
    const others = [
      ...projects.flatMap((number) => [
        `/f/${SLUG}/projects/${number}`,
        `/f/${SLUG}/projects/${number}/notice`,
        `/f/${SLUG}/projects/${number}/account`,
        `/f/${SLUG}/projects/${number}/files/${uncheckedSha}`,
        `/funds/${SLUG}/notices/${number}`,
        `/funds/${SLUG}/notices/${number}/print`
      ]),
      `/f/${SLUG}/report`,
      '/evaluate'
    ];
    for (const locale of ['zh-CN', 'en'] as const) {
      const pages = await crawl(locale, [...downloads, ...others]);
      const ok = pages.filter((page) => page.status === 200);
      // The crawl reached the fund's pages and downloads, not just a few error pages.
      expect(ok.length).toBeGreaterThan(60);
      for (const format of formats)
        expect(ok.some((page) => page.url.startsWith(`/f/${SLUG}/ledger.${format}`))).toBe(true);
      // Every entry of the journal was reached through the ledger's pages.
      expect(ok.filter((page) => /\/ledger\/\d+$/.test(page.url)).length).toBe(headSeq);
      expect(ok.some((page) => /\/projects\/\d+$/.test(page.url))).toBe(true);
      // A file nobody checked is not public, whatever its project.
      for (const page of pages.filter((candidate) => candidate.url.includes(uncheckedSha))) {
        expect(page.status, page.url).toBe(404);
      }
      expect(leaksIn(pages)).toEqual([]);
    }
  }, 600_000);
});
