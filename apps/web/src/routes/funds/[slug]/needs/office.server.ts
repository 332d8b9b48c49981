import type { RequestEvent } from '@sveltejs/kit';
import { authorize } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';

/**
 * The compounds whose needs a person reads on the office's needs pages: every compound for the
 * office, the leadership group and the supervisor (null), the compounds a committee member serves,
 * and for anyone else a refusal (the policy's own 403 or sign-in redirect).
 */
export function needsReaderCompounds(event: Pick<RequestEvent, 'locals' | 'url'>, fundId: string): string[] | null {
  const actor = event.locals.actor;
  if (can(actor, 'fund.office.read', { fundId }).allowed) return null;
  const served =
    actor.kind === 'user'
      ? actor.memberships
          .filter((membership) => membership.fundId === fundId && membership.role === 'committee')
          .flatMap((membership) => (membership.compoundId === null ? [] : [membership.compoundId]))
      : [];
  if (served.length === 0) authorize(event, 'fund.office.read', { fundId });
  return served;
}
