import type { ReleaseLimit } from '@gongjian/ledger';
import { statusName } from '$lib/application-texts';
import { formatMoney } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import {
  amountRefusals,
  refusalMessage,
  refusalTable,
  type RefusalEntry,
  type RefusalMessage
} from '../platform/refusal-messages';
import type { PayoutFailure } from './payouts';

/** The fields of the payout request form, and `form` for what concerns the whole form or a button. */
export type PayoutField = 'amount' | 'payeeKind' | 'payeeName' | 'memo' | 'form';

/** What the payouts page says for each refusal of requestPayout, approvePayout and cancelPayout. */
export const PAYOUT_REFUSALS = refusalTable<PayoutField>(amountRefusals('amount', '1500.00'), {
  payout_must_be_positive: ['amount', () => m.amount_error_positive()],
  payee_name_is_required: ['payeeName', () => m.payout_error_payee_name()],
  payee_name_must_be_short: ['payeeName', () => m.payout_error_payee_name()],
  memo_must_be_short: ['memo', () => m.payout_error_memo()],
  form_was_already_used_for_something_else: ['form', () => m.payout_error_form_used()],
  project_is_closed: ['form', () => m.payout_error_closed()],
  second_approver_must_differ: ['form', () => m.payout_error_four_eyes()],
  payout_is_not_waiting: ['form', () => m.payout_error_not_waiting()],
  payout_not_found: ['form', () => m.payout_error_not_found()],
  project_not_found: ['form', () => m.payout_error_not_found()],
  not_allowed: ['form', () => m.payout_error_not_allowed()]
});

/** Any other refusal (no hold on the pool, the books refused the entry): said in general words. */
export const PAYOUT_REFUSED: RefusalEntry<PayoutField> = ['form', () => m.payout_error_refused()];

/** The short reason a payout cannot be more than the releasable amount, at the amount field. */
const LIMIT_REASONS: Record<ReleaseLimit, () => string> = {
  participation_below_minimum: () => m.payout_limit_participation(),
  self_raised_target_not_met: () => m.payout_limit_target_not_met(),
  self_raised_received: () => m.payout_limit_self_raised(),
  hold_back_until_acceptance: () => m.payout_limit_hold_back(),
  final_match: () => m.payout_limit_final_match(),
  match_paid_out: () => m.payout_limit_paid_out(),
  resident_signoffs_missing: () => m.signoff_payout_limit()
};

/**
 * A payout's refusal on the page. Two refusals name a figure of their own (what may be paid now
 * and why, or the project's state), so they are said here with it; every other code is the table's.
 */
export function payoutRefusalOf(failure: PayoutFailure, locale: Locale): RefusalMessage<PayoutField> {
  if (failure.code === 'payout_exceeds_releasable') {
    const releasable = formatMoney(failure.releasable, locale);
    const reason = LIMIT_REASONS[failure.limit]();
    return { field: 'amount', message: m.payout_error_exceeds_releasable({ releasable, reason }) };
  }
  if (failure.code === 'project_state_does_not_allow_it') {
    return { field: 'form', message: m.payout_error_state({ status: statusName(failure.status) }) };
  }
  return refusalMessage(PAYOUT_REFUSALS, failure.code, PAYOUT_REFUSED);
}
