import type { ReleaseLimit } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';

/**
 * Why a payout cannot be more than the releasable amount, in the visitor's language: a short
 * reason for the refusal at the amount field, and a sentence with the figures for the page.
 */

const reasons: Record<ReleaseLimit, () => string> = {
  participation_below_minimum: () => m.payout_limit_participation(),
  self_raised_target_not_met: () => m.payout_limit_target_not_met(),
  self_raised_received: () => m.payout_limit_self_raised(),
  hold_back_until_acceptance: () => m.payout_limit_hold_back(),
  final_match: () => m.payout_limit_final_match(),
  match_paid_out: () => m.payout_limit_paid_out()
};

export function limitReason(limit: ReleaseLimit): string {
  return reasons[limit]();
}

/** The figures a sentence may name, already formatted for the visitor. */
export interface LimitFigures {
  releasable: string;
  matchApproved: string;
  matchDue: string;
  selfRaisedReceived: string;
  selfRaisedTarget: string;
  householdsPaid: string;
  householdsExpected: string;
  holdBackPercent: string;
  participationMinPercent: string;
  costActual: string;
}

export function limitSentence(limit: ReleaseLimit, figures: LimitFigures): string {
  switch (limit) {
    case 'participation_below_minimum':
      return m.payout_why_participation({
        paid: figures.householdsPaid,
        expected: figures.householdsExpected,
        min: figures.participationMinPercent
      });
    case 'self_raised_target_not_met':
      return m.payout_why_target_not_met({ received: figures.selfRaisedReceived, target: figures.selfRaisedTarget });
    case 'self_raised_received':
      return m.payout_why_self_raised({ received: figures.selfRaisedReceived, target: figures.selfRaisedTarget });
    case 'hold_back_until_acceptance':
      return m.payout_why_hold_back({ share: figures.holdBackPercent, match: figures.matchApproved });
    case 'final_match':
      return m.payout_why_final_match({ cost: figures.costActual, match: figures.matchDue });
    case 'match_paid_out':
      return m.payout_why_paid_out({ match: figures.matchDue });
  }
}
