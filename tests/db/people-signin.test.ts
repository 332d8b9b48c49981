import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beginTotpEnrolment,
  completeSecondFactor,
  confirmTotpEnrolment,
  signIn
} from '../../apps/web/src/lib/server/people/accounts';
import { validateSessionToken } from '../../apps/web/src/lib/server/auth/session';
import {
  ACCOUNT_FAILURES_FREE,
  ACCOUNT_LOCK_FIRST_MS,
  ACCOUNT_QUIET_MS,
  THROTTLE_FAILURES_MAX,
  THROTTLE_LOCK_MS
} from '../../apps/web/src/lib/server/auth/throttle';
import { TOTP_PERIOD_SECONDS, totpCodeAt } from '../../apps/web/src/lib/server/auth/totp';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { TEST_PASSWORD, createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * Signing in against a real database, with the clock injected: one answer for every kind of
 * wrong, a new session every time, the throttle, and the second factor.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const fundSlug = 'people-signin';

const MINUTE = 60 * 1000;
const STEP = TOTP_PERIOD_SECONDS * 1000;
const T0 = new Date('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const WRONG = { ok: false, code: 'login_name_or_password_is_wrong' };

let counter = 0;
const unique = (label: string) => `in-${label}-${(counter += 1)}`;

/** A committee member of the test fund, created with TEST_PASSWORD. */
async function committeeMember(loginName: string): Promise<string> {
  return createTestUser(owner, {
    loginName,
    memberships: [{ fundSlug, role: 'committee', compoundCode: 'compound-1' }]
  });
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('people_signin'));
  await createTestFund(owner, fundSlug);
});

afterAll(() => close());

describe('signIn', () => {
  it('signs in with the right password and gives the same answer for every kind of wrong', async () => {
    const ip = '192.0.2.10';
    const loginName = unique('right');
    await committeeMember(loginName);
    const ok = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: T0 });
    expect(ok).toMatchObject({ ok: true, secondFactorRequired: false });
    if (!ok.ok) return;
    expect(await validateSessionToken(app, ok.session.token, T0)).toMatchObject({ secondFactorPending: false });

    expect(await signIn(app, { loginName, password: `${TEST_PASSWORD}!`, ip, now: T0 })).toEqual(WRONG);
    expect(await signIn(app, { loginName: unique('nobody'), password: TEST_PASSWORD, ip, now: T0 })).toEqual(WRONG);

    const disabled = unique('disabled');
    const disabledId = await committeeMember(disabled);
    await owner`update users set status = 'disabled' where id = ${disabledId}`;
    expect(await signIn(app, { loginName: disabled, password: TEST_PASSWORD, ip, now: T0 })).toEqual(WRONG);
  });

  it('finds the account however the phone number is typed', async () => {
    await committeeMember('13952470001');
    for (const typed of ['13952470001', '139 5247 0001', '+86 139-5247-0001']) {
      const result = await signIn(app, { loginName: typed, password: TEST_PASSWORD, ip: '192.0.2.11', now: T0 });
      expect(result, typed).toMatchObject({ ok: true });
    }
  });

  it('always starts a new session: two sign-ins give two different tokens, both valid', async () => {
    const ip = '192.0.2.12';
    const loginName = unique('twice');
    await committeeMember(loginName);
    const first = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: T0 });
    const second = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: at(MINUTE) });
    if (!first.ok || !second.ok) throw new Error('a sign-in failed');
    expect(first.session.token).not.toBe(second.session.token);
    expect(await validateSessionToken(app, first.session.token, at(2 * MINUTE))).not.toBeNull();
    expect(await validateSessionToken(app, second.session.token, at(2 * MINUTE))).not.toBeNull();
  });

  it('ends the session the browser had before, when a sign-in replaces it', async () => {
    const ip = '192.0.2.13';
    const before = unique('shared-phone-a');
    const after = unique('shared-phone-b');
    await committeeMember(before);
    await committeeMember(after);
    const first = await signIn(app, { loginName: before, password: TEST_PASSWORD, ip, now: T0 });
    if (!first.ok) throw new Error('the first sign-in failed');
    const second = await signIn(app, {
      loginName: after,
      password: TEST_PASSWORD,
      ip,
      now: at(MINUTE),
      replacingToken: first.session.token
    });
    expect(second.ok).toBe(true);
    expect(await validateSessionToken(app, first.session.token, at(2 * MINUTE))).toBeNull();
  });
});

