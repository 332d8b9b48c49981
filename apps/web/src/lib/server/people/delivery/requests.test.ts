import { describe, expect, it } from 'vitest';
import type { Actor, Membership } from '../../access/policy';
import { askOf, shortDay } from './requests';
import { digestDay, digestKey } from './digest';
import { readDeliveryConfig } from './config';
import { webhookSignature } from './senders';

const leader: Membership = { fundId: '1', role: 'leader', unitId: '5', compoundId: null };
const admin: Membership = { fundId: '1', role: 'fund_admin', unitId: null, compoundId: null };
const committee: Membership = { fundId: '1', role: 'committee', unitId: null, compoundId: '7' };
const base = { fundId: '1', compoundId: '7', applicantUnitId: null, noticeEndsOn: null };
const as = (memberships: Membership[]): Actor => ({
  kind: 'user',
  userId: '9',
  platformAdmin: false,
  memberships,
  totpEnrolled: true,
  fundsRequiringTotp: []
});

describe('what a notification asks of its reader', () => {
  it('asks a leader to vote while the application is in review, and only informs afterwards', () => {
    const input = { ...base, notificationKind: 'application.in_review', actor: as([leader]) };
    expect(askOf({ ...input, applicationStatus: 'in_review' })).toEqual({
      kind: 'request',
      verb: 'vote',
      deadline: null
    });
    expect(askOf({ ...input, applicationStatus: 'approved' })).toEqual({ kind: 'information', status: 'in_review' });
  });

  it('asks again, in the same words, when the scheduler reminds (reminder.vote, reminder.objections)', () => {
    const vote = { ...base, notificationKind: 'reminder.vote', actor: as([leader]), voteEndsOn: '2026-12-18' };
    expect(askOf({ ...vote, applicationStatus: 'in_review' })).toEqual({
      kind: 'request',
      verb: 'vote',
      deadline: '2026-12-18'
    });
    expect(askOf({ ...vote, applicationStatus: 'approved' }).kind).toBe('information');
    const objections = { ...base, notificationKind: 'reminder.objections', noticeEndsOn: '2026-12-11' };
    expect(askOf({ ...objections, applicationStatus: 'approved', actor: as([admin]) })).toEqual({
      kind: 'request',
      verb: 'decide_objection',
      deadline: '2026-12-11'
    });
  });

  it('only informs a reader without the role that acts', () => {
    const input = { ...base, notificationKind: 'application.in_review', applicationStatus: 'in_review' };
    expect(askOf({ ...input, actor: as([admin]) })).toEqual({ kind: 'information', status: 'in_review' });
    expect(askOf({ ...input, actor: as([{ ...leader, fundId: '2' }]) }).kind).toBe('information');
  });

  it('asks the office to decide an objection by the notice last day', () => {
    const ask = askOf({
      ...base,
      notificationKind: 'objection.filed',
      applicationStatus: 'approved',
      noticeEndsOn: '2026-12-11',
      actor: as([admin])
    });
    expect(ask).toEqual({ kind: 'request', verb: 'decide_objection', deadline: '2026-12-11' });
    expect(shortDay('2026-12-11', 'zh-CN')).toBe('12月11日');
    expect(shortDay('2026-12-11', 'en')).toBe('11 Dec');
  });

  it('asks the committee of the compound, not another compound, to revise a returned application', () => {
    const input = { ...base, notificationKind: 'application.returned', applicationStatus: 'returned' };
    expect(askOf({ ...input, actor: as([committee]) })).toMatchObject({ kind: 'request', verb: 'revise' });
    expect(askOf({ ...input, actor: as([{ ...committee, compoundId: '8' }]) }).kind).toBe('information');
  });
});

describe('who is asked, by the policy', () => {
  it('asks the leaders, not the office, to confirm an acceptance, as the policy lets only leaders confirm', () => {
    const input = { ...base, notificationKind: 'acceptance.recorded', applicationStatus: 'active' };
    expect(askOf({ ...input, actor: as([leader]) })).toMatchObject({ kind: 'request', verb: 'confirm_acceptance' });
    expect(askOf({ ...input, actor: as([admin]) }).kind).toBe('information');
  });

  it('does not ask a leader to vote on an application their own unit brings, and names the vote deadline', () => {
    const input = {
      ...base,
      notificationKind: 'application.in_review',
      applicationStatus: 'in_review',
      voteEndsOn: '2026-12-18'
    };
    expect(askOf({ ...input, actor: as([leader]) })).toEqual({ kind: 'request', verb: 'vote', deadline: '2026-12-18' });
    expect(askOf({ ...input, applicantUnitId: '5', actor: as([leader]) }).kind).toBe('information');
  });
});

describe('delivery settings and keys', () => {
  it('leaves a channel unconfigured without its settings, and bounds the numbers', () => {
    const config = readDeliveryConfig(
      { SMTP_URL: 'smtp://mail:587', WEBHOOK_URL: 'https://gw', GONGJIAN_DELIVERY_ATTEMPTS: '0' },
      () => 'http://localhost:3000'
    );
    expect(config.smtp).toEqual({ url: 'smtp://mail:587', from: 'gongjian@localhost' });
    expect(config.webhook).toBeNull();
    expect(config.maxAttempts).toBe(8);
    expect(config.origin()).toBe('http://localhost:3000');
  });

  it('dates the digest by China time and sends it from 08:00', () => {
    expect(digestDay(new Date('2026-12-10T23:59:00Z'))).toEqual({ day: '2026-12-11', due: false });
    expect(digestDay(new Date('2026-12-11T00:00:00Z'))).toEqual({ day: '2026-12-11', due: true });
    expect(digestKey({ userId: '4', day: '2026-12-11', channelId: '9' })).toBe('digest:4:2026-12-11:c9');
  });

  it('signs the timestamp and the raw body together', () => {
    const one = webhookSignature('s', '1700000000', '{"a":1}');
    expect(one).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(webhookSignature('s', '1700000001', '{"a":1}')).not.toBe(one);
  });
});
