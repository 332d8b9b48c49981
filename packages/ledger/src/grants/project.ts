import { Decimal } from 'decimal.js';
import { ACCOUNTS } from '../chart/minfei-2026.js';
import type { ProjectAccounts } from '../chart/chart.js';
import type { Posting } from '../journal/types.js';
import { planRestrictionRelease, type RestrictedBalances } from '../journal/closing.js';
import { allocate } from '../money/allocate.js';
import { Money } from '../money/money.js';
import { matchFinal } from '../match/release.js';
import { participationOf } from './participation.js';
import type { ReleaseMode, RoundingDirection } from '../match/policy.js';
import { ok, reject, type Result } from '../result.js';

/*
 * An approved grant from its first self-raised payment to its close: how much of the match may be
 * paid out now, whether a payout needs a second approver, how an expense divides between the match
 * and the households' money, and the entries that close the project with its accounts at zero.
 * Every function is pure: the server loads the figures under its locks and writes what comes back.
 */

/** What the fund's policy says about paying out a match. Shares are decimal strings from 0 to 1. */
export type PayoutPolicy = {
  readonly releaseMode: ReleaseMode;
  /** The share of the match kept back until the work is accepted, such as '0.5'. */
  readonly holdBackShare: string;
  /** The share of expected households that must have paid before any match is paid, or null. */
  readonly participationMin: string | null;
  /** Payouts above this amount need a second approver (four eyes). */
  readonly secondApproverAbove: Money;
  /** The unit and direction the final match is rounded by, as for the match at approval. */
  readonly roundingUnit: Money;
  readonly roundingDirection?: RoundingDirection;
  /** The residents' minimum share of the cost, which rounding half up must never break. */
  readonly selfRaisedShareMin: string;
  /**
   * How many resident representatives must sign off the work before the final tranche, or null
   * (or absent) when the policy asks for none.
   */
  readonly residentSignoffs?: number | null;
};

type RoundingRules = Pick<PayoutPolicy, 'roundingUnit' | 'roundingDirection' | 'selfRaisedShareMin'>;

/** Where a project stands, as the server reads it from its tables and balances. */
export type ProjectFigures = {
  /** The match the leadership approved and the pool holds. */
  readonly matchApproved: Money;
  /** The ratio the match was approved at, such as '0.6'. */
  readonly ratioApproved: string;
  readonly selfRaisedTarget: Money;
  readonly selfRaisedReceived: Money;
  readonly householdsExpected: number;
  readonly householdsPaid: number;
  /** Match paid out, plus payouts requested and waiting for their second approver. */
  readonly matchCommitted: Money;
  /** The total of the project's expenses: its actual cost so far. */
  readonly costActual: Money;
  readonly accepted: boolean;
  /**
   * The total cost the acceptance check found (the invoices, paid or not), or null. The final
   * match is computed on it, so the last tranche can pay the supplier's last invoice.
   */
  readonly costFinal: Money | null;
  /** How many resident representatives signed the work off (acceptance_signoffs); absent is none. */
  readonly residentSignoffs?: number;
};

/** The cost the final match is computed on: what the acceptance found, or what was spent if more. */
export function costForFinalMatch(figures: Pick<ProjectFigures, 'costActual' | 'costFinal'>): Money {
  return figures.costFinal === null ? figures.costActual : Money.max(figures.costFinal, figures.costActual);
}

/** The figure that bounds what may be paid out now, so the page can say why it is not more. */
export type ReleaseLimit =
  | 'participation_below_minimum'
  | 'self_raised_target_not_met'
  | 'self_raised_received'
  | 'hold_back_until_acceptance'
  | 'final_match'
  | 'match_paid_out'
  /** The leader confirmed the acceptance, but fewer representatives signed off than the policy asks. */
  | 'resident_signoffs_missing';

export type Releasable = {
  /** What a payout may be now: never negative. */
  readonly releasable: Money;
  /** The match earned so far before subtracting what is committed. */
  readonly earned: Money;
  readonly limit: ReleaseLimit;
  /** After acceptance: the match on the actual cost. Before: the approved match. */
  readonly matchDue: Money;
};

