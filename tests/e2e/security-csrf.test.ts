import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorInvitation } from '../../apps/web/src/lib/server/people/operator';
import { createTestUser, TEST_PASSWORD } from '../support/people';
import { RUN_TAG, openDatabase, origin, postForm, request, signIn, type HttpResult } from './route-access';

/**
 * Cross-site requests that would change something: a page on another site cannot make a signed-in
 * visitor's browser invite someone, require a second factor, sign out, change the password or even
 * switch the language, whatever content type it sends, and whether the browser names the other
 * site in Origin or only in Sec-Fetch-Site.
 */

const sql = openDatabase();
const ADMIN = `sec-c${RUN_TAG}-admin`;
const USER = `sec-c${RUN_TAG}-user`;
const ip = (n: number) => `10.70.1.${n}`;
let adminId: string;
let userId: string;
let adminCookie: string;
let userCookie: string;
let fundId: string;
let compoundC: string;

beforeAll(async () => {
  adminId = await createTestUser(sql, {
    loginName: ADMIN,
    memberships: [{ fundSlug: 'guihuajing', role: 'fund_admin' }]
  });
  userId = await createTestUser(sql, {
    loginName: USER,
    memberships: [{ fundSlug: 'guihuajing', role: 'committee', compoundCode: 'c-xiyuan' }]
  });
  adminCookie = await signIn(ADMIN, ip(1));
  userCookie = await signIn(USER, ip(2));
  const [ids] = await sql<{ fund: string; compound: string }[]>`
    select f.id::text as fund, c.id::text as compound
      from funds f join compounds c on c.fund_id = f.id and c.code = 'c-xiyuan' where f.slug = 'guihuajing'`;
  fundId = ids?.fund ?? '';
  compoundC = ids?.compound ?? '';
});

afterAll(async () => {
  await sql`update funds set totp_required = false where slug = 'guihuajing'`;
  await sql.end();
});

interface Target {
  name: string;
  path: string;
  cookie: () => string;
  fields: () => Record<string, string>;
}

const targets: Target[] = [
  {
    name: 'invite',
    path: '/funds/guihuajing/members?/invite',
    cookie: () => adminCookie,
    fields: () => ({ role: 'committee', compoundId: compoundC, label: `sec-csrf-${RUN_TAG}` })
  },
  {
    name: 'requireTotp',
    path: '/funds/guihuajing/members?/requireTotp',
    cookie: () => adminCookie,
    fields: () => ({ required: 'on' })
  },
  { name: 'logout', path: '/logout', cookie: () => userCookie, fields: () => ({}) },
  {
    name: 'password',
    path: '/account/password',
    cookie: () => userCookie,
    fields: () => ({ currentPassword: TEST_PASSWORD, newPassword: 'a passphrase chosen by the attacker' })
  },
  {
    name: 'language',
    path: '/settings?/language',
    cookie: () => userCookie,
    fields: () => ({ locale: 'en', returnTo: '/' })
  }
];

const BOUNDARY = '----sec-csrf-boundary';

function multipartBody(fields: Record<string, string>): string {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  );
  return `${parts.join('')}--${BOUNDARY}--\r\n`;
}

/** Each way a page elsewhere could encode a form post, as a content type and a body. */
const encodings: {
  name: string;
  encode: (fields: Record<string, string>) => { type: string | null; body: BodyInit };
}[] = [
  {
    name: 'urlencoded',
    encode: (f) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(f).toString() })
  },
  {
    // A real FormData: fetch writes the multipart body and its boundary itself.
    name: 'FormData',
    encode: (f) => {
      const form = new FormData();
      for (const [key, value] of Object.entries(f)) form.append(key, value);
      return { type: null, body: form };
    }
  },
  { name: 'text/plain', encode: (f) => ({ type: 'text/plain', body: new URLSearchParams(f).toString() }) },
  {
    name: 'odd-case urlencoded',
    encode: (f) => ({ type: 'Application/X-WWW-Form-URLENCODED', body: new URLSearchParams(f).toString() })
  },
  {
    name: 'odd-case multipart',
    encode: (f) => ({ type: `MULTIPART/form-data; boundary=${BOUNDARY}`, body: multipartBody(f) })
  },
  { name: 'json', encode: (f) => ({ type: 'application/json', body: JSON.stringify(f) }) },
  {
    // Bytes with no type: fetch sends no Content-Type header at all.
    name: 'no content type',
    encode: (f) => ({ type: null, body: new TextEncoder().encode(new URLSearchParams(f).toString()) })
  }
];

