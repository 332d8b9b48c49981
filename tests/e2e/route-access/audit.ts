import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/**
 * The auditor's package (see RouteEntry in ../route-access.ts): the page that chooses a period
 * (and shows the audit trail) and the streamed archive, both for the fund's office and its
 * supervisor only.
 */

const auditPackage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'books.audit_package', { fundId: target.fundId ?? '' })
};

/** The page also shows the audit trail, so it asks audit.read too (today the same two roles). */
const auditPage: Access = {
  kind: 'policy',
  decide: (actor, target) => {
    const packageDecision = can(actor, 'books.audit_package', { fundId: target.fundId ?? '' });
    return packageDecision.allowed ? can(actor, 'audit.read', { fundId: target.fundId ?? '' }) : packageDecision;
  }
};

export const AUDIT_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/audit': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/audit`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/audit`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: auditPage,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/audit/package.zip': {
    targets: (fx) => [
      {
        path: `/funds/${fx.fundSlug}/audit/package.zip?from=2026-01-01&to=2026-12-31`,
        fundId: fx.fundId,
        compoundId: null
      },
      {
        path: `/funds/${fx.otherFundSlug}/audit/package.zip?from=2026-01-01&to=2026-12-31`,
        fundId: fx.otherFundId,
        compoundId: null
      }
    ],
    load: 'none',
    actions: {},
    endpoints: { GET: auditPackage }
  }
};
