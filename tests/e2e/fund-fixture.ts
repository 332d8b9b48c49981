import { CHART_MINFEI_2026 } from '@gongjian/ledger';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { openChartIn, transact } from '../../apps/web/src/lib/server/books';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import type { FundPolicyJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import type { Actor, FundRole } from '../../apps/web/src/lib/server/access/policy';
import { createTestUser, signInOverHttp, type TestMembership } from '../support/people';
import { PHONE, baseUrl, launchBrowser, newVisitor } from './browser';

/**
 * The set-up the fund pages' e2e files share: a database connection, the fund they work in (the
 * seeded demo fund, or one made for the file with its chart, policy and registers), people made
 * for the file and signed in through the real login form, plain HTTP helpers as a browser without
 * JavaScript sends them, and browser pages for those people. Each file signs in from its own block
 * of addresses (the login throttle counts per address, and the app reads X-Forwarded-For), and
 * each browser context gets an address of its own from that block too.
 */

export const DEMO_FUND = 'guihuajing';
export const origin = new URL(baseUrl).origin;

export interface Person {
  id: string;
  loginName: string;
  displayName: string;
  /** `gj_session=<token>`, for a Cookie header. */
  cookie: string;
}

/** A fund made for one file: the standard chart, one policy version and a few registers. */
export interface NewFund {
  policy: FundPolicyJson;
  units: readonly { code: string; name: string }[];
  compounds: readonly { code: string; name: string; householdsCount: number }[];
}

export interface FundFixtureOptions {
  /** Starts every login name (`<prefix>-<label>-<run>`), so a file's people are easy to tell apart. */
  prefix: string;
  /** Starts every display name (`<displayName><label><run>`). */
  displayName: string;
  /** The first three parts of this file's IPv4 addresses, such as '10.9.4'; no other file may use it. */
  addressBlock: string;
  /** Absent for the demo fund; the slug of a new fund is `<prefix>-<run>`. */
  newFund?: NewFund;
}

export interface VisitorOptions {
  viewport?: { width: number; height: number };
  javaScript?: boolean;
  elder?: boolean;
  locale?: 'zh-CN' | 'en';
}

export interface FundFixture {
  /** This run's suffix, which keeps login names, titles and slugs unique across runs. */
  readonly run: string;
  readonly slug: string;
  readonly sql: Sql;
  readonly fundId: string;
  /** Makes a person with these roles in the fund and signs them in over HTTP. */
  person(label: string, memberships: readonly Omit<TestMembership, 'fundSlug'>[]): Promise<Person>;
  /** The actor the app's hooks make of a person, from their memberships: for calling use cases directly. */
  actorOf(person: Person): Promise<Actor>;
  nextAddress(): string;
  get(path: string, cookie?: string): Promise<Response>;
  /** A form post: URL-encoded for fields, multipart for a FormData. */
  post(path: string, body: Record<string, string> | FormData, cookie?: string): Promise<Response>;
  /**
   * Launches Chromium for the calling describe block and returns a way to open a page, in a fresh
   * context of its own, for a signed-in person (or an anonymous visitor with null).
   */
  browser(): { pageOf(who: Person | null, options?: VisitorOptions): Promise<Page> };
}

/**
 * Registers the hooks that open and close the fixture; call it at the top of a test file, before
 * the file's own beforeAll, which then runs after the fund is ready.
 */
export function fundFixture(options: FundFixtureOptions): FundFixture {
  const run = Date.now().toString(36).slice(-6);
  const slug = options.newFund === undefined ? DEMO_FUND : `${options.prefix}-${run}`;
  let connection: Sql | undefined;
  let fundId = '';
  let lastAddress = 10;

  beforeAll(async () => {
    connection = createClient(inject('databaseUrl'), { max: 2, applicationName: `gongjian-e2e-${options.prefix}` });
    fundId =
      options.newFund === undefined
        ? await demoFundId(connection)
        : await createFund(connection, slug, run, options.newFund);
  });

  afterAll(async () => {
    await connection?.end();
  });

  function sql(): Sql {
    if (connection === undefined) throw new Error('the fund fixture is used before its beforeAll ran');
    return connection;
  }

  function nextAddress(): string {
    lastAddress += 1;
    if (lastAddress > 254) throw new Error(`the address block ${options.addressBlock} is used up`);
    return `${options.addressBlock}.${lastAddress}`;
  }

  async function person(label: string, memberships: readonly Omit<TestMembership, 'fundSlug'>[]): Promise<Person> {
    const loginName = `${options.prefix}-${label}-${run}`;
    const displayName = `${options.displayName}${label}${run}`;
    const id = await createTestUser(sql(), {
      loginName,
      displayName,
      memberships: memberships.map((membership) => ({ fundSlug: slug, ...membership }))
    });
    const signedIn = await signInOverHttp(baseUrl, { loginName, ip: nextAddress() });
    expect(signedIn.status, `sign-in of ${loginName}`).toBe(303);
    if (signedIn.cookie === null) throw new Error(`no session cookie for ${loginName}`);
    return { id, loginName, displayName, cookie: signedIn.cookie };
  }

  async function get(path: string, cookie?: string): Promise<Response> {
    return await fetch(new URL(path, baseUrl), {
      redirect: 'manual',
      headers: { accept: 'text/html', ...(cookie === undefined ? {} : { cookie }) }
    });
  }

  async function post(path: string, body: Record<string, string> | FormData, cookie?: string): Promise<Response> {
    const multipart = body instanceof FormData;
    return await fetch(new URL(path, baseUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        origin,
        // A FormData body sets its own multipart content type, with the boundary.
        ...(multipart ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        ...(cookie === undefined ? {} : { cookie })
      },
      body: multipart ? body : new URLSearchParams(body)
    });
  }

  function browser() {
    let launched: Browser | undefined;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      launched = await launchBrowser();
    });

    afterAll(async () => {
      for (const context of contexts) await context.close();
      await launched?.close();
    });

    async function pageOf(who: Person | null, visitor: VisitorOptions = {}): Promise<Page> {
      if (launched === undefined) throw new Error('the browser is used before its beforeAll ran');
      const context = await newVisitor(launched, {
        viewport: visitor.viewport ?? PHONE,
        javaScriptEnabled: visitor.javaScript ?? true,
        extraHTTPHeaders: { 'x-forwarded-for': nextAddress() }
      });
      contexts.push(context);
      await context.addCookies([
        ...(who === null ? [] : [{ name: 'gj_session', value: who.cookie.replace(/^gj_session=/, ''), url: baseUrl }]),
        ...(visitor.elder ? [{ name: 'gj_elder', value: '1', url: baseUrl }] : []),
        ...(visitor.locale === undefined ? [] : [{ name: 'gj_locale', value: visitor.locale, url: baseUrl }])
      ]);
      return await context.newPage();
    }

    return { pageOf };
  }

  return {
    run,
    slug,
    get sql() {
      return sql();
    },
    get fundId() {
      if (fundId === '') throw new Error('the fund fixture is used before its beforeAll ran');
      return fundId;
    },
    person,
    actorOf: (who: Person) => actorOfPerson(sql(), who),
    nextAddress,
    get,
    post,
    browser
  };
}