/** How a browser marks a request from another site. */
const crossSiteMarks: { name: string; headers: () => Record<string, string> }[] = [
  { name: 'Origin: http://evil.example', headers: () => ({ origin: 'http://evil.example' }) },
  { name: 'Origin: null', headers: () => ({ origin: 'null' }) },
  {
    name: 'Origin: same host over https',
    headers: () => ({ origin: origin.replace(/^http:/, 'https:') })
  },
  { name: 'no Origin, Sec-Fetch-Site: cross-site', headers: () => ({ 'sec-fetch-site': 'cross-site' }) }
];

async function state() {
  const [row] = await sql<{ invitations: number; totp_required: boolean; events: number; password_hash: string }[]>`
    select (select count(*)::int from invitations where fund_id = ${fundId}) as invitations,
           (select totp_required from funds where id = ${fundId}) as totp_required,
           (select count(*)::int from events
             where actor_user_id in (${adminId}, ${userId})
               and action in ('invitation.created', 'fund.totp_requirement_changed', 'session.sign_out',
                              'account.password_changed')) as events,
           (select password_hash from users where id = ${userId}) as password_hash`;
  return row;
}

async function sessionIsValid(cookie: string): Promise<boolean> {
  const response = await request('/account', { cookie, headers: { accept: 'text/html' } });
  return response.status === 200;
}

function setCookies(response: HttpResult): string[] {
  return response.headers.getSetCookie();
}

describe('cross-site request forgery', () => {
  it('refuses every cross-site write, in every encoding, and changes nothing', async () => {
    const before = await state();
    const refusals: string[] = [];
    let sent = 0;
    for (const target of targets) {
      for (const encoding of encodings) {
        for (const mark of crossSiteMarks) {
          const { type, body } = encoding.encode(target.fields());
          const response = await request(target.path, {
            method: 'POST',
            cookie: target.cookie(),
            ip: ip(3),
            headers: { ...mark.headers(), ...(type === null ? {} : { 'content-type': type }) },
            body
          });
          sent += 1;
          const label = `${target.name} / ${encoding.name} / ${mark.name}`;
          if (response.status !== 403) refusals.push(`${label}: got ${response.status} ${response.location ?? ''}`);
          if (setCookies(response).length > 0) refusals.push(`${label}: set ${setCookies(response).join('; ')}`);
        }
      }
    }
    expect(refusals).toEqual([]);
    expect(sent).toBe(targets.length * encodings.length * crossSiteMarks.length);
    expect(await state()).toEqual(before);
    expect(before?.totp_required).toBe(false);
    expect(await sessionIsValid(userCookie)).toBe(true);
    expect(await sessionIsValid(adminCookie)).toBe(true);
    // The old password still signs in.
    expect(await signIn(USER, ip(4))).toMatch(/^gj_session=[a-z2-7]{40}$/);
  });

  it('does not sign out on a plain GET of /logout (a link or an image on another site)', async () => {
    const response = await request('/logout', {
      cookie: userCookie,
      headers: { 'sec-fetch-site': 'cross-site', accept: 'text/html' }
    });
    expect(response.status).toBe(303);
    expect(await sessionIsValid(userCookie)).toBe(true);
  });

  it('accepts the same requests from the site itself, so the refusals above are not an accident', async () => {
    const before = await state();
    const invite = targets[0];
    if (invite === undefined) throw new Error('no invite target');
    const invited = await postForm(invite.path, invite.fields(), { cookie: adminCookie, ip: ip(1), enhanced: true });
    expect((JSON.parse(invited.body) as { type: string }).type).toBe('success');
    expect((await state())?.invitations).toBe((before?.invitations ?? 0) + 1);
    await sql`update invitations set revoked_at = now() where label = ${`sec-csrf-${RUN_TAG}`} and revoked_at is null`;

    const language = await postForm('/settings?/language', { locale: 'en', returnTo: '/' }, { cookie: userCookie });
    expect(language.status).toBe(303);
    expect(setCookies(language).some((line) => line.startsWith('gj_locale=en;'))).toBe(true);

    // A multipart body from the site itself is a normal form post too.
    const spare = await signIn(USER, ip(5));
    const form = new FormData();
    form.append('unused', 'x');
    const logout = await request('/logout', {
      method: 'POST',
      cookie: spare,
      headers: { origin, accept: 'text/html' },
      body: form
    });
    expect(logout.status).toBe(303);
    expect(await sessionIsValid(spare)).toBe(false);
    expect(await sessionIsValid(userCookie)).toBe(true);
  });
});

