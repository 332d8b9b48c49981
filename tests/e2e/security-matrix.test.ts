import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../apps/web/src/lib/server/auth/tokens';
import { createTestUser, TEST_PASSWORD } from '../support/people';
import {
  REGISTRY,
  ROLE_NAMES,
  baseUrl,
  origin,
  actorOf,
  createWorld,
  dataUrl,
  discoverRoutes,
  expectedOf,
  inBatches,
  loginNameOf,
  openDatabase,
  postForm,
  registeredSurfaces,
  request,
  signIn,
  surfacesOf,
  type Expected,
  type HttpResult,
  type RoleName,
  type Target,
  type Viewer,
  type World
} from './route-access';

/**
 * Every route, every way in (the HTML page, its __data.json, each form action without and with
 * JavaScript, each endpoint verb) and every kind of visitor, compared with what the real policy
 * decides for that visitor. Also: the name of a committee member never appears in a refused
 * response, compound ids cannot be guessed across compounds, and fields a form does not name
 * change nothing.
 */

const sql = openDatabase();
const PREFIX = 'm';
const ipOf = (role: RoleName) => `10.70.0.${ROLE_NAMES.indexOf(role) + 10}`;
let world: World;
const cookies: Partial<Record<RoleName, string>> = {};

beforeAll(async () => {
  world = await createWorld(sql, PREFIX);
  for (const role of ROLE_NAMES) {
    if (role !== 'anonymous') cookies[role] = await signIn(loginNameOf(role, PREFIX), ipOf(role));
  }
});

afterAll(async () => {
  await sql`update funds set totp_required = false where slug = 'guihuajing'`;
  await sql.end();
});

async function viewerOf(role: RoleName): Promise<Viewer> {
  const signedIn = role !== 'anonymous' && role !== 'pending';
  return {
    role,
    actor: await actorOf(sql, signedIn ? world.userIds[role] : undefined),
    secondFactorPending: role === 'pending',
    loginName: role === 'anonymous' ? null : loginNameOf(role, PREFIX)
  };
}

function matches(actual: string | null, expected: string | RegExp): boolean {
  if (actual === null) return false;
  return typeof expected === 'string' ? actual === expected : expected.test(actual);
}

function describeExpected(expected: Expected): string {
  return expected.kind === 'redirect' ? `redirect to ${String(expected.location)}` : expected.kind;
}

const PAGE_STATUS = { allow: 200, forbidden: 403, conflict: 409, not_found: 404 } as const;

/** Null when the response is what was expected, else what went wrong. */
function judgePage(expected: Expected, response: HttpResult): string | null {
  if (expected.kind === 'redirect') {
    return response.status === 303 && matches(response.location, expected.location)
      ? null
      : `got ${response.status} ${response.location ?? ''}`;
  }
  return response.status === PAGE_STATUS[expected.kind] ? null : `got ${response.status} ${response.location ?? ''}`;
}

interface DataNode {
  type: string;
  status?: number;
}

function judgeData(expected: Expected, response: HttpResult): string | null {
  let payload: { type?: string; location?: string; nodes?: (DataNode | null)[] };
  try {
    payload = JSON.parse(response.body) as typeof payload;
  } catch {
    return `not JSON (${response.status}): ${response.body.slice(0, 80)}`;
  }
  const nodes = payload.nodes ?? [];
  const errorWith = (status: number) => nodes.some((node) => node?.type === 'error' && node.status === status);
  const got = `got ${response.body.slice(0, 160)}`;
  switch (expected.kind) {
    case 'allow':
      return payload.type === 'data' && !nodes.some((node) => node?.type === 'error') ? null : got;
    case 'redirect':
      return payload.type === 'redirect' && matches(payload.location ?? null, expected.location) ? null : got;
    case 'forbidden':
      return payload.type === 'data' && errorWith(403) ? null : got;
    case 'conflict':
      return payload.type === 'data' && errorWith(409) ? null : got;
    case 'not_found':
      return payload.type === 'data' && errorWith(404) ? null : got;
  }
}

/** Where an allowed request must not be sent: to sign in, or to enrol a second factor. */
const GATE = /^\/(login(?:\?|$)|account\/totp\?required)/;

