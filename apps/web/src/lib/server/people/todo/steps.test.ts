import { describe, expect, it } from 'vitest';
import type { Actor, ApplicationStatus } from '../../access/policy';
import type { ApplicationStateRow } from './rows';
import { committeeStepOf, officeItemsOf, type FundOfTodo } from './steps';

/*
 * The next step of an application, decided from its state and the policy alone: one row per
 * state for the committee, and the office's reminders of a notice's end.
 */

const FUND: FundOfTodo = { fundId: '1', slug: 'f', nameZh: '基金', nameEn: 'Fund', today: '2026-03-10' };
const AT = new Date('2026-03-10T04:00:00Z');

const user = (memberships: Extract<Actor, { kind: 'user' }>['memberships']): Extract<Actor, { kind: 'user' }> => ({
  kind: 'user',
  userId: '7',
  platformAdmin: false,
  memberships,
  totpEnrolled: true,
  fundsRequiringTotp: []
});
const committee = user([{ fundId: '1', role: 'committee', unitId: null, compoundId: '5' }]);
const admin = user([{ fundId: '1', role: 'fund_admin', unitId: null, compoundId: null }]);

const row = (status: ApplicationStatus, extra: Partial<ApplicationStateRow> = {}): ApplicationStateRow => ({
  id: '9',
  number: 3,
  title: '道闸',
  status,
  compoundId: '5',
  compoundName: '桂香小区',
  applicantUnitId: null,
  policyVersion: 1,
  noticeEndsOn: null,
  since: AT,
  voted: false,
  objectionsOpen: 0,
  objectionsSince: null,
  acceptanceRecordedBy: null,
  acceptanceRecordedAt: null,
  raiseShort: true,
  evaluationCodesIssued: false,
  ...extra
});

describe("the committee's next step", () => {
  it.each([
    ['draft', {}, 'draft_submit', 'application', true],
    ['returned', {}, 'returned_revise', 'edit', true],
    ['submitted', {}, 'waiting_precheck', 'application', false],
    ['in_review', {}, 'waiting_vote', 'application', false],
    ['approved', {}, 'raise', 'raise', true],
    ['approved', { raiseShort: false }, 'notice_running', 'notice', false],
    ['active', {}, 'raise', 'raise', true],
    ['active', { raiseShort: false }, 'expenses', 'expenses', true],
    ['accepted', {}, 'evaluation_codes', 'evaluation', true],
    ['accepted', { evaluationCodesIssued: true }, 'waiting_close', 'project', false],
    ['closed', {}, 'finished', 'project', false],
    ['rejected', {}, 'finished', 'application', false]
  ] as const)('%s %o: %s on %s', (status, extra, step, target, todo) => {
    const next = committeeStepOf(committee, FUND, row(status, extra));
    expect(next.step).toBe(step);
    expect(next.target).toBe(target);
    expect(next.todo !== null).toBe(todo);
  });

  it('is the same step for the office, but never a to-do of theirs', () => {
    const next = committeeStepOf(admin, FUND, row('returned'));
    expect(next).toMatchObject({ step: 'returned_revise', todo: null });
  });
});

describe("the office's reminders of a notice", () => {
  const kinds = (today: string, extra: Partial<ApplicationStateRow>) =>
    officeItemsOf(admin, { ...FUND, today }, row('approved', { noticeEndsOn: '2026-03-17', ...extra }), null).map(
      (item) => [item.kind, item.dueOn]
    );

  it('says nothing while the end is more than two days away', () => {
    expect(kinds('2026-03-14', {})).toEqual([]);
  });

  it('reminds of the end two days before it and on the last day', () => {
    expect(kinds('2026-03-15', {})).toEqual([['notice_ending', '2026-03-17']]);
    expect(kinds('2026-03-17', {})).toEqual([['notice_ending', '2026-03-17']]);
  });

  it('asks to look at a notice ended and not yet active, and to decide open objections first', () => {
    expect(kinds('2026-03-18', {})).toEqual([['notice_ended', '2026-03-17']]);
    expect(kinds('2026-03-18', { objectionsOpen: 2 })).toEqual([['objection', null]]);
  });
});
