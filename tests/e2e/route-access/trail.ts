import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/**
 * The audit trail's CSV (see RouteEntry in ../route-access.ts): the filtered trail, streamed, for
 * the fund's office and its supervisor only (audit.read). The trail on the page itself is part of
 * /funds/[slug]/audit, registered in ./audit.ts.
 */

const auditRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'audit.read', { fundId: target.fundId ?? '' })
};

export const TRAIL_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/audit/trail.csv': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/audit/trail.csv?kind=vote.cast`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/audit/trail.csv`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: 'none',
    actions: {},
    endpoints: { GET: auditRead }
  }
};