/**
 * The invitation and reset pages send no Referer, so browsers post their forms with `Origin: null`.
 * That is accepted there only with the page's form token (cookie and hidden field alike) and
 * never when the browser says the post is cross-site; everywhere else `Origin: null` is refused.
 */
describe('Origin: null on the no-referrer pages', () => {
  const FORM_TOKEN = 'a'.repeat(40);
  const OTHER_TOKEN = 'b'.repeat(40);

  async function newInvitation(): Promise<string> {
    const result = await createOperatorInvitation(sql, {
      fundSlug: 'guihuajing',
      role: 'committee',
      placeCode: 'c-xiyuan',
      label: `sec-null-${RUN_TAG}`,
      validDays: 1,
      now: new Date()
    });
    if (!result.ok) throw new Error(result.code);
    return result.token;
  }

  function join(
    token: string,
    loginName: string,
    options: { cookie?: string | undefined; field?: string | undefined; site?: string | undefined }
  ) {
    return request(`/invite/${token}?/join`, {
      method: 'POST',
      ip: ip(40),
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
      headers: {
        origin: 'null',
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        ...(options.site === undefined ? {} : { 'sec-fetch-site': options.site })
      },
      body: new URLSearchParams({
        displayName: 'Null origin',
        loginName,
        password: 'a long enough passphrase',
        ...(options.field === undefined ? {} : { _form: options.field })
      }).toString()
    });
  }

  async function userExists(loginName: string): Promise<boolean> {
    const [row] = await sql`select 1 from users where login_name = ${loginName}`;
    return row !== undefined;
  }

  it('refuses a post without the form token, with the wrong one, or marked cross-site', async () => {
    const token = await newInvitation();
    const cases = [
      { name: 'no token', cookie: undefined, field: undefined, site: 'same-origin' },
      { name: 'field only', cookie: undefined, field: FORM_TOKEN, site: 'same-origin' },
      { name: 'mismatch', cookie: `gj_form=${FORM_TOKEN}`, field: OTHER_TOKEN, site: 'same-origin' },
      { name: 'cross-site', cookie: `gj_form=${FORM_TOKEN}`, field: FORM_TOKEN, site: 'cross-site' }
    ];
    for (const [index, attempt] of cases.entries()) {
      const loginName = `sec-null-${RUN_TAG}-${index}`;
      const response = await join(token, loginName, attempt);
      expect(response.status, attempt.name).toBe(403);
      expect(await userExists(loginName), attempt.name).toBe(false);
    }
  });

  it("accepts the page's own post, and refuses Origin: null on any other page", async () => {
    const token = await newInvitation();
    const loginName = `sec-null-${RUN_TAG}-ok`;
    const response = await join(token, loginName, {
      cookie: `gj_form=${FORM_TOKEN}`,
      field: FORM_TOKEN,
      site: 'same-origin'
    });
    expect(response.status).toBe(303);
    expect(await userExists(loginName)).toBe(true);
    const elsewhere = await request('/settings?/language', {
      method: 'POST',
      cookie: `${userCookie}; gj_form=${FORM_TOKEN}`,
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ locale: 'en', returnTo: '/', _form: FORM_TOKEN }).toString()
    });
    expect(elsewhere.status).toBe(403);
  });
});
