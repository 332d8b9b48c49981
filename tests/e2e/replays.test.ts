import { chinaDateOf } from '@gongjian/ledger';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPhoto } from '../../apps/web/src/lib/server/demo/acceptance';
import { writeExpenseIn, writePayoutIn, writeSelfRaisedPaymentIn } from '../../apps/web/src/lib/server/demo/closing';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { activateEndedNotices } from '../../apps/web/src/lib/server/grants/review';
import { createTestUser, signInOverHttp } from '../support/people';
import { activeProject, submittedApplication, type ReviewDb, type World } from '../support/review-world';
import { baseUrl } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * Every form that takes an idempotency key or is idempotent by state, sent twice over plain HTTP
 * as a browser without JavaScript sends it (a double click after the first answer came back, or
 * the browser sending it again): the second answer must be the first one (the same 303 and
 * Location, or the same message on the page), and nothing may be written twice. A grant is taken
 * through its whole life this way in a fund made for this file, each step's form sent twice:
 * money in, the pledge, the application's creation, submission and withdrawal, the pre-check, the
 * deciding vote, an objection's decision, a household's payment, payouts (asked, withdrawn,
 * approved by a second person), an expense, the acceptance check and its confirmation, the
 * evaluation codes, the close and a cancelled grant; then the fund's people (an invitation
 * withdrawn and taken up, a role removed, an account disabled and enabled, the second factor
 * required) and a new fund on the platform.
 */

const office = fundFixture({
  prefix: 'rp',
  displayName: '重发',
  addressBlock: '10.93.5',
  newFund: {
    policy: { ...DEMO_POLICY_JSON, secondApproverAbove: '1000.00' },
    units: ['unit-1', 'unit-2', 'unit-3', 'unit-4'].map((code) => ({ code, name: `单位${code.slice(-1)}` })),
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 23 }]
  }
});
const FUND = office.slug;
const JOURNEY = 1;
const CANCELLED = 2;
const TODAY = chinaDateOf(new Date());

/** A real 1×1 PNG, as an invoice's photo. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
);

let admin: Person;
let leaders: Person[];
let committee: Person;
let world: World;
let households: string[] = [];

/** What a person sees of one answer: its status, where it sends them, and what the page says. */
interface Answer {
  status: number;
  location: string | null;
  said: string[];
}

