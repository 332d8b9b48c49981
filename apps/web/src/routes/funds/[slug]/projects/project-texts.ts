import { m } from '$lib/paraglide/messages';
import type { PersonLabel } from '$lib/server/projects/acceptance';
import type { FundRole } from '$lib/server/access/policy';
import type { TimelineKind } from '$lib/server/projects/project-statement';
import { roleNames } from '../../role-names';

/**
 * How the project pages name people and the steps of a project's timeline, in the visitor's
 * language. A person is their role and their unit or compound, never their name: the statement is
 * read by the residents too.
 */

function isRole(role: string | null): role is FundRole {
  return role !== null && role in roleNames;
}

export function personText(person: PersonLabel): string {
  const role = isRole(person.role) ? roleNames[person.role]() : m.project_who_unknown();
  return person.placeName === null ? role : m.project_who_at({ role, place: person.placeName });
}

const timelineTexts: Record<Exclude<TimelineKind, 'transition'>, (amount: string) => string> = {
  payout_requested: (amount) => m.project_timeline_payout_requested({ amount }),
  payout_paid: (amount) => m.project_timeline_payout_paid({ amount }),
  payout_cancelled: (amount) => m.project_timeline_payout_cancelled({ amount }),
  acceptance_recorded: () => m.project_timeline_acceptance_recorded(),
  resident_signoff: () => m.signoff_timeline_step()
};

/** A step of the timeline that is not a change of the application's status. */
export function timelineText(kind: TimelineKind, amount: string): string {
  return kind === 'transition' ? '' : timelineTexts[kind](amount);
}
