import { m } from './paraglide/messages';
import type { Locale } from './paraglide/runtime';

/** A message without inputs; the CSV names the locale, since it is written after the request's scope. */
type Label = (inputs?: Record<string, never>, options?: { locale?: Locale }) => string;

/**
 * The audit trail's words in the reader's language: each recorded action's label, each role and
 * each outcome. An action this list does not know (one added later without a label) reads as its
 * own name, so the trail never hides an event for want of a word.
 */

const ACTION_LABELS: ReadonlyMap<string, Label> = new Map([
  ['session.sign_in', m.trail_action_session__sign_in],
  ['session.sign_in_second_factor', m.trail_action_session__sign_in_second_factor],
  ['session.sign_out', m.trail_action_session__sign_out],
  ['session.sign_out_everywhere', m.trail_action_session__sign_out_everywhere],
  ['session.throttled', m.trail_action_session__throttled],
  ['account.password_changed', m.trail_action_account__password_changed],
  ['account.password_reset', m.trail_action_account__password_reset],
  ['account.totp_enrolled', m.trail_action_account__totp_enrolled],
  ['invitation.created', m.trail_action_invitation__created],
  ['invitation.revoked', m.trail_action_invitation__revoked],
  ['invitation.accepted', m.trail_action_invitation__accepted],
  ['password_reset.issued', m.trail_action_password_reset__issued],
  ['membership.added', m.trail_action_membership__added],
  ['membership.removed', m.trail_action_membership__removed],
  ['user.disabled', m.trail_action_user__disabled],
  ['user.enabled', m.trail_action_user__enabled],
  ['user.platform_admin_granted', m.trail_action_user__platform_admin_granted],
  ['fund.created', m.trail_action_fund__created],
  ['calendar.year_saved', m.trail_action_calendar__year_saved],
  ['fund.totp_requirement_changed', m.trail_action_fund__totp_requirement_changed],
  ['fund.profile_updated', m.trail_action_fund__profile_updated],
  ['fund.policy_adopted', m.trail_action_fund__policy_adopted],
  ['unit.added', m.trail_action_unit__added],
  ['unit.updated', m.trail_action_unit__updated],
  ['compound.added', m.trail_action_compound__added],
  ['compound.updated', m.trail_action_compound__updated],
  ['household.added', m.trail_action_household__added],
  ['household.updated', m.trail_action_household__updated],
  ['money.recorded', m.trail_action_money__recorded],
  ['pledge.recorded', m.trail_action_pledge__recorded],
  ['application.created', m.trail_action_application__created],
  ['application.saved', m.trail_action_application__saved],
  ['application.submit', m.trail_action_application__submit],
  ['application.withdraw', m.trail_action_application__withdraw],
  ['application.precheck_pass', m.trail_action_application__precheck_pass],
  ['application.return', m.trail_action_application__return],
  ['application.reject', m.trail_action_application__reject],
  ['application.approve', m.trail_action_application__approve],
  ['application.objection_upheld', m.trail_action_application__objection_upheld],
  ['application.notice_ended', m.trail_action_application__notice_ended],
  ['application.notice_end_recomputed', m.trail_action_application__notice_end_recomputed],
  ['application.accept', m.trail_action_application__accept],
  ['application.close', m.trail_action_application__close],
  ['application.cancel', m.trail_action_application__cancel],
  ['acceptance.recorded', m.trail_action_acceptance__recorded],
  ['project.self_raised', m.trail_action_project__self_raised],
  ['project.evaluation_codes_issued', m.trail_action_project__evaluation_codes_issued],
  ['project.evaluation_codes_reissued', m.trail_action_project__evaluation_codes_reissued],
  ['evaluation.submitted', m.trail_action_evaluation__submitted],
  ['payout.requested', m.trail_action_payout__requested],
  ['payout.paid', m.trail_action_payout__paid],
  ['payout.cancelled', m.trail_action_payout__cancelled],
  ['expense.recorded', m.trail_action_expense__recorded],
  ['attachment.checked', m.trail_action_attachment__checked],
  ['vote.cast', m.trail_action_vote__cast],
  ['objection.filed', m.trail_action_objection__filed],
  ['objection.dismissed', m.trail_action_objection__dismissed],
  ['objection.upheld', m.trail_action_objection__upheld],
  ['objection.marked_spam', m.trail_action_objection__marked_spam],
  ['objection.throttled', m.trail_action_objection__throttled],
  ['correction.requested', m.trail_action_correction__requested],
  ['correction.done', m.trail_action_correction__done],
  ['correction.declined', m.trail_action_correction__declined],
  ['period.closed', m.trail_action_period__closed],
  ['year.closed', m.trail_action_year__closed],
  ['bank.account_added', m.trail_action_bank__account_added],
  ['bank.imported', m.trail_action_bank__imported],
  ['bank.matched', m.trail_action_bank__matched],
  ['bank.unmatched', m.trail_action_bank__unmatched],
  ['bank.explained', m.trail_action_bank__explained],
  ['bank.unexplained', m.trail_action_bank__unexplained],
  ['bank.reconciled', m.trail_action_bank__reconciled],
  ['household_codes.issued', m.trail_action_household_codes__issued],
  ['need.raised', m.trail_action_need__raised],
  ['need.supported', m.trail_action_need__supported],
  ['need.triaged', m.trail_action_need__triaged],
  ['need.photo_checked', m.trail_action_need__photo_checked],
  ['resource.recorded', m.trail_action_resource__recorded],
  ['resource.withdrawn', m.trail_action_resource__withdrawn],
  ['resource.used_up', m.trail_action_resource__used_up],
  ['resource.contributed', m.trail_action_resource__contributed],
  ['list_item.placed', m.trail_action_list_item__placed],
  ['list_item.started', m.trail_action_list_item__started],
  ['list_item.delivered', m.trail_action_list_item__delivered],
  ['list_item.cancelled', m.trail_action_list_item__cancelled],
  ['list_item.photo_checked', m.trail_action_list_item__photo_checked],
  ['list_item.evaluated', m.trail_action_list_item__evaluated],
  ['household.representatives_set', m.trail_action_household__representatives_set],
  ['acceptance.signed_off', m.trail_action_acceptance__signed_off]
]);

