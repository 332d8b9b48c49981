import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS } from '../chart/minfei-2026.js';
import type { Posting } from '../journal/types.js';
import { Money, money } from '../money/money.js';
import {
  acceptanceCompletion,
  decideExpense,
  decidePayout,
  decideSecondApproval,
  payoutReleasable,
  planClosing,
  refundsOf,
  type ClosingFigures,
  type HouseholdPaid,
  type PayoutPolicy,
  type ProjectFigures
} from './project.js';

const POLICY: PayoutPolicy = {
  releaseMode: 'proportional',
  holdBackShare: '0.5',
  participationMin: null,
  secondApproverAbove: money('1000'),
  roundingUnit: money('0.01'),
  selfRaisedShareMin: '0.2'
};

const ACCOUNTS_P = {
  funds: '1002.02.P-x',
  selfRaised: '2209.P-x',
  cost: '5101.P-x',
  compoundReserve: { funds: '1002.02.C-c', payable: '2209.C-c' }
};

const figures = (overrides: Partial<ProjectFigures> = {}): ProjectFigures => ({
  matchApproved: money('3000'),
  ratioApproved: '0.6',
  selfRaisedTarget: money('2000'),
  selfRaisedReceived: money('2000'),
  householdsExpected: 25,
  householdsPaid: 23,
  matchCommitted: Money.zero(),
  costActual: Money.zero(),
  accepted: false,
  costFinal: null,
  ...overrides
});

/** 23 households paying 2,000.00 in unequal amounts, as in the journey. */
const HOUSEHOLDS: HouseholdPaid[] = Array.from({ length: 23 }, (_, index) => ({
  householdId: `h${index + 1}`,
  label: `${Math.floor(index / 4) + 1}-${(index % 4) + 1}-${101 + index}`,
  paid: money(index < 22 ? (index % 2 === 0 ? '80.00' : '95.00') : '0')
}));
HOUSEHOLDS[22] = {
  householdId: 'h23',
  label: '6-3-123',
  paid: money('2000').minus(Money.sum(HOUSEHOLDS.slice(0, 22).map((h) => h.paid)))
};

describe('payoutReleasable', () => {
  it("releases 1,500 of the journey's 3,000 before acceptance (half held back), then 1,380 on the 4,800 actual", () => {
    expect(payoutReleasable(POLICY, figures()).releasable.toString()).toBe('1500.00');
    // Accepted on the 4,800 invoice while only the 3,500 deposit has been paid: the final
    // tranche pays the supplier's balance.
    const accepted = figures({
      accepted: true,
      costActual: money('3500'),
      costFinal: money('4800'),
      matchCommitted: money('1500')
    });
    const after = payoutReleasable(POLICY, accepted);
    expect(after.matchDue.toString()).toBe('2880.00');
    expect(after.releasable.toString()).toBe('1380.00');
  });

  it('releases in proportion to the self-raised money received, and names the limit', () => {
    const half = payoutReleasable(POLICY, figures({ selfRaisedReceived: money('500') }));
    expect(half).toMatchObject({ limit: 'self_raised_received' });
    expect(half.releasable.toString()).toBe('750.00');
    const allOrNothing = payoutReleasable(
      { ...POLICY, releaseMode: 'all_when_target_met' },
      figures({ selfRaisedReceived: money('1999.99') })
    );
    expect(allOrNothing).toMatchObject({ limit: 'self_raised_target_not_met' });
    expect(allOrNothing.releasable.isZero()).toBe(true);
  });

  it('pays nothing below the minimum participation', () => {
    const result = payoutReleasable({ ...POLICY, participationMin: '0.95' }, figures());
    expect(result.limit).toBe('participation_below_minimum');
    expect(result.releasable.isZero()).toBe(true);
  });

  const amount = fc.integer({ min: 0, max: 10_000_000 }).map((minor) => Money.fromMinor(BigInt(minor)));
  const share = fc.integer({ min: 0, max: 100 }).map((percent) => (percent / 100).toFixed(2));

  it('never exceeds the match, its proportion or the part not held back (property)', () => {
    fc.assert(
      fc.property(
        amount,
        amount,
        amount,
        amount,
        share,
        fc.constantFrom('proportional' as const, 'all_when_target_met' as const),
        (match, target, received, committed, holdBack, releaseMode) => {
          const policy = { ...POLICY, releaseMode, holdBackShare: holdBack };
          const input = figures({
            matchApproved: match,
            selfRaisedTarget: target,
            selfRaisedReceived: received,
            matchCommitted: committed
          });
          const { releasable } = payoutReleasable(policy, input);
          expect(releasable.isNegative()).toBe(false);
          expect(releasable.plus(committed).lessThanOrEqual(Money.max(match, committed))).toBe(true);
          if (received.lessThan(target)) {
            const proportion = (match.toMinor() * received.toMinor()) / target.toMinor();
            expect(
              releasable.plus(committed).toMinor() <=
                (proportion > committed.toMinor() ? proportion : committed.toMinor())
            ).toBe(true);
          }
          const keptBack = match.toDecimal().times(holdBack);
          expect(releasable.toDecimal().lessThanOrEqualTo(match.toDecimal().minus(keptBack).plus('0.01'))).toBe(true);
        }
      )
    );
  });
});