function shareOf(amount: Money, share: string): Money {
  return Money.fromMinor(BigInt(new Decimal(amount.toMinor().toString()).times(share).floor().toFixed(0)));
}

function participationMet(policy: PayoutPolicy, figures: ProjectFigures): boolean {
  return participationOf({
    householdsPaid: figures.householdsPaid,
    householdsExpected: figures.householdsExpected,
    participationMin: policy.participationMin
  }).met;
}

/** The match on the actual cost, once the work has been accepted. */
export function matchDueOf(policy: RoundingRules, figures: ProjectFigures): Money {
  if (!figures.accepted) return figures.matchApproved;
  return matchFinal(policy, {
    ratio: figures.ratioApproved,
    matchApproved: figures.matchApproved,
    costActual: costForFinalMatch(figures),
    selfRaisedReceived: figures.selfRaisedReceived
  }).match;
}

/**
 * How much of the match may be paid out now. Before acceptance the policy's hold-back share stays
 * reserved; the rest is earned by the release mode (in proportion to the self-raised money
 * received, or all of it once the target is met). After acceptance the match due is recomputed on
 * the actual cost and the households' actual share takes the target's place, so the final tranche
 * is the match due less what was already paid.
 */
export function payoutReleasable(policy: PayoutPolicy, figures: ProjectFigures): Releasable {
  const acceptance = acceptanceCompletion({
    confirmed: figures.accepted,
    signoffs: figures.residentSignoffs ?? 0,
    signoffsRequired: policy.residentSignoffs ?? null
  });
  if (figures.accepted && !acceptance.complete) {
    // Until the residents have signed off, the project is paid as if not yet accepted: the
    // hold-back stays reserved, and the page says whose confirmation it waits for.
    const waiting = payoutReleasable(policy, { ...figures, accepted: false });
    return waiting.limit === 'hold_back_until_acceptance'
      ? { ...waiting, limit: 'resident_signoffs_missing' }
      : waiting;
  }
  const matchDue = matchDueOf(policy, figures);
  if (!participationMet(policy, figures)) {
    return { releasable: Money.zero(), earned: Money.zero(), limit: 'participation_below_minimum', matchDue };
  }
  const needed = figures.accepted
    ? Money.max(Money.zero(), costForFinalMatch(figures).minus(matchDue))
    : figures.selfRaisedTarget;
  let earned: Money;
  let limit: ReleaseLimit = figures.accepted ? 'final_match' : 'hold_back_until_acceptance';
  if (figures.selfRaisedReceived.greaterThanOrEqual(needed)) {
    earned = matchDue;
  } else if (policy.releaseMode === 'all_when_target_met' || !figures.selfRaisedReceived.isPositive()) {
    earned = Money.zero();
    limit = 'self_raised_target_not_met';
  } else {
    earned = Money.fromMinor((matchDue.toMinor() * figures.selfRaisedReceived.toMinor()) / needed.toMinor());
    limit = 'self_raised_received';
  }
  if (!figures.accepted) {
    const beforeAcceptance = figures.matchApproved.minus(shareOf(figures.matchApproved, policy.holdBackShare));
    if (beforeAcceptance.lessThan(earned)) {
      earned = beforeAcceptance;
      limit = 'hold_back_until_acceptance';
    }
  }
  const releasable = Money.max(Money.zero(), earned.minus(figures.matchCommitted));
  if (releasable.isZero() && earned.isPositive() && limit !== 'hold_back_until_acceptance') limit = 'match_paid_out';
  return { releasable, earned, limit, matchDue };
}

/** Whether an acceptance is complete for the final tranche, and how many sign-offs it still lacks. */
export type AcceptanceCompletion = { readonly complete: boolean; readonly signoffsMissing: number };

/**
 * The acceptance is complete when the leader confirmed it and, where the policy asks for resident
 * sign-offs, at least that many representatives signed the work off. Sign-offs given before the
 * confirmation count too: the residents may be quicker than the office.
 */