function judgeAction(expected: Expected, response: HttpResult, enhanced: boolean): string | null {
  const got = `got ${response.status} ${response.location ?? ''} ${response.body.slice(0, 160)}`;
  if (!enhanced) {
    if (expected.kind === 'allow') {
      const gated = response.status >= 300 && response.status < 400 && GATE.test(response.location ?? '');
      return response.status < 500 && response.status !== 403 && !gated ? null : got;
    }
    return judgePage(expected, response);
  }
  let result: { type?: string; status?: number; location?: string };
  try {
    result = JSON.parse(response.body) as typeof result;
  } catch {
    return `not JSON: ${got}`;
  }
  switch (expected.kind) {
    case 'allow': {
      const refused = response.status === 403 || result.status === 403 || response.status >= 500;
      const gated = result.type === 'redirect' && GATE.test(result.location ?? '');
      return !refused && !gated ? null : got;
    }
    case 'redirect':
      return result.type === 'redirect' && matches(result.location ?? null, expected.location) ? null : got;
    case 'forbidden':
      return (result.type === 'error' && response.status === 403) ||
        (result.type === 'failure' && result.status === 403)
        ? null
        : got;
    case 'conflict':
      return (result.type === 'error' && response.status === 409) ||
        (result.type === 'failure' && result.status === 409)
        ? null
        : got;
    case 'not_found':
      return response.status === 404 || result.status === 404 ? null : got;
  }
}

interface Check {
  role: RoleName;
  what: string;
  expected: Expected;
  run: () => Promise<HttpResult>;
  judge: (response: HttpResult) => string | null;
}

interface Outcome {
  check: Check;
  response: HttpResult;
  problem: string | null;
}

/** The checks of one pass over the registry, for the routes that exist now. */
function checksFor(viewers: readonly Viewer[]): Check[] {
  const routes = new Map(discoverRoutes().map((route) => [route.id, route]));
  const checks: Check[] = [];
  for (const viewer of viewers) {
    const role = viewer.role;
    const cookie = () => cookies[role] ?? null;
    const ip = ipOf(role);
    for (const [id, entry] of Object.entries(REGISTRY)) {
      const route = routes.get(id);
      if (route === undefined) continue;
      const targets = entry.targets(world.fx);
      for (const target of targets) {
        if (entry.load !== 'none') {
          const expected: Expected =
            entry.load === 'page-only' ? { kind: 'allow' } : expectedOf(entry.load, viewer, target);
          checks.push({
            role,
            what: `GET ${target.path}`,
            expected,
            run: () => request(target.path, { cookie: cookie(), ip, headers: { accept: 'text/html' } }),
            judge: (response) => judgePage(expected, response)
          });
          if (entry.load !== 'page-only') {
            const url = dataUrl(target.path, route.layoutDepth);
            checks.push({
              role,
              what: `GET ${url}`,
              expected,
              run: () => request(url, { cookie: cookie(), ip }),
              judge: (response) => judgeData(expected, response)
            });
          }
        }
        for (const [method, access] of Object.entries(entry.endpoints)) {
          const expected = expectedOf(access, viewer, target);
          checks.push({
            role,
            what: `${method} ${target.path}`,
            expected,
            run: () => request(target.path, { method, cookie: cookie(), ip }),
            judge: (response) => judgePage(expected, response)
          });
        }
      }
      for (const [name, spec] of Object.entries(entry.actions)) {
        const actionTargets: Target[] = spec.path
          ? [{ path: spec.path(world.fx), fundId: null, compoundId: null }]
          : targets.filter((target) => !target.missing);
        for (const target of actionTargets) {
          const url = name === 'default' ? target.path : `${target.path}?/${name}`;
          const expected = expectedOf(spec.access, viewer, { ...target, path: url });
          for (const enhanced of [false, true]) {
            checks.push({
              role,
              what: `POST ${url}${enhanced ? ' (enhanced)' : ''}`,
              expected,
              run: async () => {
                // Signing out ends the session it is sent with, so it gets one of its own.
                const session =
                  spec.consumesSession && role !== 'anonymous' ? await signIn(loginNameOf(role, PREFIX), ip) : cookie();
                return postForm(url, spec.body(world.fx, viewer), { cookie: session, ip, enhanced });
              },
              judge: (response) => judgeAction(expected, response, enhanced)
            });
          }
        }
      }
    }
  }
  return checks;
}

async function runChecks(checks: readonly Check[]): Promise<Outcome[]> {
  return inBatches(
    checks.map((check) => async () => {
      const response = await check.run();
      return { check, response, problem: check.judge(response) };
    }),
    8
  );
}