async function actorOfPerson(sql: Sql, person: Person): Promise<Actor> {
  const memberships = await sql<{ fundId: string; role: FundRole; unitId: string | null; compoundId: string | null }[]>`
    select fund_id::text as "fundId", role, unit_id::text as "unitId", compound_id::text as "compoundId"
      from memberships where user_id = ${person.id}`;
  return {
    kind: 'user',
    userId: person.id,
    platformAdmin: false,
    memberships,
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

async function demoFundId(sql: Sql): Promise<string> {
  const [fund] = await sql<{ id: string }[]>`select id::text as id from funds where slug = ${DEMO_FUND}`;
  if (fund === undefined) throw new Error('the demo fund is missing');
  return fund.id;
}

/**
 * A fund as the office leaves it once set up: written straight into the tables (the journey test
 * sets a fund up through its pages), with the policy as version 1.
 */
async function createFund(sql: Sql, slug: string, run: string, fund: NewFund): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into funds (slug, name_zh, name_en) values (${slug}, ${`测试基金 ${run}`}, ${`Test fund ${run}`})
    returning id::text as id`;
  if (row === undefined) throw new Error('no fund');
  const fundId = row.id;
  await transact(sql, (transaction) => openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 }));
  await sql`
    insert into fund_policies (fund_id, version, policy, adopted_at, note)
    values (${fundId}, 1, ${sql.json(fund.policy)}, now(), 'e2e')`;
  for (const unit of fund.units) {
    await sql`insert into units (fund_id, code, name) values (${fundId}, ${unit.code}, ${unit.name})`;
  }
  for (const compound of fund.compounds) {
    await sql`
      insert into compounds (fund_id, code, name, households_count)
      values (${fundId}, ${compound.code}, ${compound.name}, ${compound.householdsCount})`;
  }
  return fundId;
}