function localeOption(locale: Locale | undefined): { locale?: Locale } {
  return locale === undefined ? {} : { locale };
}

/** The actions the kind filter offers, in the order above (by area of the app). */
export const TRAIL_ACTIONS: readonly string[] = [...ACTION_LABELS.keys()];

export function actionLabel(action: string, locale?: Locale): string {
  return ACTION_LABELS.get(action)?.({}, localeOption(locale)) ?? action;
}

const OUTCOME_LABELS: ReadonlyMap<string, Label> = new Map([
  ['ok', m.trail_outcome_ok],
  ['denied', m.trail_outcome_denied],
  ['failed', m.trail_outcome_failed]
]);

export function outcomeLabel(outcome: string, locale?: Locale): string {
  return OUTCOME_LABELS.get(outcome)?.({}, localeOption(locale)) ?? outcome;
}

const ROLE_LABELS: ReadonlyMap<string, Label> = new Map([
  ['fund_admin', m.role_fund_admin],
  ['leader', m.role_leader],
  ['committee', m.role_committee],
  ['supervisor', m.role_supervisor]
]);

/** A role with the unit or compound it is for: "领导小组成员（某单位）". */
export function roleLabel(role: { role: string; place: string | null }, locale?: Locale): string {
  const name = ROLE_LABELS.get(role.role)?.({}, localeOption(locale)) ?? role.role;
  return role.place === null ? name : `${name}（${role.place}）`;
}

/** The resource types the type filter offers: those the app records today. */
export const TRAIL_RESOURCE_TYPES: readonly string[] = [
  'application',
  'attachment',
  'bank_account',
  'bank_file',
  'bank_line',
  'calendar_year',
  'compound',
  'correction',
  'entry',
  'expense',
  'fund',
  'fund_policy',
  'household',
  'invitation',
  'objection',
  'payout',
  'period',
  'self_raised_payment',
  'unit',
  'user'
];