/** The text of the page's status and alert boxes: what it says happened, or why not. */
function saidIn(html: string): string[] {
  const boxes = html.matchAll(/<(p|div)[^>]*role="(?:status|alert)"[^>]*>([\s\S]*?)<\/\1>/g);
  return [...boxes].map((box) =>
    (box[2] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

async function answerOf(response: Response): Promise<Answer> {
  const redirected = response.status >= 300 && response.status < 400;
  return {
    status: response.status,
    location: response.headers.get('location'),
    said: redirected ? [] : saidIn(await response.text())
  };
}

/** How many rows this fund has in each table a command writes to. */
async function writes(): Promise<Record<string, number>> {
  const tables = [
    'entries',
    'holds',
    'events',
    'memberships',
    'invitations',
    'pledges',
    'attachments',
    'applications',
    'application_transitions',
    'application_revisions',
    'votes',
    'objections',
    'notifications',
    'self_raised_payments',
    'payouts',
    'expenses',
    'acceptances',
    'acceptance_photos',
    'evaluation_codes',
    'project_closings'
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await office.sql<{ count: number }[]>`
      select count(*)::int as count from ${office.sql(table)} where fund_id = ${office.fundId}`;
    counts[table] = row?.count ?? -1;
  }
  return counts;
}

/**
 * Sends one form twice, the second after the first was answered, and checks that the second
 * answer is the first and that the second wrote nothing. Returns the first answer.
 */
async function sentTwice(send: () => Promise<Response>): Promise<Answer> {
  const before = await writes();
  const first = await answerOf(await send());
  const between = await writes();
  const second = await answerOf(await send());
  expect(second).toEqual(first);
  expect(await writes()).toEqual(between);
  // The first one did something: an answer that writes nothing twice because it writes nothing
  // at all proves nothing.
  expect(between).not.toEqual(before);
  return first;
}

function post(path: string, body: Record<string, string> | FormData, who: Person): Promise<Response> {
  return office.post(path, body, who.cookie);
}

function file(bytes: Uint8Array, name: string, type: string): Blob {
  return new Blob([new Uint8Array(bytes)], { type });
}

async function statusOf(number: number): Promise<string> {
  const [row] = await office.sql<{ status: string }[]>`
    select status from applications where fund_id = ${office.fundId} and number = ${number}`;
  return row?.status ?? '';
}

/** Writes history the way the pages under test elsewhere leave it (see closing-demo). */
async function write(what: 'pay' | 'payout' | 'expense', amount: string, householdId = ''): Promise<void> {
  const project = await loadProject(office.sql, { fundId: office.fundId, number: JOURNEY, lock: false });
  if (project === null) throw new Error('no project');
  const common = { fundId: office.fundId, project, now: new Date(), key: randomUUID(), amount };
  await office.sql.begin(async (transaction) => {
    if (what === 'pay') {
      await writeSelfRaisedPaymentIn(transaction, { ...common, householdId, recordedBy: committee.id });
    } else if (what === 'payout') {
      const approvedBy = leaders[0]?.id ?? null;
      await writePayoutIn(transaction, { ...common, requestedBy: admin.id, approvedBy, payeeName: '桂香小区' });
    } else {
      const input = { supplier: '安达道闸', invoiceNo: 'FP-1', lineNo: 1, recordedBy: committee.id };
      await writeExpenseIn(transaction, { ...common, ...input });
    }
  });
}

beforeAll(async () => {
  admin = await office.person('admin', [{ role: 'fund_admin' }]);
  leaders = [
    await office.person('leader-1', [{ role: 'leader', unitCode: 'unit-1' }]),
    await office.person('leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
    await office.person('leader-3', [{ role: 'leader', unitCode: 'unit-3' }])
  ];
  committee = await office.person('committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  const ids = async (table: 'units' | 'compounds') =>
    Object.fromEntries(
      (
        await office.sql<{ code: string; id: string }[]>`
          select code, id::text as id from ${office.sql(table)} where fund_id = ${office.fundId}`
      ).map((row) => [row.code, row.id])
    );
  world = { slug: FUND, fundId: office.fundId, units: await ids('units'), compounds: await ids('compounds') };
});

describe('every form sent twice answers as the first time and writes once', () => {
  const path = (tail: string) => `/funds/${FUND}${tail}`;
  const project = (number: number, tail = '') => path(`/projects/${number}${tail}`);

  it('money in and a pledge', async () => {
    const form = new FormData();
    const fields = {
      idempotencyKey: randomUUID(),
      source: 'interest',
      date: TODAY,
      amount: '100000.00',
      method: 'bank',
      memo: '利息'
    };
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    const recorded = await sentTwice(() => post(path('/money?/record'), form, admin));
    expect(recorded.status).toBe(303);
    expect(recorded.location).toMatch(/recorded=\d+$/);
    const unitId = world.units['unit-1'] ?? '';
    const pledged = await sentTwice(() => post(path('/money?/pledge'), { unitId, amount: '5000.00' }, admin));
    expect(pledged).toEqual({ status: 303, location: `/funds/${FUND}/money?source=pledge&pledged=1`, said: [] });
  });

  let applicationId = '';
  const review = path(`/review/${JOURNEY}`);

  it('the pre-check', async () => {
    const db: ReviewDb = { owner: office.sql, app: office.sql, now: new Date() };
    const committeeActor = await office.actorOf(committee);
    applicationId = await submittedApplication(db, world, {
      number: JOURNEY,
      createdBy: committeeActor,
      cost: '5000.00',
      match: '3000.00',
      selfRaiseTarget: '2000.00',
      householdsExpected: 23
    });
    const rows = await office.sql<{ id: string }[]>`
      insert into households (fund_id, compound_id, building, unit_no, room, name)
      select ${office.fundId}, ${world.compounds['compound-1'] ?? ''}, '1', '1', (100 + n)::text, '住户' || n
        from generate_series(1, 23) as n
      returning id::text as id`;
    households = rows.map((row) => row.id);

    const prechecked = await sentTwice(() => post(`${review}?/precheck`, { outcome: 'pass', comments: '' }, admin));
    expect(prechecked.status).toBe(200);
    expect(prechecked.said).toContain('初审结论已记录。');
    expect(await statusOf(JOURNEY)).toBe('in_review');
  });

  it('the deciding vote', async () => {
    const vote = { choice: 'approve', reason: '' };
    for (const leader of leaders.slice(0, 2)) expect((await post(`${review}?/vote`, vote, leader)).status).toBe(200);
    const deciding = leaders[2];
    if (deciding === undefined) throw new Error('no third leader');
    const voted = await sentTwice(() => post(`${review}?/vote`, vote, deciding));
    expect(voted.status).toBe(200);
    expect(voted.said).toContain('您的表决已记录。');
    expect(await statusOf(JOURNEY)).toBe('approved');
  });

  it('an objection’s decision', async () => {
    const [objection] = await office.sql<{ id: string }[]>`
      insert into objections (fund_id, application_id, revision, filed_at, name, contact, body)
      values (${office.fundId}, ${applicationId}, 1, now(), '吴女士', '13700000000', '报价偏高')
      returning id::text as id`;
    const decide = {
      objectionId: objection?.id ?? '',
      outcome: 'dismissed',
      note: '已核对三家报价。',
      publicReason: '已核对三家报价，报价合理。'
    };
    const decided = await sentTwice(() => post(path(`/notices/${JOURNEY}?/decide`), decide, admin));
    expect(decided.status).toBe(200);
    expect(decided.said).toContain('异议已处理。');

    // The notice period ends with no upheld objection: the grant becomes an active project.
    const [ends] = await office.sql<{ day: string }[]>`
      select to_char(notice_ends_on + 1, 'YYYY-MM-DD') as day from applications where id = ${applicationId}`;
    await activateEndedNotices(office.sql, { fundId: office.fundId, today: ends?.day ?? '', now: new Date() });
    expect(await statusOf(JOURNEY)).toBe('active');
  });

  it('a household’s payment, payouts asked, withdrawn and approved, and an expense', async () => {
    const payment = {
      key: randomUUID(),
      householdId: households[0] ?? '',
      amount: '100.00',
      date: TODAY,
      method: 'cash'
    };
    const paid = await sentTwice(() => post(project(JOURNEY, '/raise?/record'), payment, committee));
    expect(paid.status).toBe(303);
    expect(paid.location).toMatch(/\/raise\?recorded=\d+$/);
    // The other 22 households pay 1,900.00, so that the match can be paid out in part.
    for (const [index, householdId] of households.slice(1).entries()) {
      await write('pay', index === 21 ? '10.00' : '90.00', householdId);
    }

    const payouts = project(JOURNEY, '/payouts');
    const ask = () => ({ key: randomUUID(), amount: '1500.00', payeeKind: 'committee', payeeName: '', memo: '' });
    const firstAsk = ask();
    const waiting = await sentTwice(() => post(`${payouts}?/request`, firstAsk, admin));
    expect(waiting.location).toMatch(/\?done=waiting&paid=\d+$/);
    const firstId = /paid=(\d+)/.exec(waiting.location ?? '')?.[1] ?? '';
    const withdrawn = await sentTwice(() => post(`${payouts}?/cancel`, { payoutId: firstId }, admin));
    expect(withdrawn).toEqual({ status: 303, location: `${payouts}?done=cancelled`, said: [] });

    const secondAsk = ask();
    const asked = await answerOf(await post(`${payouts}?/request`, secondAsk, admin));
    const secondId = /paid=(\d+)/.exec(asked.location ?? '')?.[1] ?? '';
    const approver = leaders[0];
    if (approver === undefined) throw new Error('no leader');
    const approved = await sentTwice(() => post(`${payouts}?/approve`, { payoutId: secondId }, approver));
    expect(approved).toEqual({ status: 303, location: `${payouts}?done=paid&paid=${secondId}`, said: [] });

    const expense = new FormData();
    const fields = {
      key: randomUUID(),
      lineNo: '1',
      supplier: '安达道闸',
      invoiceNo: 'FP-2026-118',
      invoiceDate: TODAY,
      amount: '3500.00'
    };
    for (const [key, value] of Object.entries(fields)) expense.set(key, value);
    expense.set('attachment', file(PNG, 'invoice.png', 'image/png'), 'invoice.png');
    const spent = await sentTwice(() => post(project(JOURNEY, '/expenses?/record'), expense, committee));
    expect(spent.status).toBe(303);
    expect(spent.location).toMatch(/\/expenses\?recorded=\d+$/);
  });

  it('the acceptance check and its confirmation, the evaluation codes and the close', async () => {
    const acceptance = project(JOURNEY, '/acceptance');
    const photo = (top: [number, number, number]) => file(demoPhoto(top, [40, 40, 40]).bytes, 'photo.png', 'image/png');
    const form = (before: Blob, after: Blob) => {
      const body = new FormData();
      body.set('checkedOn', TODAY);
      body.set('note', '道闸已安装，遥控、车牌识别正常。');
      body.set('costFinal', '4800.00');
      body.set('before', before, 'before.png');
      body.set('after', after, 'after.png');
      return body;
    };
    // One photo chosen as both: refused with what is really wrong.
    const same = photo([10, 20, 30]);
    const refused = await answerOf(await post(`${acceptance}?/record`, form(same, same), admin));
    expect(refused.status).toBe(400);
    expect(refused.said.join(' ')).toContain('施工前和完工后不能用同一张照片');

    const recorded = await sentTwice(() =>
      post(`${acceptance}?/record`, form(photo([120, 80, 60]), photo([200, 220, 240])), admin)
    );
    expect(recorded.status).toBe(200);
    expect(recorded.said).toContain('验收记录已保存，已通知领导小组成员确认。');
    const [row] = await office.sql<{ at: Date }[]>`
      select a.recorded_at as at from acceptances a join applications p on p.id = a.application_id
       where p.fund_id = ${office.fundId} and p.number = ${JOURNEY}`;
    const confirmer = leaders[1];
    if (confirmer === undefined) throw new Error('no leader');
    const seen = String(row?.at.getTime() ?? 0);
    const confirmed = await sentTwice(() => post(`${acceptance}?/confirm`, { seen }, confirmer));
    expect(confirmed.status).toBe(200);
    expect(confirmed.said).toContain('已确认验收，项目转为“已验收”。');
    expect(await statusOf(JOURNEY)).toBe('accepted');

    // The codes are shown once, in the first answer; the form sent again says so and issues none.
    const key = randomUUID();
    const before = await writes();
    const issued = await post(project(JOURNEY, '/evaluation?/issue'), { key, mode: 'new' }, committee);
    expect(issued.status).toBe(200);
    const between = await writes();
    expect(between['evaluation_codes']).toBe((before['evaluation_codes'] ?? 0) + 23);
    const again = await answerOf(await post(project(JOURNEY, '/evaluation?/issue'), { key, mode: 'new' }, committee));
    expect(again.status).toBe(200);
    expect(again.said.join(' ')).toContain('这张表单已经提交过');
    expect(await writes()).toEqual(between);

    // The second tranche and the last invoice, then the close.
    await write('payout', '1380.00');
    await write('expense', '1300.00');
    const closed = await sentTwice(() =>
      post(project(JOURNEY, '/close?/close'), { idempotencyKey: randomUUID() }, admin)
    );
    expect(closed).toEqual({ status: 303, location: `${project(JOURNEY, '/close')}?done=1`, said: [] });
    expect(await statusOf(JOURNEY)).toBe('closed');
  });

  it('a cancelled grant', async () => {
    const db: ReviewDb = { owner: office.sql, app: office.sql, now: new Date() };
    await activeProject(db, world, {
      number: CANCELLED,
      admin: await office.actorOf(admin),
      leaders: await Promise.all(leaders.map((leader) => office.actorOf(leader))),
      committee: await office.actorOf(committee),
      households: 2
    });
    const cancel = { idempotencyKey: randomUUID(), reason: '街道统一改造，本项目不再实施。' };
    const cancelled = await sentTwice(() => post(project(CANCELLED, '/close?/cancel'), cancel, admin));
    expect(cancelled).toEqual({ status: 303, location: `${project(CANCELLED, '/close')}?done=1`, said: [] });
    expect(await statusOf(CANCELLED)).toBe('cancelled');
  });

  it('an application created, submitted and withdrawn', async () => {
    const compoundId = world.compounds['compound-1'] ?? '';
    const create = { compoundId, idempotencyKey: randomUUID() };
    const created = await sentTwice(() => post(path('/applications?/create'), create, committee));
    expect(created.status).toBe(303);
    const number = Number(/applications\/(\d+)\/edit/.exec(created.location ?? '')?.[1] ?? '0');
    expect(number).toBeGreaterThan(CANCELLED);
    // The draft's steps as its pages leave them, complete.
    const [draft] = await office.sql<{ id: string }[]>`
      update applications
         set title = '更换单元门', category = 'repairs', description = '单元门损坏。', location = '1号楼',
             self_raise_target = '800.00', households_expected = 10
       where fund_id = ${office.fundId} and number = ${number}
      returning id::text as id`;
    await office.sql`
      insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
      values (${office.fundId}, ${draft?.id ?? ''}, 1, '单元门', 1, '2000.00', '2000.00')`;
    await office.sql`
      insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present,
                               households_agreeing)
      values (${office.fundId}, ${draft?.id ?? ''}, ${TODAY}, 23, 20, 18)`;
    const submitted = await sentTwice(() => post(path(`/applications/${number}?/submit`), {}, committee));
    expect(submitted).toEqual({ status: 303, location: path(`/applications/${number}?submitted=1`), said: [] });
    expect(await statusOf(number)).toBe('submitted');
    const withdrawn = await sentTwice(() =>
      post(path(`/applications/${number}?/withdraw`), { confirm: 'yes' }, committee)
    );
    expect(withdrawn).toEqual({ status: 303, location: path(`/applications/${number}?withdrawn=1`), said: [] });
    expect(await statusOf(number)).toBe('withdrawn');
  });

  it('the fund’s people: an invitation withdrawn and one taken up, a role removed, an account disabled and enabled', async () => {
    const members = path('/members');
    const invite = async () => {
      const response = await post(`${members}?/invite`, { role: 'supervisor', label: '监督', validDays: '7' }, admin);
      expect(response.status).toBe(200);
      const token = /\/invite\/([A-Za-z0-9_-]{20,})/.exec(await response.text())?.[1] ?? '';
      const [row] = await office.sql<{ id: string }[]>`
        select id::text as id from invitations where fund_id = ${office.fundId} order by id desc limit 1`;
      return { token, id: row?.id ?? '' };
    };
    const withdrawnLink = await invite();
    const revoked = await sentTwice(() => post(`${members}?/revoke`, { invitationId: withdrawnLink.id }, admin));
    expect(revoked.status).toBe(200);
    expect(revoked.said.length).toBeGreaterThan(0);

    // Taken up by someone signed in: the first answer gives a fresh session, and the form sent
    // again (with it) is sent to the same page, adding nothing.
    const link = await invite();
    const joiner = await office.person('joiner', [{ role: 'committee', compoundCode: 'compound-1' }]);
    const first = await office.post(`/invite/${link.token}?/add`, {}, joiner.cookie);
    const fresh = /gj_session=[^;]+/.exec(first.headers.get('set-cookie') ?? '')?.[0] ?? '';
    expect(first.status).toBe(303);
    expect(fresh).not.toBe('');
    const between = await writes();
    const second = await office.post(`/invite/${link.token}?/add`, {}, fresh);
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await writes()).toEqual(between);

    const spare = await office.person('spare', [
      { role: 'committee', compoundCode: 'compound-1' },
      { role: 'supervisor' }
    ]);
    const [membership] = await office.sql<{ id: string }[]>`
      select id::text as id from memberships where user_id = ${spare.id} and role = 'supervisor'`;
    const removed = await sentTwice(() => post(`${members}?/remove`, { membershipId: membership?.id ?? '' }, admin));
    expect(removed.status).toBe(200);
    expect(removed.said.length).toBeGreaterThan(0);
    for (const action of ['disable', 'enable']) {
      const done = await sentTwice(() => post(`${members}?/${action}`, { userId: spare.id }, admin));
      expect(done.status, action).toBe(200);
    }
  });

  it('the second factor required of the fund’s leaders and administrators, and a new fund', async () => {
    // Only an administrator who has enrolled a second factor can require one and still act.
    const officer = await office.person('officer', [{ role: 'fund_admin' }]);
    await office.sql`
      update users set totp_key = ${Buffer.alloc(20, 7)}, totp_enrolled_at = now() where id = ${officer.id}`;
    const members = path('/members');
    for (const required of ['on', 'off']) {
      const answer = await sentTwice(() => post(`${members}?/requireTotp`, { required }, officer));
      expect(answer.status, required).toBe(200);
    }

    const loginName = `rp-platform-${office.run}`;
    await createTestUser(office.sql, { loginName, platformAdmin: true });
    const signedIn = await signInOverHttp(baseUrl, { loginName, ip: office.nextAddress() });
    if (signedIn.cookie === null) throw new Error('no session for the platform administrator');
    const platform: Person = { id: '', loginName, displayName: loginName, cookie: signedIn.cookie };
    const slug = `rp-new-${office.run}`;
    const fund = {
      idempotencyKey: randomUUID(),
      slug,
      nameZh: '重发社区共建基金',
      nameEn: 'Resend Fund',
      fiscalYear: TODAY.slice(0, 4)
    };
    const responses = [await post('/admin/funds?/create', fund, platform)];
    responses.push(await post('/admin/funds?/create', fund, platform));
    const [made, again] = await Promise.all(responses.map((response) => answerOf(response)));
    expect(made).toEqual({ status: 303, location: `/admin/funds?created=${slug}`, said: [] });
    expect(again).toEqual(made);
    const [count] = await office.sql<
      { count: number }[]
    >`select count(*)::int as count from funds where slug = ${slug}`;
    expect(count?.count).toBe(1);
  });
});
