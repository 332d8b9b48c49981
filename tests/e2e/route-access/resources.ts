import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/**
 * The resources list (/funds/<slug>/resources…, /f/<slug>/resources): the office, the leadership
 * and the supervisor read it; the fund administrator (resource.manage) records offers and what they
 * give. The matrix must not depend on what the demo made, so an offer's targets name a number no
 * offer has: 404 for whoever passes the gate, before a form is read. Forms that are posted are
 * empty or name nothing, so nothing is written. The rights on real offers are tested in
 * tests/db/resources.test.ts and tests/e2e/resources.test.ts.
 */

const officeRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.office.read', { fundId: target.fundId ?? '' })
};

const resourceManage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'resource.manage', { fundId: target.fundId ?? '' })
};

const MISSING_NUMBER = 987654321;

export const RESOURCES_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/resources': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/resources`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/resources`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: officeRead,
    // An empty form: refused as incomplete (400) before anything is recorded.
    actions: { record: { access: resourceManage, body: () => ({}) } },
    endpoints: {}
  },
  '/funds/[slug]/resources/[number]': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/resources/${MISSING_NUMBER}`, fundId: fx.fundId, compoundId: null, missing: true },
      {
        path: `/funds/${fx.otherFundSlug}/resources/${MISSING_NUMBER}`,
        fundId: fx.otherFundId,
        compoundId: null,
        missing: true
      }
    ],
    load: officeRead,
    actions: {
      contribute: { access: resourceManage, body: () => ({}) },
      end: { access: resourceManage, body: () => ({ end: 'withdrawn' }) }
    },
    endpoints: {}
  },
  '/f/[slug]/resources': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/resources`, fundId: fx.fundId, compoundId: null },
      {
        path: `/f/${fx.fundSlug}/resources?kind=room&year=2026&unit=nope&status=bogus`,
        fundId: fx.fundId,
        compoundId: null
      }
    ],
    load: { kind: 'public' },
    actions: {},
    endpoints: {}
  }
};
