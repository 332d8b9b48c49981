import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/** The routes of corrections (冲销): who may do what (see RouteEntry in ../route-access.ts). */

const confirm: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'books.correct.confirm', { fundId: target.fundId ?? '' })
};

export const CORRECTIONS_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/corrections': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/corrections`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/corrections`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: confirm,
    actions: {
      // A correction that does not exist: refused as correction_not_found, nothing written.
      confirm: { access: confirm, body: (fx) => ({ correctionId: fx.missingId }) },
      decline: { access: confirm, body: (fx) => ({ correctionId: fx.missingId }) }
    },
    endpoints: {}
  }
};
