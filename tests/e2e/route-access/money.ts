import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/** The routes of this feature: who may do what (see RouteEntry in ../route-access.ts). */

const officeRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.office.read', { fundId: target.fundId ?? '' })
};

const officeManage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.office.manage', { fundId: target.fundId ?? '' })
};

/** A SHA-256 that no attachment has. */
const HASH_NONE = '0'.repeat(64);

export const MONEY_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/money': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/money`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/money`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: officeRead,
    actions: {
      // An empty form: refused as incomplete (400) before anything is recorded.
      record: { access: officeManage, body: () => ({}) },
      // A unit that does not exist: refused as unit_must_belong_to_fund, no pledge written.
      pledge: { access: officeManage, body: (fx) => ({ unitId: fx.missingId, amount: '1.00' }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/vouchers/[seq]': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/vouchers/1`, fundId: fx.fundId, compoundId: null },
      // The other fund has no entries yet, and no fund has this many: an allowed visitor gets 404.
      { path: `/funds/${fx.otherFundSlug}/vouchers/1`, fundId: fx.otherFundId, compoundId: null, missing: true },
      { path: `/funds/${fx.fundSlug}/vouchers/987654321`, fundId: fx.fundId, compoundId: null, missing: true }
    ],
    load: officeRead,
    actions: {
      // An empty form: refused as incomplete (400) before anything is reversed.
      correct: {
        access: {
          kind: 'policy',
          decide: (actor, target) => can(actor, 'books.correct', { fundId: target.fundId ?? '' })
        },
        body: () => ({})
      }
    },
    endpoints: {}
  },
  '/funds/[slug]/attachments/[sha256]': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/attachments/${HASH_NONE}`, fundId: fx.fundId, compoundId: null, missing: true },
      {
        path: `/funds/${fx.otherFundSlug}/attachments/${HASH_NONE}`,
        fundId: fx.otherFundId,
        compoundId: null,
        missing: true
      }
    ],
    load: 'none',
    actions: {},
    endpoints: { GET: officeRead }
  }
};