export function acceptanceCompletion(input: {
  confirmed: boolean;
  signoffs: number;
  signoffsRequired: number | null;
}): AcceptanceCompletion {
  const required = input.signoffsRequired ?? 0;
  const signoffsMissing = Math.max(0, required - Math.max(0, input.signoffs));
  return { complete: input.confirmed && signoffsMissing === 0, signoffsMissing };
}

export type PayoutCode = 'payout_must_be_positive' | 'payout_exceeds_releasable' | 'project_is_closed';

export type PayoutDecision = {
  readonly amount: Money;
  /** True when the amount is above the policy's threshold: a second person must approve it. */
  readonly needsSecondApprover: boolean;
};

/** Checks a payout request against what may be paid now. */
export function decidePayout(
  policy: PayoutPolicy,
  figures: ProjectFigures & { readonly closed: boolean },
  amount: Money
): Result<PayoutDecision, PayoutCode> {
  if (figures.closed) return reject('project_is_closed');
  if (!amount.isPositive()) return reject('payout_must_be_positive');
  const { releasable, limit } = payoutReleasable(policy, figures);
  if (amount.greaterThan(releasable)) {
    return reject('payout_exceeds_releasable', { releasable: releasable.toString(), limit });
  }
  return ok({ amount, needsSecondApprover: amount.greaterThan(policy.secondApproverAbove) });
}

export type SecondApprovalCode = 'second_approver_must_differ' | 'payout_is_not_waiting';

/** Four eyes: the second approver is another person than the one who requested the payout. */
export function decideSecondApproval(input: {
  readonly status: 'waiting' | 'paid' | 'cancelled';
  readonly requesterId: string;
  readonly approverId: string;
}): Result<true, SecondApprovalCode> {
  if (input.status !== 'waiting') return reject('payout_is_not_waiting', { status: input.status });
  if (input.approverId === input.requesterId) return reject('second_approver_must_differ');
  return ok(true);
}

/** The project's spending so far, split the way the books carry it. */
export type SpendingFigures = {
  readonly matchPaid: Money;
  readonly matchSpent: Money;
  readonly selfRaisedReceived: Money;
  readonly selfRaisedSpent: Money;
  readonly selfRaisedRefunded: Money;
};

export type ExpenseCode = 'expense_must_be_positive' | 'expense_exceeds_money_received' | 'project_is_closed';

export type ExpenseSplit = { readonly match: Money; readonly selfRaised: Money };

/**
 * How an expense divides between the match (the fund's cost, 5101.P) and the households' money
 * (discharging 2209.P). The approved ratio gives the split, kept inside what each source has
 * received and not yet spent; spending beyond the money received is refused with that figure. The
 * close trues the split up to the final match, so a fen of rounding here never survives.
 */
export function decideExpense(
  figures: SpendingFigures & { readonly ratioApproved: string; readonly closed: boolean },
  amount: Money
): Result<ExpenseSplit, ExpenseCode> {
  if (figures.closed) return reject('project_is_closed');
  if (!amount.isPositive()) return reject('expense_must_be_positive');
  const matchLeft = Money.max(Money.zero(), figures.matchPaid.minus(figures.matchSpent));
  const selfLeft = Money.max(
    Money.zero(),
    figures.selfRaisedReceived.minus(figures.selfRaisedSpent).minus(figures.selfRaisedRefunded)
  );
  const available = matchLeft.plus(selfLeft);
  if (amount.greaterThan(available)) {
    return reject('expense_exceeds_money_received', { available: available.toString() });
  }
  const byRatio = shareOf(amount, figures.ratioApproved);
  const match = Money.min(matchLeft, Money.max(byRatio, amount.minus(selfLeft)));
  return ok({ match, selfRaised: amount.minus(match) });
}

/** One household's self-raised payments, added up. */
export type HouseholdPaid = { readonly householdId: string; readonly label: string; readonly paid: Money };

export type RefundCode = 'refund_has_no_payers';

/**
 * The surplus back to the households in proportion to what each paid, to the fen: the shares add
 * up to the surplus exactly (largest remainder, ties to the earlier household).
 */
