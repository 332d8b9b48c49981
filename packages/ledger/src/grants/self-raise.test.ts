import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, money } from '../money/money.js';
import { decideSelfRaisedPayment, selfRaiseRemainingOf, type SelfRaisedPaymentFigures } from './self-raise.js';

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