describe('decidePayout and the second approver', () => {
  it('asks for a second approver above the threshold, and refuses beyond the releasable with the figure', () => {
    expect(decidePayout(POLICY, { ...figures(), closed: false }, money('1500'))).toMatchObject({
      ok: true,
      value: { needsSecondApprover: true }
    });
    expect(decidePayout(POLICY, { ...figures(), closed: false }, money('1000'))).toMatchObject({
      ok: true,
      value: { needsSecondApprover: false }
    });
    expect(decidePayout(POLICY, { ...figures(), closed: false }, money('1500.01'))).toEqual({
      ok: false,
      code: 'payout_exceeds_releasable',
      releasable: '1500.00',
      limit: 'hold_back_until_acceptance'
    });
    expect(decidePayout(POLICY, { ...figures(), closed: false }, money('0'))).toMatchObject({
      code: 'payout_must_be_positive'
    });
    expect(decidePayout(POLICY, { ...figures(), closed: true }, money('1'))).toMatchObject({
      code: 'project_is_closed'
    });
  });

  it('refuses the requester as their own second approver', () => {
    expect(decideSecondApproval({ status: 'waiting', requesterId: '1', approverId: '1' })).toMatchObject({
      code: 'second_approver_must_differ'
    });
    expect(decideSecondApproval({ status: 'paid', requesterId: '1', approverId: '2' })).toMatchObject({
      code: 'payout_is_not_waiting'
    });
    expect(decideSecondApproval({ status: 'waiting', requesterId: '1', approverId: '2' })).toEqual({
      ok: true,
      value: true
    });
  });
});

describe('decideExpense', () => {
  const spending = {
    matchPaid: money('1500'),
    matchSpent: Money.zero(),
    selfRaisedReceived: money('2000'),
    selfRaisedSpent: Money.zero(),
    selfRaisedRefunded: Money.zero(),
    ratioApproved: '0.6',
    closed: false
  };

  it("splits the journey's 3,500 deposit as 1,500 match and 2,000 self-raised, and refuses more than was received", () => {
    expect(decideExpense(spending, money('3500'))).toEqual({
      ok: true,
      value: { match: money('1500'), selfRaised: money('2000') }
    });
    expect(decideExpense(spending, money('3500.01'))).toEqual({
      ok: false,
      code: 'expense_exceeds_money_received',
      available: '3500.00'
    });
  });

  it('splits by the ratio when both sources can carry it', () => {
    expect(decideExpense({ ...spending, matchPaid: money('3000') }, money('1000'))).toEqual({
      ok: true,
      value: { match: money('600'), selfRaised: money('400') }
    });
  });
});

