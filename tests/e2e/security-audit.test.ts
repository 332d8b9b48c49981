import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { ACCOUNT_FAILURES_FREE } from '../../apps/web/src/lib/server/auth/throttle';
import { totpCodeAt } from '../../apps/web/src/lib/server/auth/totp';
import { createTestUser, TEST_PASSWORD } from '../support/people';
import { RUN_TAG, openDatabase, postForm, request, type HttpResult } from './route-access';

/**
 * The audit trail, scripted over HTTP as people would cause it: a wrong password, a sign-in, a
 * paused login name, a sign-out, a password change, a second factor, an invitation made and taken
 * up, a role removed. Each lands in the events table with its outcome, and neither the table nor
 * the app's log holds any password, token or TOTP code used on the way.
 */

const sql = openDatabase();
const name = (role: string) => `sec-a${RUN_TAG}-${role}`;
const ip = (n: number) => `10.70.3.${n}`;
const ids: Record<string, string> = {};
const started = new Date(Date.now() - 1000);

/** Everything secret that crossed the wire; none of it may be written down anywhere. */
const secrets = new Set<string>([TEST_PASSWORD]);
/** TOTP codes are six digits, so they are looked for only as whole numbers (see below). */
const totpCodes = new Set<string>();

beforeAll(async () => {
  ids.main = await createTestUser(sql, {
    loginName: name('main'),
    memberships: [{ fundSlug: 'guihuajing', role: 'committee', compoundCode: 'c-xiyuan' }]
  });
  ids.locked = await createTestUser(sql, { loginName: name('locked') });
  ids.other = await createTestUser(sql, { loginName: name('other') });
  ids.admin = await createTestUser(sql, {
    loginName: name('admin'),
    memberships: [{ fundSlug: 'guihuajing', role: 'fund_admin' }]
  });
});

afterAll(async () => {
  await sql.end();
});

function cookieOf(response: HttpResult): string | null {
  const line = response.headers.getSetCookie().find((cookie) => /^gj_session=[a-z2-7]{40};/.test(cookie));
  const token = line === undefined ? undefined : /^gj_session=([a-z2-7]{40})/.exec(line)?.[1];
  if (token === undefined) return null;
  secrets.add(token);
  return `gj_session=${token}`;
}

function login(loginName: string, password: string, from: string): Promise<HttpResult> {
  secrets.add(password);
  return postForm('/login', { loginName, password }, { ip: from });
}

function expectCookie(response: HttpResult): string {
  const cookie = cookieOf(response);
  expect(cookie, `${response.status} ${response.location ?? ''}`).not.toBeNull();
  return cookie ?? '';
}

interface EventRow {
  action: string;
  outcome: string;
  actor: string | null;
  ip: string | null;
  resource_id: string | null;
  reason: string | null;
}