export function refundsOf(
  surplus: Money,
  households: readonly HouseholdPaid[]
): Result<{ household: HouseholdPaid; refund: Money }[], RefundCode> {
  const payers = households.filter((household) => household.paid.isPositive());
  if (surplus.isZero()) return ok([]);
  if (payers.length === 0) return reject('refund_has_no_payers');
  const shares = allocate(
    surplus,
    payers.map((household) => household.paid)
  );
  if (!shares.ok) throw new Error(`refundsOf: allocate refused (${shares.code})`);
  return ok(
    payers
      .map((household, index) => ({ household, refund: shares.value[index] ?? Money.zero() }))
      .filter((row) => row.refund.isPositive())
  );
}

export type SurplusMode = 'refund' | 'keep';

export type ClosingFigures = SpendingFigures & {
  readonly matchApproved: Money;
  readonly ratioApproved: string;
  /** What is still held on the pool for the project: released at the close. */
  readonly matchHeld: Money;
  readonly accepted: boolean;
  readonly households: readonly HouseholdPaid[];
  /** The total cost the acceptance check found: every invoice of it must be recorded before the close. */
  readonly costFinal?: Money | null;
  /** The restricted money the books hold now (3102 and the open period's restricted income), read under the chain lock. */
  readonly restricted: RestrictedBalances;
};

export type ClosingCode =
  | 'project_is_not_accepted'
  | 'final_tranche_is_not_paid'
  | 'refund_has_no_payers'
  | 'self_raised_is_short'
  | 'expenses_are_short_of_the_accepted_cost'
  | 'project_has_spending';

/** A balanced set of postings with a memo, for the server to post as one entry. */
export type PlannedEntry = { readonly memo: string; readonly postings: readonly Posting[] };

export type ClosingPlan = {
  readonly matchFinal: Money;
  /** The reservation still held, released back to the pool's available balance. */
  readonly holdReleased: Money;
  /** Match paid out beyond the final match, moved back into the pool. */
  readonly matchReturned: Money;
  readonly selfRaisedSurplus: Money;
  readonly surplusMode: SurplusMode;
  /** The part of the final match whose restriction is lifted: at most the restricted money the books hold. */
  readonly restrictionReleased: Money;
  /** Entries in order: the true-up, the return, the refunds (one per household) or the transfer, the release of restriction. */
  readonly entries: readonly PlannedEntry[];
};

function pair(debit: string, credit: string, amount: Money, memo?: string): Posting[] {
  const line = memo === undefined ? {} : { memo };
  return [
    { account: debit, side: 'debit', amount, ...line },
    { account: credit, side: 'credit', amount, ...line }
  ];
}

/**
 * The close of an accepted project, or the cancellation of one that spent nothing. Afterwards the
 * project's bank sub-account and its payable to the households are both at zero, the fund's cost
 * is the final match, the pool's available balance has risen by the released hold plus any match
 * returned, and the restriction on the spent match is lifted.
 */
