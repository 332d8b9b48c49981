import { hashPassword } from '../../apps/web/src/lib/server/auth/password';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { FundRole } from '../../apps/web/src/lib/server/access/policy';

/**
 * People for tests, written straight into a migrated database. Each test file makes its own
 * users (with a unique login name) instead of reusing the demo accounts, because some tests
 * change passwords, disable users or lock accounts by throttling.
 */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestMembership {
  fundSlug: string;
  role: FundRole;
  unitCode?: string;
  compoundCode?: string;
}

let passwordHash: Promise<string> | undefined;

export async function createTestUser(
  sql: Sql,
  options: {
    loginName: string;
    displayName?: string;
    password?: string;
    platformAdmin?: boolean;
    memberships?: readonly TestMembership[];
  }
): Promise<string> {
  const hash =
    options.password === undefined
      ? await (passwordHash ??= hashPassword(TEST_PASSWORD))
      : await hashPassword(options.password);
  const [user] = await sql<{ id: string }[]>`
    insert into users (login_name, display_name, password_hash, platform_admin)
    values (${options.loginName}, ${options.displayName ?? options.loginName}, ${hash}, ${options.platformAdmin ?? false})
    returning id::text as id`;
  if (user === undefined) throw new Error('createTestUser: no row');
  for (const membership of options.memberships ?? []) {
    await sql`
      insert into memberships (fund_id, user_id, role, unit_id, compound_id)
      select f.id, ${user.id}, ${membership.role},
             (select id from units where fund_id = f.id and code = ${membership.unitCode ?? null}),
             (select id from compounds where fund_id = f.id and code = ${membership.compoundCode ?? null})
        from funds f where f.slug = ${membership.fundSlug}`;
  }
  return user.id;
}

/** A fund with one unit and one compound, for tests that need a second fund. */
export async function createTestFund(sql: Sql, slug: string): Promise<string> {
  const [fund] = await sql<{ id: string }[]>`
    insert into funds (slug, name_zh, name_en) values (${slug}, ${`测试基金 ${slug}`}, ${`Test fund ${slug}`})
    returning id::text as id`;
  if (fund === undefined) throw new Error('createTestFund: no row');
  await sql`insert into units (fund_id, code, name) values (${fund.id}, 'unit-1', '测试单位')`;
  await sql`insert into compounds (fund_id, code, name) values (${fund.id}, 'compound-1', '测试小区')`;
  return fund.id;
}

export interface SignedIn {
  status: number;
  /** `gj_session=<token>` for a Cookie header, or null when no session cookie was set. */
  cookie: string | null;
  token: string | null;
  location: string | null;
}

/**
 * Signs in through the real form action (POST /login), as a browser would, from `ip` when the
 * app runs with ADDRESS_HEADER=x-forwarded-for (the e2e app does).
 */
export async function signInOverHttp(
  baseUrl: string,
  options: { loginName: string; password?: string; ip?: string }
): Promise<SignedIn> {
  const response = await fetch(new URL('/login', baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      // Without it SvelteKit answers a form post in JSON (status 200, the redirect in the body),
      // as it does for use:enhance; a browser without JavaScript asks for HTML and gets the 303.
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      origin: new URL(baseUrl).origin,
      ...(options.ip === undefined ? {} : { 'x-forwarded-for': options.ip })
    },
    body: new URLSearchParams({ loginName: options.loginName, password: options.password ?? TEST_PASSWORD })
  });
  const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('gj_session='));
  const token = setCookie ? (/^gj_session=([^;]*)/.exec(setCookie)?.[1] ?? null) : null;
  return {
    status: response.status,
    cookie: token ? `gj_session=${token}` : null,
    token: token || null,
    location: response.headers.get('location')
  };
}
