import type { Sql, Transaction } from '../db/client';

/**
 * The audit trail: one row per security event and, as features land, per state change. It says
 * who (a user id, or nobody), when (UTC), what, to which resource, and how it ended. It never
 * holds a password, token, TOTP code or key; `detail` takes only the few non-secret facts below.
 */
export type EventAction =
  | 'session.sign_in'
  | 'session.sign_in_second_factor'
  | 'session.sign_out'
  | 'session.sign_out_everywhere'
  | 'session.throttled'
  | 'account.password_changed'
  | 'account.password_reset'
  | 'account.totp_enrolled'
  | 'invitation.created'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'password_reset.issued'
  | 'membership.added'
  | 'membership.removed'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.platform_admin_granted'
  | 'fund.created'
  | 'region.created'
  | 'region.renamed'
  | 'region.fund_attached'
  | 'region.officer_appointed'
  | 'calendar.year_saved'
  | 'fund.totp_requirement_changed'
  | 'fund.profile_updated'
  | 'fund.policy_adopted'
  | 'unit.added'
  | 'unit.updated'
  | 'compound.added'
  | 'compound.updated'
  | 'household.added'
  | 'household.updated'
  | 'money.recorded'
  | 'pledge.recorded'
  | 'application.created'
  | 'application.saved'
  | 'application.submit'
  | 'application.withdraw'
  | 'application.precheck_pass'
  | 'application.return'
  | 'application.reject'
  | 'application.approve'
  | 'application.objection_upheld'
  | 'application.notice_ended'
  | 'application.notice_end_recomputed'
  | 'application.accept'
  | 'application.close'
  | 'application.cancel'
  | 'acceptance.recorded'
  | 'project.self_raised'
  | 'project.evaluation_codes_issued'
  | 'project.evaluation_codes_reissued'
  | 'evaluation.submitted'
  | 'payout.requested'
  | 'payout.paid'
  | 'payout.cancelled'
  | 'expense.recorded'
  | 'attachment.checked'
  | 'vote.cast'
  | 'objection.filed'
  | 'objection.dismissed'
  | 'objection.upheld'
  | 'objection.marked_spam'
  | 'objection.throttled'
  | 'correction.requested'
  | 'correction.done'
  | 'correction.declined'
  | 'period.closed'
  | 'year.closed'
  | 'bank.account_added'
  | 'bank.imported'
  | 'bank.matched'
  | 'bank.unmatched'
  | 'bank.explained'
  | 'bank.unexplained'
  | 'bank.reconciled'
  | 'household_codes.issued'
  | 'need.raised'
  | 'need.supported'
  | 'need.triaged'
  | 'need.photo_checked'
  | 'resource.recorded'
  | 'resource.withdrawn'
  | 'resource.used_up'
  | 'resource.contributed'
  | 'list_item.placed'
  | 'list_item.started'
  | 'list_item.delivered'
  | 'list_item.cancelled'
  | 'list_item.photo_checked'
  | 'list_item.evaluated'
  | 'household.representatives_set'
  | 'acceptance.signed_off';

export type EventOutcome = 'ok' | 'denied' | 'failed';

/** Facts worth keeping about an event; the type admits no free text that could carry a secret. */
export interface EventDetail {
  role?: string;
  unitId?: string;
  compoundId?: string;
  reason?: string;
  required?: boolean;
  sessionsRevoked?: number;
  /** The policy version a fund adopted. */
  version?: number;
  /** The working-day calendar: the year entered or corrected. */
  year?: number;
  /** How many rows one command added, such as households pasted in one go. */
  count?: number;
  /** Money in: the amount recorded (a decimal string), its entry's seq, the pledge's fiscal year. */
  amount?: string;
  entrySeq?: number;
  fiscalYear?: number;
  /** Applications: the project number, the revision, the form step saved, a create form's key (a UUID). */
  applicationNumber?: number;
  revision?: number;
  step?: string;
  idempotencyKey?: string;
  /** People: the membership a command ended, so that the same form sent again is known as a replay. */
  membershipId?: string;
  /** Household codes: whether codes were issued to households without one or to all. */
  mode?: string;
  /** Needs: the need's number in its fund. */
  needNumber?: number;
  /** Resources list: the offer's number in the fund. */
  resourceNumber?: number;
  /** The project list: the item's number in the fund. */
  listItemNumber?: number;
  /** Regions: the region a fund was attached to or an officer appointed for, by slug. */
  regionSlug?: string;
}

export interface EventRecord {
  action: EventAction;
  outcome: EventOutcome;
  at: Date;
  actorUserId?: string | null;
  fundId?: string | null;
  resourceType?: string;
  resourceId?: string;
  ip?: string | null;
  detail?: EventDetail;
}

export async function recordEvent(db: Sql | Transaction, event: EventRecord): Promise<void> {
  await db`
    insert into events (at, fund_id, actor_user_id, action, resource_type, resource_id, outcome, ip, detail)
    values (${event.at}, ${event.fundId ?? null}, ${event.actorUserId ?? null}, ${event.action},
            ${event.resourceType ?? null}, ${event.resourceId ?? null}, ${event.outcome}, ${event.ip ?? null},
            ${db.json(JSON.parse(JSON.stringify(event.detail ?? {})) as Record<string, string | number | boolean>)})`;
}