export function planClosing(
  policy: RoundingRules,
  accounts: ProjectAccounts & { readonly compoundReserve: { funds: string; payable: string } | null },
  figures: ClosingFigures,
  options: { readonly surplusMode: SurplusMode; readonly cancel: boolean; readonly title: string }
): Result<ClosingPlan, ClosingCode> {
  const costActual = figures.matchSpent.plus(figures.selfRaisedSpent);
  if (options.cancel && costActual.isPositive()) {
    return reject('project_has_spending', { costActual: costActual.toString() });
  }
  if (!options.cancel && !figures.accepted) return reject('project_is_not_accepted');
  const costFinal = figures.costFinal ?? null;
  if (!options.cancel && costFinal !== null && costActual.lessThan(costFinal)) {
    return reject('expenses_are_short_of_the_accepted_cost', { missing: costFinal.minus(costActual).toString() });
  }
  const final = options.cancel
    ? Money.zero()
    : matchFinal(policy, {
        ratio: figures.ratioApproved,
        matchApproved: figures.matchApproved,
        costActual,
        selfRaisedReceived: figures.selfRaisedReceived
      }).match;
  if (figures.matchPaid.lessThan(final)) {
    return reject('final_tranche_is_not_paid', { outstanding: final.minus(figures.matchPaid).toString() });
  }
  const entries: PlannedEntry[] = matchEntries(accounts, figures, final, options.title);
  const matchReturned = figures.matchPaid.minus(final);
  const selfRaisedShare = costActual.minus(final);
  const surplus = figures.selfRaisedReceived.minus(figures.selfRaisedRefunded).minus(selfRaisedShare);
  // The match paid for more than its share when the households' money ran short: the committee
  // raises the difference before the project can close, so the fund never pays beyond its ratio.
  if (surplus.isNegative()) return reject('self_raised_is_short', { shortfall: surplus.negated().toString() });
  const surplusPlan = surplusEntries(accounts, figures, surplus, options);
  if (!surplusPlan.ok) return surplusPlan;
  entries.push(...surplusPlan.value);
  // The spent match met its purpose: its restriction is lifted from 3102 as far as a close carried
  // restricted income there, and otherwise by reclassifying the open period's restricted income,
  // so that 3102 never shows a debit balance (see planRestrictionRelease).
  const release = planRestrictionRelease(final, figures.restricted);
  if (release.postings.length > 0) {
    entries.push({ memo: `配套资金已用于项目，解除限制 ${options.title}`, postings: release.postings });
  }
  return ok({
    matchFinal: final,
    holdReleased: figures.matchHeld,
    matchReturned,
    selfRaisedSurplus: surplus,
    surplusMode: options.surplusMode,
    restrictionReleased: release.released,
    entries
  });
}

/** The true-up (the fund's cost becomes exactly the final match) and the match returned to the pool. */
function matchEntries(accounts: ProjectAccounts, figures: ClosingFigures, final: Money, title: string): PlannedEntry[] {
  const entries: PlannedEntry[] = [];
  // The rest of the spending is the households'.
  const trueUp = final.minus(figures.matchSpent);
  if (trueUp.isPositive()) {
    entries.push({
      memo: `项目结项：配套资金按实际费用调整 ${title}`,
      postings: pair(accounts.cost, accounts.selfRaised, trueUp)
    });
  } else if (trueUp.isNegative()) {
    entries.push({
      memo: `项目结项：配套资金按实际费用调整 ${title}`,
      postings: pair(accounts.selfRaised, accounts.cost, trueUp.negated())
    });
  }
  const matchReturned = figures.matchPaid.minus(final);
  if (matchReturned.isPositive()) {
    entries.push({
      memo: `项目结项：未用配套资金退回基金池 ${title}`,
      postings: pair(ACCOUNTS.pool, accounts.funds, matchReturned)
    });
  }
  return entries;
}

/** The self-raised surplus, refunded to the paying households or kept as the compound's reserve. */
function surplusEntries(
  accounts: ProjectAccounts & { readonly compoundReserve: { funds: string; payable: string } | null },
  figures: ClosingFigures,
  surplus: Money,
  options: { readonly surplusMode: SurplusMode; readonly title: string }
): Result<PlannedEntry[], ClosingCode> {
  if (!surplus.isPositive()) return ok([]);
  if (options.surplusMode === 'refund') {
    const refunds = refundsOf(surplus, figures.households);
    if (!refunds.ok) return refunds;
    return ok(
      refunds.value.map(({ household, refund }) => ({
        memo: `自筹结余退还：${household.label} ${options.title}`,
        postings: pair(accounts.selfRaised, accounts.funds, refund, household.label)
      }))
    );
  }
  if (accounts.compoundReserve === null) throw new Error('planClosing: keeping a surplus needs the compound reserve');
  return ok([
    {
      memo: `自筹结余转小区留存 ${options.title}`,
      postings: [
        ...pair(accounts.compoundReserve.funds, accounts.funds, surplus),
        ...pair(accounts.selfRaised, accounts.compoundReserve.payable, surplus)
      ]
    }
  ]);
}
