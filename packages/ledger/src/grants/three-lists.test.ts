import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NEED_ACTIONS,
  NEED_STATUSES,
  moveNeed,
  needActionsFrom,
  needAtOffice,
  type NeedStatus
} from './three-lists.js';

describe('a need moves', () => {
  it('through triage, the list and back when an order is cancelled', () => {
    expect(moveNeed('raised', 'accept')).toEqual({ ok: true, value: 'accepted' });
    expect(moveNeed('accepted', 'list')).toEqual({ ok: true, value: 'in_list' });
    expect(moveNeed('in_list', 'reopen')).toEqual({ ok: true, value: 'accepted' });
    expect(moveNeed('in_list', 'finish')).toEqual({ ok: true, value: 'done' });
  });

  it('never out of an end: done, merged, declined and spam take no action', () => {
    for (const end of ['done', 'merged', 'declined', 'spam'] as const) expect(needActionsFrom(end)).toEqual([]);
  });

  it('only by the actions its status offers, whatever the sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...NEED_ACTIONS), { maxLength: 12 }), (actions) => {
        let status: NeedStatus = 'raised';
        for (const action of actions) {
          const moved = moveNeed(status, action);
          expect(moved.ok).toBe(needActionsFrom(status).includes(action));
          if (moved.ok) status = moved.value;
          expect(NEED_STATUSES).toContain(status);
        }
      })
    );
  });

  it('spam is only what was never taken up', () => {
    expect(moveNeed('accepted', 'spam').ok).toBe(false);
  });
});

describe('a need is before the office', () => {
  it('when the committee recorded it, or enough households support it online', () => {
    expect(needAtOffice({ source: 'meeting', supports: 0 }, 10)).toBe(true);
    expect(needAtOffice({ source: 'online', supports: 9 }, 10)).toBe(false);
    expect(needAtOffice({ source: 'online', supports: 10 }, 10)).toBe(true);
  });
});