describe('refundsOf', () => {
  it('refunds the 80.00 surplus to the 23 households in proportion, to the fen', () => {
    const refunds = refundsOf(money('80'), HOUSEHOLDS);
    if (!refunds.ok) throw new Error(refunds.code);
    expect(Money.sum(refunds.value.map((row) => row.refund)).toString()).toBe('80.00');
    expect(refunds.value).toHaveLength(23);
  });

  it('sums exactly to the surplus for any payments (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_00 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 60 }),
        (surplusMinor, paidMinor) => {
          const households = paidMinor.map((minor, index) => ({
            householdId: `h${index}`,
            label: `h${index}`,
            paid: Money.fromMinor(BigInt(minor))
          }));
          const surplus = Money.fromMinor(BigInt(surplusMinor));
          const refunds = refundsOf(surplus, households);
          if (!refunds.ok) {
            expect(households.every((household) => household.paid.isZero())).toBe(true);
            return;
          }
          expect(Money.sum(refunds.value.map((row) => row.refund)).equals(surplus)).toBe(true);
          for (const row of refunds.value) expect(row.household.paid.isPositive()).toBe(true);
        }
      )
    );
  });
});

/** Balances by account (debit positive) of a list of postings. */
function balances(postings: readonly Posting[]): Map<string, bigint> {
  const result = new Map<string, bigint>();
  for (const posting of postings) {
    const signed = posting.side === 'debit' ? posting.amount.toMinor() : -posting.amount.toMinor();
    result.set(posting.account, (result.get(posting.account) ?? 0n) + signed);
  }
  return result;
}

