import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/** The routes of the period close (结账): who may do what (see RouteEntry in ../route-access.ts). */

const booksRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'books.read', { fundId: target.fundId ?? '' })
};

const closePeriod: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'books.close_period', { fundId: target.fundId ?? '' })
};

export const PERIODS_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/periods': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/periods`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/periods`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: booksRead,
    actions: {
      // An empty form: refused as incomplete (400) before anything is closed.
      month: { access: closePeriod, body: () => ({}) },
      year: { access: closePeriod, body: () => ({}) }
    },
    endpoints: {}
  }
};
