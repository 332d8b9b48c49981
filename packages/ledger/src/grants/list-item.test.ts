import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPLICATION_STATES } from './application.js';
import {
  LIST_DELIVERIES,
  LIST_ITEM_ACTIONS,
  LIST_ITEM_STATUSES,
  listItemStatusOf,
  moveListItem,
  needActionForListItem
} from './three-lists.js';

const delivery = fc.constantFrom(...LIST_DELIVERIES);
const status = fc.constantFrom(...LIST_ITEM_STATUSES);
const application = fc.option(fc.constantFrom(...APPLICATION_STATES), { nil: null });

describe('a grant list item follows its application', () => {
  it('in progress from the draft to the active project, delivered once accepted', () => {
    const of = (applicationState: (typeof APPLICATION_STATES)[number] | null) =>
      listItemStatusOf({ delivery: 'grant', status: 'placed', applicationState });
    expect(of(null)).toBe('placed');
    for (const state of ['draft', 'submitted', 'in_review', 'returned', 'approved', 'active'] as const) {
      expect(of(state)).toBe('in_progress');
    }
    expect(of('accepted')).toBe('delivered');
    expect(of('closed')).toBe('delivered');
  });

  it('ends the order when the application is withdrawn, rejected or cancelled', () => {
    for (const state of ['withdrawn', 'rejected', 'cancelled'] as const) {
      expect(listItemStatusOf({ delivery: 'grant', status: 'in_progress', applicationState: state })).toBe('cancelled');
    }
  });

  it('never leaves an end, and a direct item stays where the office moved it', () => {
    fc.assert(
      fc.property(delivery, status, application, (d, s, a) => {
        const next = listItemStatusOf({ delivery: d, status: s, applicationState: a });
        if (s === 'delivered' || s === 'cancelled' || d === 'direct') expect(next).toBe(s);
        // Following twice gives the same answer: the rule is a fixed point once applied.
        expect(listItemStatusOf({ delivery: d, status: next, applicationState: a })).toBe(next);
      })
    );
  });
});

describe('the office moves a direct item', () => {
  it('placed, in progress, delivered; or cancelled before delivery', () => {
    expect(moveListItem({ delivery: 'direct', status: 'placed' }, 'progress')).toEqual({
      ok: true,
      value: 'in_progress'
    });
    expect(moveListItem({ delivery: 'direct', status: 'in_progress' }, 'deliver')).toEqual({
      ok: true,
      value: 'delivered'
    });
    expect(moveListItem({ delivery: 'direct', status: 'placed' }, 'cancel')).toEqual({ ok: true, value: 'cancelled' });
    expect(moveListItem({ delivery: 'direct', status: 'delivered' }, 'cancel').ok).toBe(false);
  });

  it('never moves a grant item but to cancel it', () => {
    fc.assert(
      fc.property(status, fc.constantFrom(...LIST_ITEM_ACTIONS), (s, action) => {
        const moved = moveListItem({ delivery: 'grant', status: s }, action);
        if (action !== 'cancel') expect(moved).toMatchObject({ ok: false, code: 'grant_item_follows_its_application' });
        // Nothing leaves an end.
        if (s === 'delivered' || s === 'cancelled') expect(moved.ok).toBe(false);
      })
    );
  });

  it('finishes the needs of a delivered item and reopens those of a cancelled one', () => {
    expect(needActionForListItem('delivered')).toBe('finish');
    expect(needActionForListItem('cancelled')).toBe('reopen');
    expect(needActionForListItem('placed')).toBeNull();
    expect(needActionForListItem('in_progress')).toBeNull();
  });
});