describe('planClosing', () => {
  /** The journey's project just before its close: 2,880 paid out, 4,800 spent (2,800 match, 2,000 self-raised). */
  const journey: ClosingFigures = {
    matchApproved: money('3000'),
    ratioApproved: '0.6',
    matchHeld: money('120'),
    accepted: true,
    matchPaid: money('2880'),
    matchSpent: money('2800'),
    selfRaisedReceived: money('2000'),
    selfRaisedSpent: money('2000'),
    selfRaisedRefunded: Money.zero(),
    households: HOUSEHOLDS,
    // 1,000 of restricted money was carried into 3102 by an earlier close; 5,000 came in this period.
    restricted: { netAssets: money('1000'), income: [{ account: '4101.01.U-school-3', balance: money('5000') }] }
  };

  it('closes the journey: 120 released, 80 trued up and refunded to 23 households, 2,880 released from restriction', () => {
    const plan = planClosing(POLICY, ACCOUNTS_P, journey, { surplusMode: 'refund', cancel: false, title: '道闸' });
    if (!plan.ok) throw new Error(plan.code);
    expect(plan.value.matchFinal.toString()).toBe('2880.00');
    expect(plan.value.holdReleased.toString()).toBe('120.00');
    expect(plan.value.matchReturned.isZero()).toBe(true);
    expect(plan.value.selfRaisedSurplus.toString()).toBe('80.00');
    // The true-up, 23 refunds and the release of restriction.
    expect(plan.value.entries).toHaveLength(25);
    // The release takes the 1,000 in 3102 first, then reclassifies 1,880 of this period's restricted income.
    expect(plan.value.restrictionReleased.toString()).toBe('2880.00');
    expect(plan.value.entries.at(-1)?.postings.map((p) => [p.account, p.side, p.amount.toString()])).toEqual([
      ['3102', 'debit', '1000.00'],
      ['3101', 'credit', '1000.00'],
      ['4101.01.U-school-3', 'debit', '1880.00'],
      ['4101.02.U-school-3', 'credit', '1880.00']
    ]);
  });

  it('releases no more restriction than the books hold, so 3102 never turns to a debit', () => {
    const plan = planClosing(
      POLICY,
      ACCOUNTS_P,
      { ...journey, restricted: { netAssets: money('500'), income: [] } },
      { surplusMode: 'refund', cancel: false, title: '道闸' }
    );
    if (!plan.ok) throw new Error(plan.code);
    expect(plan.value.restrictionReleased.toString()).toBe('500.00');
    expect(plan.value.entries.at(-1)?.postings.map((p) => [p.account, p.side, p.amount.toString()])).toEqual([
      ['3102', 'debit', '500.00'],
      ['3101', 'credit', '500.00']
    ]);
  });

  it('refuses to close before acceptance or before the final tranche, and to cancel a project that spent', () => {
    expect(
      planClosing(
        POLICY,
        ACCOUNTS_P,
        { ...journey, accepted: false },
        { surplusMode: 'refund', cancel: false, title: '' }
      )
    ).toMatchObject({ code: 'project_is_not_accepted' });
    expect(
      planClosing(
        POLICY,
        ACCOUNTS_P,
        { ...journey, matchPaid: money('1500') },
        { surplusMode: 'refund', cancel: false, title: '' }
      )
    ).toEqual({ ok: false, code: 'final_tranche_is_not_paid', outstanding: '1380.00' });
    expect(planClosing(POLICY, ACCOUNTS_P, journey, { surplusMode: 'refund', cancel: true, title: '' })).toMatchObject({
      code: 'project_has_spending'
    });
    expect(
      planClosing(
        POLICY,
        ACCOUNTS_P,
        { ...journey, costFinal: money('5000') },
        { surplusMode: 'refund', cancel: false, title: '' }
      )
    ).toEqual({ ok: false, code: 'expenses_are_short_of_the_accepted_cost', missing: '200.00' });
  });

  it('leaves the project accounts at zero and frees exactly the hold plus the returned match (property)', () => {
    const minor = (max: number) => fc.integer({ min: 0, max }).map((value) => Money.fromMinor(BigInt(value)));
    fc.assert(
      fc.property(
        minor(5_000_000),
        fc.integer({ min: 1, max: 100 }).map((percent) => (percent / 100).toFixed(2)),
        fc.array(minor(200_000), { minLength: 1, maxLength: 30 }),
        fc.array(minor(600_000), { maxLength: 6 }),
        fc.constantFrom('refund' as const, 'keep' as const),
        fc.boolean(),
        (matchApproved, ratio, paid, expenses, surplusMode, cancel) => {
          // A history: the households pay, all of the match is paid out, expenses are taken while money lasts.
          const households = paid.map((amount, index) => ({
            householdId: `h${index}`,
            label: `h${index}`,
            paid: amount
          }));
          const received = Money.sum(paid);
          const postings: Posting[] = [];
          let matchSpent = Money.zero();
          let selfSpent = Money.zero();
          for (const amount of cancel ? [] : expenses) {
            const split = decideExpense(
              {
                matchPaid: matchApproved,
                matchSpent,
                selfRaisedReceived: received,
                selfRaisedSpent: selfSpent,
                selfRaisedRefunded: Money.zero(),
                ratioApproved: ratio,
                closed: false
              },
              amount
            );
            if (!split.ok) continue;
            matchSpent = matchSpent.plus(split.value.match);
            selfSpent = selfSpent.plus(split.value.selfRaised);
          }
          const cost = matchSpent.plus(selfSpent);
          postings.push(
            { account: ACCOUNTS_P.funds, side: 'debit', amount: received },
            { account: ACCOUNTS_P.selfRaised, side: 'credit', amount: received },
            { account: ACCOUNTS_P.funds, side: 'debit', amount: matchApproved },
            { account: ACCOUNTS.pool, side: 'credit', amount: matchApproved },
            { account: ACCOUNTS_P.cost, side: 'debit', amount: matchSpent },
            { account: ACCOUNTS_P.selfRaised, side: 'debit', amount: selfSpent },
            { account: ACCOUNTS_P.funds, side: 'credit', amount: cost }
          );
          const plan = planClosing(
            POLICY,
            ACCOUNTS_P,
            {
              matchApproved,
              ratioApproved: ratio,
              matchHeld: Money.zero(),
              accepted: true,
              matchPaid: matchApproved,
              matchSpent,
              selfRaisedReceived: received,
              selfRaisedSpent: selfSpent,
              selfRaisedRefunded: Money.zero(),
              households,
              restricted: { netAssets: Money.zero(), income: [{ account: '4101.01', balance: matchApproved }] }
            },
            { surplusMode, cancel, title: 't' }
          );
          if (!plan.ok) {
            expect(['refund_has_no_payers', 'self_raised_is_short']).toContain(plan.code);
            if (plan.code === 'self_raised_is_short') {
              // Only when the households' share of the actual cost is more than they paid, by that much.
              const final = Money.min(
                matchApproved,
                Money.fromMinor((cost.toMinor() * BigInt(Math.round(Number(ratio) * 100))) / 100n)
              );
              expect(plan['shortfall']).toBe(cost.minus(final).minus(received).toString());
            }
            return;
          }
          const all = [...postings, ...plan.value.entries.flatMap((entry) => entry.postings)];
          for (const entry of plan.value.entries) {
            const sides = balances(entry.postings);
            expect([...sides.values()].reduce((sum, value) => sum + value, 0n)).toBe(0n);
          }
          const after = balances(all);
          expect(after.get(ACCOUNTS_P.funds) ?? 0n).toBe(0n);
          expect(after.get(ACCOUNTS_P.selfRaised) ?? 0n).toBe(0n);
          expect(after.get(ACCOUNTS_P.cost) ?? 0n).toBe(plan.value.matchFinal.toMinor());
          // The pool got back exactly the match returned (nothing was still held in this history).
          const poolBack = (after.get(ACCOUNTS.pool) ?? 0n) + matchApproved.toMinor();
          expect(poolBack).toBe(plan.value.matchReturned.toMinor());
          expect(plan.value.matchFinal.plus(plan.value.matchReturned).equals(matchApproved)).toBe(true);
        }
      )
    );
  });
});

