import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { requestCorrection } from '../../apps/web/src/lib/server/fund/corrections';
import { DEMO_POLICY_JSON, type FundPolicyJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import { officeDashboard } from '../../apps/web/src/lib/server/fund/fund-office';
import { moneyInOverview, recordMoneyIn } from '../../apps/web/src/lib/server/fund/money-in';
import { payoutsOverview, requestPayout } from '../../apps/web/src/lib/server/projects/payouts';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { raiseProgressOf, recordSelfRaisedPayment } from '../../apps/web/src/lib/server/projects/self-raising';
import { fundPage } from '../../apps/web/src/lib/server/public/fund-page';
import { publicProject } from '../../apps/web/src/lib/server/public/projects';
import { openPeopleDatabase } from '../support/people-db';
import { activeProject, makeWorld, person, type ActiveProject, type World } from '../support/review-world';

/*
 * The property of corrections: after any history of households' payments, units' payments and
 * payouts, some of them reversed, every figure the app shows equals the figure of the same history
 * without the reversed entries, which is built in a second fund. The payments come first and the
 * payouts after them (each phase with its own reversals), so that every step of the second
 * history is decided on the same figures as in the first.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
/** Four eyes far above anything here: every payout and reversal posts at once. */
const POLICY: FundPolicyJson = { ...DEMO_POLICY_JSON, secondApproverAbove: '100000.00' };
const HOUSEHOLDS = 8;

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('corrections_property'));
});

afterAll(async () => {
  await close();
});

type Payment = { kind: 'household'; household: number; amount: number } | { kind: 'unit'; amount: number };
type Reverse = { kind: 'reverse'; pick: number };
type Payout = { kind: 'payout'; amount: number };
type Step = Payment | Payout | Reverse;

const payment = fc.oneof(
  fc.record({
    kind: fc.constant('household' as const),
    household: fc.integer({ min: 0, max: HOUSEHOLDS - 1 }),
    amount: fc.integer({ min: 1, max: 400 })
  }),
  fc.record({ kind: fc.constant('unit' as const), amount: fc.integer({ min: 1, max: 900 }) })
);
const reverse = fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() });
const payout = fc.record({ kind: fc.constant('payout' as const), amount: fc.integer({ min: 1, max: 800 }) });

interface Fund {
  world: World;
  admin: Actor;
  committee: Actor;
  made: ActiveProject;
}

let funds = 0;