describe('the audit trail', () => {
  it('records each security event with its outcome and no secret, in the table or the log', async () => {
    const main = name('main');
    // A wrong password, then the right one.
    const wrong = await login(main, `wrong-${RUN_TAG}-password`, ip(1));
    expect(wrong.status).toBe(400);
    let mainCookie = expectCookie(await login(main, TEST_PASSWORD, ip(1)));

    // Five wrong passwords pause the login name; the sixth attempt and even the right password
    // are refused with 429 and a plain Chinese message.
    for (let attempt = 1; attempt <= ACCOUNT_FAILURES_FREE; attempt += 1) {
      expect((await login(name('locked'), `wrong-${RUN_TAG}-${attempt}`, ip(10))).status).toBe(400);
    }
    const sixth = await login(name('locked'), `wrong-${RUN_TAG}-6`, ip(10));
    const right = await login(name('locked'), TEST_PASSWORD, ip(10));
    for (const response of [sixth, right]) {
      expect(response.status).toBe(429);
      expect(cookieOf(response)).toBeNull();
      expect(response.body).toContain('尝试次数太多，已暂时锁定。请在');
    }
    // Another account from another address is not held up by it.
    expectCookie(await login(name('other'), TEST_PASSWORD, ip(11)));

    // A second factor: the page shows a key, and a code from it enrols.
    expect((await request('/account/totp', { cookie: mainCookie, ip: ip(1) })).status).toBe(200);
    const [keyRow] = await sql<{ totp_key: Uint8Array }[]>`select totp_key from users where id = ${ids.main ?? ''}`;
    const key = new Uint8Array(keyRow?.totp_key ?? []);
    expect(key.length).toBe(20);
    secrets.add(Buffer.from(key).toString('hex'));
    secrets.add(encodeBase32UpperCaseNoPadding(key));
    const now = Date.now();
    const enrolCode = totpCodeAt(key, new Date(now));
    totpCodes.add(enrolCode);
    const enrolled = await postForm('/account/totp', { code: enrolCode }, { cookie: mainCookie, ip: ip(1) });
    expect(enrolled.status, enrolled.body.slice(0, 300)).toBe(303);
    expect(enrolled.location).toBe('/account?changed=totp');

    // A new password signs the user out everywhere and in again here.
    const newPassword = `a new passphrase ${RUN_TAG} for the audit`;
    secrets.add(newPassword);
    const changed = await postForm(
      '/account/password',
      { currentPassword: TEST_PASSWORD, newPassword },
      { cookie: mainCookie, ip: ip(1) }
    );
    expect(changed.status, changed.body.slice(0, 300)).toBe(303);
    const beforeChange = mainCookie;
    mainCookie = expectCookie(changed);
    // The session from before the change is over; only the one the change handed out works.
    expect((await request('/account', { cookie: beforeChange })).status).toBe(303);
    expect((await request('/account', { cookie: mainCookie })).status).toBe(200);

    // Signing out, then in again with the new password and a code from the next time step.
    const out = await postForm('/logout', {}, { cookie: mainCookie, ip: ip(1) });
    expect(out.status).toBe(303);
    expect((await request('/account', { cookie: mainCookie })).status).toBe(303);
    const pending = await login(main, newPassword, ip(1));
    expect(pending.location).toBe('/login/totp');
    const pendingCookie = expectCookie(pending);
    const signInCode = totpCodeAt(key, new Date(now + 30_000));
    totpCodes.add(signInCode);
    const second = await postForm('/login/totp', { code: signInCode }, { cookie: pendingCookie, ip: ip(1) });
    expect(second.status, second.body.slice(0, 300)).toBe(303);
    expectCookie(second);

    // An invitation made by the administrator and taken up by a newcomer, whose role is then removed.
    const adminCookie = expectCookie(await login(name('admin'), TEST_PASSWORD, ip(2)));
    const [compound] = await sql<{ id: string }[]>`
      select c.id::text as id from compounds c join funds f on f.id = c.fund_id
       where f.slug = 'guihuajing' and c.code = 'c-xiyuan'`;
    const invited = await postForm(
      '/funds/guihuajing/members?/invite',
      { role: 'committee', compoundId: compound?.id ?? '', label: `sec-audit-${RUN_TAG}` },
      { cookie: adminCookie, ip: ip(2), enhanced: true }
    );
    const inviteToken = /\/invite\/([a-z2-7]{40})/.exec(invited.body)?.[1];
    if (inviteToken === undefined) throw new Error(`no invitation link in ${invited.body.slice(0, 300)}`);
    secrets.add(inviteToken);
    const joinPassword = `the newcomer's passphrase ${RUN_TAG}`;
    secrets.add(joinPassword);
    const joined = await postForm(
      `/invite/${inviteToken}?/join`,
      { displayName: '审计新人', loginName: name('newcomer'), password: joinPassword },
      { ip: ip(3) }
    );
    expect(joined.status, joined.body.slice(0, 300)).toBe(303);
    expectCookie(joined);
    const [membership] = await sql<{ id: string; user_id: string }[]>`
      select m.id::text as id, m.user_id::text as user_id
        from memberships m join users u on u.id = m.user_id where u.login_name = ${name('newcomer')}`;
    ids.newcomer = membership?.user_id ?? '';
    const removed = await postForm(
      '/funds/guihuajing/members?/remove',
      { membershipId: membership?.id ?? '' },
      { cookie: adminCookie, ip: ip(2), enhanced: true }
    );
    expect(JSON.parse(removed.body)).toMatchObject({ type: 'success' });

    // The events, as the table has them.
    const events = await sql<EventRow[]>`
      select action, outcome, actor_user_id::text as actor, host(ip) as ip, resource_id, detail->>'reason' as reason
        from events
       where at >= ${started}
         and (actor_user_id in ${sql(Object.values(ids))} or host(ip) in ${sql([ip(1), ip(2), ip(3), ip(10), ip(11)])})
       order by id`;
    const has = (action: string, outcome: string, actor: string | null, extra: Partial<EventRow> = {}) =>
      events.filter(
        (event) =>
          event.action === action &&
          event.outcome === outcome &&
          (actor === null || event.actor === actor) &&
          Object.entries(extra).every(([key, value]) => event[key as keyof EventRow] === value)
      ).length;
    expect(has('session.sign_in', 'failed', ids.main ?? '', { reason: 'wrong_password' })).toBe(1);
    expect(has('session.sign_in', 'ok', ids.main ?? '')).toBe(2);
    expect(has('session.sign_in', 'failed', ids.locked ?? '', { ip: ip(10) })).toBe(ACCOUNT_FAILURES_FREE);
    expect(has('session.throttled', 'denied', null, { ip: ip(10) })).toBe(2);
    expect(has('session.sign_in', 'ok', ids.locked ?? '')).toBe(0);
    expect(has('session.sign_in', 'ok', ids.other ?? '', { ip: ip(11) })).toBe(1);
    expect(has('account.totp_enrolled', 'ok', ids.main ?? '')).toBe(1);
    expect(has('account.password_changed', 'ok', ids.main ?? '')).toBe(1);
    expect(has('session.sign_out', 'ok', ids.main ?? '')).toBe(1);
    expect(has('session.sign_in_second_factor', 'ok', ids.main ?? '')).toBe(1);
    expect(has('invitation.created', 'ok', ids.admin ?? '')).toBe(1);
    expect(has('invitation.accepted', 'ok', ids.newcomer)).toBe(1);
    expect(has('membership.added', 'ok', ids.newcomer)).toBe(1);
    expect(has('membership.removed', 'ok', ids.admin ?? '', { resource_id: ids.newcomer })).toBe(1);

    // No secret anywhere: the whole events table as text, and everything the app printed.
    const [table] = await sql<{ full: string; without_times: string }[]>`
      select coalesce(string_agg(e::text, E'\\n'), '') as full,
             coalesce(string_agg((to_jsonb(e) - 'at')::text, E'\\n'), '') as without_times
        from events e`;
    const log = readFileSync(inject('appLogPath'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    const places = { events: table?.full ?? '', log };
    const found: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) if (text.includes(secret)) found.push(`${place} holds ${secret}`);
    }
    // A six-digit code could appear by chance inside a timestamp's microseconds, so codes are
    // looked for as whole numbers, in the table without its times.
    for (const [place, text] of Object.entries({ events: table?.without_times ?? '', log })) {
      for (const code of totpCodes)
        if (new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text)) found.push(`${place} holds ${code}`);
    }
    expect(found).toEqual([]);
    expect(secrets.size).toBeGreaterThanOrEqual(20);
    expect((table?.full ?? '').length).toBeGreaterThan(0);
  });
});
