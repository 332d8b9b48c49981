import { Decimal } from '../money/decimal.js';
import { ratioParsed } from '../match/policy.js';
import { ok, reject, type Result } from '../result.js';

/**
 * The owners' meeting (业主大会 / 户代表会议) behind an application: how many households the
 * compound has, how many took part, and how many agreed.
 */
export type OwnersMeeting = {
  readonly householdsTotal: number;
  readonly householdsPresent: number;
  readonly householdsAgreeing: number;
};

/**
 * The fund's consent rule, shares as decimal strings between 0 and 1. It is the "double half"
 * (双过半) of residents' self-governance, with agreement measured against the households that
 * took part, as the Civil Code (民法典 art. 278) measures it:
 * present ≥ presentShareMin × total, and agreeing ≥ agreeShareMin × present.
 */
export type OwnersConsentPolicy = {
  readonly presentShareMin: string;
  readonly agreeShareMin: string;
};

export type OwnersConsent = {
  /** present / total and agreeing / present, to 4 decimal places rounded down, for display. */
  readonly presentShare: string;
  readonly agreeShare: string;
  /** The fewest households that had to be present, and to agree, under the policy. */
  readonly presentNeeded: number;
  readonly agreeingNeeded: number;
};

export type OwnersConsentCode =
  | 'counts_must_be_whole_numbers'
  | 'households_total_must_be_positive'
  | 'present_must_not_exceed_total'
  | 'agreeing_must_not_exceed_present'
  | 'share_must_be_between_0_and_1'
  | 'too_few_households_present'
  | 'too_few_households_agreeing';

/**
 * Checks a resolution against the policy, exactly: the shares are compared as decimals, so
 * 10 of 20 households meets a share of "0.5" and 9 does not. A share minimum is inclusive ("at
 * least half"); a fund that wants strictly more than half (过半数 in the strict sense) sets a
 * share just above it, such as "0.5001".
 */
export function checkOwnersConsent(
  meeting: OwnersMeeting,
  policy: OwnersConsentPolicy
): Result<OwnersConsent, OwnersConsentCode> {
  const { householdsTotal: total, householdsPresent: present, householdsAgreeing: agreeing } = meeting;
  if (![total, present, agreeing].every((count) => Number.isSafeInteger(count) && count >= 0)) {
    return reject('counts_must_be_whole_numbers', {
      householdsTotal: total,
      householdsPresent: present,
      householdsAgreeing: agreeing
    });
  }
  if (total === 0) {
    return reject('households_total_must_be_positive');
  }
  if (present > total) {
    return reject('present_must_not_exceed_total', { householdsPresent: present, householdsTotal: total });
  }
  if (agreeing > present) {
    return reject('agreeing_must_not_exceed_present', { householdsAgreeing: agreeing, householdsPresent: present });
  }
  const presentShareMin = ratioParsed(policy.presentShareMin);
  const agreeShareMin = ratioParsed(policy.agreeShareMin);
  if (presentShareMin === null || agreeShareMin === null) {
    return reject('share_must_be_between_0_and_1', {
      field: presentShareMin === null ? 'presentShareMin' : 'agreeShareMin',
      share: presentShareMin === null ? policy.presentShareMin : policy.agreeShareMin
    });
  }
  const presentNeeded = countNeeded(presentShareMin, total);
  if (present < presentNeeded) {
    return reject('too_few_households_present', { householdsPresent: present, presentNeeded, householdsTotal: total });
  }
  const agreeingNeeded = countNeeded(agreeShareMin, present);
  if (agreeing < agreeingNeeded) {
    return reject('too_few_households_agreeing', {
      householdsAgreeing: agreeing,
      agreeingNeeded,
      householdsPresent: present
    });
  }
  return ok({
    presentShare: shareOf(present, total),
    agreeShare: present === 0 ? '0' : shareOf(agreeing, present),
    presentNeeded,
    agreeingNeeded
  });
}

/** The smallest whole count n with n ≥ share × base: the share's product rounded up. */
function countNeeded(share: Decimal, base: number): number {
  return share.times(base).ceil().toNumber();
}

function shareOf(part: number, whole: number): string {
  return new Decimal(part).div(whole).toDecimalPlaces(4, Decimal.ROUND_DOWN).toString();
}