describe('the sign-in throttle', () => {
  /** A fresh address for each attempt, so that only the login name's count is at work. */
  let octet = 0;
  const freshAddress = () => `203.0.113.${(octet += 1) % 250}`;
  const throttledUntil = (until: Date, secondFactorPasses: boolean) => ({
    ok: false,
    code: 'sign_in_is_throttled',
    retryAt: until,
    secondFactorPasses
  });

  it('pauses a login name after five failures from anywhere, for 30 s, doubling up to 15 minutes', async () => {
    const target = unique('backoff');
    await committeeMember(target);
    expect(ACCOUNT_FAILURES_FREE).toBe(5);
    let now = T0;
    for (let attempt = 1; attempt <= ACCOUNT_FAILURES_FREE; attempt += 1) {
      expect(await signIn(app, { loginName: target, password: `guess ${attempt}`, ip: freshAddress(), now })).toEqual(
        WRONG
      );
    }
    // Each pause is twice the one before, up to the cap; every failure is tried the moment the
    // pause before it ends, as a patient guesser would.
    const pauses = [30, 60, 120, 240, 480, 900, 900].map((seconds) => seconds * 1000);
    for (const [index, pause] of pauses.entries()) {
      const until = new Date(now.getTime() + pause);
      const early = new Date(until.getTime() - 1000);
      // Even the right password waits until the pause is over, from any address.
      expect(await signIn(app, { loginName: target, password: TEST_PASSWORD, ip: freshAddress(), now: early })).toEqual(
        throttledUntil(until, true)
      );
      now = until;
      if (index < pauses.length - 1) {
        const guess = await signIn(app, {
          loginName: target,
          password: `late guess ${index}`,
          ip: freshAddress(),
          now
        });
        expect(guess, `guess after pause ${index}`).toEqual(WRONG);
      }
    }
    // Once the last pause is over, the right password works, and clears the count.
    expect(await signIn(app, { loginName: target, password: TEST_PASSWORD, ip: freshAddress(), now })).toMatchObject({
      ok: true
    });
    expect(await signIn(app, { loginName: target, password: 'one typo', ip: freshAddress(), now })).toEqual(WRONG);
    expect(await signIn(app, { loginName: target, password: TEST_PASSWORD, ip: freshAddress(), now })).toMatchObject({
      ok: true
    });
  });

  it('starts a login name’s count again after a quiet hour', async () => {
    const loginName = unique('quiet');
    await committeeMember(loginName);
    for (const start of [0, ACCOUNT_QUIET_MS + MINUTE]) {
      for (let attempt = 0; attempt < ACCOUNT_FAILURES_FREE - 1; attempt += 1) {
        const result = await signIn(app, { loginName, password: 'nope nope', ip: freshAddress(), now: at(start) });
        expect(result).toEqual(WRONG);
      }
    }
    const later = at(ACCOUNT_QUIET_MS + MINUTE);
    expect(await signIn(app, { loginName, password: TEST_PASSWORD, ip: freshAddress(), now: later })).toMatchObject({
      ok: true
    });
  });

  it('locks an address after 10 failures in 10 minutes, for every account, and no other address', async () => {
    const [ipA, ipB] = ['198.51.100.1', '198.51.100.2'];
    const bystander = unique('bystander');
    await committeeMember(bystander);
    expect(THROTTLE_FAILURES_MAX).toBe(10);
    // Ten different names, so that no name is paused: only the address counts to ten.
    for (let attempt = 1; attempt <= THROTTLE_FAILURES_MAX; attempt += 1) {
      const result = await signIn(app, { loginName: unique('sprayed'), password: 'guess', ip: ipA, now: T0 });
      expect(result, `attempt ${attempt}`).toEqual(WRONG);
    }
    const locked = throttledUntil(at(THROTTLE_LOCK_MS), false);
    expect(await signIn(app, { loginName: bystander, password: TEST_PASSWORD, ip: ipA, now: at(MINUTE) })).toEqual(
      locked
    );
    expect(await signIn(app, { loginName: bystander, password: TEST_PASSWORD, ip: ipB, now: T0 })).toMatchObject({
      ok: true
    });
  });

  it('forgets an address’s failures older than its 10-minute window', async () => {
    const ip = '198.51.100.3';
    const loginName = unique('slow');
    await committeeMember(loginName);
    // Nine failures, eleven minutes apart from the next nine, each against a name of its own.
    for (const start of [0, 11 * MINUTE]) {
      for (let attempt = 0; attempt < 9; attempt += 1) {
        expect(await signIn(app, { loginName: unique('other'), password: 'nope', ip, now: at(start) })).toEqual(WRONG);
      }
    }
    expect(await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: at(11 * MINUTE) })).toMatchObject({
      ok: true
    });
  });
});

