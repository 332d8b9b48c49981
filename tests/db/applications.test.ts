import { Money, computeMatch } from '@gongjian/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import {
  applicationView,
  createDraft,
  listApplications,
  matchPreview,
  refOf,
  revisionSnapshot,
  saveDraft,
  submitApplication,
  withdrawApplication,
  type DraftInput
} from '../../apps/web/src/lib/server/grants/applications';
import { seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { currentPolicy } from '../../apps/web/src/lib/server/fund/fund-policy';
import { can, type Actor, type FundRole } from '../../apps/web/src/lib/server/access/policy';
import { createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * Applications against a real PostgreSQL: a draft saved step by step, submitted (and then frozen,
 * by the use case and by the database), the live match, the owners' consent rule at submission,
 * one committee kept out of another's drafts, withdrawal, resubmission as a new revision, and a
 * create form sent twice.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundId = '';
const compounds: Record<string, string> = {};
let committeeC: Actor;
let committeeA: Actor;
let committeeB: Actor;
let admin: Actor;
let adminId = '';
const now = new Date('2026-11-20T02:00:00.000Z');
const ip = '192.0.2.80';
let keyCounter = 0;

function actor(userId: string, role: FundRole, compoundId: string | null = null): Actor {
  return {
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships: [{ fundId, role, unitId: null, compoundId }],
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

function key(): string {
  keyCounter += 1;
  return `00000000-0000-4000-9000-${String(keyCounter).padStart(12, '0')}`;
}

async function draftFor(who: Actor, compoundId: string): Promise<number> {
  const created = await createDraft(app, { actor: who, fundId, compoundId, idempotencyKey: key(), now, ip });
  if (!created.ok) throw new Error(`createDraft refused: ${created.code}`);
  return created.number;
}

async function save(who: Actor, number: number, draft: DraftInput) {
  return saveDraft(app, { actor: who, fundId, number, draft, now, ip });
}

/** A complete 5,000.00 barrier application of compound C (48 households). */
async function completeBarrier(who: Actor, meeting = { total: '25', present: '21', agreeing: '20' }) {
  const number = await draftFor(who, compounds['c-xiyuan'] ?? '');
  const steps: DraftInput[] = [
    { step: 'basics', title: '更换停车道闸', category: 'repairs', description: '道闸老化', location: '北门' },
    { step: 'budget', lines: [{ item: '道闸一体机', quantity: '1', unitPrice: '5000.00' }] },
    { step: 'selfraise', selfRaiseTarget: '', householdsExpected: '25' },
    {
      step: 'meeting',
      meetingDate: '2026-09-12',
      householdsTotal: meeting.total,
      householdsPresent: meeting.present,
      householdsAgreeing: meeting.agreeing,
      minutes: null
    }
  ];
  for (const draft of steps) expect(await save(who, number, draft)).toEqual({ ok: true });
  return number;
}

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('applications'));
  await seedDemo(app);
  const [fund] = await owner<{ id: string }[]>`select id::text as id from funds where slug = 'guihuajing'`;
  fundId = fund?.id ?? '';
  for (const row of await owner<{ id: string; code: string }[]>`
    select id::text as id, code from compounds where fund_id = ${fundId}`) {
    compounds[row.code] = row.id;
  }
  const make = async (loginName: string, role: FundRole, code: string | null) => {
    const id = await createTestUser(owner, {
      loginName,
      memberships: [{ fundSlug: 'guihuajing', role, ...(code === null ? {} : { compoundCode: code }) }]
    });
    return { id, actor: actor(id, role, code === null ? null : (compounds[code] ?? null)) };
  };
  committeeC = (await make('ap-committee-c', 'committee', 'c-xiyuan')).actor;
  committeeA = (await make('ap-committee-a', 'committee', 'c-guihua-3')).actor;
  committeeB = (await make('ap-committee-b', 'committee', 'c-nanjie')).actor;
  const made = await make('ap-admin', 'fund_admin', null);
  admin = made.actor;
  adminId = made.id;
}, 120_000);

afterAll(async () => {
  await close();
});

describe('the demo seed', () => {
  it('submits #1 and #3 through the use cases and leaves #2 a draft (the review seed moves them on)', async () => {
    const rows = await owner<{ number: number; status: string; title: string; first: string | null }[]>`
      select a.number, a.status, a.title,
             (select t.from_status || '>' || t.to_status from application_transitions t
               where t.application_id = a.id order by t.id limit 1) as first
        from applications a where a.fund_id = ${fundId} and a.number <= 3 order by a.number`;
    expect(rows.map((row) => [row.number, row.title, row.first])).toEqual([
      [1, '更换停车道闸', 'draft>submitted'],
      [2, '楼道照明改造', null],
      [3, '健身器材维修', 'draft>submitted']
    ]);
    expect(rows[1]?.status).toBe('draft');
    const first = await applicationView(app, { fundId, number: 1 });
    const third = await applicationView(app, { fundId, number: 3 });
    const snapshots = await Promise.all(
      [first, third].map((detail) => revisionSnapshot(app, { applicationId: detail?.id ?? '', revision: 1 }))
    );
    expect(snapshots.map((snapshot) => snapshot?.match.amount)).toEqual(['3000.00', '5160.00']);
    expect(snapshots[0]?.resolution).toMatchObject({
      householdsTotal: 25,
      householdsPresent: 21,
      householdsAgreeing: 20
    });
    expect(third?.lines.map((line) => line.amount)).toEqual(['4800.00', '2600.00', '1200.00']);
    expect(third?.selfRaiseTarget).toBe('3440.00');
  });

  it('shows every other state too: one in review with one vote, one rejected, one accepted keeping its hold', async () => {
    const rows = await owner<
      { number: number; title: string; status: string; votes: number; held: string | null; events: string }[]
    >`
      select a.number, a.title, a.status,
             (select count(*)::int from votes v where v.application_id = a.id) as votes,
             (select h.amount::text from holds h where h.fund_id = a.fund_id and h.id = a.hold_id and h.status = 'open') as held,
             (select string_agg(t.event, ',' order by t.id) from application_transitions t
               where t.application_id = a.id) as events
        from applications a where a.fund_id = ${fundId} and a.number between 4 and 6 order by a.number`;
    expect(rows).toEqual([
      { number: 4, title: '围墙修补', status: 'in_review', votes: 1, held: null, events: 'submit,precheck_pass' },
      { number: 5, title: '露天电影放映', status: 'rejected', votes: 0, held: null, events: 'submit,reject' },
      {
        number: 6,
        title: '单元门禁维修',
        // Active since step 007; step 010 raises money, pays, spends and accepts it.
        status: 'accepted',
        votes: 3,
        held: '1500.00',
        events: 'submit,precheck_pass,approve,notice_ended,accept'
      }
    ]);
  });
});

describe('a draft, step by step, then submitted', () => {
  it('computes the match live: 5,000.00 at the repairs ratio 0.6 is 3,000.00, as computeMatch says', async () => {
    const number = await completeBarrier(committeeC);
    const detail = await applicationView(app, { fundId, number });
    if (detail === null) throw new Error('no application');
    expect(detail.status).toBe('draft');
    expect(detail.lines).toEqual([
      { lineNo: 1, item: '道闸一体机', quantity: '1.00', unitPrice: '5000.00', amount: '5000.00' }
    ]);
    // Left empty, the self-raise target is the budget less the match.
    expect(detail.selfRaiseTarget).toBe('2000.00');
    const preview = await matchPreview(app, { fundId, application: detail });
    if (!preview.ok) throw new Error(preview.code);
    expect(preview.decision.match.toString()).toBe('3000.00');
    const policy = await currentPolicy(app, fundId);
    if (policy === null) throw new Error('no policy');
    const pool = Money.parse(preview.poolAvailable);
    if (!pool.ok) throw new Error(pool.code);
    const direct = computeMatch(policy.policy.match, {
      costEligible: Money.fromMinor(500000n),
      category: 'repairs',
      compoundMatchedThisYear: Money.zero(),
      poolAvailable: pool.value
    });
    expect(direct.ok && direct.value.steps).toEqual(preview.decision.steps);
    expect(direct.ok && direct.value.match.toString()).toBe('3000.00');
    expect(preview.working['zh-CN'].join(' ')).toContain('¥3,000.00');
  });

  it('submits, freezes the application, records the timeline and tells the administrators', async () => {
    const number = await completeBarrier(committeeC);
    const submitted = await submitApplication(app, { actor: committeeC, fundId, number, now, ip });
    expect(submitted).toEqual({ ok: true, revision: 1, matchAmount: '3000.00', replayed: false });
    // The same button pressed twice submits once.
    expect(await submitApplication(app, { actor: committeeC, fundId, number, now, ip })).toMatchObject({
      ok: true,
      replayed: true
    });
    const detail = await applicationView(app, { fundId, number });
    expect(detail?.status).toBe('submitted');
    // Submitted under the policy in force: the demo's version 2, which 019_demo_signoffs adopted.
    expect(detail?.policyVersion).toBe(2);
    expect(detail?.matchAmount).toBe('3000.00');
    expect(detail?.transitions.map((t) => [t.fromStatus, t.toStatus, t.event])).toEqual([
      ['draft', 'submitted', 'submit']
    ]);
    expect(detail?.revisions.map((r) => r.revision)).toEqual([1]);
    const snapshot = await revisionSnapshot(app, { applicationId: detail?.id ?? '', revision: 1 });
    expect(snapshot?.total).toBe('5000.00');
    expect(snapshot?.match.amount).toBe('3000.00');
    expect(snapshot?.lines[0]?.unitPrice).toBe('5000.00');

    // Frozen: the use case says so, and the database refuses a direct change.
    expect(
      await save(committeeC, number, { step: 'basics', title: 'x', category: '', description: '', location: '' })
    ).toEqual({
      ok: false,
      code: 'application_is_not_editable'
    });
    await expect(owner`update applications set title = 'changed' where id = ${detail?.id ?? ''}`).rejects.toMatchObject(
      {
        code: 'GJ014'
      }
    );
    await expect(owner`delete from budget_lines where application_id = ${detail?.id ?? ''}`).rejects.toMatchObject({
      code: 'GJ014'
    });

    const inbox = await owner<{ kind: string }[]>`
      select kind from notifications where user_id = ${adminId} and application_id = ${detail?.id ?? ''}`;
    expect(inbox).toEqual([{ kind: 'application.submitted' }]);
  });

  it('refuses to submit an incomplete draft, listing what is missing', async () => {
    const number = await draftFor(committeeC, compounds['c-xiyuan'] ?? '');
    expect(await submitApplication(app, { actor: committeeC, fundId, number, now, ip })).toEqual({
      ok: false,
      code: 'application_must_be_complete',
      missing: ['title', 'category', 'budget', 'self_raise_plan', 'owners_meeting']
    });
  });

  it('refuses to submit when too few owners agreed, and saves the meeting as it was', async () => {
    const number = await completeBarrier(committeeC, { total: '25', present: '21', agreeing: '9' });
    expect(await submitApplication(app, { actor: committeeC, fundId, number, now, ip })).toEqual({
      ok: false,
      code: 'application_must_be_complete',
      missing: ['owners_consent']
    });
    const detail = await applicationView(app, { fundId, number });
    expect(detail?.status).toBe('draft');
    expect(detail?.resolution?.householdsAgreeing).toBe(9);
  });

  it('refuses bad input field by field and writes nothing', async () => {
    const number = await completeBarrier(committeeC);
    const refused = await save(committeeC, number, {
      step: 'budget',
      lines: [
        { item: '', quantity: '1', unitPrice: '10' },
        { item: '水泥', quantity: '0', unitPrice: '1.234' }
      ]
    });
    expect(refused).toEqual({
      ok: false,
      code: 'invalid_input',
      errors: {
        '0.item': 'item_is_required',
        '1.quantity': 'quantity_must_be_positive',
        '1.unitPrice': 'unit_price_must_have_at_most_two_decimals'
      }
    });
    expect((await applicationView(app, { fundId, number }))?.lines).toHaveLength(1);
    expect(
      await save(committeeC, number, { step: 'selfraise', selfRaiseTarget: '10', householdsExpected: '49' })
    ).toEqual({ ok: false, code: 'invalid_input', errors: { householdsExpected: 'households_exceed_compound' } });
    expect(
      await save(committeeC, number, { step: 'match', requestedRatio: '0.9', requestedRatioReason: '老旧' })
    ).toEqual({ ok: false, code: 'invalid_input', errors: { requestedRatio: 'requested_ratio_outside_policy_band' } });
    expect(
      await save(committeeC, number, {
        step: 'meeting',
        meetingDate: '2026-12-30',
        householdsTotal: '25',
        householdsPresent: '26',
        householdsAgreeing: '1',
        minutes: null
      })
    ).toEqual({
      ok: false,
      code: 'invalid_input',
      errors: { meetingDate: 'date_must_not_be_in_the_future', householdsPresent: 'present_must_not_exceed_total' }
    });
  });
});

describe('who may see and change a draft', () => {
  it('keeps one committee out of another compound’s draft', async () => {
    const number = await draftFor(committeeA, compounds['c-guihua-3'] ?? '');
    expect(
      await save(committeeB, number, { step: 'basics', title: '偷改', category: '', description: '', location: '' })
    ).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(await submitApplication(app, { actor: committeeB, fundId, number, now, ip })).toMatchObject({
      ok: false,
      code: 'not_allowed'
    });
    expect(await withdrawApplication(app, { actor: committeeB, fundId, number, now, ip })).toMatchObject({
      ok: false,
      code: 'not_allowed'
    });
    const detail = await applicationView(app, { fundId, number });
    if (detail === null) throw new Error('no application');
    expect(can(committeeB, 'application.read', refOf(detail, fundId)).allowed).toBe(false);
    const listedForB = await listApplications(app, { actor: committeeB, fundId });
    expect(listedForB.some((row) => row.number === number)).toBe(false);
    const listedForA = await listApplications(app, { actor: committeeA, fundId });
    expect(listedForA.some((row) => row.number === number)).toBe(true);
    // The office sees submitted applications, never drafts.
    const listedForAdmin = await listApplications(app, { actor: admin, fundId });
    expect(listedForAdmin.some((row) => row.number === number)).toBe(false);
    expect(listedForAdmin.some((row) => row.number === 1)).toBe(true);
  });

  it('refuses a draft for a compound the committee does not serve', async () => {
    const refused = await createDraft(app, {
      actor: committeeA,
      fundId,
      compoundId: compounds['c-nanjie'] ?? '',
      idempotencyKey: key(),
      now,
      ip
    });
    expect(refused).toMatchObject({ ok: false, code: 'not_allowed' });
  });

  it('creates one draft for a form sent twice', async () => {
    const formKey = key();
    const input = {
      actor: committeeA,
      fundId,
      compoundId: compounds['c-guihua-3'] ?? '',
      idempotencyKey: formKey,
      now,
      ip
    };
    const first = await createDraft(app, input);
    const second = await createDraft(app, input);
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
  });

  it('creates one draft when the same form arrives twice at once', async () => {
    const input = {
      actor: committeeA,
      fundId,
      compoundId: compounds['c-guihua-3'] ?? '',
      idempotencyKey: key(),
      now,
      ip
    };
    const results = await Promise.all([createDraft(app, input), createDraft(app, input), createDraft(app, input)]);
    const numbers = new Set(results.map((result) => (result.ok ? result.number : -1)));
    expect(numbers.size).toBe(1);
    expect(results.filter((result) => result.ok && !result.replayed)).toHaveLength(1);
    const [row] = await app<{ count: number }[]>`
      select count(*)::int as count from applications where create_key = ${input.idempotencyKey}`;
    expect(row?.count).toBe(1);
  });
});

describe('withdrawing and resubmitting', () => {
  it('withdraws a submitted application once, and it can no longer be edited', async () => {
    const number = await completeBarrier(committeeC);
    await submitApplication(app, { actor: committeeC, fundId, number, now, ip });
    expect(await withdrawApplication(app, { actor: committeeC, fundId, number, now, ip })).toEqual({
      ok: true,
      replayed: false
    });
    expect(await withdrawApplication(app, { actor: committeeC, fundId, number, now, ip })).toEqual({
      ok: true,
      replayed: true
    });
    const detail = await applicationView(app, { fundId, number });
    expect(detail?.status).toBe('withdrawn');
    expect(detail?.transitions.map((t) => t.event)).toEqual(['submit', 'withdraw']);
    expect(await save(committeeC, number, { step: 'match', requestedRatio: '', requestedRatioReason: '' })).toEqual({
      ok: false,
      code: 'application_is_not_editable'
    });
  });

  it('resubmits a returned application as revision 2 and keeps revision 1 as it was', async () => {
    const number = await completeBarrier(committeeC);
    await submitApplication(app, { actor: committeeC, fundId, number, now, ip });
    // The review's return is H5's use case; here the database owner stands in for it.
    await owner`update applications set status = 'returned' where fund_id = ${fundId} and number = ${number}`;
    expect(
      await save(committeeC, number, {
        step: 'basics',
        title: '更换停车道闸（修改）',
        category: 'repairs',
        description: '补充报价',
        location: '北门'
      })
    ).toEqual({ ok: true });
    expect(await submitApplication(app, { actor: committeeC, fundId, number, now, ip })).toMatchObject({
      ok: true,
      revision: 2
    });
    const detail = await applicationView(app, { fundId, number });
    expect(detail?.revisions.map((r) => r.revision)).toEqual([2, 1]);
    const first = await revisionSnapshot(app, { applicationId: detail?.id ?? '', revision: 1 });
    const second = await revisionSnapshot(app, { applicationId: detail?.id ?? '', revision: 2 });
    expect(first?.title).toBe('更换停车道闸');
    expect(second?.title).toBe('更换停车道闸（修改）');
  });
});
