import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, money } from '../money/money.js';
import {
  SELF_RAISE_BATCH_MAX,
  decideSelfRaisedBatch,
  decideSelfRaisedPayment,
  plannedSharesOf,
  selfRaiseRemainingOf,
  shareStillDueOf,
  type SelfRaisedPaymentFigures
} from './self-raise.js';

const figures = (overrides: Partial<SelfRaisedPaymentFigures> = {}): SelfRaisedPaymentFigures => ({
  target: money('2000'),
  received: money('1500'),
  householdInCompound: true,
  dateRules: { today: '2026-06-15', fiscalYear: 2026 },
  ...overrides
});

const payment = { amount: '80.00', date: '2026-06-01' };

/** An amount in fen from one fen to 5,000.00 yuan. */
const fen = fc.bigInt({ min: 1n, max: 500_000n }).map((minor) => Money.fromMinor(minor));

describe('decideSelfRaisedPayment', () => {
  it('accepts a payment inside the target, with the amount as read', () => {
    const decision = decideSelfRaisedPayment(figures({ received: money('0') }), { ...payment, amount: '¥1,000.5' });
    expect(decision.ok && decision.value.amount.toString()).toBe('1000.50');
  });

  it('refuses the amount as typed first, with the ledger’s amount codes', () => {
    const wrong = figures({ householdInCompound: false, dateRules: { today: '2020-01-01', fiscalYear: 2020 } });
    expect(decideSelfRaisedPayment(wrong, { ...payment, amount: 'abc' })).toMatchObject({
      code: 'amount_must_be_a_number'
    });
    expect(decideSelfRaisedPayment(figures(), { ...payment, amount: '0' })).toMatchObject({
      code: 'amount_must_be_positive'
    });
    expect(decideSelfRaisedPayment(figures(), { ...payment, amount: '1.234' })).toMatchObject({
      code: 'amount_must_have_at_most_two_decimals'
    });
  });

  it('checks the day only when the server asks it to', () => {
    const future = { ...payment, date: '2026-06-16' };
    expect(decideSelfRaisedPayment(figures(), future)).toMatchObject({ code: 'date_must_not_be_in_the_future' });
    expect(decideSelfRaisedPayment(figures(), { ...payment, date: '2024-12-31' })).toMatchObject({
      code: 'date_must_be_in_the_fiscal_year'
    });
    expect(decideSelfRaisedPayment(figures({ dateRules: null }), future).ok).toBe(true);
  });

  it('refuses a household of another compound before the target', () => {
    const decision = decideSelfRaisedPayment(figures({ householdInCompound: false }), { ...payment, amount: '9000' });
    expect(decision).toMatchObject({ ok: false, code: 'household_must_be_in_compound' });
  });

  it('refuses a payment beyond the target, naming what may still be paid (never below zero)', () => {
    expect(decideSelfRaisedPayment(figures(), { ...payment, amount: '500.01' })).toEqual({
      ok: false,
      code: 'payment_exceeds_target',
      remaining: '500.00'
    });
    expect(decideSelfRaisedPayment(figures({ received: money('2100') }), payment)).toEqual({
      ok: false,
      code: 'payment_exceeds_target',
      remaining: '0.00'
    });
  });

  it('accepts a payment exactly when it keeps the total within the target', () => {
    fc.assert(
      fc.property(fen, fen, fen, (target, received, amount) => {
        const decision = decideSelfRaisedPayment(figures({ target, received }), {
          ...payment,
          amount: amount.toString()
        });
        expect(decision.ok).toBe(received.plus(amount).lessThanOrEqual(target));
        if (!decision.ok) {
          expect(decision['remaining']).toBe(selfRaiseRemainingOf({ target, received }).toString());
        }
      })
    );
  });
});

describe('plannedSharesOf', () => {
  it('splits the target over the expected households, the spare fen to the first ones', () => {
    const shares = plannedSharesOf(money('2000.02'), 25, 25).map((share) => share.toString());
    expect(shares.slice(0, 3)).toEqual(['80.01', '80.01', '80.00']);
    expect(shares).toHaveLength(25);
  });

  it('plans households beyond the expected count at the smallest part, and none without a target', () => {
    expect(plannedSharesOf(money('100'), 2, 3).map(String)).toEqual(['50.00', '50.00', '50.00']);
    expect(plannedSharesOf(money('0'), 2, 3)).toEqual([]);
    expect(plannedSharesOf(money('100'), 0, 3)).toEqual([]);
    expect(plannedSharesOf(money('100'), 2, 0)).toEqual([]);
  });

  it('adds up to the target when the register holds the expected households', () => {
    fc.assert(
      fc.property(fen, fc.integer({ min: 1, max: 120 }), (target, households) => {
        const shares = plannedSharesOf(target, households, households);
        if (target.lessThan(Money.fromMinor(BigInt(households)))) return;
        expect(shares.reduce((sum, share) => sum.plus(share), Money.zero()).equals(target)).toBe(true);
      })
    );
  });
});

describe('shareStillDueOf', () => {
  it('is the share less what was paid, never negative', () => {
    expect(shareStillDueOf(money('80'), money('30')).toString()).toBe('50.00');
    expect(shareStillDueOf(money('80'), money('90')).toString()).toBe('0.00');
  });
});

describe('decideSelfRaisedBatch', () => {
  const day = { target: money('200'), received: money('0'), dateRules: { today: '2026-06-15', fiscalYear: 2026 } };
  const line = (household: string, amount: string, householdInCompound = true) => ({
    household,
    amount,
    householdInCompound
  });

  it('accepts good lines with their amounts as read', () => {
    const decision = decideSelfRaisedBatch(day, { date: '2026-06-01', lines: [line('1', '80'), line('2', '¥120')] });
    expect(decision.ok && decision.value.amounts.map(String)).toEqual(['80.00', '120.00']);
  });

  it('refuses the whole batch with every bad line named', () => {
    const decision = decideSelfRaisedBatch(day, {
      date: '2026-06-01',
      lines: [line('1', '80'), line('2', 'abc'), line('1', '5'), line('3', '5', false), line('4', '150')]
    });
    expect(decision).toMatchObject({
      code: 'batch_has_bad_lines',
      lines: [
        { index: 1, code: 'amount_must_be_a_number' },
        { index: 2, code: 'household_listed_twice' },
        { index: 3, code: 'household_must_be_in_compound' },
        { index: 4, code: 'payment_exceeds_target', remaining: '120.00' }
      ]
    });
  });

  it('refuses an empty batch and a too long one', () => {
    expect(decideSelfRaisedBatch(day, { date: '2026-06-01', lines: [] })).toMatchObject({ code: 'batch_needs_a_line' });
    const many = Array.from({ length: SELF_RAISE_BATCH_MAX + 1 }, (_, index) => line(String(index), '0.01'));
    expect(decideSelfRaisedBatch(day, { date: '2026-06-01', lines: many })).toMatchObject({
      code: 'batch_is_too_long'
    });
  });

  it('never lets an accepted batch pass the target', () => {
    fc.assert(
      fc.property(fen, fen, fc.array(fen, { minLength: 1, maxLength: 30 }), (target, received, amounts) => {
        const lines = amounts.map((amount, index) => line(String(index), amount.toString()));
        const decision = decideSelfRaisedBatch({ ...day, target, received }, { date: '2026-06-01', lines });
        if (!decision.ok) return;
        const total = decision.value.amounts.reduce((sum, amount) => sum.plus(amount), received);
        expect(total.greaterThan(target)).toBe(false);
      })
    );
  });
});