function report(outcomes: readonly Outcome[]): string[] {
  return outcomes
    .filter((outcome) => outcome.problem !== null)
    .map(
      ({ check, problem }) =>
        `${check.role}: ${check.what}: expected ${describeExpected(check.expected)}, ${problem ?? ''}`
    );
}

/** Refused responses that show the sentinel committee member's name or login name. */
function leaks(outcomes: readonly Outcome[]): string[] {
  const secrets = [world.sentinel.displayName, world.sentinel.loginName];
  return outcomes
    .filter(({ check }) => check.expected.kind !== 'allow')
    .filter(({ response }) => secrets.some((secret) => response.body.includes(secret)))
    .map(({ check }) => `${check.role}: ${check.what} (${describeExpected(check.expected)}) shows the sentinel`);
}

describe('route access matrix', () => {
  it('has a registry entry for every load, action, endpoint and layout load, and no stale entry', () => {
    const discovered = discoverRoutes().flatMap(surfacesOf).sort();
    const registered = registeredSurfaces();
    const unregistered = discovered.filter((line) => !registered.includes(line));
    const stale = registered.filter((line) => !discovered.includes(line));
    expect(
      { unregistered, stale },
      'Add each unregistered route surface to REGISTRY in tests/e2e/route-access.ts, saying who may use it; ' +
        'remove stale entries (or finish their routes).'
    ).toEqual({ unregistered: [], stale: [] });
  });

  // Each run sends a few hundred requests: about 12 s on a quiet machine, several times that on a
  // loaded one, so the time allowed grows with the work, not with a guess at the machine's speed.
  // The two settings of the TOTP rule are two tests, so a slow first half cannot leave the rule
  // switched on under the tests that follow (a timed-out test keeps running in the background).
  const all: Outcome[] = [];
  for (const totpRequired of [false, true]) {
    it(
      `answers every route, method and role as the policy decides, with the TOTP rule ${totpRequired ? 'on' : 'off'}`,
      { timeout: 300_000 },
      async () => {
        try {
          await sql`update funds set totp_required = ${totpRequired} where id = ${world.fx.fundId}`;
          const viewers = await Promise.all(ROLE_NAMES.map(viewerOf));
          const outcomes = await runChecks(checksFor(viewers));
          all.push(...outcomes);
          expect(report(outcomes), `with totp_required = ${String(totpRequired)}`).toEqual([]);
          expect(leaks(outcomes)).toEqual([]);
        } finally {
          await sql`update funds set totp_required = false where id = ${world.fx.fundId}`;
        }
      }
    );
  }

  it('shows the sentinel to those who may see the committee, so the leak check can fail', () => {
    const shown = (role: RoleName, what: string) =>
      all.some(
        (o) => o.check.role === role && o.check.what === what && o.response.body.includes(world.sentinel.displayName)
      );
    expect(shown('fundAdmin', `GET /funds/guihuajing/members`)).toBe(true);
    expect(shown('committeeA', `GET /funds/guihuajing/compounds/${world.fx.compoundA}`)).toBe(true);
    console.log(
      `security matrix: ${all.length} requests over ${registeredSurfaces().length} route surfaces ` +
        `(${Object.keys(REGISTRY).length} routes), ${ROLE_NAMES.length} roles, TOTP rule off and on`
    );
  });

  it('never shows committee A another compound, whatever the id looks like', async () => {
    const { fx } = world;
    const cookie = cookies.committeeA ?? null;
    const A = fx.compoundA;
    const ids = fc.oneof(
      fc.constantFrom(A, fx.compoundB, fx.compoundC, fx.otherCompoundId),
      fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
      fc.integer({ min: -3, max: 100_000 }).map(String),
      fc.constantFrom(
        '1 or 1=1',
        `${A} or 1=1`,
        '01',
        `0${A}`,
        '-1',
        '1e3',
        `${A}.0`,
        `+${A}`,
        ` ${A}`,
        `${A}%00`,
        '9223372036854775808',
        '0x1',
        'null',
        `${A},${fx.compoundB}`
      )
    );
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const response = await request(`/funds/guihuajing/compounds/${encodeURIComponent(id)}`, {
          cookie,
          ip: ipOf('committeeA'),
          headers: { accept: 'text/html' }
        });
        if (id === A) {
          expect(response.status).toBe(200);
        } else {
          expect(response.status, `compound id ${JSON.stringify(id)}`).not.toBe(200);
          expect(response.body).not.toContain(world.sentinel.displayName);
        }
      }),
      { numRuns: 50 }
    );
  });

  it('never sends anyone to another site after signing in or changing a setting', async () => {
    const cookie = cookies.committeeA ?? null;
    const hostile = fc.oneof(
      fc.constantFrom(
        '//evil.example',
        '///evil.example',
        '/\\evil.example',
        '/\\/evil.example',
        'https://evil.example',
        'http:evil.example',
        '\t//evil.example',
        '/\t/evil.example',
        ' //evil.example',
        '//evil.example/%2F..',
        'javascript:alert(1)',
        '/%2F%2Fevil.example',
        '/..//evil.example'
      ),
      fc
        .tuple(
          fc.constantFrom('/', '//', '/\\', '\\', ''),
          fc.string({ maxLength: 12 }),
          fc.constantFrom('evil.example', '')
        )
        .map(([head, middle, tail]) => `${head}${middle}${tail}`)
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (next) => {
        const signedIn = await request(`/login?next=${encodeURIComponent(next)}`, { cookie, ip: ipOf('committeeA') });
        const setting = await postForm(
          '/settings?/language',
          { locale: 'zh-CN', returnTo: next },
          { cookie, ip: ipOf('committeeA') }
        );
        for (const response of [signedIn, setting]) {
          expect(response.status, next).toBe(303);
          expect(new URL(response.location ?? '', baseUrl).origin, `${next} -> ${response.location ?? ''}`).toBe(
            origin
          );
        }
      }),
      { numRuns: 60 }
    );
  });

  it('creates an invitation in this fund with the submitted role only, whatever extra fields say', async () => {
    const { fx } = world;
    const label = `sec-extra-${fx.otherFundId}-${Date.now()}`;
    const residentId = world.userIds.resident ?? '';
    const response = await postForm(
      '/funds/guihuajing/members?/invite',
      {
        role: 'committee',
        compoundId: fx.compoundC,
        label,
        status: 'approved',
        amount: '99999',
        fund_id: fx.otherFundId,
        fundId: fx.otherFundId,
        slug: fx.otherFundSlug,
        platform_admin: 'true',
        platformAdmin: 'true',
        used_at: '2020-01-01',
        kind: 'reset',
        user_id: residentId,
        created_by: residentId
      },
      { cookie: cookies.fundAdmin ?? null, ip: ipOf('fundAdmin'), enhanced: true }
    );
    expect(response.status, response.body).toBe(200);
    expect((JSON.parse(response.body) as { type: string }).type).toBe('success');
    const rows = await sql<Record<string, string | null>[]>`
      select id::text, fund_id::text, kind, role, unit_id::text, compound_id::text, user_id::text,
             created_by::text, used_at::text, used_by::text, revoked_at::text
        from invitations where label = ${label}`;
    expect(rows).toEqual([
      {
        id: expect.any(String),
        fund_id: fx.fundId,
        kind: 'invite',
        role: 'committee',
        unit_id: null,
        compound_id: fx.compoundC,
        user_id: null,
        created_by: world.userIds.fundAdmin,
        used_at: null,
        used_by: null,
        revoked_at: null
      }
    ]);
    // Tidy up through the page, as the administrator would.
    const revoke = await postForm(
      '/funds/guihuajing/members?/revoke',
      { invitationId: rows[0]?.id ?? '' },
      { cookie: cookies.fundAdmin ?? null, ip: ipOf('fundAdmin'), enhanced: true }
    );
    expect((JSON.parse(revoke.body) as { type: string }).type).toBe('success');
    const [admins] = await sql<{ count: number }[]>`
      select count(*)::int as count from users where login_name like 'sec-%' and platform_admin`;
    expect(admins?.count).toBe(0);
  });

  it('changes only the signed-in user’s password, whatever user id the form names', async () => {
    const changer = await createTestUser(sql, { loginName: `sec-${PREFIX}pw-changer-${world.fx.otherFundId}` });
    const victim = await createTestUser(sql, { loginName: `sec-${PREFIX}pw-victim-${world.fx.otherFundId}` });
    const hashes = async () =>
      new Map(
        (
          await sql<{ id: string; password_hash: string }[]>`
            select id::text, password_hash from users where id in (${changer}, ${victim})`
        ).map((row) => [row.id, row.password_hash])
      );
    const before = await hashes();
    const cookie = await signIn(`sec-${PREFIX}pw-changer-${world.fx.otherFundId}`, '10.70.0.40');
    const response = await postForm(
      '/account/password',
      {
        currentPassword: TEST_PASSWORD,
        newPassword: 'a brand new passphrase for the changer',
        user_id: victim,
        userId: victim,
        loginName: `sec-${PREFIX}pw-victim-${world.fx.otherFundId}`
      },
      { cookie, ip: '10.70.0.40' }
    );
    expect(response.status, response.body.slice(0, 200)).toBe(303);
    expect(response.location).toBe('/account?changed=password');
    const after = await hashes();
    expect(after.get(changer)).not.toBe(before.get(changer));
    expect(after.get(victim)).toBe(before.get(victim));
  });

  it('lets a fund administrator manage only people whose roles are all in that fund', async () => {
    const { fx } = world;
    const admin = { cookie: cookies.fundAdmin ?? null, ip: ipOf('fundAdmin'), enhanced: true };
    const dual = await createTestUser(sql, {
      loginName: `sec-${PREFIX}dual-${fx.otherFundId}`,
      memberships: [
        { fundSlug: 'guihuajing', role: 'committee', compoundCode: 'c-xiyuan' },
        { fundSlug: fx.otherFundSlug, role: 'committee', compoundCode: 'compound-1' }
      ]
    });
    const local = await createTestUser(sql, {
      loginName: `sec-${PREFIX}local-${fx.otherFundId}`,
      memberships: [{ fundSlug: 'guihuajing', role: 'committee', compoundCode: 'c-xiyuan' }]
    });
    const statusOf = async (userId: string) =>
      (await sql<{ status: string }[]>`select status from users where id = ${userId}`)[0]?.status;
    const resetLinks = async (userId: string) =>
      (await sql<{ count: number }[]>`select count(*)::int as count from invitations where user_id = ${userId}`)[0]
        ?.count;
    const resultOf = (response: HttpResult) => JSON.parse(response.body) as { type: string; status: number };

    for (const action of ['disable', 'reset'] as const) {
      const response = await postForm(`/funds/guihuajing/members?/${action}`, { userId: dual }, admin);
      expect(resultOf(response), action).toMatchObject({ type: 'failure', status: 403 });
    }
    expect(await statusOf(dual)).toBe('active');
    expect(await resetLinks(dual)).toBe(0);

    // The same administrator may disable (and enable again) someone who serves only this fund.
    expect(resultOf(await postForm('/funds/guihuajing/members?/disable', { userId: local }, admin)).type).toBe(
      'success'
    );
    expect(await statusOf(local)).toBe('disabled');
    expect(resultOf(await postForm('/funds/guihuajing/members?/enable', { userId: local }, admin)).type).toBe(
      'success'
    );
    expect(await statusOf(local)).toBe('active');
  });

  it('never reaches another fund’s invitations or roles through this fund’s page', async () => {
    const { fx } = world;
    const admin = { cookie: cookies.fundAdmin ?? null, ip: ipOf('fundAdmin'), enhanced: true };
    const [invitation] = await sql<{ id: string }[]>`
      insert into invitations (fund_id, kind, token_hash, role, compound_id, label, created_at, expires_at)
      values (${fx.otherFundId}, 'invite', ${hashToken(newToken())}, 'committee', ${fx.otherCompoundId},
              'security tests', now(), now() + interval '1 day')
      returning id::text as id`;
    const [membership] = await sql<{ id: string }[]>`
      select id::text as id from memberships where user_id = ${world.userIds.resident ?? ''}`;
    const revoke = await postForm('/funds/guihuajing/members?/revoke', { invitationId: invitation?.id ?? '' }, admin);
    const remove = await postForm('/funds/guihuajing/members?/remove', { membershipId: membership?.id ?? '' }, admin);
    for (const response of [revoke, remove]) {
      expect(JSON.parse(response.body)).toMatchObject({ type: 'failure', status: 404 });
    }
    const [still] = await sql<{ revoked: boolean; members: number }[]>`
      select (select revoked_at is not null from invitations where id = ${invitation?.id ?? ''}) as revoked,
             (select count(*)::int from memberships where id = ${membership?.id ?? ''}) as members`;
    expect(still).toEqual({ revoked: false, members: 1 });
  });
});
