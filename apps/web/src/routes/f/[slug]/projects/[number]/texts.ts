import { m } from '$lib/paraglide/messages';
import type { FundRole } from '$lib/server/access/policy';
import type { PublicTimelineKind, PublicWho } from '$lib/server/public/projects';
import { roleNames } from '../../../../funds/role-names';

/**
 * How the public project page names who did something and the steps of its timeline, in the
 * visitor's language: a role and a unit or compound, never a person's name.
 */

function isRole(role: string | null): role is FundRole {
  return role !== null && role in roleNames;
}

export function whoText(who: PublicWho): string {
  if (who.kind === 'resident') return m.pub_proj_who_resident();
  if (who.kind === 'system') return m.pub_proj_who_system();
  const role = isRole(who.role) ? roleNames[who.role]() : m.pub_proj_who_former();
  return who.placeName === null ? role : m.pub_proj_who_at({ role, place: who.placeName });
}

const choices: Record<string, () => string> = {
  approve: () => m.pub_proj_vote_approve(),
  reject: () => m.pub_proj_vote_reject(),
  return: () => m.pub_proj_vote_return()
};

const outcomes: Record<string, () => string> = {
  dismissed: () => m.pub_proj_objection_dismissed(),
  upheld: () => m.pub_proj_objection_upheld()
};

/** A step of the timeline that is not a change of the application's status. */
export function timelineText(kind: Exclude<PublicTimelineKind, 'transition'>, event: string, amount: string): string {
  switch (kind) {
    case 'vote':
      return m.pub_proj_tl_vote({ choice: (choices[event] ?? (() => event))() });
    case 'objection_filed':
      return m.pub_proj_tl_objection_filed();
    case 'objection_decided':
      return (outcomes[event] ?? (() => event))();
    case 'payout_requested':
      return m.pub_proj_tl_payout_requested({ amount });
    case 'payout_paid':
      return m.pub_proj_tl_payout_paid({ amount });
    case 'payout_cancelled':
      return m.pub_proj_tl_payout_cancelled({ amount });
    case 'acceptance_recorded':
      return m.pub_proj_tl_acceptance_recorded();
    case 'acceptance_confirmed':
      return m.pub_proj_tl_acceptance_confirmed();
    case 'resident_signoff':
      return m.signoff_timeline_step();
  }
}