describe('resident sign-offs before the final tranche', () => {
  const SIGNED = { ...POLICY, residentSignoffs: 3 };
  const accepted = (signoffs: number) =>
    figures({ accepted: true, residentSignoffs: signoffs, costActual: money('5000'), matchCommitted: money('1500') });

  it('is complete once confirmed and enough representatives signed off', () => {
    expect(acceptanceCompletion({ confirmed: true, signoffs: 3, signoffsRequired: 3 })).toEqual({
      complete: true,
      signoffsMissing: 0
    });
    expect(acceptanceCompletion({ confirmed: true, signoffs: 2, signoffsRequired: 3 })).toEqual({
      complete: false,
      signoffsMissing: 1
    });
    expect(acceptanceCompletion({ confirmed: false, signoffs: 5, signoffsRequired: 3 }).complete).toBe(false);
    expect(acceptanceCompletion({ confirmed: true, signoffs: 0, signoffsRequired: null }).complete).toBe(true);
  });

  it('is complete exactly when confirmed and the sign-offs reach the policy', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(20), fc.option(fc.nat(20)), (confirmed, signoffs, required) => {
        const result = acceptanceCompletion({ confirmed, signoffs, signoffsRequired: required });
        expect(result.complete).toBe(confirmed && signoffs >= (required ?? 0));
        expect(result.signoffsMissing).toBe(Math.max(0, (required ?? 0) - signoffs));
      })
    );
  });

  it('keeps the final tranche back until the representatives signed off', () => {
    const waiting = payoutReleasable(SIGNED, accepted(2));
    expect(waiting.limit).toBe('resident_signoffs_missing');
    expect(waiting.releasable.toString()).toBe('0.00');
    const done = payoutReleasable(SIGNED, accepted(3));
    expect(done.limit).toBe('final_match');
    expect(done.releasable.isPositive()).toBe(true);
  });

  it('changes nothing when the policy asks for no sign-off', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(10), (isAccepted, signoffs) => {
        const f = figures({ accepted: isAccepted, residentSignoffs: signoffs, costActual: money('5000') });
        const { residentSignoffs: _given, ...unsigned } = f;
        const without = payoutReleasable(POLICY, unsigned);
        expect(payoutReleasable({ ...POLICY, residentSignoffs: null }, f)).toEqual(without);
      })
    );
  });

  it('never releases more with sign-offs missing than without the rule', () => {
    fc.assert(
      fc.property(fc.nat(5), fc.integer({ min: 1, max: 5 }), (signoffs, required) => {
        const f = accepted(signoffs);
        const withRule = payoutReleasable({ ...POLICY, residentSignoffs: required }, f);
        const withoutRule = payoutReleasable(POLICY, f);
        expect(withRule.releasable.lessThanOrEqual(withoutRule.releasable)).toBe(true);
      })
    );
  });
});