describe('a paused login name and the second factor', () => {
  /** Each stranger comes from addresses of their own, so that no address throttle is at work. */
  let strangers = 0;

  /** An enrolled committee member, and their authenticator's key. */
  async function enrolled(label: string): Promise<{ loginName: string; userId: string; key: Uint8Array }> {
    const loginName = unique(label);
    const userId = await committeeMember(loginName);
    const begun = await beginTotpEnrolment(app, userId);
    if (begun.enrolled) throw new Error('a new user is not enrolled');
    await confirmTotpEnrolment(app, { userId, code: totpCodeAt(begun.key, T0), ip: '192.0.2.30', now: T0 });
    return { loginName, userId, key: begun.key };
  }

  /** A stranger's wrong passwords from many addresses, enough to pause the name for 15 minutes. */
  async function pauseByStranger(loginName: string, now: Date): Promise<void> {
    strangers += 1;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await signIn(app, { loginName, password: `stranger ${attempt}`, ip: `198.18.${strangers}.${attempt + 1}`, now });
    }
    const paused = await signIn(app, { loginName, password: 'stranger again', ip: `198.18.${strangers}.99`, now });
    expect(paused).toMatchObject({ ok: false, code: 'sign_in_is_throttled', secondFactorPasses: true });
  }

  it('never keeps out the right password with a valid code, however long a stranger keeps the name paused', async () => {
    const who = await enrolled('paused-totp');
    const ip = '192.0.2.31';
    const now = at(4 * STEP);
    await pauseByStranger(who.loginName, now);

    // The password alone waits, and is not even checked.
    expect(await signIn(app, { loginName: who.loginName, password: TEST_PASSWORD, ip, now })).toMatchObject({
      ok: false,
      code: 'sign_in_is_throttled',
      secondFactorPasses: true
    });
    // A wrong password with the right code, and the right password with a wrong code, get the same answer.
    const code = totpCodeAt(who.key, now);
    const wrongPassword = await signIn(app, { loginName: who.loginName, password: 'not it', totpCode: code, ip, now });
    expect(wrongPassword).toMatchObject({ ok: false, code: 'sign_in_is_throttled', secondFactorPasses: true });
    const wrongCode = code === '000000' ? '000001' : '000000';
    const rightPassword = await signIn(app, {
      loginName: who.loginName,
      password: TEST_PASSWORD,
      totpCode: wrongCode,
      ip,
      now
    });
    expect(rightPassword).toEqual({ ...wrongPassword, retryAt: expect.any(Date) });

    // The password and a valid code sign in at once, with a full session.
    const done = await signIn(app, {
      loginName: who.loginName,
      password: TEST_PASSWORD,
      totpCode: code.replace(/^(...)/, '$1 '),
      ip,
      now
    });
    expect(done).toMatchObject({ ok: true, secondFactorRequired: false });
    if (!done.ok) return;
    expect(await validateSessionToken(app, done.session.token, now)).toMatchObject({ secondFactorPending: false });
    // The code was used: it cannot sign in a second time.
    const replay = await signIn(app, { loginName: who.loginName, password: TEST_PASSWORD, totpCode: code, ip, now });
    expect(replay).toMatchObject({ ok: false, code: 'sign_in_is_throttled' });
  });

  it('lets a session that is waiting for its code finish while a stranger pauses the name', async () => {
    const who = await enrolled('pending-totp');
    const ip = '192.0.2.32';
    const now = at(4 * STEP);
    const password = await signIn(app, { loginName: who.loginName, password: TEST_PASSWORD, ip, now });
    if (!password.ok) throw new Error('the password step failed');
    await pauseByStranger(who.loginName, now);
    const done = await completeSecondFactor(app, {
      pendingToken: password.session.token,
      code: totpCodeAt(who.key, now),
      ip,
      now
    });
    expect(done).toMatchObject({ ok: true });
  });

  it('keeps a paused name closed to the password alone when the account has no second factor', async () => {
    const loginName = unique('paused-plain');
    await committeeMember(loginName);
    await pauseByStranger(loginName, T0);
    for (const totpCode of [undefined, '123456']) {
      const result = await signIn(app, {
        loginName,
        password: TEST_PASSWORD,
        ...(totpCode === undefined ? {} : { totpCode }),
        ip: '192.0.2.33',
        now: T0
      });
      expect(result, String(totpCode)).toMatchObject({ ok: false, code: 'sign_in_is_throttled' });
    }
  });

  it('bounds code guessing by whoever knows the password, which a stranger cannot set off', async () => {
    const who = await enrolled('code-guesser');
    const now = at(4 * STEP);
    const code = totpCodeAt(who.key, now);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let attempt = 0; attempt < ACCOUNT_FAILURES_FREE; attempt += 1) {
      const pending = await signIn(app, { loginName: who.loginName, password: TEST_PASSWORD, ip: freshIp(), now });
      if (!pending.ok) throw new Error(`the password step failed: ${JSON.stringify(pending)}`);
      const guess = await completeSecondFactor(app, {
        pendingToken: pending.session.token,
        code: wrong,
        ip: freshIp(),
        now
      });
      expect(guess).toEqual({ ok: false, code: 'totp_code_is_wrong' });
    }
    // Five wrong codes after the right password pause the second factor itself: even the right
    // code waits, on either way in.
    const paused = await signIn(app, {
      loginName: who.loginName,
      password: TEST_PASSWORD,
      totpCode: code,
      ip: freshIp(),
      now
    });
    expect(paused).toEqual({
      ok: false,
      code: 'sign_in_is_throttled',
      retryAt: new Date(now.getTime() + ACCOUNT_LOCK_FIRST_MS),
      secondFactorPasses: false
    });
  });
});

