import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '../support/people';
import {
  REGISTRY,
  ROLE_NAMES,
  RUN_TAG,
  actorOf,
  createWorld,
  discoverRoutes,
  expectedOf,
  inBatches,
  loginNameOf,
  openDatabase,
  origin,
  postForm,
  request,
  signIn,
  type ActionSpec,
  type HttpResult,
  type RoleName,
  type Target,
  type Viewer,
  type World
} from './route-access';

/**
 * Input no page sends, at every form action the routes directory has and at every URL: a form
 * posted as text/plain, a multipart body that cannot be parsed, a NUL (which PostgreSQL refuses
 * in text) in every field, in a route parameter or in the query, a redirect back to a non-ASCII
 * path, and dates no calendar has. Each gets a 4xx that says what is wrong in the visitor's
 * language, never a 500, and nothing is written.
 */

const sql = openDatabase();
const PREFIX = 'i';
const PLATFORM = `sec-i${RUN_TAG}-platform`;
let world: World;
const cookies = new Map<string, string>();
const ipOf = (who: string) => `10.71.0.${[...ROLE_NAMES, 'platform'].indexOf(who as RoleName) + 10}`;

beforeAll(async () => {
  world = await createWorld(sql, PREFIX);
  for (const role of ROLE_NAMES) {
    if (role !== 'anonymous') cookies.set(role, await signIn(loginNameOf(role, PREFIX), ipOf(role)));
  }
  await createTestUser(sql, { loginName: PLATFORM, platformAdmin: true });
  cookies.set('platform', await signIn(PLATFORM, ipOf('platform')));
});

afterAll(async () => {
  await sql.end();
});

/**
 * Every table's row count and a digest of its rows. Sessions are left out: signing in for the
 * test writes them, and no refused request may touch them anyway (they are compared by count).
 */
async function fingerprint(): Promise<Map<string, string>> {
  const tables = await sql<{ name: string }[]>`
    select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  const result = new Map<string, string>();
  for (const { name } of tables) {
    const [row] = await sql<{ digest: string }[]>`
      select count(*)::text || ':' || ${name === 'sessions' ? sql`''` : sql`coalesce(md5(string_agg(md5(t::text), ',' order by md5(t::text))), '')`} as digest
        from ${sql(name)} t`;
    result.set(name, row?.digest ?? '');
  }
  return result;
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([name, digest]) => before.get(name) !== digest).map(([name]) => name);
}

interface ActionTarget {
  what: string;
  url: string;
  spec: ActionSpec;
  /** Who may use the action, so that the request reaches the place where the form is read. */
  who: string;
  viewer: Viewer;
  /** False when nobody in the test may use the action: the visitor is then refused before any form is read. */
  mayUse: boolean;
}

/** A viewer as the registry's bodies and policies see them. */
async function viewerOf(who: string): Promise<Viewer> {
  const role = (ROLE_NAMES as readonly string[]).includes(who) ? (who as RoleName) : 'fundAdmin';
  const userId = who === 'platform' ? await platformId() : world.userIds[role];
  const signedIn = who !== 'anonymous' && who !== 'pending';
  return {
    role,
    actor: await actorOf(sql, signedIn ? userId : undefined),
    secondFactorPending: who === 'pending',
    loginName: who === 'anonymous' ? null : who === 'platform' ? PLATFORM : loginNameOf(role, PREFIX)
  };
}

async function platformId(): Promise<string> {
  const [row] = await sql<{ id: string }[]>`select id::text as id from users where login_name = ${PLATFORM}`;
  if (row === undefined) throw new Error('no platform administrator');
  return row.id;
}

/** Every form action of every route on disk, with a visitor who may use it. */
async function actionTargets(): Promise<ActionTarget[]> {
  const viewers = await Promise.all(
    [...ROLE_NAMES, 'platform'].map(async (who) => [who, await viewerOf(who)] as const)
  );
  const targets: ActionTarget[] = [];
  for (const route of discoverRoutes()) {
    const entry = REGISTRY[route.id];
    if (entry === undefined) throw new Error(`${route.id} has no registry entry (see security-matrix.test.ts)`);
    for (const name of route.actions) {
      const spec = entry.actions[name];
      if (spec === undefined) throw new Error(`${route.id} action ${name} has no registry entry`);
      const target: Target | undefined = spec.path
        ? { path: spec.path(world.fx), fundId: null, compoundId: null }
        : (entry.targets(world.fx).find((candidate) => !candidate.missing) ?? entry.targets(world.fx)[0]);
      if (target === undefined) throw new Error(`${route.id} has no target to post to`);
      const url = name === 'default' ? target.path : `${target.path}?/${name}`;
      // A visitor who may use the action, else one it names a missing thing for (the action then
      // answers 404), so that the request gets as far as reading the form. Signing out ends the
      // session it carries, so it is posted without one.
      const kindFor = (viewer: Viewer) => expectedOf(spec.access, viewer, { ...target, path: url }).kind;
      const chosen = spec.consumesSession
        ? undefined
        : (viewers.find(([, viewer]) => kindFor(viewer) === 'allow') ??
          viewers.find(([, viewer]) => kindFor(viewer) === 'not_found'));
      const [who, viewer] = chosen ?? viewers[0] ?? ['anonymous', await viewerOf('anonymous')];
      const mayUse = spec.consumesSession === true || chosen !== undefined;
      targets.push({ what: `${route.id} ${name}`, url, spec, who, viewer, mayUse });
    }
  }
  return targets;
}

interface BadBody {
  name: string;
  contentType: string;
  body: (target: ActionTarget) => string;
}

const BAD_BODIES: BadBody[] = [
  { name: 'text/plain', contentType: 'text/plain;charset=UTF-8', body: () => 'locale=zh-CN\r\nreturnTo=/\r\n' },
  {
    name: 'broken multipart',
    contentType: 'multipart/form-data; boundary=----gongjian',
    body: () => '------gongjian\r\nContent-Disposition: form-data; name="title"\r\n\r\ncut off here'
  },
  {
    name: 'NUL in every field',
    contentType: 'application/x-www-form-urlencoded',
    body: (target) => {
      const fields = target.spec.body(world.fx, target.viewer);
      const poisoned = Object.entries({ ...fields, note: 'x' }).map(([key, value]) => [key, `${value}\u0000`]);
      return new URLSearchParams(poisoned).toString();
    }
  }
];

/** The status an answer stands for: an enhanced form's JSON carries its own. */
function statusOf(response: HttpResult, enhanced: boolean): number {
  if (!enhanced || !response.body.startsWith('{')) return response.status;
  const result = JSON.parse(response.body) as { type?: string; status?: number };
  if (result.type === 'failure' || result.type === 'redirect') return result.status ?? response.status;
  return response.status;
}

/** An error's words, in the language asked for: the error page, or the JSON's message. */
function errorText(response: HttpResult): string | null {
  if (!response.body.startsWith('{')) return response.body;
  const parsed = JSON.parse(response.body) as { type?: string; error?: { message?: string }; message?: string };
  if (parsed.type === 'failure') return null;
  return parsed.error?.message ?? parsed.message ?? '';
}

/** Null when the answer is right for a bad body: 4xx in words the visitor reads, or sent to sign in first. */
function judge(target: ActionTarget, response: HttpResult, enhanced: boolean): string | null {
  const status = statusOf(response, enhanced);
  const got = `${status} ${response.location ?? ''} ${response.body.slice(0, 120)}`;
  if (!target.mayUse) {
    // Refused before the form matters: sent to sign in (no one in the test may use it), or 4xx.
    const toLogin = status === 303 && /\/login\?next=/.test(response.location ?? response.body);
    return toLogin || (status >= 400 && status < 500) ? null : got;
  }
  if (status < 400 || status >= 500) return got;
  const words = errorText(response);
  return words === null || CHINESE.test(words) ? null : `${got}: not in the visitor's language`;
}

