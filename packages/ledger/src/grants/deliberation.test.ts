import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { APPLICATION_EVENTS, APPLICATION_STATES, APPLICATION_TRANSITIONS } from './application.js';
import { DELIBERATION_STAGES, deliberationStageOf, transitionStageOf } from './deliberation.js';
import { NEED_STATUSES } from './three-lists.js';

describe('the five deliberations', () => {
  it('name a need from its raising to its feedback', () => {
    expect(deliberationStageOf({ of: 'need', kind: 'raised' })).toBe('propose');
    expect(deliberationStageOf({ of: 'need', kind: 'accepted' })).toBe('consult');
    expect(deliberationStageOf({ of: 'need', kind: 'in_list' })).toBe('resolve');
    expect(deliberationStageOf({ of: 'need', kind: 'done' })).toBe('evaluate');
  });

  it('name every status a need can reach', () => {
    for (const status of NEED_STATUSES.filter((s) => s !== 'raised'))
      expect(deliberationStageOf({ of: 'need', kind: status })).not.toBeNull();
  });

  it('name an application from its draft to its evaluation, in the order of the stages', () => {
    const order = (stage: string | null) => DELIBERATION_STAGES.indexOf(stage as never);
    const path = [
      deliberationStageOf({ of: 'draft' }),
      deliberationStageOf({ of: 'application', event: 'submit', from: 'draft' }),
      deliberationStageOf({ of: 'application', event: 'precheck_pass', from: 'submitted' }),
      deliberationStageOf({ of: 'application', event: 'return', from: 'in_review' }),
      deliberationStageOf({ of: 'vote' }),
      deliberationStageOf({ of: 'application', event: 'approve', from: 'in_review' }),
      deliberationStageOf({ of: 'evaluation' })
    ];
    expect(path).toEqual(['propose', 'consult', 'consult', 'review', 'resolve', 'resolve', 'evaluate']);
    expect(path.map(order)).toEqual([...path.map(order)].sort((a, b) => a - b));
  });

  it('name every transition the application table allows, except a cancellation', () => {
    for (const transition of APPLICATION_TRANSITIONS)
      for (const from of transition.from) {
        const stage = deliberationStageOf({ of: 'application', event: transition.event, from });
        expect(transition.event === 'cancel' ? stage === null : stage !== null).toBe(true);
      }
  });

  it('leave money moving unnamed', () => {
    expect(deliberationStageOf({ of: 'money' })).toBeNull();
  });
});

describe('the stage of a stored transition', () => {
  it('reads the words the database keeps', () => {
    expect(transitionStageOf('submit', 'draft')).toBe('consult');
    expect(transitionStageOf('approve', 'in_review')).toBe('resolve');
    expect(transitionStageOf('close', 'accepted')).toBe('evaluate');
  });

  it('agrees with deliberationStageOf on every allowed transition', () => {
    for (const transition of APPLICATION_TRANSITIONS)
      for (const from of transition.from)
        expect(transitionStageOf(transition.event, from)).toBe(
          deliberationStageOf({ of: 'application', event: transition.event, from })
        );
  });

  it('gives no stage to a word it does not know', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (event, from) => {
        const known =
          (APPLICATION_EVENTS as readonly string[]).includes(event) &&
          (APPLICATION_STATES as readonly string[]).includes(from);
        if (!known) expect(transitionStageOf(event, from)).toBeNull();
      })
    );
  });

  it('names a sign-off as an evaluation', () => {
    expect(deliberationStageOf({ of: 'signoff' })).toBe('evaluate');
  });
});
