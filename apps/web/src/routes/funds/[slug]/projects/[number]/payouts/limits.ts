import type { ReleaseLimit } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';

/**
 * Why a payout cannot be more than the releasable amount, in the visitor's language: a sentence
 * with the figures for the page (the short reason at the refused amount field is the payouts'
 * refusal table's, in lib/server/projects/payout-refusals.ts). The page renders it in the browser
 * too, which is why it stays beside the page rather than in lib/server.
 */

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

const sentences: Record<ReleaseLimit, (figures: LimitFigures) => string> = {
  participation_below_minimum: (figures) =>
    m.payout_why_participation({
      paid: figures.householdsPaid,
      expected: figures.householdsExpected,
      min: figures.participationMinPercent
    }),
  self_raised_target_not_met: (figures) =>
    m.payout_why_target_not_met({ received: figures.selfRaisedReceived, target: figures.selfRaisedTarget }),
  self_raised_received: (figures) =>
    m.payout_why_self_raised({ received: figures.selfRaisedReceived, target: figures.selfRaisedTarget }),
  hold_back_until_acceptance: (figures) =>
    m.payout_why_hold_back({ share: figures.holdBackPercent, match: figures.matchApproved }),
  final_match: (figures) => m.payout_why_final_match({ cost: figures.costActual, match: figures.matchDue }),
  match_paid_out: (figures) => m.payout_why_paid_out({ match: figures.matchDue }),
  resident_signoffs_missing: () => m.signoff_payout_why()
};

export function limitSentence(limit: ReleaseLimit, figures: LimitFigures): string {
  return sentences[limit](figures);
}