const CHINESE = /[\u4e00-\u9fff]/;

describe('input no page sends', () => {
  it('refuses text/plain, broken multipart and NUL-bearing posts to every form action with a 4xx, and writes nothing', async () => {
    const targets = await actionTargets();
    expect(targets.length).toBeGreaterThanOrEqual(45);
    // Most actions are tried by someone who may use them, so the bad body is what gets refused.
    expect(targets.filter((target) => target.mayUse).length).toBeGreaterThanOrEqual(35);
    const before = await fingerprint();
    const problems: string[] = [];
    const checks = targets.flatMap((target) =>
      BAD_BODIES.flatMap((bad) =>
        [false, true].map((enhanced) => async () => {
          const response = await request(target.url, {
            method: 'POST',
            cookie: cookies.get(target.who) ?? null,
            ip: ipOf(target.who),
            headers: {
              origin,
              'content-type': bad.contentType,
              accept: enhanced ? 'application/json' : 'text/html',
              ...(enhanced ? { 'x-sveltekit-action': 'true' } : {})
            },
            body: bad.body(target)
          });
          const label = `${target.who} ${bad.name}${enhanced ? ' (enhanced)' : ''} POST ${target.url}`;
          const problem = judge(target, response, enhanced);
          if (problem !== null) problems.push(`${label}: ${problem}`);
        })
      )
    );
    await inBatches(checks, 6);
    expect(problems).toEqual([]);
    expect(changedTables(before, await fingerprint())).toEqual([]);
    const used = targets.filter((target) => target.mayUse).length;
    console.log(
      `security input: ${checks.length} bad posts to ${targets.length} form actions (${used} by a visitor who may use them)`
    );
  });

  it('answers 415 for a form that is not form-encoded, and 400 for a body that cannot be read', async () => {
    const cookie = cookies.get('committeeA') ?? null;
    const plain = await request('/settings?/language', {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain', accept: 'text/html', cookie: 'gj_locale=en' },
      body: 'locale=en'
    });
    expect(plain.status).toBe(415);
    expect(plain.body).toContain('This form was not sent the way a browser sends it');
    const broken = await request(`/funds/guihuajing/applications/${world.fx.applicationDraftA ?? 0}/edit?/meeting`, {
      method: 'POST',
      cookie,
      ip: ipOf('committeeA'),
      headers: { origin, 'content-type': 'multipart/form-data; boundary=x', accept: 'text/html' },
      body: '--x\r\nContent-Disposition: form-data; name="meetingDate"\r\n\r\n2026'
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toContain('表单内容不完整或已损坏');
  });

  it('refuses a NUL in a route parameter or in the query of every page and endpoint with 400', async () => {
    const paths = new Set<string>([
      '/evaluate?fund=%00&project=1',
      '/funds/a%00b',
      '/f/a%00b/ledger',
      '/login?next=%00'
    ]);
    for (const [id, entry] of Object.entries(REGISTRY)) {
      const target = entry.targets(world.fx)[0];
      if (target === undefined) continue;
      paths.add(`${target.path}${target.path.includes('?') ? '&' : '?'}q=a%00b`);
      // Each parameter of the route, one at a time, holds a NUL.
      const segments = id.split('/');
      const concrete = target.path.split('?')[0]?.split('/') ?? [];
      segments.forEach((segment, index) => {
        if (!segment.startsWith('[')) return;
        const poisoned = [...concrete];
        poisoned[index] = `${concrete[index] ?? ''}%00`;
        paths.add(poisoned.join('/'));
      });
    }
    const problems: string[] = [];
    await inBatches(
      [...paths].flatMap((path) =>
        [null, 'fundAdmin'].map((who) => async () => {
          const response = await request(path, {
            cookie: who === null ? null : (cookies.get(who) ?? null),
            ip: '10.71.1.1',
            headers: { accept: 'text/html' }
          });
          if (response.status !== 400 || !response.body.includes('控制字符')) {
            problems.push(`${who ?? 'anonymous'} GET ${path}: ${response.status} ${response.body.slice(0, 80)}`);
          }
        })
      ),
      6
    );
    expect(problems).toEqual([]);
    expect(paths.size).toBeGreaterThan(60);
  });

  it('redirects back to a Chinese path percent-encoded, after a setting and after signing in', async () => {
    const setting = await postForm('/settings?/language', { locale: 'zh-CN', returnTo: '/中文 页面?q=门禁#第一' }, {});
    expect(setting.status).toBe(303);
    expect(setting.location).toBe('/%E4%B8%AD%E6%96%87%20%E9%A1%B5%E9%9D%A2?q=%E9%97%A8%E7%A6%81#%E7%AC%AC%E4%B8%80');
    const login = loginNameOf('committeeA', PREFIX);
    const signedIn = await postForm(
      '/login',
      { loginName: login, password: 'correct horse battery staple', next: '/中文' },
      {
        ip: ipOf('committeeA')
      }
    );
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/%E4%B8%AD%E6%96%87');
    // Already signed in, the sign-in page sends the visitor on at once.
    const again = await request(`/login?next=${encodeURIComponent('/中文')}`, {
      cookie: cookies.get('committeeA') ?? null
    });
    expect(again.status).toBe(303);
    expect(again.location).toBe('/%E4%B8%AD%E6%96%87');
  });

  it('refuses dates no calendar has (year 0000, 99999, 30 February) and never answers 500', async () => {
    const before = await fingerprint();
    const committee = cookies.get('committeeA') ?? null;
    const draft = `/funds/guihuajing/applications/${world.fx.applicationDraftA ?? 0}/edit?/meeting`;
    for (const date of ['0000-01-01', '99999-01-01', '2026-02-30', '1899-12-31']) {
      const form = new FormData();
      for (const [name, value] of Object.entries({
        meetingDate: date,
        householdsTotal: '20',
        householdsPresent: '15',
        householdsAgreeing: '12'
      })) {
        form.set(name, value);
      }
      const meeting = await request(draft, {
        method: 'POST',
        cookie: committee,
        ip: ipOf('committeeA'),
        headers: { origin, accept: 'application/json', 'x-sveltekit-action': 'true' },
        body: form
      });
      expect(meeting.status, `${date}: ${meeting.body}`).toBe(200);
      expect(JSON.parse(meeting.body), date).toMatchObject({ type: 'failure', status: 400 });
      const csv = await request(`/f/guihuajing/ledger.csv?from=${date}`);
      expect(csv.status, `ledger.csv from=${date}`).toBe(400);
      // The ledger page names the filter it cannot read, with no entries, rather than failing.
      const page = await request(`/f/guihuajing/ledger?from=${date}`, { headers: { accept: 'text/html' } });
      expect(page.status, `ledger from=${date}`).toBeLessThan(500);
      expect(page.body).toContain('id="ledger-from-error"');
      const report = await request(`/f/guihuajing/report?from=${date}&to=2026-12-31`, {
        headers: { accept: 'text/html' }
      });
      expect(report.status, `report from=${date}`).toBeLessThan(500);
    }
    expect(changedTables(before, await fingerprint())).toEqual([]);
  });
});