async function fund(): Promise<Fund> {
  funds += 1;
  const tag = `corp${funds}`;
  const db = { owner, app, now: NOW };
  const world = await makeWorld(db, { slug: `corrections-p-${funds}`, pool: '50000.00', policy: POLICY });
  const admin = await person(db, world, `${tag}-admin`, [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db, world, `${tag}-leader-1`, [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db, world, `${tag}-leader-2`, [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db, world, `${tag}-leader-3`, [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person(db, world, `${tag}-committee`, [{ role: 'committee', compoundCode: 'compound-1' }]);
  const made = await activeProject(db, world, { number: 1, admin, leaders, committee, households: HOUSEHOLDS });
  return { world, admin, committee, made };
}

let keys = 0;
let reversals = 0;
const nextKey = () => `00000000-0000-4000-a000-${String((keys += 1)).padStart(12, '0')}`;

/** Applies one payment or payout; the entry's seq, or null when the app refused it. */
async function apply(f: Fund, step: Payment | Payout): Promise<number | null> {
  const base = { fundId: f.world.fundId, now: NOW, ip: null };
  if (step.kind === 'household') {
    const done = await recordSelfRaisedPayment(app, {
      ...base,
      actor: f.committee,
      number: f.made.number,
      householdId: f.made.households[step.household] ?? '0',
      amount: `${step.amount}.00`,
      date: '2026-03-01',
      method: 'cash',
      receipt: null,
      idempotencyKey: nextKey()
    });
    return done.ok ? done.seq : null;
  }
  if (step.kind === 'unit') {
    const done = await recordMoneyIn(app, {
      ...base,
      actor: f.admin,
      source: 'unit',
      date: '2026-03-02',
      amount: `${step.amount}.00`,
      method: 'bank',
      memo: '',
      unitId: f.world.units['unit-2'] ?? null,
      payer: '',
      restricted: false,
      attachment: null,
      idempotencyKey: nextKey()
    });
    return done.ok ? done.seq : null;
  }
  const done = await requestPayout(app, {
    ...base,
    actor: f.admin,
    number: f.made.number,
    amount: `${step.amount}.00`,
    payeeKind: 'committee',
    payeeName: '',
    memo: '',
    key: nextKey()
  });
  return done.ok ? done.seq : null;
}

/**
 * Runs a phase in the first fund: each step applied, each reversal taking back a standing entry of
 * the phase (the pick-th, round). The steps that stand at the end, in their order.
 */
async function runWithReversals(f: Fund, steps: readonly Step[]): Promise<(Payment | Payout)[]> {
  const posted: { step: Payment | Payout; seq: number; reversed: boolean }[] = [];
  for (const step of steps) {
    if (step.kind !== 'reverse') {
      const seq = await apply(f, step);
      if (seq !== null) posted.push({ step, seq, reversed: false });
      continue;
    }
    const standing = posted.filter((item) => !item.reversed);
    const target = standing[step.pick % Math.max(standing.length, 1)];
    if (target === undefined) continue;
    const done = await requestCorrection(app, {
      actor: f.admin,
      fundId: f.world.fundId,
      now: NOW,
      ip: null,
      seq: target.seq,
      reason: '性质测试',
      date: '',
      key: nextKey()
    });
    // A reversal the books refuse (the money is spent or promised) leaves the entry standing.
    if (done.ok) target.reversed = true;
    if (done.ok) reversals += 1;
  }
  return posted.filter((item) => !item.reversed).map((item) => item.step);
}

/** Every figure the office and the public see for the fund and its project. */
async function figuresOf(f: Fund) {
  const project = await loadProject(app, { fundId: f.world.fundId, number: f.made.number, lock: false });
  if (project === null) throw new Error('no project');
  const { payouts: _payouts, ...overview } = await payoutsOverview(app, f.world.fundId, project);
  const units = (await moneyInOverview(app, { fundId: f.world.fundId, before: null })).units.map((unit) => unit.paid);
  // A sub-account opened by an entry since reversed stays open at zero; a zero balance shows nothing.
  const balances = await owner<{ code: string; balance: string; held: string }[]>`
    select account_code as code, (debits_posted - credits_posted)::text as balance, held_total::text as held
      from account_balances
     where fund_id = ${f.world.fundId} and (debits_posted <> credits_posted or held_total <> 0)
     order by account_code`;
  const [hold] = await owner<{ settled: string; status: string }[]>`
    select amount_settled::text as settled, status from holds where fund_id = ${f.world.fundId}`;
  const office = await officeDashboard(app, f.world.fundId, 2026);
  const publicFund = await fundPage(app, f.world.fundId, NOW);
  const publicProjectPage = await publicProject(app, f.world.fundId, f.made.number, NOW);
  const raise = await raiseProgressOf(app, f.world.fundId, project);
  return withoutIds({ overview, units, balances, hold, office, publicFund, publicProjectPage, raise });
}

/** The figures without the rows' ids and slugs, which differ between two funds by construction. */
function withoutIds(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, inner: unknown) => (key === 'id' || /(Id|slug|Slug)$/.test(key) ? undefined : inner))
  ) as unknown;
}

describe('corrections (property)', () => {
  it('every figure equals that of the same history without the reversed entries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(payment, payment, reverse), { maxLength: 8 }),
        fc.array(fc.oneof(payout, payout, reverse), { maxLength: 5 }),
        async (payments, payouts) => {
          const [withReversals, without] = [await fund(), await fund()];
          const paymentsStanding = await runWithReversals(withReversals, payments);
          const payoutsStanding = await runWithReversals(withReversals, payouts);
          for (const step of [...paymentsStanding, ...payoutsStanding]) {
            expect(await apply(without, step)).not.toBeNull();
          }
          expect(await figuresOf(withReversals)).toEqual(await figuresOf(without));
        }
      ),
      { numRuns: 12 }
    );
    // The histories did reverse entries, not only post them.
    expect(reversals).toBeGreaterThan(0);
  });
});