let spare = 0;
const freshIp = () => `192.0.2.${100 + ((spare += 1) % 100)}`;

describe('the second factor', () => {
  /** A six-digit code that is none of the codes valid around `now`. */
  function wrongCode(key: Uint8Array, now: Date): string {
    const near = new Set([-1, 0, 1].map((offset) => totpCodeAt(key, new Date(now.getTime() + offset * STEP))));
    let code = 123456;
    while (near.has(String(code).padStart(6, '0'))) code += 1;
    return String(code).padStart(6, '0');
  }

  it('enrols, then asks for a fresh code after the password, and never takes a code twice', async () => {
    const ip = '192.0.2.20';
    const loginName = unique('totp');
    const userId = await committeeMember(loginName);

    const begun = await beginTotpEnrolment(app, userId);
    if (begun.enrolled) throw new Error('a new user is not enrolled');
    expect(begun.key).toHaveLength(20);
    // Opening the page again (another tab) shows the same key.
    expect(await beginTotpEnrolment(app, userId)).toEqual(begun);
    expect(await confirmTotpEnrolment(app, { userId, code: wrongCode(begun.key, T0), ip, now: T0 })).toEqual({
      ok: false,
      code: 'totp_code_is_wrong'
    });
    const enrolCode = totpCodeAt(begun.key, T0);
    expect(await confirmTotpEnrolment(app, { userId, code: enrolCode, ip, now: T0 })).toEqual({ ok: true });
    expect(await beginTotpEnrolment(app, userId)).toEqual({ enrolled: true });
    expect(await confirmTotpEnrolment(app, { userId, code: enrolCode, ip, now: T0 })).toEqual({
      ok: false,
      code: 'totp_is_already_enrolled'
    });

    const password = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: T0 });
    expect(password).toMatchObject({ ok: true, secondFactorRequired: true });
    if (!password.ok) return;
    const pendingToken = password.session.token;
    expect(await validateSessionToken(app, pendingToken, T0)).toMatchObject({ secondFactorPending: true });

    const wrong = await completeSecondFactor(app, { pendingToken, code: wrongCode(begun.key, T0), ip, now: T0 });
    expect(wrong).toEqual({ ok: false, code: 'totp_code_is_wrong' });
    // The code used to enrol belongs to a step already used.
    const reused = await completeSecondFactor(app, { pendingToken, code: enrolCode, ip, now: T0 });
    expect(reused).toEqual({ ok: false, code: 'totp_code_is_wrong' });

    const t1 = at(2 * STEP);
    const code1 = totpCodeAt(begun.key, t1);
    const done = await completeSecondFactor(app, { pendingToken, code: code1, ip, now: t1 });
    expect(done).toMatchObject({ ok: true });
    if (!done.ok) return;
    expect(await validateSessionToken(app, done.session.token, t1)).toMatchObject({ secondFactorPending: false });
    // The pending session is gone once it has served.
    expect(await validateSessionToken(app, pendingToken, t1)).toBeNull();

    // A second sign-in in the same half minute cannot replay the code that was just used.
    const again = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: t1 });
    if (!again.ok) throw new Error('the second sign-in failed');
    const replay = await completeSecondFactor(app, { pendingToken: again.session.token, code: code1, ip, now: t1 });
    expect(replay).toEqual({ ok: false, code: 'totp_code_is_wrong' });
    const t2 = at(3 * STEP);
    const next = await completeSecondFactor(app, {
      pendingToken: again.session.token,
      code: totpCodeAt(begun.key, t2),
      ip,
      now: t2
    });
    expect(next).toMatchObject({ ok: true });
  });

  it('refuses a code once the 10 minutes after the password are over', async () => {
    const ip = '192.0.2.21';
    const loginName = unique('late');
    const userId = await committeeMember(loginName);
    const begun = await beginTotpEnrolment(app, userId);
    if (begun.enrolled) throw new Error('a new user is not enrolled');
    await confirmTotpEnrolment(app, { userId, code: totpCodeAt(begun.key, T0), ip, now: T0 });
    const password = await signIn(app, { loginName, password: TEST_PASSWORD, ip, now: at(STEP) });
    if (!password.ok) throw new Error('sign-in failed');
    const late = at(STEP + 10 * MINUTE);
    const result = await completeSecondFactor(app, {
      pendingToken: password.session.token,
      code: totpCodeAt(begun.key, late),
      ip,
      now: late
    });
    expect(result).toEqual({ ok: false, code: 'second_factor_session_is_over' });
    // A full session's token is no pending session either.
    const plain = unique('plain');
    await committeeMember(plain);
    const full = await signIn(app, { loginName: plain, password: TEST_PASSWORD, ip, now: T0 });
    if (!full.ok) throw new Error('sign-in failed');
    expect(await completeSecondFactor(app, { pendingToken: full.session.token, code: '123456', ip, now: T0 })).toEqual({
      ok: false,
      code: 'second_factor_session_is_over'
    });
  });
});
