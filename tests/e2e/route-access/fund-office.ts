import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry, Target } from '../route-access';

/** The routes of this feature: who may do what (see RouteEntry in ../route-access.ts). */

const officeRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.office.read', { fundId: target.fundId ?? '' })
};

const officeManage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.office.manage', { fundId: target.fundId ?? '' })
};

const compoundRef = (target: Target) => ({ fundId: target.fundId ?? '', compoundId: target.compoundId ?? '' });

const householdsManage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'compound.households.manage', compoundRef(target))
};

/** An empty form: every action refuses it as incomplete (400) before writing anything. */
const empty = () => ({});

export const FUND_OFFICE_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: officeRead,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/settings': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/settings`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/settings`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: officeRead,
    actions: {
      profile: { access: officeManage, body: empty },
      policy: { access: officeManage, body: empty }
    },
    endpoints: {}
  },
  '/funds/[slug]/registers': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/registers`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/registers`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: officeRead,
    actions: {
      addUnit: { access: officeManage, body: empty },
      editUnit: { access: officeManage, body: (fx) => ({ id: fx.missingId }) },
      addCompound: { access: officeManage, body: empty },
      editCompound: { access: officeManage, body: (fx) => ({ id: fx.missingId }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/registers/compounds/[id]': {
    targets: (fx) => [
      {
        path: `/funds/${fx.fundSlug}/registers/compounds/${fx.compoundA}`,
        fundId: fx.fundId,
        compoundId: fx.compoundA
      },
      {
        path: `/funds/${fx.fundSlug}/registers/compounds/${fx.compoundB}`,
        fundId: fx.fundId,
        compoundId: fx.compoundB
      },
      {
        path: `/funds/${fx.otherFundSlug}/registers/compounds/${fx.otherCompoundId}`,
        fundId: fx.otherFundId,
        compoundId: fx.otherCompoundId
      },
      // A compound id of another fund under this fund's slug: nobody may see it here.
      {
        path: `/funds/${fx.fundSlug}/registers/compounds/${fx.otherCompoundId}`,
        fundId: fx.fundId,
        compoundId: fx.otherCompoundId,
        missing: true
      }
    ],
    load: {
      kind: 'policy',
      decide: (actor, target) => can(actor, 'compound.read', compoundRef(target))
    },
    actions: {
      add: { access: householdsManage, body: empty },
      edit: { access: householdsManage, body: (fx) => ({ householdId: fx.missingId }) },
      paste: { access: householdsManage, body: () => ({ lines: '' }) },
      // No file: refused as empty (400) before anything is read.
      regimport: { access: householdsManage, body: empty },
      // Not a household id: dropped, so the list is set to none (the fixture's compounds have no representative).
      representatives: { access: householdsManage, body: () => ({ representative: 'x' }) }
    },
    endpoints: {}
  }
};
